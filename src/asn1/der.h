/*
 * der.h - a strict, read-only DER walker (BearSSL style) for untrusted
 * input: every element must fit inside its parent; indefinite lengths,
 * non-minimal lengths and lengths past the end are errors naming the
 * absolute offset.  No allocation; elements point into the caller's buffer.
 */
#ifndef DRVCAT_ASN1_DER_H
#define DRVCAT_ASN1_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

/* Identifier octets of the universal tags we meet (class universal). */
enum {
	DER_BOOLEAN = 0x01, DER_INTEGER = 0x02, DER_BIT_STRING = 0x03, DER_OCTET_STRING = 0x04,
	DER_NULL = 0x05, DER_OID = 0x06, DER_UTF8STRING = 0x0C, DER_PRINTABLESTRING = 0x13,
	DER_IA5STRING = 0x16, DER_UTCTIME = 0x17, DER_GENERALIZEDTIME = 0x18,
	DER_BMPSTRING = 0x1E, DER_SEQUENCE = 0x30, DER_SET = 0x31
};

/* A cursor over the contents of one constructed element (or a whole buffer). */
struct der {
	const unsigned char *data;
	size_t len;
	size_t pos;
	size_t base;      /* absolute offset of data[0] in the file, for messages */
	const char *name; /* file name, for messages */
};

struct der_elem {
	unsigned char id;         /* first identifier octet (class | constructed | tag < 31) */
	const unsigned char *raw; /* whole element: header and contents */
	size_t raw_len;
	const unsigned char *body; /* contents octets */
	size_t len;
	size_t offset;            /* absolute offset of the header */
	size_t body_offset;       /* absolute offset of the contents */
};

void der_init(struct der *d, const unsigned char *data, size_t len, const char *name);
bool der_at_end(const struct der *d);
/* Peeks the identifier octet of the next element (0 at the end). */
unsigned char der_peek(const struct der *d);
/* Reads the next element; DC_EFORMAT with "name: offset 0x..: why" when malformed. */
int der_next(struct der *d, struct der_elem *e, struct dc_error *err);
/* Reads the next element and requires identifier id; what names it in the message. */
int der_expect(struct der *d, struct der_elem *e, unsigned char id, const char *what,
	       struct dc_error *err);
/* A cursor over a constructed element's contents. */
void der_enter(const struct der *parent, const struct der_elem *e, struct der *child);
/* Requires the cursor to be exhausted ("what" has trailing data otherwise). */
int der_finish(const struct der *d, const char *what, struct dc_error *err);

/*
 * OBJECT IDENTIFIERs are compared by their content octets (what follows
 * 06 LL), never as text: a reader keeps the DER of each OID it knows (as
 * static const arrays, e.g. from src/cat/oids.h OID_DER_*) and compares with
 * der_oid_eq, a length check and a memcmp.  Only well-formed encodings are
 * kept, so a malformed OID never equals one; an OID that matches none of
 * the known ones goes through der_oid_check, which rejects it if malformed.
 * Text is made (der_oid_text) only for messages.
 */

/* Whether e is an OBJECT IDENTIFIER with exactly the content octets body[0..len). */
bool der_oid_eq(const struct der_elem *e, const unsigned char *body, size_t len);
/* der_oid_eq with an array: DER_OID_IS(&e, oid_sha1) where oid_sha1[] holds the bytes. */
#define DER_OID_IS(e, body) der_oid_eq((e), (body), sizeof(body))

/*
 * Checks OID element e (X.690 §8.19): at least one octet, the last octet ends
 * its arc, no arc starts with 0x80 (not minimal), every arc fits in 64 bits.
 * DC_EFORMAT "name: offset 0x..: what: malformed OBJECT IDENTIFIER: why",
 * naming e's offset.  d is the cursor e was read from.
 */
int der_oid_check(const struct der *d, const struct der_elem *e, const char *what,
		  struct dc_error *err);

/*
 * Encodes dotted text ("1.3.14.3.2.26") as OID content octets into out
 * (at most cap bytes), *len their number.  -1 when the text is not an OID
 * (fewer than two arcs, first arc above 2, second above 39 under 0 or 1,
 * an arc above 2^64-1, anything but digits and dots) or does not fit.
 */
int der_oid_from_text(unsigned char *out, size_t cap, size_t *len, const char *dotted);

/* Dotted text of an OID element; DC_EFORMAT when malformed or too long.  For messages. */
int der_oid_text(const struct der *d, const struct der_elem *e, char *out, size_t n,
		 struct dc_error *err);
/*
 * Whether element e is the OID with dotted text oid (encodes oid each call:
 * for tests and one-off checks; readers compare bytes with DER_OID_IS).
 */
bool der_is_oid(const struct der_elem *e, const char *oid);
/* Small non-negative INTEGER (fits in 64 bits). */
int der_uint(const struct der *d, const struct der_elem *e, uint64_t *out, struct dc_error *err);
/* UTCTime or GeneralizedTime to seconds since 1970 (UTC). */
int der_time(const struct der *d, const struct der_elem *e, int64_t *out, struct dc_error *err);

#endif
