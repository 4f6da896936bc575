/*
 * strings.c - %strkey% substitution (inf-format.md §1.9): one pass, no
 * recursion, "%%" is a literal '%', numeric tokens are DIRIDs and stay
 * symbolic, undefined tokens stay verbatim and are reported.  [Strings]
 * sections themselves are not substituted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

/* Bytes a substituted value may take (4096 characters of UTF-8). */
#define VALUE_BYTES_MAX (INF_MAX_FIELD_CHARS * 4)

static unsigned langid_of(const char *section_name)
{
	const char *suffix = section_name + strlen("strings.");
	unsigned long v = 0;

	if (strlen(suffix) != 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		char c = dc_ascii_lower(suffix[i]);

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned long)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned long)(c - 'a' + 10);
		else
			return 0;
	}
	return (unsigned)v;
}

/*
 * Windows' choice for a locale (STRINGS): the exact LANGID, then the same
 * primary language with SUBLANG_NEUTRAL, then the same primary language with
 * any sublanguage.  [Strings] is the fallback for keys the chosen section
 * lacks.
 */
static const struct inf_section *pick_local(const struct inf_file *f, unsigned locale)
{
	const struct inf_section *neutral = NULL, *same_primary = NULL;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		unsigned id;

		if (!s->is_strings || dc_strcaseeq(s->name, "strings"))
			continue;
		id = langid_of(s->name);
		if (!id)
			continue;
		if (id == locale)
			return s;
		if ((id & 0x3FF) == (locale & 0x3FF)) {
			if ((id >> 10) == 0 && !neutral)
				neutral = s;
			else if (!same_primary)
				same_primary = s;
		}
	}
	return neutral ? neutral : same_primary;
}

static int index_strings(struct inf_file *f, const struct inf_section *s, struct dc_map *ix,
			 struct dc_error *err)
{
	for (size_t i = 0; s && i < s->nentries; i++) {
		size_t e = s->entries[i];

		if (f->entries[e].key && dc_map_add_str(ix, f->entries[e].key, e, err))
			return DC_ENOMEM;
	}
	return 0;
}

static const char *lookup(const struct inf_file *f, const char *name)
{
	size_t e;

	if (!dc_map_get_str(&f->strings_index_local, name, &e) &&
	    !dc_map_get_str(&f->strings_index_default, name, &e))
		return NULL;
	return f->entries[e].nfields ? f->fields[f->entries[e].first_field].raw : "";
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Substitutes raw; *out is raw itself when nothing changes. */
static int substitute(struct inf_file *f, struct dc_buf *b, const char *raw, struct inf_pos pos,
		      const struct inf_segment *segs, uint32_t nsegs, const char **out)
{
	const char *p = raw;
	bool changed = false, overflow = false;
	int rc;

	*out = raw;
	if (!strchr(raw, '%'))
		return 0;
	dc_buf_reset(b);
	while (*p) {
		const char *open = strchr(p, '%'), *close;
		size_t n;
		char name[INF_MAX_FIELD_CHARS * 4];
		const char *value;

		if (!open) {
			overflow |= dc_buf_puts(b, p, NULL) != 0;
			break;
		}
		overflow |= dc_buf_append(b, p, (size_t)(open - p), NULL) != 0;
		close = strchr(open + 1, '%');
		if (!close) { /* a lone '%' is literal */
			overflow |= dc_buf_puts(b, open, NULL) != 0;
			break;
		}
		n = (size_t)(close - open - 1);
		p = close + 1;
		if (n == 0) { /* "%%" */
			overflow |= dc_buf_putc(b, '%', NULL) != 0;
			changed = true;
			continue;
		}
		memcpy(name, open + 1, n < sizeof(name) ? n : sizeof(name) - 1);
		name[n < sizeof(name) ? n : sizeof(name) - 1] = '\0';
		value = lookup(f, name);
		if (value) {
			size_t vlen = strlen(value);

			/* "%token%\dir": the value's own trailing backslash is dropped (Wine). */
			if (*p == '\\' && vlen && value[vlen - 1] == '\\')
				vlen--;
			overflow |= dc_buf_append(b, value, vlen, NULL) != 0;
			changed = true;
			continue;
		}
		overflow |= dc_buf_append(b, open, n + 2, NULL) != 0; /* DIRID or undefined: verbatim */
		if (!all_digits(name, n)) {
			struct inf_pos at = inf_text_pos(raw, pos, segs, nsegs, (size_t)(open - raw));

			rc = inf_diag_add(f, INF_ERROR, at, "strings",
					  "string token %%%s%% is not defined in [Strings]", name);
			if (rc)
				return rc;
		}
	}
	if (overflow || dc_utf8_count(b->data, b->len) >= INF_MAX_FIELD_CHARS) {
		rc = inf_diag_add(f, INF_ERROR, pos, "limit",
				  "value is longer than %d characters after string substitution",
				  INF_MAX_FIELD_CHARS - 1);
		if (rc)
			return rc;
	}
	if (changed || strcmp(b->data ? b->data : "", raw) != 0) {
		*out = dc_arena_strdup(&f->arena, b->data ? b->data : "");
		if (!*out)
			return DC_ENOMEM;
	}
	return 0;
}

int inf_substitute(struct inf_file *f, struct dc_error *err)
{
	struct dc_buf b;
	int rc = 0;

	f->strings_default = inf_find_section(f, "Strings");
	f->strings_local = pick_local(f, f->locale);
	if (index_strings(f, f->strings_local, &f->strings_index_local, err) ||
	    index_strings(f, f->strings_default, &f->strings_index_default, err))
		return DC_ENOMEM;
	dc_buf_init(&b, VALUE_BYTES_MAX);
	for (size_t i = 0; !rc && i < f->nentries; i++) {
		struct inf_entry *e = &f->entries[i];

		if (f->sections[e->section].is_strings)
			continue;
		if (e->key)
			rc = substitute(f, &b, e->key, e->pos, e->key_segs, e->key_nsegs, &e->key_value);
		for (size_t k = 0; !rc && k < e->nfields; k++) {
			struct inf_field *fd = &f->fields[e->first_field + k];

			rc = substitute(f, &b, fd->raw, fd->pos, fd->segs, fd->nsegs, &fd->value);
		}
	}
	dc_buf_free(&b);
	if (rc == DC_ENOMEM)
		return dc_error_set(err, DC_ENOMEM, "%s: out of memory", f->path);
	return rc;
}
