/*
 * buf.h - a growable byte buffer with a hard maximum size (curl's dynbuf idea):
 * every append checks the cap, so hostile input cannot make it grow without
 * bound.  The contents are always NUL-terminated.
 */
#ifndef DRVCAT_UTIL_BUF_H
#define DRVCAT_UTIL_BUF_H

#include <stddef.h>

#include "error.h"

struct dc_buf {
	char *data;  /* NUL-terminated; NULL until the first append */
	size_t len;  /* bytes used, excluding the terminator */
	size_t cap;  /* bytes allocated */
	size_t max;  /* len may never exceed this */
};

/* Starts an empty buffer that may hold at most max bytes. */
void dc_buf_init(struct dc_buf *b, size_t max);
void dc_buf_free(struct dc_buf *b);
void dc_buf_reset(struct dc_buf *b);

/* Appends n bytes; DC_ENOMEM (with a message) when over max or out of memory. */
int dc_buf_append(struct dc_buf *b, const void *data, size_t n, struct dc_error *err);
int dc_buf_puts(struct dc_buf *b, const char *s, struct dc_error *err);
int dc_buf_putc(struct dc_buf *b, char c, struct dc_error *err);
int dc_buf_printf(struct dc_buf *b, struct dc_error *err, const char *fmt, ...) DC_PRINTF(3, 4);

/* Hands the data to the caller (free() it) and leaves b empty. */
char *dc_buf_detach(struct dc_buf *b);

/*
 * Grows an array *items of *cap elements of size elem so that it holds at
 * least need elements; overflow-checked.  Returns 0 or DC_ENOMEM.
 */
int dc_array_grow(void **items, size_t *cap, size_t need, size_t elem, struct dc_error *err);

/*
 * An arena: many small allocations freed at once.  Used for the strings of a
 * parsed INF, which all live exactly as long as the parsed file.
 */
struct dc_arena_chunk;
struct dc_arena {
	struct dc_arena_chunk *head;
};

void dc_arena_init(struct dc_arena *a);
void dc_arena_free(struct dc_arena *a);
/* Returns n bytes (aligned for any type), or NULL when out of memory. */
void *dc_arena_alloc(struct dc_arena *a, size_t n);
/* Copies n bytes of s and a NUL into the arena. */
char *dc_arena_strndup(struct dc_arena *a, const char *s, size_t n);
char *dc_arena_strdup(struct dc_arena *a, const char *s);

#endif
