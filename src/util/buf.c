#include "buf.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dc_buf_init(struct dc_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void dc_buf_free(struct dc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void dc_buf_reset(struct dc_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

int dc_buf_append(struct dc_buf *b, const void *data, size_t n, struct dc_error *err)
{
	if (n > b->max || b->len > b->max - n)
		return dc_error_set(err, DC_ENOMEM, "text longer than the limit of %zu bytes", b->max);
	if (b->len + n + 1 > b->cap) {
		size_t want = b->cap ? b->cap : 64;
		char *p;

		while (want < b->len + n + 1)
			want = want > SIZE_MAX / 2 ? b->len + n + 1 : want * 2;
		p = realloc(b->data, want);
		if (!p)
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		b->data = p;
		b->cap = want;
	}
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int dc_buf_puts(struct dc_buf *b, const char *s, struct dc_error *err)
{
	return dc_buf_append(b, s, strlen(s), err);
}

int dc_buf_putc(struct dc_buf *b, char c, struct dc_error *err)
{
	return dc_buf_append(b, &c, 1, err);
}

int dc_buf_printf(struct dc_buf *b, struct dc_error *err, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return dc_error_set(err, DC_EUSAGE, "bad format string");
	if ((size_t)n < sizeof(small))
		return dc_buf_append(b, small, (size_t)n, err);
	{
		char *big = malloc((size_t)n + 1);
		int rc;

		if (!big)
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		rc = dc_buf_append(b, big, (size_t)n, err);
		free(big);
		return rc;
	}
}

char *dc_buf_detach(struct dc_buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int dc_array_grow(void **items, size_t *cap, size_t need, size_t elem, struct dc_error *err)
{
	size_t want;
	void *p;

	if (need <= *cap)
		return 0;
	want = *cap ? *cap : 8;
	while (want < need) {
		if (want > SIZE_MAX / 2)
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		want *= 2;
	}
	if (want > SIZE_MAX / elem)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	p = realloc(*items, want * elem);
	if (!p)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	*items = p;
	*cap = want;
	return 0;
}

/* Arena chunks: a header followed by data, each at least ARENA_CHUNK bytes. */
#define ARENA_CHUNK 16384

struct dc_arena_chunk {
	struct dc_arena_chunk *next;
	size_t used;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

void dc_arena_init(struct dc_arena *a)
{
	a->head = NULL;
}

void dc_arena_free(struct dc_arena *a)
{
	struct dc_arena_chunk *c = a->head;

	while (c) {
		struct dc_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

void *dc_arena_alloc(struct dc_arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct dc_arena_chunk *c = a->head;
	size_t rounded;

	if (n > SIZE_MAX - align - sizeof(*c))
		return NULL;
	rounded = (n + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < rounded) {
		size_t size = rounded > ARENA_CHUNK ? rounded : ARENA_CHUNK;

		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	c->used += rounded;
	return c->data + c->used - rounded;
}

char *dc_arena_strndup(struct dc_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = dc_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *dc_arena_strdup(struct dc_arena *a, const char *s)
{
	return dc_arena_strndup(a, s, strlen(s));
}
