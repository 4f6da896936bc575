/*
 * r_services.c - AddService and service-install sections (DDINSTALL
 * .Services; InfVerif 2006, 1272, 1211, 2085, 2084, 1340): the section
 * AddService names, SPSVCINST_ASSOCSERVICE once per section, and where
 * ServiceBinary points.
 */
#include <stdio.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

#define SPSVCINST_ASSOCSERVICE 0x2ul

static void rule_addservice(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		uint32_t assoc_line = 0;

		if (!(c->m.roles[i] & ROLE_INSTALL))
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);
			const char *name = inf_field_value(f, e, 0), *sec = inf_field_value(f, e, 2);
			unsigned long flags = 0;

			if (!e->key_value || !dc_strcaseeq(e->key_value, "AddService"))
				continue;
			if (!name[0] && sec[0])
				check_add(c, R_ADDSERVICE, e->pos.line, NULL,
					  "AddService for a NULL service names service-install section [%s]; a NULL service takes none",
					  sec);
			else if (name[0] && !sec[0])
				check_add(c, R_ADDSERVICE, e->pos.line, NULL,
					  "AddService=%s names no service-install section", name);
			if (!dc_parse_u32(inf_field_value(f, e, 1), &flags) ||
			    !(flags & SPSVCINST_ASSOCSERVICE))
				continue;
			if (assoc_line)
				check_add(c, R_ASSOCSERVICE, e->pos.line, NULL,
					  "AddService=%s carries SPSVCINST_ASSOCSERVICE (0x2) like the AddService on line %u; a device has one function driver",
					  name, assoc_line);
			else
				assoc_line = e->pos.line;
		}
	}
}

/* The DIRID of a "%dirid%\path" value; -1 when the value does not start with one. */
static long leading_dirid(const char *v)
{
	const char *end;
	char num[16];
	unsigned long d;

	if (v[0] != '%' || !(end = strchr(v + 1, '%')) || end == v + 1 ||
	    (size_t)(end - v - 1) >= sizeof(num))
		return -1;
	memcpy(num, v + 1, (size_t)(end - v - 1));
	num[end - v - 1] = '\0';
	if (num[0] == '-' || !dc_parse_u32(num, &d))
		return -1;
	return (long)d;
}

static bool copies_file(const struct check_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->m.ncopies; i++)
		if (dc_strcaseeq(c->m.copies[i].dest, name))
			return true;
	return false;
}

static bool has_include(const struct inf_file *f)
{
	for (size_t i = 0; i < f->nentries; i++)
		if (f->entries[i].key_value && dc_strcaseeq(f->entries[i].key_value, "Include"))
			return true;
	return false;
}

static void rule_servicebinary(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	bool include = has_include(f);

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		const struct inf_entry *e;
		const char *v, *base;
		long dirid;

		if (!(c->m.roles[i] & ROLE_SERVICE) || !(e = inf_find_entry(f, s, "ServiceBinary")))
			continue;
		v = inf_field_value(f, e, 0);
		if (!v[0])
			continue;
		dirid = leading_dirid(v);
		if (dirid < 0)
			check_add(c, R_SERVICEBINARY_DIRID, e->pos.line, NULL,
				  "ServiceBinary '%s' in [%s] does not start with a %%dirid%%", v, s->name);
		else if (dirid != 13)
			check_add(c, R_DEPRECATED_DIRID, e->pos.line, NULL,
				  "ServiceBinary '%s' in [%s] uses DIRID %ld; isolated driver packages run from the driver store (DIRID 13)",
				  v, s->name, dirid);
		base = v + strlen(v);
		while (base > v && base[-1] != '\\' && base[-1] != '/')
			base--;
		/* An inbox binary (WUDFRd.sys, winusb.sys) is referenced, never shipped. */
		if (!include && base[0] && !copies_file(c, base) && !check_protected_name(base))
			check_add(c, R_SERVICEBINARY_COPIED, e->pos.line, NULL,
				  "ServiceBinary '%s' in [%s] names '%s', which no CopyFiles of this INF installs",
				  v, s->name, base);
	}
}

int check_rules_services(struct check_ctx *c)
{
	rule_addservice(c);
	rule_servicebinary(c);
	return c->rc;
}
