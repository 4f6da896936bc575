/* test_batch.c - parallel hashing gives the same results at any thread count. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/hash/batch.h"

#define NFILES 37

struct fixture {
	char dir[64];
	char *paths[NFILES];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/drvcat-batch-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	for (int i = 0; i < NFILES; i++) {
		char name[128];
		FILE *f;

		snprintf(name, sizeof(name), "%s/f%02d", fx->dir, i);
		fx->paths[i] = strdup(name);
		f = fopen(name, "wb");
		assert_non_null(f);
		/* different sizes, some above one 64 KiB chunk */
		for (int k = 0; k < i * 3000; k++)
			fputc((i * 7 + k) & 0xFF, f);
		fclose(f);
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	for (int i = 0; i < NFILES; i++) {
		unlink(fx->paths[i]);
		rmdir(fx->paths[i]);
		free(fx->paths[i]);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void test_batch__same_results_at_any_thread_count(void **state)
{
	struct fixture *fx = *state;
	struct hash_result one[NFILES], many[NFILES];
	struct hash_batch_options opt;
	struct dc_error err = { 0, "" };
	size_t failed;

	memset(&opt, 0, sizeof(opt));
	opt.jobs = 1;
	assert_int_equal(hash_batch(one, (const char *const *)fx->paths, NFILES, &opt, &failed, &err), 0);
	for (unsigned jobs = 2; jobs <= 16; jobs *= 2) {
		opt.jobs = jobs;
		assert_int_equal(hash_batch(many, (const char *const *)fx->paths, NFILES, &opt, &failed, &err), 0);
		for (int i = 0; i < NFILES; i++) {
			assert_memory_equal(one[i].sha256, many[i].sha256, 32);
			assert_memory_equal(one[i].sha1, many[i].sha1, 20);
			assert_int_equal(one[i].file_size, (uint64_t)i * 3000);
			hash_result_free(&many[i]);
		}
	}
	for (int i = 0; i < NFILES; i++)
		hash_result_free(&one[i]);
}

/* The error reported is the lowest-numbered failing file's, at any thread count. */
static void test_batch__first_failure_wins(void **state)
{
	struct fixture *fx = *state;
	struct hash_result res[NFILES];
	struct hash_batch_options opt;
	size_t failed;

	/* files 11 and 29 become directories */
	unlink(fx->paths[29]);
	mkdir(fx->paths[29], 0700);
	unlink(fx->paths[11]);
	mkdir(fx->paths[11], 0700);
	memset(&opt, 0, sizeof(opt));
	for (unsigned jobs = 1; jobs <= 8; jobs *= 2) {
		struct dc_error err = { 0, "" };
		char want[256];

		opt.jobs = jobs;
		assert_int_equal(hash_batch(res, (const char *const *)fx->paths, NFILES, &opt, &failed, &err),
				 DC_EIO);
		assert_int_equal(failed, 11);
		snprintf(want, sizeof(want), "%s: not a regular file", fx->paths[11]);
		assert_string_equal(err.msg, want);
	}
	/* keep going: every file has its own result */
	{
		int codes[NFILES];
		char *messages[NFILES];
		char want[256];
		struct dc_error err = { 0, "" };

		opt.jobs = 4;
		opt.codes = codes;
		opt.messages = messages;
		assert_int_equal(hash_batch(res, (const char *const *)fx->paths, NFILES, &opt, &failed, &err), 0);
		for (int i = 0; i < NFILES; i++) {
			assert_int_equal(codes[i], (i == 11 || i == 29) ? DC_EIO : 0);
			if (i == 11 || i == 29) {
				snprintf(want, sizeof(want), "%s: not a regular file", fx->paths[i]);
				assert_non_null(messages[i]);
				assert_string_equal(messages[i], want);
			} else {
				assert_null(messages[i]);
			}
			free(messages[i]);
			hash_result_free(&res[i]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch__same_results_at_any_thread_count),
		cmocka_unit_test(test_batch__first_failure_wins),
	};

	return cmocka_run_group_tests_name("batch", tests, setup, teardown);
}
