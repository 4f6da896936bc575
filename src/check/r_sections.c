/*
 * r_sections.c - rules about sections and directives: names that are not
 * defined, sections nothing names, one section used by two directive kinds,
 * Include/Needs, entries with too many fields, CopyFiles where Windows
 * ignores it, FeatureScore (SYNTAX, DDINSTALL; InfVerif 1203, 2083, 1205,
 * 1319, 1201, 1290, 1245).
 */
#include <stdio.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

static bool reached_install(const struct check_ctx *c, size_t i)
{
	return (c->m.roles[i] & ROLE_INSTALL) != 0;
}

static void undefined_ref(void *arg, const struct check_ref *ref)
{
	struct check_ctx *c = arg;

	if (ref->kind == K_NEEDS || inf_find_section(c->f, ref->name))
		return; /* Needs may name a section of an included INF: DC-INF-038 */
	check_add(c, ref->kind == K_ADDSERVICE ? R_ADDSERVICE : R_SECTION_UNDEFINED, ref->entry->pos.line,
		  NULL, "%s names section [%s], which is not defined", check_kind_name(ref->kind),
		  ref->name);
}

static void rule_undefined(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];

		if (!reached_install(c, i))
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);
			bool any = false;

			check_entry_refs(f, e, undefined_ref, c);
			if (check_directive_field(e->key_value) != -1)
				continue;
			for (size_t n = 0; n < e->nfields; n++)
				any |= inf_field_value(f, e, n)[0] != '\0';
			if (!any)
				check_add(c, R_SECTION_UNDEFINED, e->pos.line, NULL,
					  "%s names no section", e->key_value);
		}
	}
}

static void rule_kinds_and_unreferenced(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		unsigned kinds = c->m.kinds[i] & ~(1u << K_NEEDS);
		int first = -1;

		if (dc_has_prefix_ci(s->name, "SignatureAttributes"))
			continue; /* read by Inf2Cat itself (INF2CAT) */
		if (!c->m.textual[i])
			check_add(c, R_SECTION_UNREFERENCED, s->pos.line, NULL,
				  "section [%s] is defined but nothing in the INF refers to it", s->name);
		for (int k = 0; k < K_COUNT; k++) {
			if (!(kinds & (1u << k)))
				continue;
			if (first < 0) {
				first = k;
				continue;
			}
			check_add(c, R_SECTION_KINDS, s->pos.line, NULL,
				  "section [%s] is named by both %s and %s", s->name,
				  check_kind_name((enum check_kind)first), check_kind_name((enum check_kind)k));
			break;
		}
	}
}

static void rule_include_needs(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		bool include = inf_find_entry(f, s, "Include") != NULL;

		if (!reached_install(c, i))
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);
			bool needs = e->key_value && dc_strcaseeq(e->key_value, "Needs");

			if (!e->key_value || (!needs && !dc_strcaseeq(e->key_value, "Include")))
				continue;
			for (size_t n = 0; n < e->nfields; n++) {
				const char *v = inf_field_value(f, e, n);

				if (!v[0])
					continue;
				if (!needs && (strpbrk(v, "\\/:") || !dc_has_suffix_ci(v, ".inf")))
					check_add(c, R_INCLUDE_NEEDS, e->pos.line, NULL,
						  "Include=%s is not the plain name of a system .inf file", v);
				if (needs && !include && !inf_find_section(f, v))
					check_add(c, R_INCLUDE_NEEDS, e->pos.line, NULL,
						  "Needs=%s names a section that is not in this INF, and [%s] has no Include= naming the INF that holds it",
						  v, s->name);
			}
		}
	}
}

/* Maximum fields per key: 0 = any number. */
struct field_limit {
	const char *key;
	size_t max;
};

static const struct field_limit version_limits[] = {
	{ "Signature", 1 }, { "Class", 1 }, { "ClassGuid", 1 }, { "Provider", 1 },
	{ "DriverVer", 2 }, { "PnpLockdown", 1 }, { "ExtensionId", 1 }, { "ClassVer", 1 },
	{ NULL, 0 },
};
static const struct field_limit install_limits[] = {
	{ "DriverVer", 2 },   { "FeatureScore", 1 }, { "AddService", 6 }, { "AddInterface", 4 },
	{ "KmdfService", 2 }, { "UmdfService", 2 },  { "AddFilter", 3 },  { NULL, 0 },
};
static const struct field_limit service_limits[] = {
	{ "DisplayName", 1 },	{ "Description", 1 },	   { "ServiceType", 1 }, { "StartType", 1 },
	{ "ErrorControl", 1 },	{ "ServiceBinary", 1 },	   { "StartName", 1 },	 { "LoadOrderGroup", 1 },
	{ "Security", 1 },	{ "DelayedAutoStart", 1 }, { "ServiceSidType", 1 }, { NULL, 0 },
};

static size_t used_fields(const struct inf_file *f, const struct inf_entry *e)
{
	size_t n = e->nfields;

	while (n && !inf_field_value(f, e, n - 1)[0])
		n--;
	return n;
}

static size_t limit_for(const struct check_ctx *c, size_t i, const struct inf_entry *e)
{
	const struct inf_section *s = &c->f->sections[i];
	const struct field_limit *t = NULL;

	if (dc_strcaseeq(s->name, "Version")) {
		if (e->key_value && dc_has_prefix_ci(e->key_value, "CatalogFile"))
			return 1;
		t = version_limits;
	} else if (dc_strcaseeq(s->name, "DestinationDirs")) {
		return 2;
	} else if (dc_has_prefix_ci(s->name, "SourceDisksFiles")) {
		return 3;
	} else if (dc_has_prefix_ci(s->name, "SourceDisksNames")) {
		return 6;
	} else if (c->m.kinds[i] == (1u << K_RENFILES)) {
		return 2;
	} else if (c->m.kinds[i] && !(c->m.kinds[i] & ~((1u << K_COPYFILES) | (1u << K_DELFILES)))) {
		return 4;
	} else if (c->m.roles[i] & ROLE_SERVICE) {
		t = service_limits;
	} else if (c->m.roles[i] & ROLE_INSTALL) {
		t = install_limits;
	}
	for (; t && t->key; t++)
		if (e->key_value && dc_strcaseeq(e->key_value, t->key))
			return t->max;
	return 0;
}

static void rule_field_counts(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];

		if (s->is_strings)
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);
			size_t max = limit_for(c, i, e), n = used_fields(f, e);

			if (max && n > max)
				check_add(c, R_TOO_MANY_FIELDS, e->pos.line, NULL,
					  "%s%s%s in [%s] has %zu fields; Windows reads %zu and ignores the rest",
					  e->key_value ? "'" : "", e->key_value ? e->key_value : "this entry",
					  e->key_value ? "'" : "", s->name, n, max);
		}
	}
}

/* FeatureScore is hexadecimal with or without 0x (display INFs write F9): 0x00..0xFF. */
static bool featurescore_ok(const char *v)
{
	size_t n;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		v += 2;
	n = strspn(v, "0123456789abcdefABCDEF");
	while (n > 2 && v[0] == '0') { /* leading zeros: 0x000000F9 */
		v++;
		n--;
	}
	return n >= 1 && n <= 2 && !v[n];
}

static void rule_install_directives(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];

		if (!reached_install(c, i))
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);

			if (!e->key_value)
				continue;
			if (dc_strcaseeq(e->key_value, "CopyFiles") && !check_copyfiles_processed(c, i))
				check_add(c, R_COPYFILES_IGNORED, e->pos.line, NULL,
					  "CopyFiles in [%s] is not processed by Windows there; nothing is copied or catalogued",
					  s->name);
			if (dc_strcaseeq(e->key_value, "FeatureScore") &&
			    !featurescore_ok(inf_field_value(f, e, 0)))
				check_add(c, R_FEATURESCORE, e->pos.line, NULL,
					  "FeatureScore '%s' is not a one-byte value (0x00 to 0xFF)",
					  inf_field_value(f, e, 0));
		}
	}
}

int check_rules_sections(struct check_ctx *c)
{
	rule_undefined(c);
	rule_kinds_and_unreferenced(c);
	rule_include_needs(c);
	rule_field_counts(c);
	rule_install_directives(c);
	return c->rc;
}
