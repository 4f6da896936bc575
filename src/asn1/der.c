#include "der.h"

#include <stdio.h>
#include <string.h>

void der_init(struct der *d, const unsigned char *data, size_t len, const char *name)
{
	d->data = data;
	d->len = len;
	d->pos = 0;
	d->base = 0;
	d->name = name;
}

bool der_at_end(const struct der *d)
{
	return d->pos >= d->len;
}

unsigned char der_peek(const struct der *d)
{
	return d->pos < d->len ? d->data[d->pos] : 0;
}

static int bad(const struct der *d, size_t at, struct dc_error *err, const char *why)
{
	return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: %s", d->name, d->base + at, why);
}

int der_next(struct der *d, struct der_elem *e, struct dc_error *err)
{
	size_t at = d->pos, p = d->pos, len;
	unsigned char id;

	if (p >= d->len)
		return bad(d, at, err, "expected another DER element, found the end of its container");
	id = d->data[p++];
	if ((id & 0x1F) == 0x1F)
		return bad(d, at, err, "multi-byte DER tags are not used in catalogs");
	if (p >= d->len)
		return bad(d, at, err, "DER element is truncated after its tag");
	if (d->data[p] < 0x80) {
		len = d->data[p++];
	} else {
		size_t n = d->data[p++] & 0x7Fu;

		if (n == 0)
			return bad(d, at, err, "indefinite length (BER) is not allowed in DER");
		if (n > sizeof(size_t) || n > 4)
			return bad(d, at, err, "DER length field is too long");
		if (n > d->len - p)
			return bad(d, at, err, "DER length field is truncated");
		if (d->data[p] == 0)
			return bad(d, at, err, "DER length is not minimal (leading zero)");
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = (len << 8) | d->data[p++];
		if (len < 0x80)
			return bad(d, at, err, "DER length is not minimal (long form for a short length)");
	}
	if (len > d->len - p) {
		char why[160];

		snprintf(why, sizeof(why), "DER element of length %zu runs past its container (%zu bytes left)",
			 len, d->len - p);
		return bad(d, at, err, why);
	}
	e->id = id;
	e->raw = d->data + at;
	e->raw_len = p - at + len;
	e->body = d->data + p;
	e->len = len;
	e->offset = d->base + at;
	e->body_offset = d->base + p;
	d->pos = p + len;
	return 0;
}

int der_expect(struct der *d, struct der_elem *e, unsigned char id, const char *what,
	       struct dc_error *err)
{
	size_t at = d->pos;
	int rc = der_next(d, e, err);

	if (rc)
		return dc_error_prefix(err, "reading %s", what);
	if (e->id != id) {
		char why[128];

		snprintf(why, sizeof(why), "%s: expected tag 0x%02x, found 0x%02x", what, id, e->id);
		d->pos = at;
		return bad(d, at, err, why);
	}
	return 0;
}

void der_enter(const struct der *parent, const struct der_elem *e, struct der *child)
{
	child->data = e->body;
	child->len = e->len;
	child->pos = 0;
	child->base = e->body_offset;
	child->name = parent->name;
}

int der_finish(const struct der *d, const char *what, struct dc_error *err)
{
	char why[128];

	if (der_at_end(d))
		return 0;
	snprintf(why, sizeof(why), "%s has %zu unexpected trailing bytes", what, d->len - d->pos);
	return bad(d, d->pos, err, why);
}

/* What is wrong with OID content octets, if anything (X.690 §8.19.2). */
enum oid_shape { OID_WELL_FORMED, OID_EMPTY, OID_TRUNCATED, OID_NOT_MINIMAL, OID_OVERFLOW };

/*
 * Each arc is base 128, most significant group first, bit 8 set on every
 * octet but its last, and "the leading octet ... shall not have the value
 * 0x80" (X.690 §8.19.2).  Arcs are held to 64 bits so that any OID accepted
 * can be printed.
 */
static enum oid_shape oid_shape(const unsigned char *p, size_t n)
{
	uint64_t v = 0;
	bool arc_start = true;

	if (n == 0)
		return OID_EMPTY;
	if (p[n - 1] & 0x80)
		return OID_TRUNCATED;
	for (size_t i = 0; i < n; i++) {
		if (arc_start && p[i] == 0x80)
			return OID_NOT_MINIMAL;
		if (v > (UINT64_MAX >> 7))
			return OID_OVERFLOW;
		v = (v << 7) | (p[i] & 0x7Fu);
		arc_start = !(p[i] & 0x80);
		if (arc_start)
			v = 0;
	}
	return OID_WELL_FORMED;
}

bool der_oid_eq(const struct der_elem *e, const unsigned char *body, size_t len)
{
	return e->id == DER_OID && e->len == len && memcmp(e->body, body, len) == 0;
}

int der_oid_check(const struct der *d, const struct der_elem *e, const char *what,
		  struct dc_error *err)
{
	static const char *const why[] = {
		[OID_EMPTY] = "it has no content octets",
		[OID_TRUNCATED] = "its last arc is cut off (the final octet has bit 8 set)",
		[OID_NOT_MINIMAL] = "an arc is not minimally encoded (it starts with 0x80)",
		[OID_OVERFLOW] = "an arc does not fit in 64 bits",
	};
	enum oid_shape s = oid_shape(e->body, e->len);

	if (s == OID_WELL_FORMED)
		return 0;
	return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%zx: %s: malformed OBJECT IDENTIFIER: %s",
			    d->name, e->offset, what, why[s]);
}

/* Appends arc v in base 128 (X.690 §8.19.2); false when it does not fit. */
static bool put_arc(unsigned char *out, size_t cap, size_t *len, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (unsigned char)(v & 0x7F);
		v >>= 7;
	} while (v);
	if (n > cap - *len)
		return false;
	while (n > 0) {
		n--;
		out[(*len)++] = (unsigned char)(tmp[n] | (n ? 0x80 : 0));
	}
	return true;
}

int der_oid_from_text(unsigned char *out, size_t cap, size_t *len, const char *dotted)
{
	const char *p = dotted;
	uint64_t first = 0;
	size_t arcs = 0;

	*len = 0;
	for (;;) {
		uint64_t v = 0;

		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			unsigned digit = (unsigned)(*p - '0');

			if (v > (UINT64_MAX - digit) / 10)
				return -1;
			v = v * 10 + digit;
		}
		if (arcs == 0) {
			if (v > 2)
				return -1;
			first = v;
		} else if (arcs == 1) {
			/* The first two arcs share one subidentifier: 40 * first + second. */
			if ((first < 2 && v > 39) || v > UINT64_MAX - 40 * first ||
			    !put_arc(out, cap, len, 40 * first + v))
				return -1;
		} else if (!put_arc(out, cap, len, v)) {
			return -1;
		}
		arcs++;
		if (*p == '\0')
			break;
		if (*p++ != '.')
			return -1;
	}
	return arcs >= 2 ? 0 : -1;
}

int der_oid_text(const struct der *d, const struct der_elem *e, char *out, size_t n,
		 struct dc_error *err)
{
	size_t used = 0;
	uint64_t v = 0;
	bool first = true;

	switch (oid_shape(e->body, e->len)) {
	case OID_EMPTY:
	case OID_TRUNCATED:
		return bad(d, e->offset - d->base, err, "malformed OBJECT IDENTIFIER");
	case OID_NOT_MINIMAL:
		return bad(d, e->offset - d->base, err, "OBJECT IDENTIFIER arc is not minimal");
	case OID_OVERFLOW:
		return bad(d, e->offset - d->base, err, "OBJECT IDENTIFIER arc overflows");
	case OID_WELL_FORMED:
		break;
	}
	for (size_t i = 0; i < e->len; i++) {
		unsigned char c = e->body[i];
		int w;

		v = (v << 7) | (c & 0x7Fu);
		if (c & 0x80)
			continue;
		if (first) {
			unsigned top = v < 40 ? 0 : v < 80 ? 1 : 2;

			w = snprintf(out + used, n - used, "%u.%llu", top,
				     (unsigned long long)(v - 40u * top));
			first = false;
		} else {
			w = snprintf(out + used, n - used, ".%llu", (unsigned long long)v);
		}
		if (w < 0 || (size_t)w >= n - used)
			return bad(d, e->offset - d->base, err, "OBJECT IDENTIFIER is too long");
		used += (size_t)w;
		v = 0;
	}
	return 0;
}

bool der_is_oid(const struct der_elem *e, const char *oid)
{
	unsigned char body[64];
	size_t len;

	return der_oid_from_text(body, sizeof(body), &len, oid) == 0 && der_oid_eq(e, body, len);
}

int der_uint(const struct der *d, const struct der_elem *e, uint64_t *out, struct dc_error *err)
{
	uint64_t v = 0;

	if (e->len == 0 || (e->body[0] & 0x80))
		return bad(d, e->offset - d->base, err, "INTEGER is empty or negative");
	if (e->len > 1 && e->body[0] == 0 && !(e->body[1] & 0x80))
		return bad(d, e->offset - d->base, err, "INTEGER is not minimally encoded");
	if (e->len > 9 || (e->len == 9 && e->body[0] != 0))
		return bad(d, e->offset - d->base, err, "INTEGER is too large");
	for (size_t i = 0; i < e->len; i++)
		v = (v << 8) | e->body[i];
	*out = v;
	return 0;
}

static int digits(const unsigned char *p, size_t n, unsigned *out)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), Howard Hinnant's algorithm. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned dd)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * ((int64_t)m + (m > 2 ? -3 : 9)) + 2) / 5 + (int64_t)dd - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int der_time(const struct der *d, const struct der_elem *e, int64_t *out, struct dc_error *err)
{
	const unsigned char *p = e->body;
	unsigned y, mo, da, h, mi, s;

	if (e->id == DER_UTCTIME && e->len == 13 && p[12] == 'Z' && !digits(p, 2, &y)) {
		y += y < 50 ? 2000 : 1900;
		p += 2;
	} else if (e->id == DER_GENERALIZEDTIME && e->len >= 15 && e->body[e->len - 1] == 'Z' &&
		   (e->len == 15 || (e->len > 16 && p[14] == '.')) && !digits(p, 4, &y)) {
		/* RFC 3161 genTime may carry fractional seconds; they are dropped. */
		p += 4;
	} else {
		return bad(d, e->offset - d->base, err, "time is not UTCTime YYMMDDhhmmssZ or GeneralizedTime YYYYMMDDhhmmssZ");
	}
	if (digits(p, 2, &mo) || digits(p + 2, 2, &da) || digits(p + 4, 2, &h) ||
	    digits(p + 6, 2, &mi) || digits(p + 8, 2, &s) || mo < 1 || mo > 12 || da < 1 ||
	    da > 31 || h > 23 || mi > 59 || s > 60)
		return bad(d, e->offset - d->base, err, "time has an out-of-range field");
	*out = days_from_civil(y, mo, da) * 86400 + h * 3600 + mi * 60 + s;
	return 0;
}
