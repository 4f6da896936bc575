/*
 * parser.c - the diagnostics src/inf records while loading become findings
 * of the matching rule, each exactly once: the rules that look at the same
 * things (DriverVer, Signature, Manufacturer) add only what the parser does
 * not report.  The mapping uses the diagnostic's kind and where it points,
 * never its wording.
 */
#include <string.h>

#include "internal.h"

static uint32_t first_header_line(const struct inf_file *f)
{
	uint32_t line = UINT32_MAX;

	for (size_t i = 0; i < f->nsections; i++)
		if (f->sections[i].pos.line < line)
			line = f->sections[i].pos.line;
	return line;
}

/* Whether line holds a [Manufacturer] entry that names no models section. */
static bool empty_manufacturer_line(const struct inf_file *f, uint32_t line)
{
	const struct inf_section *s = inf_find_section(f, "Manufacturer");

	for (size_t i = 0; s && i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);

		if (e->pos.line == line && !inf_field_value(f, e, 0)[0])
			return true;
	}
	return false;
}

/* Whether line falls on the first DriverVer entry of [Version] (continuations included). */
static bool on_driverver(const struct inf_file *f, uint32_t line)
{
	const struct inf_entry *e = inf_find_entry(f, inf_find_section(f, "Version"), "DriverVer");
	uint32_t last;

	if (!e)
		return false;
	last = e->nfields ? inf_entry_field(f, e, e->nfields - 1)->pos.line : e->pos.line;
	return line >= e->pos.line && line <= last;
}

static enum check_rule_id rule_of(const struct inf_file *f, const struct inf_diag *d)
{
	const char *k = d->kind;

	if (!strcmp(k, "encoding")) {
		if (f->encoding == TEXT_UTF16LE_NOBOM)
			return R_UTF16_NO_BOM;
		/* A BOM-less UTF-8 file is, to Windows, ANSI text with non-ASCII bytes. */
		if (f->encoding == TEXT_ANSI || f->encoding == TEXT_UTF8)
			return R_ANSI_NON_ASCII;
		return R_ENCODING;
	}
	if (!strcmp(k, "syntax")) {
		if (d->severity == INF_ERROR)
			return R_SYNTAX;
		return d->pos.line < first_header_line(f) ? R_TEXT_BEFORE_SECTION : R_UNCLOSED_QUOTE;
	}
	if (!strcmp(k, "section"))
		return R_DUP_SECTION;
	if (!strcmp(k, "strings"))
		return R_UNDEFINED_STRING;
	if (!strcmp(k, "limit"))
		return R_FIELD_LIMIT;
	if (!strcmp(k, "models"))
		return empty_manufacturer_line(f, d->pos.line) ? R_MANUFACTURER : R_TARGETOS;
	if (!strcmp(k, "version")) {
		if (!f->version.present)
			return R_SIGNATURE;
		if (d->severity == INF_WARNING)
			return R_CATALOG_DECORATION;
		if (!f->version.driverver.valid && on_driverver(f, d->pos.line))
			return R_DRIVERVER;
		return R_SIGNATURE;
	}
	return R_SYNTAX; /* a kind this mapping does not know yet: never lose it */
}

int check_parser_diags(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	int rc = 0;

	for (size_t i = 0; !rc && i < f->ndiags; i++) {
		const struct inf_diag *d = &f->diags[i];

		rc = check_add(c, rule_of(f, d), d->pos.line, NULL, "%s", d->msg);
	}
	return rc;
}
