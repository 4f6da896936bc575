/*
 * r_registry.c - registry roots written by AddReg, DelReg and BitReg lists
 * (INF AddReg directive; InfVerif 1304 in /k and /u, 1320/1321 in /w): only
 * HKR is relative to the device or service; any other root is global state
 * that driver package isolation forbids.
 */
#include <string.h>

#include "../util/str.h"
#include "internal.h"

static const char *const roots[] = { "HKR", "HKCR", "HKCU", "HKLM", "HKU" };

static void check_list(struct check_ctx *c, const struct inf_section *s)
{
	const struct inf_file *f = c->f;

	for (size_t k = 0; k < s->nentries; k++) {
		const struct inf_entry *e = inf_section_entry(f, s, k);
		const char *root = e->key_value ? e->key_value : inf_field_value(f, e, 0);
		const char *sub = inf_field_value(f, e, e->key_value ? 0 : 1);
		bool known = false;

		for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
			known |= dc_strcaseeq(root, roots[i]);
		if (!known || dc_strcaseeq(root, "HKR"))
			continue;
		check_add(c, R_REGISTRY_NON_HKR, e->pos.line, NULL,
			  "registry list [%s] changes %s\\%s; universal drivers keep registry state under HKR",
			  s->name, root, sub);
		check_add(c, R_ISOLATION_REGISTRY, e->pos.line, NULL,
			  "registry list [%s] changes %s\\%s; driver package isolation allows only HKR",
			  s->name, root, sub);
	}
}

int check_rules_registry(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++)
		if (c->m.roles[i] & ROLE_REGLIST)
			check_list(c, &f->sections[i]);
	return c->rc;
}
