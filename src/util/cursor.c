#include "cursor.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

void dc_cursor_init(struct dc_cursor *c, const unsigned char *data, size_t len, uint64_t base,
		    const char *name)
{
	c->data = data;
	c->len = len;
	c->pos = 0;
	c->base = base;
	c->name = name;
}

uint64_t dc_cursor_offset(const struct dc_cursor *c)
{
	return c->base + c->pos;
}

size_t dc_cursor_left(const struct dc_cursor *c)
{
	return c->len - c->pos;
}

int dc_cursor_fail(const struct dc_cursor *c, uint64_t at, struct dc_error *err, const char *fmt,
		   ...)
{
	char why[DC_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%" PRIx64 ": %s", c->name, at, why);
}

/* The one bounds check: n more bytes from the read position. */
static int need(const struct dc_cursor *c, size_t n, const char *what, struct dc_error *err)
{
	if (n > c->len - c->pos)
		return dc_cursor_fail(c, dc_cursor_offset(c), err,
				      "%s (0x%zx bytes) is truncated: only 0x%zx bytes left", what, n,
				      c->len - c->pos);
	return 0;
}

int dc_cursor_seek(struct dc_cursor *c, size_t pos, const char *what, struct dc_error *err)
{
	if (pos > c->len)
		return dc_cursor_fail(c, c->base + c->len, err,
				      "%s at 0x%" PRIx64 " lies past the end of the data", what,
				      c->base + pos);
	c->pos = pos;
	return 0;
}

int dc_cursor_skip(struct dc_cursor *c, size_t n, const char *what, struct dc_error *err)
{
	if (need(c, n, what, err))
		return DC_EFORMAT;
	c->pos += n;
	return 0;
}

/* Reads an n-byte little-endian field (n <= 8), least significant byte first. */
static int read_le(struct dc_cursor *c, uint64_t *out, size_t n, const char *what,
		   struct dc_error *err)
{
	uint64_t v = 0;

	if (need(c, n, what, err))
		return DC_EFORMAT;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)c->data[c->pos + i] << (8 * i);
	c->pos += n;
	*out = v;
	return 0;
}

int dc_cursor_u8(struct dc_cursor *c, uint8_t *out, const char *what, struct dc_error *err)
{
	uint64_t v;

	if (read_le(c, &v, 1, what, err))
		return DC_EFORMAT;
	*out = (uint8_t)v;
	return 0;
}

int dc_cursor_u16(struct dc_cursor *c, uint16_t *out, const char *what, struct dc_error *err)
{
	uint64_t v;

	if (read_le(c, &v, 2, what, err))
		return DC_EFORMAT;
	*out = (uint16_t)v;
	return 0;
}

int dc_cursor_u32(struct dc_cursor *c, uint32_t *out, const char *what, struct dc_error *err)
{
	uint64_t v;

	if (read_le(c, &v, 4, what, err))
		return DC_EFORMAT;
	*out = (uint32_t)v;
	return 0;
}

int dc_cursor_u64(struct dc_cursor *c, uint64_t *out, const char *what, struct dc_error *err)
{
	return read_le(c, out, 8, what, err);
}

int dc_cursor_bytes(struct dc_cursor *c, const unsigned char **out, size_t n, const char *what,
		    struct dc_error *err)
{
	if (need(c, n, what, err))
		return DC_EFORMAT;
	*out = c->data + c->pos;
	c->pos += n;
	return 0;
}
