#include "str.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int dc_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)dc_ascii_lower(*a);
		unsigned char cb = (unsigned char)dc_ascii_lower(*b);

		if (ca != cb || !ca)
			return (int)ca - (int)cb;
	}
}

bool dc_strcaseeq(const char *a, const char *b)
{
	return dc_strcasecmp(a, b) == 0;
}

bool dc_strncaseeq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (dc_ascii_lower(a[i]) != dc_ascii_lower(b[i]))
			return false;
		if (!a[i])
			return true;
	}
	return true;
}

bool dc_has_prefix_ci(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strlen(s) >= n && dc_strncaseeq(s, prefix, n);
}

bool dc_has_suffix_ci(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && dc_strcaseeq(s + ls - lx, suffix);
}

char *dc_str_lower(char *s)
{
	for (char *p = s; *p; p++)
		*p = dc_ascii_lower(*p);
	return s;
}

size_t dc_hash_ci(const char *s)
{
	size_t h = (size_t)1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)dc_ascii_lower(*s);
		h *= (size_t)1099511628211ull;
	}
	return h;
}

bool dc_parse_u32(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;
	int base = 10;

	/* strtoul would skip blanks, take signs and a second "0x": the whole string must be digits. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)s[0]) || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
			return false;
	} else if (!isdigit((unsigned char)s[0])) {
		return false;
	}
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno || *end || v > 0xFFFFFFFFul)
		return false;
	*out = v;
	return true;
}

size_t dc_utf8_count(const char *s, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n && s[i]; i++)
		count += ((unsigned char)s[i] & 0xC0) != 0x80;
	return count;
}
