/*
 * package.c - a package directory against its catalogs: the package walk,
 * each catalog the INFs name (read once, checked by members.c), the
 * diagnostics of the walk, and the files no INF references for any OS.
 *
 * Two walks answer two questions.  The catalogs are checked against the
 * files the INFs reference for the targets: --os, else the OSes the catalogs
 * name (their OS attribute: a first walk finds the catalogs).  A stray is a
 * file no INF references for any OS: a walk without targets.  Without --os
 * the first walk is that walk, and a second is needed only when the catalogs'
 * OSes are not exactly what the INFs serve; with --os the second is needed
 * only when a file outside the targets' members could be a stray.  Each
 * skipped walk would have given the same result; the reasons are at
 * same_as_targeted_walk and check_strays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/fs.h"
#include "../util/map.h"
#include "../util/str.h"
#include "internal.h"

#define STRAY_MAX_DEPTH 8 /* directory levels searched for stray files, as for INFs */

/* --- catalogs, read once --- */

struct catalog_cache {
	struct verify_catalog *items;
	size_t n, cap;
};

/* Frees what was read, keeping the entry: the checks are done with it. */
static void catalog_release(struct verify_catalog *vc)
{
	cat_free(vc->cat);
	free(vc->der);
	vc->cat = NULL;
	vc->der = NULL;
}

static void cache_free(struct catalog_cache *cc)
{
	for (size_t i = 0; i < cc->n; i++) {
		catalog_release(&cc->items[i]);
		free(cc->items[i].path);
	}
	free(cc->items);
}

/*
 * The catalog at rel under root, read now unless already read.  Keyed by the
 * exact spelling: on a case-sensitive disk another spelling may be another
 * file.  NULL only when out of memory; a catalog that cannot be read is an
 * entry with rc set.
 */
static struct verify_catalog *cache_get(struct catalog_cache *cc, const char *root,
					const char *rel, struct dc_error *err)
{
	struct verify_catalog *vc = NULL;
	char *full;

	for (size_t i = 0; i < cc->n && !vc; i++)
		if (!strcmp(cc->items[i].path, rel))
			vc = &cc->items[i];
	if (vc && (vc->rc || vc->cat))
		return vc;
	if (!vc) {
		if (dc_array_grow((void **)&cc->items, &cc->cap, cc->n + 1, sizeof(*vc), err))
			return NULL;
		vc = &cc->items[cc->n];
		memset(vc, 0, sizeof(*vc));
		if (!(vc->path = strdup(rel))) {
			dc_error_set(err, DC_ENOMEM, "out of memory");
			return NULL;
		}
		cc->n++;
	}
	if (!(full = fs_join(root, rel))) {
		dc_error_set(err, DC_ENOMEM, "out of memory");
		return NULL;
	}
	vc->err.code = 0;
	vc->err.msg[0] = '\0';
	vc->rc = verify_load_catalog(&vc->cat, &vc->der, &vc->len, full, &vc->err);
	free(full);
	return vc;
}

/*
 * Without --os, a package is checked for the OSes its catalogs name (their OS
 * attribute): that is what the catalog was made for.  Falls back to every OS
 * the INFs serve when no catalog can be read or names none drvcat knows.
 */
static int catalog_targets(const struct pkg_os ***out, size_t *n, const struct pkg *p,
			   struct catalog_cache *cc, struct dc_error *err)
{
	size_t ntable;
	const struct pkg_os *table = pkg_os_table(&ntable);
	bool *want = calloc(ntable, sizeof(bool));

	*out = NULL;
	*n = 0;
	if (!want)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < p->ncatalogs; i++) {
		const struct verify_catalog *vc = cache_get(cc, p->root, p->catalogs[i].path, err);
		const char *os;

		if (!vc) {
			free(want);
			return DC_ENOMEM;
		}
		if (vc->rc || !(os = cat_attr(vc->cat, "OS")))
			continue;
		while (*os) {
			size_t k = strcspn(os, ",");
			char tok[64];
			const struct pkg_os *id;

			snprintf(tok, sizeof(tok), "%.*s", (int)(k < 63 ? k : 63), os);
			if ((id = pkg_os_from_token(tok)))
				want[id - table] = true;
			os += k + (os[k] == ',');
		}
	}
	for (size_t i = 0; i < ntable; i++)
		*n += want[i];
	if (*n) {
		*out = calloc(*n, sizeof(**out));
		if (!*out) {
			free(want);
			return dc_error_set(err, DC_ENOMEM, "out of memory");
		}
		*n = 0;
		for (size_t i = 0; i < ntable; i++)
			if (want[i])
				(*out)[(*n)++] = &table[i];
	}
	free(want);
	return 0;
}

/* --- which walks --- */

/*
 * Whether walking with targets t[0..nt) (explicit, as with --os) would give
 * exactly the every-OS walk all, so that walk can be checked instead.
 *
 * The two walk the same (INF, OS) pairs the same way whenever the INF serves
 * the OS with a plain CatalogFile (src/pkg/walk.c walk_target).  They differ
 * only (1) on an OS the INF does not serve, or serves only under the lenient
 * 10.0 build rule, or has no CatalogFile for: the explicit walk reports it
 * (and may add an INF-only catalog), the every-OS walk skips it; (2) on an OS
 * outside t the INF serves: only the every-OS walk visits it, or reports its
 * CatalogFile as not a plain name.
 *
 * The walk shows neither can happen when every INF served exactly t, with
 * nothing reported: each catalog holds exactly one of the INFs, so its
 * targets are the OSes that INF served into it; every catalog's targets are
 * t, so each INF served t and nothing else (into one catalog: an INF's OSes
 * go to one catalog each); and every INF is in a catalog.  The OSes of t and
 * of a catalog are both in table order, so the walks also go in one order.
 */
static bool same_as_targeted_walk(const struct pkg *all, const struct pkg_os *const *t, size_t nt)
{
	struct dc_map infs;
	bool *served = calloc(all->ninfs ? all->ninfs : 1, sizeof(bool));
	bool same = served && all->ndiags == 0;

	dc_map_init(&infs, DC_MAP_EXACT);
	for (size_t i = 0; same && i < all->ninfs; i++)
		same = !dc_map_add_str(&infs, all->infs[i].path, i, NULL);
	for (size_t i = 0; same && i < all->ncatalogs; i++) {
		const struct pkg_catalog *c = &all->catalogs[i];
		size_t held = 0;

		same = c->ntargets == nt && !memcmp(c->targets, t, nt * sizeof(*t));
		for (size_t k = 0; same && k < c->nmembers; k++) {
			size_t at;

			if (dc_map_get_str(&infs, c->members[k].path, &at)) {
				served[at] = true;
				held++;
			}
		}
		same = same && held == 1;
	}
	for (size_t i = 0; same && i < all->ninfs; i++)
		same = served[i];
	dc_map_free(&infs);
	free(served);
	return same;
}

/* What a stray check consults: every catalog's member paths and the catalogs themselves. */
struct references {
	struct dc_map members; /* exact path */
	struct dc_map catalogs; /* any case, as the walk matches catalog names */
};

static int references_index(struct references *refs, const struct pkg *p, struct dc_error *err)
{
	int rc = 0;

	/* Adds to what refs holds: a file either walk references is referenced. */
	for (size_t i = 0; !rc && i < p->ncatalogs; i++) {
		rc = dc_map_add_str(&refs->catalogs, p->catalogs[i].path, i, err);
		for (size_t k = 0; !rc && k < p->catalogs[i].nmembers; k++)
			rc = dc_map_add_str(&refs->members, p->catalogs[i].members[k].path, k, err);
	}
	return rc;
}

static bool references_has(const struct references *refs, const char *path)
{
	return dc_map_get_str(&refs->members, path, NULL) || dc_map_get_str(&refs->catalogs, path, NULL);
}

/* INFs and catalogs are the package's own; documentation needs no catalog. */
static bool stray_candidate(const char *path)
{
	return !dc_has_suffix_ci(path, ".inf") && !dc_has_suffix_ci(path, ".cat") &&
	       !pkg_is_documentation(path);
}

/*
 * Files in the package that no INF references: not covered by any catalog
 * (Inf2Cat 22.9.8 context).  The rule is "for any OS": p is the walk whose
 * catalogs were checked; every_os is a walk for every OS when verify made
 * one, else it is made here (with popt, targets aside) - unless p already
 * references every candidate file.  A file either walk references is no
 * stray: p can reach files under the lenient 10.0 rule (a Models section
 * gated at a build past drvcat's table) that the every-OS walk does not.  A file p references is referenced by the
 * every-OS walk too (same_as_targeted_walk (1): the explicit walk adds files
 * only for an OS the INF serves, which the every-OS walk visits alike), save
 * under the lenient 10.0 rule, which the walk reports as a note.  So without
 * notes such a package has no stray, whatever the second walk would say.
 */
static int check_strays(struct report *r, struct pkg *p, const struct pkg *every_os,
			const char *dir, const struct pkg_options *popt, struct dc_error *err)
{
	struct references refs;
	struct pkg *all = NULL;
	char **files = NULL;
	size_t n = 0;
	int rc = fs_list_suffix(&files, &n, p->root, "", STRAY_MAX_DEPTH, err);

	dc_map_init(&refs.members, DC_MAP_EXACT);
	dc_map_init(&refs.catalogs, DC_MAP_CASE);
	if (!rc)
		rc = references_index(&refs, p, err);
	if (!rc && every_os && every_os != p)
		rc = references_index(&refs, every_os, err);
	if (!rc && !every_os) {
		bool covered = pkg_count_diags(p, INF_NOTE) == 0;

		for (size_t i = 0; covered && i < n; i++)
			covered = !stray_candidate(files[i]) || dc_map_get_str(&refs.members, files[i], NULL);
		if (covered)
			goto done;
		{
			struct pkg_options every = *popt;

			every.targets = NULL;
			every.ntargets = 0;
			every.reuse = p; /* p's INFs and listings: its members are indexed already */
			rc = pkg_walk(&all, dir, &every, err);
		}
		if (!rc)
			rc = references_index(&refs, all, err);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		if (!stray_candidate(files[i]) || references_has(&refs, files[i]))
			continue;
		rc = verify_finding(r, "package", files[i], REPORT_WARNING, "unreferenced-file", files[i], 0,
				    NULL, NULL, NULL,
				    "remove it from the package, or copy it from the INF (CopyFiles + SourceDisksFiles) and rebuild the catalog",
				    err, "no INF references this file, so no catalog covers it and Windows will not install it");
	}
done:
	dc_map_free(&refs.members);
	dc_map_free(&refs.catalogs);
	pkg_free(all);
	fs_list_free(files, n);
	return rc;
}

/* The walk's own diagnostics (notes aside), and a package without catalog. */
static int report_walk(struct report *r, const struct pkg *p, struct dc_error *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < p->ndiags; i++) {
		const struct pkg_diag *d = &p->diags[i];

		if (d->severity == INF_NOTE)
			continue;
		rc = verify_finding(r, "package", d->inf ? d->inf : ".",
				    d->severity == INF_ERROR ? REPORT_ERROR : REPORT_WARNING, "package-walk",
				    d->inf, d->line, NULL, NULL, NULL, NULL, err, "%s", d->msg);
	}
	if (!rc && p->ncatalogs == 0)
		rc = verify_finding(r, "package", ".", REPORT_ERROR, "no-catalog", NULL, 0, NULL, NULL,
				    "0xE000022F", "add CatalogFile to [Version] and build the catalog", err,
				    "no INF of the package names a catalog for the requested targets");
	return rc;
}

int verify_package(struct report *r, const char *dir, const struct verify_options *opt,
		   struct dc_error *err)
{
	struct pkg_options popt;
	struct pkg *p = NULL, *all = NULL; /* all: the every-OS walk, when made */
	struct catalog_cache cc = { NULL, 0, 0 };
	const struct pkg_os **from_catalogs = NULL;
	size_t nfrom = 0;
	int rc;

	memset(&popt, 0, sizeof(popt));
	popt.targets = opt->targets;
	popt.ntargets = opt->ntargets;
	popt.infs = opt->infs;
	popt.ninfs = opt->ninfs;
	popt.inf = opt->inf;
	if ((rc = pkg_walk(&p, dir, &popt, err)))
		return rc;
	if (!opt->targets) {
		all = p;
		rc = catalog_targets(&from_catalogs, &nfrom, all, &cc, err);
		if (!rc && nfrom && !same_as_targeted_walk(all, from_catalogs, nfrom)) {
			popt.targets = from_catalogs;
			popt.ntargets = nfrom;
			popt.reuse = all; /* its INFs and listings; it keeps its members for the stray rule */
			p = NULL;
			rc = pkg_walk(&p, dir, &popt, err);
			popt.reuse = NULL;
		}
	}
	if (!rc)
		rc = report_walk(r, p, err);
	for (size_t i = 0; !rc && i < p->ncatalogs; i++) {
		struct verify_catalog *vc = cache_get(&cc, p->root, p->catalogs[i].path, err);

		if (!vc)
			rc = DC_ENOMEM;
		else
			rc = verify_one_catalog(r, p, &p->catalogs[i], vc, opt, err);
		if (vc)
			catalog_release(vc);
	}
	if (!rc)
		rc = check_strays(r, p, all, dir, &popt, err);
	cache_free(&cc);
	free(from_catalogs);
	if (all != p)
		pkg_free(all);
	pkg_free(p);
	return rc;
}
