/*
 * paths.c - package-relative paths built from INF text (SDN path, SDF
 * subdirectory, CopyINF names), with the rules of inf-format.md §2.2: "\",
 * "/" and ".\" forms accepted, a leading separator still means the INF's
 * directory, ".." may climb toward the package root but never past it, and
 * drive letters, network paths and unresolved %tokens% are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

void check_path_free(struct check_path *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->items[i]);
	p->n = 0;
}

const char *check_path_add(struct check_path *p, const char *path, int *rc)
{
	const char *s = path;

	*rc = 0;
	if (strchr(path, ':'))
		return "is an absolute path (it has a drive letter)";
	if ((path[0] == '\\' || path[0] == '/') && (path[1] == '\\' || path[1] == '/'))
		return "is a network path";
	if (strchr(path, '%'))
		return "contains an unresolved %token%";
	while (*s) {
		size_t n = strcspn(s, "\\/");

		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (p->n == 0)
				return "leads outside the package directory";
			free(p->items[--p->n]);
		} else if (n > 0 && !(n == 1 && s[0] == '.')) {
			if (p->n == CHECK_PATH_MAX)
				return "is nested too deeply";
			if (!(p->items[p->n] = strndup(s, n))) {
				*rc = DC_ENOMEM;
				return "out of memory";
			}
			p->n++;
		}
		s += n;
		while (*s == '\\' || *s == '/')
			s++;
	}
	return NULL;
}

char *check_path_join(const struct check_path *p)
{
	size_t len = 1;
	char *out;

	for (size_t i = 0; i < p->n; i++)
		len += strlen(p->items[i]) + 1;
	if (!(out = malloc(len)))
		return NULL;
	out[0] = '\0';
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			strcat(out, "/");
		strcat(out, p->items[i]);
	}
	return out;
}

/* Normalised subdirectory for comparisons: no leading/trailing separators, '\', lower case. */
void check_path_norm(char *out, size_t n, const char *path)
{
	size_t k = 0;

	while (*path == '\\' || *path == '/' || (path[0] == '.' && (path[1] == '\\' || path[1] == '/')))
		path++;
	for (; *path && k + 1 < n; path++) {
		char ch = *path == '/' ? '\\' : dc_ascii_lower(*path);

		if (ch == '\\' && k && out[k - 1] == '\\')
			continue;
		out[k++] = ch;
	}
	while (k && out[k - 1] == '\\')
		k--;
	out[k] = '\0';
}
