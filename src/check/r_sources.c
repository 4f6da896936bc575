/*
 * r_sources.c - where copied files come from (SDN, SDF; inf-format.md §1.13(c),
 * §2.2): [SourceDisksFiles(.arch)] entries and names, disk ids, paths, the
 * file on disk per architecture, the SDN/SDF pair, and SDF entries nothing
 * copies (InfVerif 1230, 1231, 1213, 1273, 1008, 1015, 1016; Inf2Cat 22.9.10,
 * 22.9.1).  Lookup is per entry: Section.<arch> first, then Section.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fs.h"
#include "../util/str.h"
#include "internal.h"

static bool is_sd_section(const char *name, const char *base, enum inf_arch *arch)
{
	size_t n = strlen(base);

	if (!dc_strncaseeq(name, base, n))
		return false;
	if (!name[n]) {
		*arch = INF_ARCH_NONE;
		return true;
	}
	return name[n] == '.' && inf_arch_parse(name + n + 1, strlen(name + n + 1), arch);
}

/* Disk ids are numbers to Windows: "01" and "1" name the same disk. */
static const struct inf_entry *find_disk(const struct inf_file *f, const struct inf_section *s,
					 const char *diskid)
{
	const struct inf_entry *e = inf_find_entry(f, s, diskid);
	unsigned long want, have;

	if (e || !s || !dc_parse_u32(diskid, &want))
		return e;
	for (size_t i = 0; i < s->nentries; i++) {
		const char *k = inf_entry_lookup_key(f, inf_section_entry(f, s, i));

		if (k && dc_parse_u32(k, &have) && have == want)
			return inf_section_entry(f, s, i);
	}
	return NULL;
}

static const struct inf_entry *lookup(const struct inf_file *f, const char *base, enum inf_arch arch,
				      const char *key, bool disk)
{
	char name[64];
	const struct inf_entry *e = NULL;
	const struct inf_section *s;

	if (arch != INF_ARCH_NONE) {
		snprintf(name, sizeof(name), "%s.%s", base, inf_arch_name(arch));
		s = inf_find_section(f, name);
		e = disk ? find_disk(f, s, key) : inf_find_entry(f, s, key);
	}
	if (!e) {
		s = inf_find_section(f, base);
		e = disk ? find_disk(f, s, key) : inf_find_entry(f, s, key);
	}
	return e;
}

static bool compressed_name(const char *s)
{
	size_t n = strlen(s);

	/* foo.sy_: the last character of a three-letter extension replaced by '_' */
	return n > 4 && s[n - 1] == '_' && s[n - 4] == '.';
}

static void check_path_field(struct check_ctx *c, const struct inf_entry *e, const char *what,
			     const char *value)
{
	struct check_path p = { { NULL }, 0 };
	const char *why;
	int rc;

	why = check_path_add(&p, c->inf_dir, &rc);
	if (!why)
		why = check_path_add(&p, value, &rc);
	check_path_free(&p);
	if (rc)
		c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
	else if (why)
		check_add(c, R_SOURCE_PATH, e->pos.line, NULL, "%s '%s' %s", what, value, why);
}

static bool copied(const struct check_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->m.ncopies; i++)
		if (dc_strcaseeq(c->m.copies[i].src, name))
			return true;
	return false;
}

static void rule_static(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const struct inf_section *first_sdf = NULL, *first_sdn = NULL;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		enum inf_arch arch;
		bool sdf = is_sd_section(s->name, "SourceDisksFiles", &arch);

		if (!sdf && !is_sd_section(s->name, "SourceDisksNames", &arch))
			continue;
		if (sdf && !first_sdf)
			first_sdf = s;
		if (!sdf && !first_sdn)
			first_sdn = s;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);
			const char *key = inf_entry_lookup_key(f, e);
			const char *disk = e->key ? inf_field_value(f, e, 0) : "";
			unsigned long v;

			if (!key)
				continue;
			if (!sdf) {
				if (!dc_parse_u32(key, &v))
					check_add(c, R_DISK_ID, e->pos.line, NULL,
						  "disk id '%s' in [%s] is not a number", key, s->name);
				if (inf_field_value(f, e, 3)[0])
					check_path_field(c, e, "SourceDisksNames path", inf_field_value(f, e, 3));
				continue;
			}
			if ((e->key && strchr(e->key, '%')) || (!e->key && strchr(inf_entry_field(f, e, 0)->raw, '%')))
				check_add(c, R_SDF_NAME, e->pos.line, NULL,
					  "file name '%s' in [%s] uses a %%token%%; SourceDisksFiles names must be literal",
					  e->key ? e->key : key, s->name);
			else if (dc_has_suffix_ci(key, ".cat"))
				check_add(c, R_SDF_NAME, e->pos.line, NULL,
					  "[%s] lists the catalog '%s'; a catalog is never a source file of its own package",
					  s->name, key);
			else if (compressed_name(key))
				check_add(c, R_SDF_NAME, e->pos.line, NULL,
					  "[%s] lists the compressed name '%s'; list the uncompressed file name",
					  s->name, key);
			else if (!f->version.layout_file.value && !copied(c, key))
				check_add(c, R_SDF_NEVER_COPIED, e->pos.line, NULL,
					  "'%s' is listed in [%s] but no CopyFiles copies it, so it is neither installed nor catalogued",
					  key, s->name);
			/* whether the disk is listed is decided per architecture (rule_resolve) */
			if (!disk[0] || !dc_parse_u32(disk, &v))
				check_add(c, R_DISK_ID, e->pos.line, NULL,
					  "'%s' in [%s] has %s disk id%s%s%s", key, s->name,
					  disk[0] ? "a non-numeric" : "no", disk[0] ? " '" : "", disk,
					  disk[0] ? "'" : "");
			if (inf_field_value(f, e, 1)[0])
				check_path_field(c, e, "SourceDisksFiles subdirectory", inf_field_value(f, e, 1));
		}
	}
	if (first_sdf && !first_sdn)
		check_add(c, R_SDN_SDF_PAIR, first_sdf->pos.line, NULL,
			  "the INF has [%s] but no [SourceDisksNames], so no source file can be found",
			  first_sdf->name);
	if (first_sdn && !first_sdf && !f->version.layout_file.value)
		check_add(c, R_SDN_SDF_PAIR, first_sdn->pos.line, NULL,
			  "the INF has [%s] but no [SourceDisksFiles]", first_sdn->name);
}

/* What resolving one copy on one architecture gave. */
enum outcome { OUT_NONE, OUT_OK, OUT_NO_SDF, OUT_NO_DISK, OUT_MISSING };

struct result {
	enum outcome out;
	char *path;               /* OUT_MISSING: where it was looked for */
	const struct inf_entry *sdf;
	const char *diskid;
};

static int resolve(struct check_ctx *c, const struct check_copy *cp, enum inf_arch arch,
		   struct result *r)
{
	const struct inf_file *f = c->f;
	const struct inf_entry *sdf, *sdn;
	struct check_path p = { { NULL }, 0 };
	struct dc_error ferr = { 0, "" };
	const char *why = NULL;
	char *rel = NULL;
	bool amb;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (!(sdf = lookup(f, "SourceDisksFiles", arch, cp->src, false))) {
		r->out = f->version.layout_file.value ? OUT_NONE : OUT_NO_SDF;
		return 0;
	}
	r->sdf = sdf;
	r->diskid = inf_field_value(f, sdf, 0);
	if (!(sdn = lookup(f, "SourceDisksNames", arch, r->diskid, true))) {
		r->out = OUT_NO_DISK;
		return 0;
	}
	why = check_path_add(&p, c->inf_dir, &rc);
	if (!why && !rc)
		why = check_path_add(&p, inf_field_value(f, sdn, 3), &rc);
	if (!why && !rc)
		why = check_path_add(&p, inf_field_value(f, sdf, 1), &rc);
	if (!why && !rc)
		why = check_path_add(&p, cp->src, &rc);
	if (rc || why) { /* DC-INF-031 reports bad paths once, statically */
		check_path_free(&p);
		return rc ? (c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory")) : 0;
	}
	if (fs_resolve_ci(&rel, &amb, c->root, (const char *const *)p.items, p.n, false, c->dircache, &ferr) == 0) {
		r->out = OUT_OK;
		rc = check_reference_file(c, rel);
	} else if (ferr.code == DC_ENOMEM) {
		rc = c->rc = dc_error_set(c->err, DC_ENOMEM, "%s", ferr.msg);
	} else {
		r->out = OUT_MISSING;
		if (!(r->path = check_path_join(&p)))
			rc = c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
	}
	free(rel);
	check_path_free(&p);
	return rc;
}

static void report_copy(struct check_ctx *c, const struct check_copy *cp, struct result *res)
{
	const char *where = cp->list ? cp->list->name : "CopyFiles=@";

	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		unsigned mask = 0;
		char archs[64], sdf_arch[64];

		if (res[a].out <= OUT_OK)
			continue;
		/* one finding for every architecture with the same outcome (and path) */
		for (int b = a; b < INF_ARCH_COUNT; b++)
			if (res[b].out == res[a].out &&
			    (res[a].out != OUT_MISSING || !strcmp(res[a].path, res[b].path)) &&
			    (res[a].out != OUT_NO_DISK || res[a].sdf == res[b].sdf)) {
				mask |= CHECK_ARCH_BIT(b);
				if (b != a)
					res[b].out = OUT_NONE;
			}
		check_arch_list(archs, sizeof(archs), mask);
		snprintf(sdf_arch, sizeof(sdf_arch), "%s", mask == CHECK_ARCH_BIT(a) ? archs : "<arch>");
		if (res[a].out == OUT_NO_SDF)
			check_add(c, R_SDF_MISSING, cp->line, NULL,
				  "'%s' copied by [%s] has no entry in [SourceDisksFiles.%s] or [SourceDisksFiles] (needed for %s), so Windows cannot find its source",
				  cp->src, where, sdf_arch, archs);
		else if (res[a].out == OUT_NO_DISK)
			check_add(c, R_DISK_ID, res[a].sdf->pos.line, NULL,
				  "disk %s of '%s' is not listed in [SourceDisksNames.%s] or [SourceDisksNames] (needed for %s)",
				  res[a].diskid, cp->src, sdf_arch, archs);
		else
			check_add(c, R_SOURCE_FILE_MISSING, cp->line, NULL,
				  "'%s' copied by [%s] for %s is missing from the package: looked for %s (from SourceDisksNames and SourceDisksFiles, relative to the INF)",
				  cp->src, where, archs, res[a].path);
	}
}

static int rule_resolve(struct check_ctx *c)
{
	unsigned archs = c->m.served | c->m.checked;

	for (size_t i = 0; !c->rc && i < c->m.ncopies; i++) {
		const struct check_copy *cp = &c->m.copies[i];
		struct result res[INF_ARCH_COUNT];

		memset(res, 0, sizeof(res));
		if (strchr(cp->src, '%') || !cp->src[0])
			continue; /* DC-INF-029 */
		for (int a = INF_ARCH_X86; !c->rc && a < INF_ARCH_COUNT; a++) {
			if (!(cp->arch_mask & archs & CHECK_ARCH_BIT(a)))
				continue;
			if (resolve(c, cp, (enum inf_arch)a, &res[a]))
				break;
			/* outside the architectures being checked, only remember the file */
			if (!(c->m.checked & CHECK_ARCH_BIT(a)))
				res[a].out = OUT_NONE;
		}
		if (!c->rc)
			report_copy(c, cp, res);
		for (int a = 0; a < INF_ARCH_COUNT; a++)
			free(res[a].path);
	}
	return c->rc;
}

int check_rules_sources(struct check_ctx *c)
{
	rule_static(c);
	return rule_resolve(c);
}
