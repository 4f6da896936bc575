/*
 * der_write.h - emitting DER (X.690) into a buffer sized in advance.
 *
 * The pattern: compute every element's length first (der_tlv_size over the
 * contents' lengths), allocate the exact total once, then write top-down,
 * each header before its contents.  No allocation here, no OpenSSL.
 *
 * Every put is bounds-checked against the buffer: a put that does not fit
 * writes nothing and marks the writer failed, so a length computation that
 * disagrees with the writing code shows up as one error at the end
 * (der_writer_full is false), never as an overrun.
 *
 * Only single-octet tags (tag numbers below 31) are written; catalogs and
 * Authenticode use no others.
 */
#ifndef DRVCAT_ASN1_DER_WRITE_H
#define DRVCAT_ASN1_DER_WRITE_H

#include <stdbool.h>
#include <stddef.h>

struct der_writer {
	unsigned char *buf;
	size_t cap;    /* bytes buf holds */
	size_t len;    /* bytes written so far */
	bool overflow; /* a put did not fit (sticky) */
};

void der_writer_init(struct der_writer *w, unsigned char *buf, size_t cap);

/* Whether every put fitted and the buffer is exactly full. */
bool der_writer_full(const struct der_writer *w);

/*
 * Octets of an identifier plus definite length for content_len contents
 * octets: 2 below 128 (short form), else 2 + the minimal number of length
 * octets (X.690 8.1.3.5, 10.1).
 */
size_t der_header_size(size_t content_len);

/* Header plus contents; SIZE_MAX when that does not fit in size_t (SIZE_MAX in, SIZE_MAX out). */
size_t der_tlv_size(size_t content_len);

/* a + b, or SIZE_MAX when that overflows: sums of der_tlv_size results stay safe. */
size_t der_size_add(size_t a, size_t b);

/* Writes identifier octet tag and the minimal definite length of content_len. */
void der_put_header(struct der_writer *w, unsigned char tag, size_t content_len);

/* Writes n raw octets (already-encoded elements, or contents after a header). */
void der_put(struct der_writer *w, const void *p, size_t n);

/* Writes one whole element: header, then the n contents octets at p. */
void der_put_tlv(struct der_writer *w, unsigned char tag, const void *p, size_t n);

/*
 * Reserves the next n octets and returns where they start, for contents the
 * caller produces in place; NULL (and the writer failed) when they do not fit.
 */
unsigned char *der_reserve(struct der_writer *w, size_t n);

/* One complete encoded element: what a SET OF orders. */
struct der_span {
	const unsigned char *p;
	size_t len;
};

/*
 * SET OF order (X.690 11.6) exactly as OpenSSL's i2d sorts SET OF: the
 * encodings compared as octet strings, and when one is a prefix of the
 * other the shorter first (X.690 pads the shorter with zero octets; for
 * whole DER elements no prefix case arises).  <0, 0 or >0 like memcmp.
 */
int der_set_cmp(const struct der_span *a, const struct der_span *b);

/*
 * Writes SET OF { the n elements } with the elements in SET OF order; el
 * is sorted in place.  The SET's length is the sum of the elements' lengths
 * (der_set_content_size).
 */
void der_put_set(struct der_writer *w, struct der_span *el, size_t n);
size_t der_set_content_size(const struct der_span *el, size_t n);

#endif
