/*
 * cursor.h - the bounds-checked little-endian byte cursor every binary parse
 * reads through (PE headers here; anything else that reads fixed-layout
 * binary records).
 *
 * Contract: a cursor never reads outside [data, data + len).  Every read
 * checks `n > len - pos` (never `pos + n > len`, which can wrap), assembles
 * multi-byte fields byte by byte (no pointer casts, no alignment or host
 * byte-order assumptions) and, when the bytes are not there, fails with
 * DC_EFORMAT and "name: offset 0x..: ..." where the offset is the absolute
 * file offset (base + pos) of the field that could not be read.  A failed
 * read leaves the position unchanged.  Nothing is allocated.
 */
#ifndef DRVCAT_UTIL_CURSOR_H
#define DRVCAT_UTIL_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct dc_cursor {
	const unsigned char *data;
	size_t len;
	size_t pos;       /* next byte to read, relative to data */
	uint64_t base;    /* file offset of data[0], for messages */
	const char *name; /* file name, for messages */
};

/* A cursor over len bytes that were read from file offset base of file name. */
void dc_cursor_init(struct dc_cursor *c, const unsigned char *data, size_t len, uint64_t base,
		    const char *name);

/* Absolute file offset of the read position. */
uint64_t dc_cursor_offset(const struct dc_cursor *c);

/* Bytes left after the read position. */
size_t dc_cursor_left(const struct dc_cursor *c);

/*
 * Moves the read position to pos (relative to data; pos == len is allowed).
 * what names the field that lives there, for the message.
 */
int dc_cursor_seek(struct dc_cursor *c, size_t pos, const char *what, struct dc_error *err);
int dc_cursor_skip(struct dc_cursor *c, size_t n, const char *what, struct dc_error *err);

/* Little-endian unsigned fields; what names the field in the message. */
int dc_cursor_u8(struct dc_cursor *c, uint8_t *out, const char *what, struct dc_error *err);
int dc_cursor_u16(struct dc_cursor *c, uint16_t *out, const char *what, struct dc_error *err);
int dc_cursor_u32(struct dc_cursor *c, uint32_t *out, const char *what, struct dc_error *err);
int dc_cursor_u64(struct dc_cursor *c, uint64_t *out, const char *what, struct dc_error *err);

/* Points *out at the next n bytes (inside the cursor's buffer) and advances. */
int dc_cursor_bytes(struct dc_cursor *c, const unsigned char **out, size_t n, const char *what,
		    struct dc_error *err);

/*
 * Records DC_EFORMAT with "name: offset 0x<at>: <message>", at being an
 * absolute file offset; returns DC_EFORMAT.  For the checks a parser makes on
 * values it has read (a field that is out of range rather than missing).
 */
int dc_cursor_fail(const struct dc_cursor *c, uint64_t at, struct dc_error *err, const char *fmt,
		   ...) DC_PRINTF(4, 5);

#endif
