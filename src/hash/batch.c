#include "batch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct batch {
	struct hash_result *out;
	const char *const *paths;
	size_t n;
	const struct hash_batch_options *opt;
	pthread_mutex_t lock;
	size_t next;             /* next index to hand out */
	size_t done;
	uint64_t bytes;
	size_t failed;           /* lowest failing index, n when none */
	struct dc_error err;     /* its error */
};

unsigned hash_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 && n < 1024 ? (unsigned)n : 1;
}

static void *worker(void *arg)
{
	struct batch *b = arg;

	for (;;) {
		struct dc_error err = { 0, "" };
		size_t i;
		int rc;

		pthread_mutex_lock(&b->lock);
		/* Past a failure only lower indices matter: they decide which error is reported. */
		if (b->next >= b->n || (!b->opt->codes && b->next > b->failed)) {
			pthread_mutex_unlock(&b->lock);
			return NULL;
		}
		i = b->next++;
		pthread_mutex_unlock(&b->lock);

		rc = hash_file(&b->out[i], b->paths[i], &b->opt->hash, &err);

		pthread_mutex_lock(&b->lock);
		if (b->opt->codes) {
			b->opt->codes[i] = rc;
			if (b->opt->messages)
				b->opt->messages[i] = rc ? strdup(err.msg) : NULL;
		}
		if (rc && b->opt->codes) {
			b->done++;
		} else if (rc) {
			if (i < b->failed) {
				b->failed = i;
				b->err = err;
			}
		} else {
			b->done++;
			b->bytes += b->out[i].file_size;
			if (b->opt->progress)
				b->opt->progress(b->opt->progress_ctx, b->done, b->bytes);
		}
		pthread_mutex_unlock(&b->lock);
	}
}

int hash_batch(struct hash_result *out, const char *const *paths, size_t n,
	       const struct hash_batch_options *opt, size_t *failed, struct dc_error *err)
{
	struct batch b;
	unsigned jobs = opt->jobs ? opt->jobs : hash_online_cpus();
	pthread_t *threads;
	unsigned started = 0;

	memset(out, 0, n * sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.out = out;
	b.paths = paths;
	b.n = n;
	b.opt = opt;
	b.failed = n;
	*failed = n;
	if (jobs > n)
		jobs = n ? (unsigned)n : 1;
	if (pthread_mutex_init(&b.lock, NULL) != 0)
		return dc_error_set(err, DC_ENOMEM, "cannot create a mutex");
	threads = calloc(jobs, sizeof(*threads));
	if (!threads) {
		pthread_mutex_destroy(&b.lock);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	/* The calling thread works too: one thread fewer to start. */
	for (unsigned t = 1; t < jobs; t++) {
		if (pthread_create(&threads[t], NULL, worker, &b) != 0)
			break;
		started++;
	}
	worker(&b);
	for (unsigned t = 1; t <= started; t++)
		pthread_join(threads[t], NULL);
	free(threads);
	pthread_mutex_destroy(&b.lock);
	if (b.failed < n) {
		for (size_t i = 0; i < n; i++)
			hash_result_free(&out[i]);
		memset(out, 0, n * sizeof(*out));
		*failed = b.failed;
		if (err)
			*err = b.err;
		return b.err.code ? b.err.code : DC_EIO;
	}
	return 0;
}
