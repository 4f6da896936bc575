/*
 * batch.h - hashing many files on several threads.  Results land in the
 * caller's array at the file's index, so the output (and any catalog built
 * from it) does not depend on the number of threads or their timing.  Each
 * thread streams one file at a time through HASH_CHUNK-byte reads, so memory
 * stays bounded by the thread count, not by the package size.
 */
#ifndef DRVCAT_HASH_BATCH_H
#define DRVCAT_HASH_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

/* Called after each file, from the hashing threads, one call at a time. */
typedef void (*hash_progress_fn)(void *ctx, size_t files_done, uint64_t bytes_done);

struct hash_batch_options {
	struct hash_options hash;
	unsigned jobs;              /* threads; 0 = online CPUs */
	hash_progress_fn progress;  /* may be NULL */
	void *progress_ctx;
	/*
	 * Keep going: when codes is not NULL every file is hashed, codes[i]
	 * receives each file's result, and hash_batch returns 0 unless it could
	 * not run at all.  messages, when not NULL, receives a failed file's
	 * message at its index (malloc'd; NULL for a file that hashed, and when
	 * memory ran out).  Only failures keep a message: a whole dc_error per
	 * file was 10 MB for a 10,000-file package.
	 */
	int *codes;
	char **messages;
};

/*
 * Hashes paths[0..n) into out[0..n).  On failure the error is the one of the
 * lowest-numbered file that failed (so it is the same at any --jobs),
 * *failed is its index, and out[] holds nothing to free.
 */
int hash_batch(struct hash_result *out, const char *const *paths, size_t n,
	       const struct hash_batch_options *opt, size_t *failed, struct dc_error *err);

/* The number of online CPUs (at least 1). */
unsigned hash_online_cpus(void);

#endif
