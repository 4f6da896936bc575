/* file.c - loading an INF, its lookup tables and accessors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fs.h"
#include "../util/str.h"
#include "internal.h"

static const char *const arch_names[INF_ARCH_COUNT] = {
	"", "x86", "amd64", "ia64", "arm", "arm64", "$ARCH$",
};

const char *inf_arch_name(enum inf_arch arch)
{
	return (unsigned)arch < INF_ARCH_COUNT ? arch_names[arch] : "";
}

bool inf_arch_parse(const char *s, size_t n, enum inf_arch *out)
{
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		const char *name = arch_names[a];

		/* "$ARCH$" is case-sensitive for stampinf; the others are not. */
		if (strlen(name) == n &&
		    (a == INF_ARCH_TEMPLATE ? !strncmp(s, name, n) : dc_strncaseeq(s, name, n))) {
			*out = (enum inf_arch)a;
			return true;
		}
	}
	return false;
}

int inf_diag_add(struct inf_file *f, enum inf_severity sev, struct inf_pos pos, const char *kind,
		 const char *fmt, ...)
{
	char msg[DC_ERROR_MSG_MAX];
	struct inf_diag *d;
	va_list ap;

	if (f->ndiags >= INF_MAX_DIAGS) {
		f->ndiags_dropped++;
		return 0;
	}
	if (dc_array_grow((void **)&f->diags, &f->diags_cap, f->ndiags + 1, sizeof(*f->diags), NULL))
		return DC_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d = &f->diags[f->ndiags];
	d->msg = dc_arena_strdup(&f->arena, msg);
	if (!d->msg)
		return DC_ENOMEM;
	d->severity = sev;
	d->pos = pos;
	d->kind = kind;
	f->ndiags++;
	return 0;
}

struct inf_pos inf_text_pos(const char *raw, struct inf_pos start, const struct inf_segment *segs,
			    uint32_t nsegs, size_t off)
{
	struct inf_pos pos = start;
	size_t from = 0;

	for (uint32_t i = 0; i < nsegs && segs[i].offset <= off; i++) {
		pos = segs[i].pos;
		from = segs[i].offset;
	}
	pos.col += (uint32_t)dc_utf8_count(raw + from, off - from);
	return pos;
}

size_t inf_count_diags(const struct inf_file *f, enum inf_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < f->ndiags; i++)
		n += f->diags[i].severity == sev;
	return n;
}

/*
 * Sections longer than this get a lookup-key index: resolving every CopyFiles
 * entry against [SourceDisksFiles] by a scan would make the package walk
 * quadratic in the number of files.
 */
#define ENTRY_INDEX_MIN 16

/* Indexes entries by lookup key (after substitution); the first entry of a key wins, as in a scan. */
static int index_entries(struct inf_file *f, struct dc_error *err)
{
	for (size_t si = 0; si < f->nsections; si++) {
		struct inf_section *s = &f->sections[si];

		dc_map_init(&s->entry_index, DC_MAP_CASE);
		if (s->nentries < ENTRY_INDEX_MIN)
			continue;
		for (size_t i = 0; i < s->nentries; i++) {
			const char *k = inf_entry_lookup_key(f, &f->entries[s->entries[i]]);
			int rc;

			if (k && (rc = dc_map_add_str(&s->entry_index, k, s->entries[i], err)))
				return rc;
		}
	}
	return 0;
}

/* --- loading --- */

int inf_load_buffer(struct inf_file **out, const char *path, const unsigned char *data,
		    size_t len, const struct inf_options *opt, struct dc_error *err)
{
	struct inf_file *f = calloc(1, sizeof(*f));
	struct text_decoded text;
	int rc;

	*out = NULL;
	if (!f)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	dc_arena_init(&f->arena);
	dc_map_init(&f->section_index, DC_MAP_CASE);
	dc_map_init(&f->strings_index_default, DC_MAP_CASE);
	dc_map_init(&f->strings_index_local, DC_MAP_CASE);
	f->path = strdup(path);
	if (!f->path) {
		inf_free(f);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	f->locale = opt && opt->locale ? opt->locale : 0x0409;
	rc = text_decode(&text, data, len, opt ? opt->codepage : 0, path, err);
	if (rc) {
		inf_free(f);
		return rc;
	}
	f->encoding = text.encoding;
	f->codepage = text.codepage;
	f->ctrl_z = text.ctrl_z;
	{
		struct inf_pos top = { 1, 1 };

		switch (text.encoding) {
		case TEXT_UTF8_BOM:
			rc = inf_diag_add(f, INF_WARNING, top, "encoding",
					  "file is UTF-8 with a byte-order mark; Windows tools accept only ANSI or UTF-16 INF files");
			break;
		case TEXT_UTF8:
			rc = inf_diag_add(f, INF_WARNING, top, "encoding",
					  "file is UTF-8 without a byte-order mark; Windows reads it as an ANSI code page, so save it as UTF-16LE");
			break;
		case TEXT_UTF16LE_NOBOM:
			rc = inf_diag_add(f, INF_WARNING, top, "encoding",
					  "file looks like UTF-16LE but has no byte-order mark");
			break;
		case TEXT_ANSI:
			if (text.high_ansi)
				rc = inf_diag_add(f, INF_WARNING, top, "encoding",
						  "ANSI file contains non-ASCII characters, read as code page %u; their meaning depends on the system locale, so save it as UTF-16LE",
						  text.codepage);
			break;
		default:
			break;
		}
	}
	if (!rc)
		rc = inf_lex(f, text.utf8, text.len, err);
	text_decoded_free(&text);
	if (!rc)
		rc = inf_substitute(f, err);
	if (!rc)
		rc = index_entries(f, err);
	if (!rc) {
		inf_read_version(f);
		rc = inf_read_manufacturers(f, err);
	}
	if (rc) {
		if (rc == DC_ENOMEM && err && err->code != DC_ENOMEM)
			dc_error_set(err, DC_ENOMEM, "%s: out of memory", path);
		inf_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

int inf_load_file(struct inf_file **out, const char *path, const struct inf_options *opt,
		  struct dc_error *err)
{
	unsigned char *data;
	size_t len;
	int rc = fs_read_file(&data, &len, path, INF_MAX_FILE_BYTES, err);

	*out = NULL;
	if (rc)
		return rc;
	rc = inf_load_buffer(out, path, data, len, opt, err);
	free(data);
	return rc;
}

void inf_free(struct inf_file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nsections; i++) {
		free(f->sections[i].entries);
		dc_map_free(&f->sections[i].entry_index);
	}
	free(f->sections);
	free(f->entries);
	free(f->fields);
	free(f->diags);
	for (size_t i = 0; i < f->nmanufacturers; i++)
		free(f->manufacturers[i].targets);
	free(f->manufacturers);
	dc_map_free(&f->section_index);
	dc_map_free(&f->strings_index_default);
	dc_map_free(&f->strings_index_local);
	dc_arena_free(&f->arena);
	free(f->path);
	free(f);
}

/* --- accessors --- */

const struct inf_section *inf_find_section(const struct inf_file *f, const char *name)
{
	size_t i;

	return dc_map_get_str(&f->section_index, name, &i) ? &f->sections[i] : NULL;
}

const struct inf_entry *inf_section_entry(const struct inf_file *f, const struct inf_section *s,
					   size_t i)
{
	return i < s->nentries ? &f->entries[s->entries[i]] : NULL;
}

const struct inf_field *inf_entry_field(const struct inf_file *f, const struct inf_entry *e,
					size_t i)
{
	return i < e->nfields ? &f->fields[e->first_field + i] : NULL;
}

const char *inf_field_value(const struct inf_file *f, const struct inf_entry *e, size_t i)
{
	const struct inf_field *fd = inf_entry_field(f, e, i);

	return fd ? fd->value : "";
}

const char *inf_entry_lookup_key(const struct inf_file *f, const struct inf_entry *e)
{
	if (e->key_value)
		return e->key_value;
	if (e->nfields == 1)
		return inf_field_value(f, e, 0);
	return NULL;
}

const struct inf_entry *inf_find_entry(const struct inf_file *f, const struct inf_section *s,
				       const char *key)
{
	if (!s)
		return NULL;
	if (s->entry_index.cap) {
		size_t i;

		return dc_map_get_str(&s->entry_index, key, &i) ? &f->entries[i] : NULL;
	}
	for (size_t i = 0; i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);
		const char *k = inf_entry_lookup_key(f, e);

		if (k && dc_strcaseeq(k, key))
			return e;
	}
	return NULL;
}

const struct inf_section *inf_find_install_section(const struct inf_file *f, const char *base,
						   enum inf_arch arch)
{
	char name[INF_MAX_SECTION_NAME * 2 + 16];
	const struct inf_section *s;

	if (arch > INF_ARCH_NONE && arch < INF_ARCH_TEMPLATE) {
		snprintf(name, sizeof(name), "%s.NT%s", base, inf_arch_name(arch));
		if ((s = inf_find_section(f, name)))
			return s;
	}
	snprintf(name, sizeof(name), "%s.NT", base);
	if ((s = inf_find_section(f, name)))
		return s;
	return inf_find_section(f, base);
}

struct inf_value inf_catalog_for_arch(const struct inf_file *f, enum inf_arch arch)
{
	if ((unsigned)arch < INF_ARCH_COUNT && f->version.catalog_arch[arch].value)
		return f->version.catalog_arch[arch];
	if (f->version.catalog_nt.value)
		return f->version.catalog_nt;
	return f->version.catalog;
}
