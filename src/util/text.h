/*
 * text.h - decoding INF text to UTF-8, once, at load time.  The only module
 * that uses iconv.  Encodings Windows accepts for INF files: UTF-16LE (BOM
 * or detected), UTF-16BE (BOM) and 8-bit ANSI code pages; UTF-8 with a BOM is
 * decoded too (real packages carry it) and flagged by the caller.
 */
#ifndef DRVCAT_UTIL_TEXT_H
#define DRVCAT_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum text_encoding {
	TEXT_ANSI,          /* 8-bit code page, see codepage */
	TEXT_UTF8,          /* no BOM, but valid UTF-8 with multi-byte sequences */
	TEXT_UTF8_BOM,
	TEXT_UTF16LE_BOM,
	TEXT_UTF16LE_NOBOM, /* detected from the zero bytes */
	TEXT_UTF16BE_BOM
};

#define TEXT_DEFAULT_CODEPAGE 1252u

struct text_decoded {
	char *utf8;              /* NUL-terminated, owned; free with text_decoded_free */
	size_t len;
	enum text_encoding encoding;
	unsigned codepage;       /* for TEXT_ANSI */
	bool ctrl_z;             /* text ended at a Ctrl-Z (0x1A) */
	bool high_ansi;          /* an ANSI file has bytes >= 0x80 (locale-dependent) */
};

/*
 * Detects the encoding of data and converts it to UTF-8.  codepage 0 means
 * "auto": BOM, then UTF-16LE detection, then valid multi-byte UTF-8, else
 * Windows-1252; a non-zero codepage forces that ANSI code page for files
 * without a BOM.  Text ends at the first Ctrl-Z or NUL character.  Errors
 * (DC_ESYNTAX) name path and the byte offset of the bad sequence.
 */
int text_decode(struct text_decoded *out, const unsigned char *data, size_t len,
		unsigned codepage, const char *path, struct dc_error *err);
void text_decoded_free(struct text_decoded *t);

/* "utf-16le", "ansi", ... as shown to users and in JSON. */
const char *text_encoding_name(enum text_encoding enc);

/*
 * Strict UTF-16 (LE or BE) to UTF-8 for short binary fields (catalog names
 * and values): an unpaired surrogate is DC_EFORMAT.  A trailing NUL code unit
 * ends the text.  *out is malloc'd.  With out NULL the text is only checked,
 * with no allocation (a reader that validates fields it does not keep).
 */
int text_utf16_to_utf8(char **out, const unsigned char *p, size_t len, bool big_endian,
		       struct dc_error *err);

/*
 * UTF-8 to UTF-16 (LE or BE), optionally with a terminating NUL code unit,
 * for catalog attributes.  Malformed UTF-8 is DC_EFORMAT.  *out is malloc'd.
 */
int text_utf8_to_utf16(unsigned char **out, size_t *len, const char *s, bool big_endian,
		       bool nul, struct dc_error *err);

/* Whether iconv on this system knows code page cp (e.g. 932, 1252). */
bool text_codepage_supported(unsigned cp);

#endif
