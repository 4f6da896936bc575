/*
 * readrate.c - what bounds hashing a package from the page cache on this
 * machine: read (or map) files and digest them the way drvcat does, with a
 * choice of I/O and thread count, so the cost of drvcat's own work (INF walk,
 * catalog encoding) can be told apart from the cost of reading and hashing.
 * An analysis aid for bench/RESULTS.md, not part of drvcat.
 *
 *   cc -O2 -pthread -o /tmp/readrate bench/readrate.c -lcrypto
 *   /tmp/readrate pread|mmap CHUNK_KIB THREADS none|sha1|sha256|both LIST0
 *
 * LIST0 is a NUL-separated list of file paths (bench/run writes one per
 * package).  Files are handed to threads in list order, one at a time, as
 * drvcat's hash_batch does.  Prints wall seconds and MiB/s.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char **paths;
static size_t npaths, next_path;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int use_mmap;
static size_t chunk;
static unsigned want; /* 1 sha1, 2 sha256 */
static unsigned long long total;

static void update(EVP_MD_CTX *c[2], const unsigned char *p, size_t n)
{
	for (int i = 0; i < 2; i++)
		if (c[i])
			EVP_DigestUpdate(c[i], p, n);
}

static void *worker(void *arg)
{
	unsigned char *buf = malloc(chunk);
	unsigned long long bytes = 0;

	(void)arg;
	for (;;) {
		EVP_MD_CTX *c[2] = { NULL, NULL };
		unsigned char md[64];
		struct stat st;
		size_t i;
		int fd;

		pthread_mutex_lock(&lock);
		i = next_path++;
		pthread_mutex_unlock(&lock);
		if (i >= npaths)
			break;
		if ((fd = open(paths[i], O_RDONLY)) < 0 || fstat(fd, &st) != 0) {
			perror(paths[i]);
			exit(1);
		}
		if (want & 1) {
			c[0] = EVP_MD_CTX_new();
			EVP_DigestInit_ex(c[0], EVP_sha1(), NULL);
		}
		if (want & 2) {
			c[1] = EVP_MD_CTX_new();
			EVP_DigestInit_ex(c[1], EVP_sha256(), NULL);
		}
		if (use_mmap && st.st_size > 0) {
			unsigned char *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);

			if (m == MAP_FAILED) {
				perror("mmap");
				exit(1);
			}
			for (off_t o = 0; o < st.st_size; o += (off_t)chunk) {
				size_t n = (size_t)(st.st_size - o) < chunk ? (size_t)(st.st_size - o) : chunk;

				update(c, m + o, n);
			}
			munmap(m, (size_t)st.st_size);
		} else {
			for (off_t o = 0; o < st.st_size;) {
				ssize_t got = pread(fd, buf, chunk, o);

				if (got <= 0) {
					perror("pread");
					exit(1);
				}
				update(c, buf, (size_t)got);
				o += got;
			}
		}
		for (int k = 0; k < 2; k++) {
			if (c[k]) {
				EVP_DigestFinal_ex(c[k], md, NULL);
				EVP_MD_CTX_free(c[k]);
			}
		}
		bytes += (unsigned long long)st.st_size;
		close(fd);
	}
	pthread_mutex_lock(&lock);
	total += bytes;
	pthread_mutex_unlock(&lock);
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t th[64];
	size_t cap = 0, len = 0;
	char *list = NULL;
	unsigned threads;
	FILE *f;
	double s;

	if (argc != 6) {
		fprintf(stderr, "usage: readrate pread|mmap CHUNK_KIB THREADS none|sha1|sha256|both LIST0\n");
		return 2;
	}
	use_mmap = !strcmp(argv[1], "mmap");
	chunk = (size_t)atoi(argv[2]) * 1024;
	threads = (unsigned)atoi(argv[3]);
	want = !strcmp(argv[4], "sha1") ? 1 : !strcmp(argv[4], "sha256") ? 2 : !strcmp(argv[4], "both") ? 3 : 0;
	if (!chunk || threads < 1 || threads > 64 || !(f = fopen(argv[5], "rb")))
		return 2;
	for (int ch; (ch = getc(f)) != EOF;) {
		if (len + 1 >= cap && !(list = realloc(list, cap = cap ? cap * 2 : 65536)))
			return 1;
		list[len++] = (char)ch;
	}
	fclose(f);
	for (size_t i = 0; i < len; i += strlen(list + i) + 1) {
		paths = realloc(paths, (npaths + 1) * sizeof(*paths));
		paths[npaths++] = list + i;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned t = 0; t < threads; t++)
		pthread_create(&th[t], NULL, worker, NULL);
	for (unsigned t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s %s KiB, %u thread%s, %s: %zu files, %.3f s, %.0f MiB/s\n", argv[1], argv[2], threads,
	       threads == 1 ? "" : "s", argv[4], npaths, s, (double)total / 1048576.0 / s);
	return 0;
}
