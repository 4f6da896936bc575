/*
 * der_write.c - the DER writer of der_write.h: length octets (X.690 8.1.3)
 * and SET OF ordering (11.6).
 */
#include "der_write.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void der_writer_init(struct der_writer *w, unsigned char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->len = 0;
	w->overflow = false;
}

bool der_writer_full(const struct der_writer *w)
{
	return !w->overflow && w->len == w->cap;
}

/* Octets needed for n in base 256 without leading zeros (at least one). */
static size_t length_octets(size_t n)
{
	size_t k = 1;

	while (n > 0xFF) {
		n >>= 8;
		k++;
	}
	return k;
}

size_t der_header_size(size_t content_len)
{
	/* short form below 128; else 0x80|k then k big-endian octets (8.1.3.4-5) */
	return content_len < 0x80 ? 2 : 2 + length_octets(content_len);
}

size_t der_tlv_size(size_t content_len)
{
	return der_size_add(der_header_size(content_len), content_len);
}

size_t der_size_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

unsigned char *der_reserve(struct der_writer *w, size_t n)
{
	unsigned char *p;

	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

void der_put(struct der_writer *w, const void *p, size_t n)
{
	unsigned char *o = der_reserve(w, n);

	if (o && n)
		memcpy(o, p, n);
}

void der_put_header(struct der_writer *w, unsigned char tag, size_t content_len)
{
	size_t k = content_len < 0x80 ? 0 : length_octets(content_len);
	unsigned char *o = der_reserve(w, 2 + k);

	if (!o)
		return;
	o[0] = tag;
	if (!k) {
		o[1] = (unsigned char)content_len;
		return;
	}
	o[1] = (unsigned char)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		o[2 + i] = (unsigned char)(content_len >> (8 * (k - 1 - i)));
}

void der_put_tlv(struct der_writer *w, unsigned char tag, const void *p, size_t n)
{
	der_put_header(w, tag, n);
	der_put(w, p, n);
}

int der_set_cmp(const struct der_span *a, const struct der_span *b)
{
	int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);

	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int cmp_span(const void *a, const void *b)
{
	return der_set_cmp(a, b);
}

size_t der_set_content_size(const struct der_span *el, size_t n)
{
	size_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum = der_size_add(sum, el[i].len);
	return sum;
}

void der_put_set(struct der_writer *w, struct der_span *el, size_t n)
{
	/* Equal encodings are equal bytes, so qsort's instability cannot show. */
	if (n > 1)
		qsort(el, n, sizeof(*el), cmp_span);
	der_put_header(w, 0x31, der_set_content_size(el, n));
	for (size_t i = 0; i < n; i++)
		der_put(w, el[i].p, el[i].len);
}
