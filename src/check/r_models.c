/*
 * r_models.c - [Manufacturer] and Models rules (MFG, MODELS, TARGETOS;
 * inf-format.md §1.13): decorations, models sections, their entries and
 * hardware ids, install sections and .Services per architecture,
 * DefaultInstall decorations, and models for each --os target.
 */
#include <stdio.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

#define NAME_MAX_LEN (INF_MAX_SECTION_NAME * 2 + 32)

static void models_name(char *out, size_t n, const struct inf_manufacturer *mf, size_t t)
{
	if (t == SIZE_MAX)
		snprintf(out, n, "%s", mf->models);
	else
		snprintf(out, n, "%s.%s", mf->models, mf->targets[t].text);
}

/* Build numbers only with 10.0 and >= 14310 (TARGETOS, InfVerif 1288). */
static void rule_targetos_build(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const struct inf_section *s = inf_find_section(f, "Manufacturer");

	for (size_t i = 0; s && i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);

		for (size_t k = 1; k < e->nfields; k++) {
			struct inf_targetos t;
			const char *why;

			if (!inf_targetos_parse(inf_field_value(f, e, k), &t, &why) || !t.build)
				continue;
			if (t.major != 10 || t.minor != 0 || t.build < 14310)
				check_add(c, R_TARGETOS, inf_entry_field(f, e, k)->pos.line, NULL,
					  "TargetOSVersion '%s' gives build %lu, but Windows honours build numbers only with version 10.0 and builds from 14310",
					  t.text, t.build);
		}
	}
}

static void rule_models_sections(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	char name[NAME_MAX_LEN];

	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *mf = &f->manufacturers[i];
		bool arch = false;

		if (!mf->ntargets && !inf_find_section(f, mf->models))
			check_add(c, R_MODELS_MISSING, mf->pos.line, NULL,
				  "[Manufacturer] names models section [%s], which is not defined",
				  mf->models);
		for (size_t t = 0; t < mf->ntargets; t++) {
			if (!mf->targets[t].valid)
				continue;
			arch |= mf->targets[t].arch != INF_ARCH_NONE;
			models_name(name, sizeof(name), mf, t);
			if (!inf_find_section(f, name))
				check_add(c, R_MODELS_MISSING, mf->pos.line, NULL,
					  "[Manufacturer] names models section [%s] (decoration %s), which is not defined",
					  name, mf->targets[t].text);
		}
		if (!arch)
			check_add(c, R_MODELS_ARCH, mf->pos.line, NULL,
				  mf->ntargets ? "models of '%s' have no architecture decoration (NT<arch>): since Windows Server 2003 SP1 only x86 systems use them"
					       : "models of '%s' are undecorated: since Windows Server 2003 SP1 only x86 systems use [%s]",
				  mf->name, mf->models);
	}
}

static bool hex_run(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
		      (p[i] >= 'A' && p[i] <= 'F')))
			return false;
	return true;
}

/* Fields of PCI\ and USB\ ids: name, allowed hex lengths (0 = unused). */
static const struct {
	const char *bus, *name;
	size_t len[3];
} id_fields[] = {
	{ "PCI", "VEN", { 4 } },	 { "PCI", "DEV", { 4 } },	 { "PCI", "SUBSYS", { 8 } },
	{ "PCI", "REV", { 2 } },	 { "PCI", "CC", { 2, 4, 6 } },	 { "USB", "VID", { 4 } },
	{ "USB", "PID", { 4 } },	 { "USB", "REV", { 4 } },	 { "USB", "MI", { 2 } },
	{ "USB", "Class", { 2 } },	 { "USB", "SubClass", { 2 } }, { "USB", "Prot", { 2 } },
};

/* Why id is malformed, or NULL. */
static const char *hwid_problem(const char *id, char *why, size_t n)
{
	size_t len = strlen(id);
	const char *bs = strchr(id, '\\');

	if (len > 200) {
		snprintf(why, n, "it is %zu characters long; device ids have at most 200", len);
		return why;
	}
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f) {
			snprintf(why, n, "it contains a %s, which device ids never do",
				 *p == ' ' ? "space" : "control character");
			return why;
		}
	if (!bs)
		return NULL;
	for (const char *p = bs + 1; *p;) {
		size_t part = strcspn(p, "&\\");
		const char *us = memchr(p, '_', part);

		for (size_t k = 0; us && k < sizeof(id_fields) / sizeof(id_fields[0]); k++) {
			size_t nl = (size_t)(us - p), vl = part - nl - 1;
			bool ok = false;

			if ((size_t)(bs - id) != strlen(id_fields[k].bus) ||
			    !dc_strncaseeq(id, id_fields[k].bus, (size_t)(bs - id)) ||
			    nl != strlen(id_fields[k].name) || !dc_strncaseeq(p, id_fields[k].name, nl))
				continue;
			for (size_t j = 0; j < 3 && id_fields[k].len[j]; j++)
				ok |= vl == id_fields[k].len[j] && hex_run(us + 1, vl);
			if (!ok) {
				snprintf(why, n, "%s_%.*s is not %zu hexadecimal digits", id_fields[k].name,
					 (int)vl, us + 1, id_fields[k].len[0]);
				return why;
			}
		}
		p += part;
		if (*p != '&')
			break;
		p++;
	}
	return NULL;
}

static void check_entry(struct check_ctx *c, const struct inf_section *s, const struct inf_entry *e)
{
	const struct inf_file *f = c->f;
	const char *install = inf_field_value(f, e, 0);
	const char *desc = e->key_value ? e->key_value : "(no description)";
	bool ids = false;
	char why[160];

	if (!e->key)
		check_add(c, R_MODELS_ENTRY, e->pos.line, NULL,
			  "models entry in [%s] has no device description before '='", s->name);
	if (!install[0])
		check_add(c, R_MODELS_ENTRY, e->pos.line, NULL,
			  "device '%s' in [%s] names no install section", desc, s->name);
	for (size_t k = 1; k < e->nfields; k++) {
		const char *id = inf_field_value(f, e, k);

		if (!id[0])
			continue;
		ids = true;
		if (!strchr(id, '%') && hwid_problem(id, why, sizeof(why)))
			check_add(c, R_HWID, inf_entry_field(f, e, k)->pos.line, NULL,
				  "device id '%s' of '%s' is malformed: %s", id, desc, why);
	}
	if (!ids)
		check_add(c, R_MODELS_ENTRY, e->pos.line, NULL,
			  "device '%s' in [%s] names no hardware or compatible id", desc, s->name);
}

static bool any_nt_variant(const struct inf_file *f, const char *base)
{
	char name[NAME_MAX_LEN];

	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		snprintf(name, sizeof(name), "%s.NT%s", base, inf_arch_name((enum inf_arch)a));
		if (inf_find_section(f, name))
			return true;
	}
	return inf_find_install_section(f, base, INF_ARCH_NONE) != NULL;
}

/* The .Services section of a device install section (DDINSTALL, InfVerif 1296). */
static void check_services(struct check_ctx *c, const struct inf_section *dd)
{
	const struct inf_file *f = c->f;
	const struct inf_section *svc;
	char name[NAME_MAX_LEN];
	const char *cls = f->version.class_name.value;

	if (cls && dc_strcaseeq(cls, "Extension"))
		return; /* extension INFs add to another INF's device install */
	snprintf(name, sizeof(name), "%s.Services", dd->name);
	svc = inf_find_section(f, name);
	if (svc && (inf_find_entry(f, svc, "AddService") || inf_find_entry(f, svc, "Needs")))
		return;
	check_add(c, R_SERVICES, dd->pos.line, NULL,
		  svc ? "[%s] has no AddService (or Needs), so the device gets no function driver"
		      : "install section [%s] has no .Services section, so the device gets no function driver",
		  svc ? svc->name : dd->name);
}

/* Every entry of models section s, on arch (INF_ARCH_NONE: an arch-less decoration). */
static void check_models_section(struct check_ctx *c, const struct inf_section *s, enum inf_arch arch)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);
		const char *base = inf_field_value(f, e, 0);
		const struct inf_section *dd;

		check_entry(c, s, e);
		if (!base[0])
			continue;
		dd = arch == INF_ARCH_NONE ? check_install_for(f, base, INF_ARCH_X86)
					   : check_install_for(f, base, arch);
		if (!dd && !(arch == INF_ARCH_NONE && any_nt_variant(f, base))) {
			check_add(c, R_INSTALL_MISSING, e->pos.line, NULL,
				  "install section [%s] of device '%s' in [%s] is not defined for %s (looked for [%s.NT%s], [%s.NT] and [%s])",
				  base, e->key_value ? e->key_value : "", s->name,
				  arch == INF_ARCH_NONE ? "any architecture" : inf_arch_name(arch), base,
				  arch == INF_ARCH_NONE ? "<arch>" : inf_arch_name(arch), base, base);
			continue;
		}
		if (dd)
			check_services(c, dd);
	}
}

static void rule_models_entries(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	char name[NAME_MAX_LEN];

	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *mf = &f->manufacturers[i];
		const struct inf_section *s;

		if ((s = inf_find_section(f, mf->models)))
			check_models_section(c, s, INF_ARCH_X86);
		for (size_t t = 0; t < mf->ntargets; t++) {
			if (!mf->targets[t].valid)
				continue;
			models_name(name, sizeof(name), mf, t);
			if ((s = inf_find_section(f, name)))
				check_models_section(c, s, mf->targets[t].arch);
		}
	}
}

static void rule_defaultinstall(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const struct inf_section *plain = inf_find_install_section(f, "DefaultInstall", INF_ARCH_NONE);
	char name[64];

	if (!plain)
		return;
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		snprintf(name, sizeof(name), "DefaultInstall.NT%s", inf_arch_name((enum inf_arch)a));
		if (inf_find_section(f, name))
			return;
	}
	check_add(c, R_DEFAULTINSTALL, plain->pos.line, NULL,
		  "[%s] has no architecture decoration; Windows 10 1903 and later need [DefaultInstall.NT<arch>]",
		  plain->name);
}

static bool os_has_models(const struct check_ctx *c, const struct pkg_os *os)
{
	const struct inf_file *f = c->f;
	char name[NAME_MAX_LEN];
	const struct inf_section *s;

	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *mf = &f->manufacturers[i];

		if (os->arch == INF_ARCH_X86 && (s = inf_find_section(f, mf->models)) && s->nentries)
			return true;
		if (os->major == 5 && os->minor == 0)
			continue; /* Windows 2000 reads only undecorated models (§2.5 rule 4) */
		for (size_t t = 0; t < mf->ntargets; t++) {
			/* Inf2Cat treats the 10.0 family leniently about build gating (§3). */
			if (!pkg_os_accepts(os, &mf->targets[t], os->major == 10))
				continue;
			models_name(name, sizeof(name), mf, t);
			if ((s = inf_find_section(f, name)) && s->nentries)
				return true;
		}
	}
	return false;
}

static void rule_models_for_os(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const struct inf_section *mfg = inf_find_section(f, "Manufacturer");

	for (size_t i = 0; c->opt->targets && i < c->opt->ntargets; i++) {
		const struct pkg_os *os = c->opt->targets[i];

		if (f->nmanufacturers) {
			if (!os_has_models(c, os))
				check_add(c, R_MODELS_FOR_OS, mfg ? mfg->pos.line : 0, NULL,
					  "no models section applies to %s (%s, Windows %u.%u build %u): the package installs nothing there",
					  os->id, inf_arch_name(os->arch), os->major, os->minor, os->build);
		} else if (inf_find_install_section(f, "DefaultInstall", INF_ARCH_NONE) ||
			   any_nt_variant(f, "DefaultInstall")) {
			if (!check_install_for(f, "DefaultInstall", os->arch))
				check_add(c, R_MODELS_FOR_OS, 0, NULL,
					  "no DefaultInstall section applies to %s (%s): add [DefaultInstall.NT%s]",
					  os->id, inf_arch_name(os->arch), inf_arch_name(os->arch));
		}
	}
}

int check_rules_models(struct check_ctx *c)
{
	rule_targetos_build(c);
	rule_models_sections(c);
	rule_models_entries(c);
	rule_defaultinstall(c);
	rule_models_for_os(c);
	return c->rc;
}
