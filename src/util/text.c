#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *text_encoding_name(enum text_encoding enc)
{
	switch (enc) {
	case TEXT_ANSI: return "ansi";
	case TEXT_UTF8: return "utf-8";
	case TEXT_UTF8_BOM: return "utf-8-bom";
	case TEXT_UTF16LE_BOM: return "utf-16le";
	case TEXT_UTF16LE_NOBOM: return "utf-16le-nobom";
	case TEXT_UTF16BE_BOM: return "utf-16be";
	}
	return "unknown";
}

static void codepage_name(char *out, size_t n, unsigned cp)
{
	snprintf(out, n, "CP%u", cp);
}

bool text_codepage_supported(unsigned cp)
{
	char name[32];
	iconv_t cd;

	codepage_name(name, sizeof(name), cp);
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	return true;
}

/*
 * UTF-16LE without a BOM: ASCII-range text has a zero in every odd byte.
 * Like RtlIsTextUnicode, look at a prefix: most odd bytes zero and few even
 * ones.
 */
static bool looks_utf16le(const unsigned char *d, size_t len)
{
	size_t n = len < 4096 ? len : 4096;
	size_t pairs = n / 2, odd_zero = 0, even_zero = 0;

	if (pairs < 2)
		return false;
	for (size_t i = 0; i + 1 < n; i += 2) {
		even_zero += d[i] == 0;
		odd_zero += d[i + 1] == 0;
	}
	return odd_zero * 10 >= pairs * 6 && even_zero * 10 < pairs;
}

/* Strict UTF-8 check; *multibyte tells whether any non-ASCII sequence occurs. */
static bool valid_utf8(const unsigned char *d, size_t len, bool *multibyte)
{
	size_t i = 0;

	*multibyte = false;
	while (i < len) {
		unsigned char c = d[i];
		size_t need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1; cp = c & 0x1Fu;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2; cp = c & 0x0Fu;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3; cp = c & 0x07u;
		} else {
			return false;
		}
		if (len - i - 1 < need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((d[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (d[i + k] & 0x3Fu);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		*multibyte = true;
		i += need + 1;
	}
	return true;
}

/*
 * Converts with iconv.  For ANSI code pages a byte the code page leaves
 * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D in 1252) becomes U+0080..U+00FF, as
 * Windows' MultiByteToWideChar maps it; for UTF-16 an invalid sequence (a lone
 * surrogate) is an error naming its offset.
 */
static int convert(struct text_decoded *out, const char *from, const unsigned char *data,
		   size_t len, size_t base, bool ansi, const char *path, struct dc_error *err)
{
	iconv_t cd = iconv_open("UTF-8", from);
	char *in = (char *)(uintptr_t)data;
	size_t in_left = len, cap, used = 0;
	char *buf;

	if (cd == (iconv_t)-1)
		return dc_error_set(err, DC_EUSAGE, "%s: code page %s is not supported by iconv", path, from);
	if (len > (SIZE_MAX - 16) / 3) {
		iconv_close(cd);
		return dc_error_set(err, DC_ENOMEM, "%s: file too large", path);
	}
	/* UTF-8 needs at most 3 bytes per UTF-16 unit or per 8-bit byte. */
	cap = len * 3 + 16;
	buf = malloc(cap);
	if (!buf) {
		iconv_close(cd);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	while (in_left > 0) {
		char *o = buf + used;
		size_t o_left = cap - used - 1;
		size_t r = iconv(cd, &in, &in_left, &o, &o_left);

		used = (size_t)(o - buf);
		if (r != (size_t)-1)
			break;
		if (errno == EILSEQ && ansi) {
			unsigned char c = (unsigned char)*in;

			buf[used++] = (char)(0xC0 | (c >> 6));
			buf[used++] = (char)(0x80 | (c & 0x3F));
			in++;
			in_left--;
			continue;
		}
		{
			size_t off = base + (size_t)((unsigned char *)in - data);

			free(buf);
			iconv_close(cd);
			if (errno == EINVAL)
				return dc_error_set(err, DC_ESYNTAX,
						    "%s: offset 0x%zx: truncated %s character at end of file",
						    path, off, from);
			return dc_error_set(err, DC_ESYNTAX, "%s: offset 0x%zx: invalid %s sequence", path,
					    off, from);
		}
	}
	iconv_close(cd);
	buf[used] = '\0';
	out->utf8 = buf;
	out->len = used;
	return 0;
}

int text_decode(struct text_decoded *out, const unsigned char *data, size_t len,
		unsigned codepage, const char *path, struct dc_error *err)
{
	const char *from = NULL;
	size_t skip = 0;
	bool ansi = false;
	char cpname[32];
	int rc;

	memset(out, 0, sizeof(*out));
	if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE) {
		out->encoding = TEXT_UTF16LE_BOM;
		from = "UTF-16LE";
		skip = 2;
	} else if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF) {
		out->encoding = TEXT_UTF16BE_BOM;
		from = "UTF-16BE";
		skip = 2;
	} else if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
		out->encoding = TEXT_UTF8_BOM;
		from = "UTF-8";
		skip = 3;
	} else if (looks_utf16le(data, len)) {
		out->encoding = TEXT_UTF16LE_NOBOM;
		from = "UTF-16LE";
	} else {
		bool multibyte = false;

		if (codepage == 0 && valid_utf8(data, len, &multibyte) && multibyte) {
			out->encoding = TEXT_UTF8;
			from = "UTF-8";
		} else {
			out->encoding = TEXT_ANSI;
			out->codepage = codepage ? codepage : TEXT_DEFAULT_CODEPAGE;
			codepage_name(cpname, sizeof(cpname), out->codepage);
			from = cpname;
			ansi = true;
			for (size_t i = 0; i < len; i++) {
				if (data[i] >= 0x80 && data[i] != 0x1A) {
					out->high_ansi = true;
					break;
				}
			}
		}
	}
	/* UTF-16 needs whole code units; a stray last byte is cut, not fatal. */
	if ((out->encoding == TEXT_UTF16LE_BOM || out->encoding == TEXT_UTF16BE_BOM ||
	     out->encoding == TEXT_UTF16LE_NOBOM) && ((len - skip) % 2) != 0)
		len--;
	rc = convert(out, from, data + skip, len - skip, skip, ansi, path, err);
	if (rc)
		return rc;
	/* Ctrl-Z is DOS end-of-file; a NUL cannot be part of INF text either. */
	for (size_t i = 0; i < out->len; i++) {
		if (out->utf8[i] == 0x1A || out->utf8[i] == '\0') {
			out->ctrl_z = out->utf8[i] == 0x1A;
			out->utf8[i] = '\0';
			out->len = i;
			break;
		}
	}
	return 0;
}

void text_decoded_free(struct text_decoded *t)
{
	if (!t)
		return;
	free(t->utf8);
	t->utf8 = NULL;
	t->len = 0;
}

/* Writes cp as UTF-8 at o; returns the position after it. */
static char *put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

int text_utf16_to_utf8(char **out, const unsigned char *p, size_t len, bool big_endian,
		       struct dc_error *err)
{
	char *buf = NULL, *o = NULL;

	if (out)
		*out = NULL;
	if (len % 2)
		return dc_error_set(err, DC_EFORMAT, "UTF-16 text has an odd number of bytes (%zu)", len);
	if (out) {
		if (len > (SIZE_MAX - 1) / 2)
			return dc_error_set(err, DC_ENOMEM, "UTF-16 text too long");
		/* At most 3 UTF-8 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units). */
		if (!(buf = malloc(len / 2 * 3 + 1)))
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		o = buf;
	}
	for (size_t i = 0; i < len; i += 2) {
		uint32_t cp = big_endian ? (uint32_t)(p[i] << 8 | p[i + 1]) : (uint32_t)(p[i + 1] << 8 | p[i]);

		if (cp == 0)
			break;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			uint32_t lo;

			if (i + 3 >= len)
				goto bad;
			lo = big_endian ? (uint32_t)(p[i + 2] << 8 | p[i + 3]) : (uint32_t)(p[i + 3] << 8 | p[i + 2]);
			if (lo < 0xDC00 || lo > 0xDFFF)
				goto bad;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			i += 2;
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			goto bad;
		}
		if (o)
			o = put_utf8(o, cp);
	}
	if (o) {
		*o = '\0';
		*out = buf;
	}
	return 0;
bad:
	free(buf);
	return dc_error_set(err, DC_EFORMAT, "UTF-16 text has an unpaired surrogate");
}

static void put16(unsigned char **o, uint32_t u, bool big_endian)
{
	(*o)[big_endian ? 0 : 1] = (unsigned char)(u >> 8);
	(*o)[big_endian ? 1 : 0] = (unsigned char)(u & 0xFF);
	*o += 2;
}

int text_utf8_to_utf16(unsigned char **out, size_t *len, const char *s, bool big_endian,
		       bool nul, struct dc_error *err)
{
	size_t n = strlen(s);
	bool multibyte;
	unsigned char *buf, *o;

	*out = NULL;
	*len = 0;
	if (!valid_utf8((const unsigned char *)s, n, &multibyte))
		return dc_error_set(err, DC_EFORMAT, "text is not valid UTF-8");
	/* Each UTF-8 byte gives at most one UTF-16 unit (4-byte sequences give two). */
	buf = malloc(n * 2 + 2);
	if (!buf)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	o = buf;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k;

		if (c < 0x80) {
			cp = c;
			k = 1;
		} else if (c < 0xE0) {
			cp = c & 0x1Fu;
			k = 2;
		} else if (c < 0xF0) {
			cp = c & 0x0Fu;
			k = 3;
		} else {
			cp = c & 0x07u;
			k = 4;
		}
		for (size_t j = 1; j < k; j++)
			cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3Fu);
		i += k;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put16(&o, 0xD800 + (cp >> 10), big_endian);
			put16(&o, 0xDC00 + (cp & 0x3FF), big_endian);
		} else {
			put16(&o, cp, big_endian);
		}
	}
	if (nul)
		put16(&o, 0, big_endian);
	*out = buf;
	*len = (size_t)(o - buf);
	return 0;
}
