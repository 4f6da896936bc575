/*
 * r_files.c - copy destinations (COPYFILES, DESTDIRS, DIRIDS; inf-format.md
 * §2.2): what CopyFiles may copy, [DestinationDirs] entries and DIRIDs,
 * DIRID 13 rules, two sources to one destination, isolation's DIRID 13,
 * CopyINF (InfVerif 1275, 1241-1243, 1100, 1330, 1322, 1110).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/fs.h"
#include "../util/str.h"
#include "internal.h"

/* The [DestinationDirs] entry for a list (or DefaultDestDir); *is_default set accordingly. */
static const struct inf_entry *destdir_for(const struct inf_file *f, const struct inf_section *list,
					   bool *is_default)
{
	const struct inf_section *dd = inf_find_section(f, "DestinationDirs");
	const struct inf_entry *e = list ? inf_find_entry(f, dd, list->name) : NULL;

	*is_default = !e;
	return e ? e : inf_find_entry(f, dd, "DefaultDestDir");
}

static bool parse_dirid(const char *s, long *out)
{
	unsigned long v;

	if (!strcmp(s, "-1")) {
		*out = -1;
		return true;
	}
	if (!s[0] || !dc_parse_u32(s, &v))
		return false;
	*out = (long)v;
	return true;
}

/* Why DIRID d cannot be a destination, or NULL (DIRIDS). */
static const char *dirid_problem(long d)
{
	static const long known[] = { -1, 1, 10, 11, 12, 13, 17, 18, 20, 21, 23, 24, 25, 30, 50,
				      51, 52, 53, 54, 55, 65535 };

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == d)
			return NULL;
	if ((d >= 16384 && d <= 32767) || (d >= 66000 && d <= 66004))
		return NULL; /* shell special folders; printer directories */
	if (d >= 32768)
		return "is user-defined: only a co-installer calling SetupSetDirectoryId can define it, so it cannot be resolved";
	return "is not a DIRID Windows defines";
}

static void rule_dirids(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const struct inf_section *dd = inf_find_section(f, "DestinationDirs");

	for (size_t i = 0; dd && i < dd->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, dd, i);
		const char *v = inf_field_value(f, e, 0), *why;
		long d;

		if (!parse_dirid(v, &d))
			check_add(c, R_DIRID, e->pos.line, NULL,
				  "DIRID '%s' for %s is not a number (write 11, not %%11%%)", v,
				  e->key_value ? e->key_value : "this entry");
		else if ((why = dirid_problem(d)))
			check_add(c, R_DIRID, e->pos.line, NULL, "DIRID %ld for %s %s", d,
				  e->key_value ? e->key_value : "this entry", why);
	}
}

static void sdf_subdir(const struct check_ctx *c, const char *src, enum inf_arch arch, char *out,
		       size_t n, bool *found)
{
	char name[64];
	const struct inf_entry *e;

	snprintf(name, sizeof(name), "SourceDisksFiles.%s", inf_arch_name(arch));
	e = inf_find_entry(c->f, inf_find_section(c->f, name), src);
	if (!e)
		e = inf_find_entry(c->f, inf_find_section(c->f, "SourceDisksFiles"), src);
	*found = e != NULL;
	check_path_norm(out, n, e ? inf_field_value(c->f, e, 1) : "");
}

static void rule_copies(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < c->m.ncopies; i++) {
		const struct check_copy *cp = &c->m.copies[i];
		bool is_default;
		const struct inf_entry *dd = destdir_for(f, cp->list, &is_default);
		long d;

		/*
		 * COPYFILES: the @filename of a single-file copy must be literal.  In
		 * file lists Windows substitutes %strkey% (Microsoft's own samples
		 * write %DriverName%.sys there), so only an unresolved token is wrong.
		 */
		if ((!cp->list && strchr(cp->raw_src, '%')) || strchr(cp->src, '%'))
			check_add(c, R_SDF_NAME, cp->line, NULL,
				  "file name '%s' in %s must be literal; a %%strkey%% or an unresolved token is not allowed there",
				  cp->raw_src, cp->list ? "a CopyFiles list" : "CopyFiles=@");
		if (dc_has_suffix_ci(cp->src, ".inf") || dc_has_suffix_ci(cp->dest, ".inf"))
			check_add(c, R_COPYFILES, cp->line, NULL,
				  "CopyFiles copies the INF file '%s'; INF files are installed with CopyINF",
				  cp->src);
		if (!dd && !cp->list)
			check_add(c, R_COPYFILES, cp->line, NULL,
				  "CopyFiles=@%s has no destination: [DestinationDirs] has no DefaultDestDir",
				  cp->src);
		else if (!dd)
			check_add(c, R_DESTDIRS_MISSING, cp->directive->pos.line, NULL,
				  "file list [%s] has no [DestinationDirs] entry, and there is no DefaultDestDir",
				  cp->list->name);
		if (!dd || !parse_dirid(inf_field_value(f, dd, 0), &d))
			continue;
		if (d != 13) {
			check_add(c, R_ISOLATION_DIRID, dd->pos.line, NULL,
				  "%s sends files to DIRID %ld; isolated driver packages copy files only to DIRID 13",
				  is_default ? "DefaultDestDir" : dd->key_value, d);
			continue;
		}
		if (!dc_strcaseeq(cp->dest, cp->src))
			check_add(c, R_DIRID13, cp->line, NULL,
				  "'%s' is copied to DIRID 13 as '%s'; files run from the driver store keep their names",
				  cp->src, cp->dest);
		for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
			char sub[512], want[512];
			bool found;

			if (!(cp->arch_mask & c->m.checked & CHECK_ARCH_BIT(a)))
				continue;
			sdf_subdir(c, cp->src, (enum inf_arch)a, sub, sizeof(sub), &found);
			check_path_norm(want, sizeof(want), inf_field_value(f, dd, 1));
			if (found && strcmp(sub, want) != 0)
				check_add(c, R_DIRID13, cp->line, NULL,
					  "'%s' goes to DIRID 13 %s%s%s but comes from SourceDisksFiles %s%s%s; the two must match",
					  cp->src, want[0] ? "subdirectory '" : "without a subdirectory",
					  want, want[0] ? "'" : "", sub[0] ? "subdirectory '" : "without a subdirectory",
					  sub, sub[0] ? "'" : "");
		}
	}
}

/* DelFiles and RenFiles lists need their own [DestinationDirs] entry (DESTDIRS). */
static void rule_del_ren(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const struct inf_section *dd = inf_find_section(f, "DestinationDirs");

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];

		if (!(c->m.roles[i] & ROLE_INSTALL))
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);

			if (!e->key_value || (!dc_strcaseeq(e->key_value, "DelFiles") &&
					      !dc_strcaseeq(e->key_value, "RenFiles")))
				continue;
			for (size_t n = 0; n < e->nfields; n++) {
				const char *v = inf_field_value(f, e, n);

				if (v[0] && inf_find_section(f, v) && !inf_find_entry(f, dd, v))
					check_add(c, R_DESTDIRS_MISSING, e->pos.line, NULL,
						  "%s list [%s] has no [DestinationDirs] entry of its own (DefaultDestDir does not apply to it)",
						  e->key_value, v);
			}
		}
	}
}

struct dest {
	unsigned arch;
	char *key;          /* "dirid\subdir\name", lower case */
	const struct check_copy *cp;
};

static int cmp_dest(const void *a, const void *b)
{
	const struct dest *x = a, *y = b;
	int r = x->arch != y->arch ? (x->arch < y->arch ? -1 : 1) : strcmp(x->key, y->key);

	return r ? r : (x->cp->line < y->cp->line ? -1 : x->cp->line > y->cp->line);
}

static int rule_same_destination(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	struct dest *d = calloc(c->m.ncopies * INF_ARCH_COUNT + 1, sizeof(*d));
	size_t n = 0;

	if (!d)
		return c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->m.ncopies; i++) {
		const struct check_copy *cp = &c->m.copies[i];
		bool is_default;
		const struct inf_entry *dd = destdir_for(f, cp->list, &is_default);
		char sub[512], key[1024];

		if (!dd)
			continue;
		check_path_norm(sub, sizeof(sub), inf_field_value(f, dd, 1));
		snprintf(key, sizeof(key), "%s\\%s\\%s", inf_field_value(f, dd, 0), sub, cp->dest);
		dc_str_lower(key);
		for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
			if (!(cp->arch_mask & c->m.checked & CHECK_ARCH_BIT(a)))
				continue;
			if (!(d[n].key = strdup(key))) {
				c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
				break;
			}
			d[n].arch = (unsigned)a;
			d[n++].cp = cp;
		}
	}
	if (n)
		qsort(d, n, sizeof(*d), cmp_dest);
	for (size_t i = 1; !c->rc && i < n; i++)
		if (d[i].arch == d[i - 1].arch && !strcmp(d[i].key, d[i - 1].key) &&
		    !dc_strcaseeq(d[i].cp->src, d[i - 1].cp->src))
			check_add(c, R_SAME_DESTINATION, d[i].cp->line, NULL,
				  "'%s' is installed as '%s' like '%s' on line %u, to the same directory: two different files, one destination",
				  d[i].cp->src, d[i].cp->dest, d[i - 1].cp->src, d[i - 1].cp->line);
	for (size_t i = 0; i < n; i++)
		free(d[i].key);
	free(d);
	return c->rc;
}

static void rule_copyinf(struct check_ctx *c)
{
	const struct inf_file *f = c->f;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];

		if (!(c->m.roles[i] & ROLE_INSTALL))
			continue;
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);

			if (!e->key_value || !dc_strcaseeq(e->key_value, "CopyINF"))
				continue;
			for (size_t n = 0; n < e->nfields; n++) {
				const char *v = inf_field_value(f, e, n), *why;
				struct check_path p = { { NULL }, 0 };
				struct dc_error ferr = { 0, "" };
				char *rel = NULL;
				bool amb;
				int rc;

				if (!v[0])
					continue;
				if (!dc_has_suffix_ci(v, ".inf")) {
					check_add(c, R_COPYINF, e->pos.line, NULL,
						  "CopyINF names '%s', which is not an .inf file", v);
					continue;
				}
				why = check_path_add(&p, c->inf_dir, &rc);
				if (!why)
					why = check_path_add(&p, v, &rc);
				if (rc) {
					check_path_free(&p);
					c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
					return;
				}
				if (why)
					check_add(c, R_COPYINF, e->pos.line, NULL, "CopyINF '%s' %s", v, why);
				else if (fs_resolve_ci(&rel, &amb, c->root, (const char *const *)p.items, p.n,
						       false, c->dircache, &ferr))
					check_add(c, R_COPYINF, e->pos.line, NULL,
						  "CopyINF names '%s', which is not in the package next to this INF",
						  v);
				else
					check_reference_file(c, rel);
				free(rel);
				check_path_free(&p);
			}
		}
	}
}

int check_rules_files(struct check_ctx *c)
{
	rule_dirids(c);
	rule_copies(c);
	rule_del_ren(c);
	if (rule_same_destination(c))
		return c->rc;
	rule_copyinf(c);
	return c->rc;
}
