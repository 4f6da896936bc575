/*
 * str.h - small string helpers.  INF names (sections, keys, file names) are
 * compared the way Windows compares them for ASCII text: ordinal and
 * case-insensitive.  Non-ASCII bytes compare exactly.
 */
#ifndef DRVCAT_UTIL_STR_H
#define DRVCAT_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

static inline char dc_ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int dc_strcasecmp(const char *a, const char *b);
bool dc_strcaseeq(const char *a, const char *b);
bool dc_strncaseeq(const char *a, const char *b, size_t n);
bool dc_has_prefix_ci(const char *s, const char *prefix);
bool dc_has_suffix_ci(const char *s, const char *suffix);
/* Lower-cases ASCII letters in place; returns s. */
char *dc_str_lower(char *s);
/* Case-insensitive FNV-1a hash, for lookup tables keyed by INF names. */
size_t dc_hash_ci(const char *s);
/* Parses a decimal or 0x-hex unsigned number filling the whole string. */
bool dc_parse_u32(const char *s, unsigned long *out);
/* Number of Unicode code points in UTF-8 text s[0..n). */
size_t dc_utf8_count(const char *s, size_t n);

#endif
