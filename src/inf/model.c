/*
 * model.c - [Manufacturer] entries and their TargetOSVersion decorations
 * (MFG, TARGETOS; inf-format.md §1.13(b)):
 *   NT[arch][.[major][.[minor][.[ProductType][.[SuiteMask][.[BuildNumber]]]]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

/* Parses one dot-separated number; an empty part is allowed and means "any". */
static bool part_number(const char *s, size_t n, unsigned long *out)
{
	char tmp[32];

	*out = 0;
	if (n == 0)
		return true;
	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return dc_parse_u32(tmp, out);
}

bool inf_targetos_parse(const char *text, struct inf_targetos *out, const char **why)
{
	const char *p = text, *dot;
	unsigned long *slots[5];
	size_t nslot = 0;

	memset(out, 0, sizeof(*out));
	out->text = text;
	slots[0] = &out->major;
	slots[1] = &out->minor;
	slots[2] = &out->product_type;
	slots[3] = &out->suite_mask;
	slots[4] = &out->build;
	if (!dc_has_prefix_ci(p, "NT")) {
		*why = "it does not start with NT";
		return false;
	}
	p += 2;
	dot = strchr(p, '.');
	{
		size_t n = dot ? (size_t)(dot - p) : strlen(p);

		if (n && !inf_arch_parse(p, n, &out->arch)) {
			*why = "its architecture is not x86, amd64, arm64, arm or ia64";
			return false;
		}
	}
	while (dot) {
		const char *next;
		size_t n;

		p = dot + 1;
		next = strchr(p, '.');
		n = next ? (size_t)(next - p) : strlen(p);
		if (nslot == 5) {
			*why = "it has more than five version fields";
			return false;
		}
		if (!part_number(p, n, slots[nslot])) {
			*why = "a version field is not a number";
			return false;
		}
		if (nslot == 0 && n)
			out->has_version = true;
		nslot++;
		dot = next;
	}
	if (out->product_type > 3) {
		*why = "its product type is not 1, 2 or 3";
		return false;
	}
	out->valid = true;
	return true;
}

int inf_read_manufacturers(struct inf_file *f, struct dc_error *err)
{
	const struct inf_section *s = inf_find_section(f, "Manufacturer");

	if (!s)
		return 0;
	f->manufacturers = calloc(s->nentries ? s->nentries : 1, sizeof(*f->manufacturers));
	if (!f->manufacturers)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);
		struct inf_manufacturer *m = &f->manufacturers[f->nmanufacturers];
		const char *models = inf_field_value(f, e, 0);

		if (!models[0]) {
			if (inf_diag_add(f, INF_ERROR, e->pos, "models",
					 "[Manufacturer] entry names no models section"))
				return DC_ENOMEM;
			continue;
		}
		m->name = e->key_value ? e->key_value : models;
		m->models = models;
		m->pos = e->pos;
		if (e->nfields > 1) {
			m->targets = calloc(e->nfields - 1, sizeof(*m->targets));
			if (!m->targets)
				return dc_error_set(err, DC_ENOMEM, "out of memory");
		}
		for (size_t k = 1; k < e->nfields; k++) {
			const struct inf_field *fd = inf_entry_field(f, e, k);
			const char *why = NULL;

			if (!fd->value[0])
				continue;
			if (!inf_targetos_parse(fd->value, &m->targets[m->ntargets], &why) &&
			    inf_diag_add(f, INF_ERROR, fd->pos, "models",
					 "TargetOSVersion '%s' is malformed: %s", fd->value, why))
				return DC_ENOMEM;
			m->ntargets++;
		}
		f->nmanufacturers++;
	}
	return 0;
}
