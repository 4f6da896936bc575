/*
 * test_fuzz_replay.c - replays every committed fuzz seed and crash
 * reproducer through the four libFuzzer targets (tests/fuzz/fuzz_*.c),
 * compiled here by the plain unit-test build (gcc, or the ASan build of
 * tests/check.sh), so every crash ever found stays a test.
 *
 * Inputs: every file in tests/fuzz/corpus/<target>/ and tests/fuzz/crashes/<target>/,
 * relative to the current directory (tests/check.sh and `make fuzz-replay`
 * run from the repository root) or to $DRVCAT_FUZZ_DIR (the tests/fuzz
 * directory) when set.  Output is TAP, one line per input, like cmocka's
 * TAP output: "ok N - inf corpus/base.inf".  Each input runs in a child
 * process (fork), so a crash, a sanitizer report or, under AddressSanitizer,
 * a leak (LeakSanitizer runs in the child after the input) is "not ok" for
 * the input that caused it and the remaining inputs still run.  A target
 * that returns non-zero is "not ok" too.  The exit status is the number of
 * failed inputs, as for the cmocka suites.
 */
#include <dirent.h>
#include <sys/wait.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_ASAN 1
#endif
#endif
#ifdef REPLAY_ASAN
#include <sanitizer/lsan_interface.h>
/* Non-zero when memory leaked (and reports it). */
#define replay_leaked() (__lsan_do_recoverable_leak_check() != 0)
#else
#define replay_leaked() 0
#endif

#define FUZZ_ENTRY fuzz_replay_inf
#include "../fuzz/fuzz_inf.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_replay_pe
#include "../fuzz/fuzz_pe.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_replay_cat
#include "../fuzz/fuzz_cat.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_replay_verify
#include "../fuzz/fuzz_verify.c"
#undef FUZZ_ENTRY

struct replay_target {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
};

static const struct replay_target targets[] = {
	{ "inf", fuzz_replay_inf },
	{ "pe", fuzz_replay_pe },
	{ "cat", fuzz_replay_cat },
	{ "verify", fuzz_replay_verify },
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))
static const char *const kinds[] = { "corpus", "crashes" };

struct replay_input {
	const struct replay_target *target;
	char *path;  /* to open */
	char *label; /* "inf corpus/base.inf" */
};

static struct replay_input *inputs;
static size_t ninputs;
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int add_input(const struct replay_target *t, const char *dir, const char *kind,
		     const char *name)
{
	struct replay_input *grown = realloc(inputs, (ninputs + 1) * sizeof(*inputs));
	size_t plen = strlen(dir) + strlen(name) + 2, llen = strlen(t->name) + strlen(kind) + strlen(name) + 3;

	if (!grown)
		return -1;
	inputs = grown;
	inputs[ninputs].target = t;
	inputs[ninputs].path = malloc(plen);
	inputs[ninputs].label = malloc(llen);
	if (!inputs[ninputs].path || !inputs[ninputs].label)
		return -1;
	snprintf(inputs[ninputs].path, plen, "%s/%s", dir, name);
	snprintf(inputs[ninputs].label, llen, "%s %s/%s", t->name, kind, name);
	ninputs++;
	return 0;
}

/* Collects the regular files of root/kind/target, sorted; a missing directory is empty. */
static int collect(const char *root, const struct replay_target *t, const char *kind)
{
	char dir[4096];
	struct dirent **list = NULL;
	int n, rc = 0;

	snprintf(dir, sizeof(dir), "%s/%s/%s", root, kind, t->name);
	n = scandir(dir, &list, NULL, by_name);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		char path[8192];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (!rc && list[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			rc = add_input(t, dir, kind, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return rc;
}

static int read_all(const char *path, unsigned char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!fp)
		return -1;
	for (;;) {
		size_t got;

		if (n == cap) {
			unsigned char *grown = realloc(buf, cap ? cap * 2 : 65536);

			if (!grown) {
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = grown;
			cap = cap ? cap * 2 : 65536;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	*out = buf;
	*len = n;
	return 0;
}

enum { REPLAY_OK = 0, REPLAY_UNREADABLE = 90, REPLAY_NONZERO = 91, REPLAY_LEAK = 92 };

/* Runs one input (in the child); its exit code says how it went. */
static int replay_one(const struct replay_input *in)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc;

	if (read_all(in->path, &data, &len) != 0)
		return REPLAY_UNREADABLE;
	rc = in->target->run(data, len);
	free(data);
	fuzz_inf_cleanup();
	if (replay_leaked())
		return REPLAY_LEAK;
	return rc ? REPLAY_NONZERO : REPLAY_OK;
}

int main(void)
{
	const char *root = getenv("DRVCAT_FUZZ_DIR");
	struct stat st;
	int failed = 0;

	if (!root || !root[0])
		root = "tests/fuzz";
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("1..1\nnot ok 1 - fuzz corpus directory %s not found (run from the repository root or set DRVCAT_FUZZ_DIR)\n",
		       root);
		return 1;
	}
	for (size_t t = 0; t < NTARGETS; t++)
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (collect(root, &targets[t], kinds[k]) != 0) {
				printf("1..1\nnot ok 1 - out of memory listing %s\n", root);
				return 1;
			}
	if (ninputs == 0) {
		printf("1..1\nnot ok 1 - no fuzz inputs under %s/corpus (run tests/fuzz/make-seeds.sh)\n", root);
		return 1;
	}
	printf("1..%zu\n", ninputs);
	for (size_t i = 0; i < ninputs; i++) {
		int wst = 0;
		pid_t pid;

		fflush(NULL); /* nothing buffered may be written twice by the child */
		pid = fork();
		if (pid == 0)
			_exit(replay_one(&inputs[i]));
		if (pid < 0 || waitpid(pid, &wst, 0) != pid) {
			printf("not ok %zu - %s: cannot run it in a child process\n", i + 1, inputs[i].label);
			failed++;
		} else if (WIFSIGNALED(wst)) {
			printf("not ok %zu - %s: killed by signal %d (crash or sanitizer report above)\n", i + 1,
			       inputs[i].label, WTERMSIG(wst));
			failed++;
		} else if (WEXITSTATUS(wst) != REPLAY_OK) {
			printf("not ok %zu - %s: %s\n", i + 1, inputs[i].label,
			       WEXITSTATUS(wst) == REPLAY_UNREADABLE ? "cannot read the file"
			       : WEXITSTATUS(wst) == REPLAY_NONZERO  ? "the target returned non-zero"
			       : WEXITSTATUS(wst) == REPLAY_LEAK     ? "memory leak (LeakSanitizer report above)"
								    : "exited abnormally (sanitizer report above)");
			failed++;
		} else {
			printf("ok %zu - %s\n", i + 1, inputs[i].label);
		}
	}
	for (size_t i = 0; i < ninputs; i++) {
		free(inputs[i].path);
		free(inputs[i].label);
	}
	free(inputs);
	return failed > 255 ? 255 : failed;
}
