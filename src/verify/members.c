/*
 * members.c - the package against its catalogs: every file the INFs
 * reference has its digest in the catalog (0xE000024B otherwise), every
 * catalog member matches a file, no stray files, the catalog covers the
 * requested OSes, and every catalog an INF names exists.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hash/batch.h"
#include "../pkg/pkg.h"
#include "../util/fs.h"
#include "../util/str.h"
#include "internal.h"

#define HASH_NOT_IN_CATALOG "0xE000024B (\"The hash for the file is not present in the specified catalog file\")"

static int finding(struct report *r, const char *group, const char *name, enum report_severity sev,
		   const char *code, const char *file, uint32_t line, const char *expected,
		   const char *found, const char *winerr, const char *fix, struct dc_error *err,
		   const char *fmt, ...) DC_PRINTF(13, 14);

static int finding(struct report *r, const char *group, const char *name, enum report_severity sev,
		   const char *code, const char *file, uint32_t line, const char *expected,
		   const char *found, const char *winerr, const char *fix, struct dc_error *err,
		   const char *fmt, ...)
{
	struct report_finding f = { 0 };
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f.severity = sev;
	f.code = code;
	f.file = file;
	f.line = line;
	f.message = msg;
	f.expected = expected;
	f.found = found;
	f.windows_error = winerr;
	f.fix = fix;
	return report_add(r, group, name, &f, err);
}

/* The catalog member holding this file's digest, or NULL. */
static const struct cat_member *find_digest(const struct catalog *c, const struct hash_result *h)
{
	for (size_t i = 0; i < c->nmembers; i++) {
		const struct cat_member *m = &c->members[i];

		if (m->digest_alg == CAT_DIGEST_SHA256 && m->digest_len == 32 && !memcmp(m->digest, h->sha256, 32))
			return m;
		if (m->digest_alg == CAT_DIGEST_SHA1 && m->digest_len == 20 && !memcmp(m->digest, h->sha1, 20))
			return m;
	}
	return NULL;
}

/*
 * The catalog member named name (File attribute, case-insensitive) with
 * indirect data, preferring one no package file matched: with x86 and x64
 * files of the same name, that is the one this file replaced.
 */
static const struct cat_member *find_name(const struct catalog *c, const char *name,
					  const bool *matched)
{
	const struct cat_member *any = NULL;

	for (size_t i = 0; i < c->nmembers; i++) {
		if (!c->members[i].digest_len || !c->members[i].file ||
		    !dc_strcaseeq(c->members[i].file, name))
			continue;
		if (!matched[i])
			return &c->members[i];
		if (!any)
			any = &c->members[i];
	}
	return any;
}

static void digest_text(char *out, size_t n, const struct hash_result *h, const struct catalog *c)
{
	char hex[65];

	if (c->version == 2) {
		verify_hex(hex, h->sha256, 32);
		snprintf(out, n, "%s SHA-256 %s", h->kind == HASH_PE ? "Authenticode" : "flat", hex);
	} else {
		verify_hex(hex, h->sha1, 20);
		snprintf(out, n, "%s SHA-1 %s", h->kind == HASH_PE ? "Authenticode" : "flat", hex);
	}
}

/*
 * Checks one file of the package against catalog c, given its hash result
 * (rc/herr from hashing it).  Marks the catalog member it matches.
 */
static int check_hashed(struct report *r, const char *group, const char *path, const char *installed,
			const char *catname, const struct catalog *c, const struct hash_result *h,
			int hrc, const struct dc_error *herr, bool *matched, struct dc_error *err)
{
	const struct cat_member *m;
	int rc;

	if ((rc = report_case(r, group, path, err)))
		return rc;
	if (hrc)
		return finding(r, group, path, REPORT_ERROR, "member-unreadable", path, 0, NULL, NULL,
			       NULL, "fix or replace the file", err, "cannot hash the file: %s", herr->msg);
	m = find_digest(c, h);
	if (m) {
		matched[m - c->members] = true;
		return 0;
	}
	{
		const struct cat_member *same = find_name(c, installed, matched);
		char found[128], expected[256];

		digest_text(found, sizeof(found), h, c);
		if (same) {
			char hex[65];

			verify_hex(hex, same->digest, same->digest_len);
			snprintf(expected, sizeof(expected), "%s's member '%s' has %s %s", catname, same->file,
				 cat_digest_name(same->digest_alg), hex);
		} else {
			snprintf(expected, sizeof(expected), "a member of %s with the file's digest (no member is named '%s')",
				 catname, installed);
		}
		return finding(r, group, path, REPORT_ERROR, "member-digest", path, 0, expected, found,
			       HASH_NOT_IN_CATALOG,
			       same ? "the file changed after the catalog was made: rebuild the catalog (drvcat build) and sign it again, or restore the original file"
				    : "rebuild the catalog (drvcat build) so it includes this file, and sign it again",
			       err, "the file's digest is not in %s", catname);
	}
}

/* Hashes files[0..n) on opt->jobs threads and checks each against c. */
static int check_files(struct report *r, const char *group, const char *const *paths,
		       const char *const *shown, const char *const *installed, size_t n,
		       const char *catname, const struct catalog *c, bool *matched,
		       const struct verify_options *opt, struct dc_error *err)
{
	struct hash_result *res = calloc(n ? n : 1, sizeof(*res));
	int *codes = calloc(n ? n : 1, sizeof(int));
	struct dc_error *errs = calloc(n ? n : 1, sizeof(*errs));
	struct hash_batch_options bopt;
	size_t failed;
	int rc = 0;

	memset(&bopt, 0, sizeof(bopt));
	bopt.jobs = opt->jobs;
	/* A v2 catalog is matched on SHA-256, a v1 catalog on SHA-1: hash only that. */
	bopt.hash.digests = c->version == 2 ? HASH_WANT_SHA256 : HASH_WANT_SHA1;
	bopt.codes = codes;
	bopt.errors = errs;
	if (!res || !codes || !errs)
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc)
		rc = hash_batch(res, paths, n, &bopt, &failed, err);
	/* Every match first, so a mismatch is compared with the member no file claimed. */
	for (size_t i = 0; !rc && i < n; i++) {
		const struct cat_member *m = codes[i] ? NULL : find_digest(c, &res[i]);

		if (m)
			matched[m - c->members] = true;
	}
	for (size_t i = 0; !rc && i < n; i++)
		rc = check_hashed(r, group, shown[i], installed[i], catname, c, &res[i], codes[i],
				  &errs[i], matched, err);
	for (size_t i = 0; res && i < n; i++)
		hash_result_free(&res[i]);
	free(res);
	free(codes);
	free(errs);
	return rc;
}

/* Which catalog tokens name which ids; then each requested id must be covered. */
static int check_coverage(struct report *r, const char *catname, const struct catalog *c,
			  const struct verify_options *opt, struct dc_error *err)
{
	const char *os = cat_attr(c, "OS");
	int rc = report_case(r, "os", catname, err);

	for (size_t i = 0; !rc && i < opt->ntargets; i++) {
		const struct pkg_os *want = opt->targets[i];
		bool covered = false;
		const char *p = os;

		while (p && *p && !covered) {
			size_t n = strcspn(p, ",");
			char tok[64];
			const struct pkg_os *got;

			snprintf(tok, sizeof(tok), "%.*s", (int)(n < 63 ? n : 63), p);
			got = pkg_os_from_token(tok);
			covered = got == want;
			p += n + (p[n] == ',');
		}
		if (!covered)
			rc = finding(r, "os", catname, REPORT_ERROR, "os-not-covered", catname, 0, want->token,
				     os ? os : "(no OS attribute)", NULL,
				     "rebuild the catalog with that target (drvcat build --os ...)", err,
				     "the catalog's OS attribute does not name %s", want->id);
		for (size_t k = 0; !rc && k < c->nmembers; k++) {
			const struct cat_member *m = &c->members[k];
			bool ok = !m->osattr;
			const char *q = m->osattr;

			/* Early Inf2Cat wrote Windows 10 as 2:6.4. */
			while (q && *q && !ok) {
				size_t n = strcspn(q, ",");

				ok = (strlen(want->osattr) == n && !strncmp(q, want->osattr, n)) ||
				     (want->major == 10 && n == 5 && !strncmp(q, "2:6.4", 5)) ||
				     (strchr(want->osattr, ',') && !strncmp(want->osattr, q, n));
				q += n + (q[n] == ',');
			}
			if (!ok) {
				rc = finding(r, "os", catname, REPORT_ERROR, "osattr-not-covered", catname, 0,
					     want->osattr, m->osattr, NULL,
					     "rebuild the catalog with that target (drvcat build --os ...)", err,
					     "member '%s' is not valid on %s: its OSAttr lacks %s",
					     m->file ? m->file : m->tag_text, want->id, want->osattr);
				break;
			}
		}
	}
	return rc;
}

static int load_catalog(struct catalog **cat, unsigned char **der, size_t *len, const char *path,
			struct dc_error *err)
{
	int rc = fs_read_file(der, len, path, CAT_MAX_FILE, err);

	*cat = NULL;
	if (rc)
		return rc;
	rc = cat_read_buffer(cat, *der, *len, path, err);
	if (rc) {
		free(*der);
		*der = NULL;
	}
	return rc;
}

static bool is_member(const struct pkg *p, const char *path)
{
	for (size_t i = 0; i < p->ncatalogs; i++)
		for (size_t k = 0; k < p->catalogs[i].nmembers; k++)
			if (!strcmp(p->catalogs[i].members[k].path, path))
				return true;
	for (size_t i = 0; i < p->ncatalogs; i++)
		if (dc_strcaseeq(p->catalogs[i].path, path))
			return true;
	return false;
}

/* Files in the package that no INF references: not covered by any catalog (Inf2Cat 22.9.8 context). */
static int check_strays(struct report *r, const struct pkg *p, struct dc_error *err)
{
	char **files = NULL;
	size_t n = 0;
	int rc = fs_list_suffix(&files, &n, p->root, "", 8, err);

	for (size_t i = 0; !rc && i < n; i++) {
		if (is_member(p, files[i]) || dc_has_suffix_ci(files[i], ".inf") ||
		    dc_has_suffix_ci(files[i], ".cat") || pkg_is_documentation(files[i]))
			continue;
		rc = finding(r, "package", files[i], REPORT_WARNING, "unreferenced-file", files[i], 0, NULL,
			     NULL, NULL,
			     "remove it from the package, or copy it from the INF (CopyFiles + SourceDisksFiles) and rebuild the catalog",
			     err, "no INF references this file, so no catalog covers it and Windows will not install it");
	}
	fs_list_free(files, n);
	return rc;
}

static int verify_one_catalog(struct report *r, const struct pkg *p, const struct pkg_catalog *pc,
			      const struct verify_options *opt, struct dc_error *err)
{
	char *path = fs_join(p->root, pc->path);
	struct catalog *cat = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	struct dc_error cerr = { 0, "" };
	bool *matched = NULL;
	int rc;

	if (!path)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	if ((rc = report_case(r, "catalog", pc->path, err)))
		goto done;
	if (load_catalog(&cat, &der, &len, path, &cerr)) {
		const struct pkg_member *inf = NULL;

		for (size_t i = 0; i < pc->nmembers && !inf; i++)
			if (pc->members[i].is_inf)
				inf = &pc->members[i];
		rc = finding(r, "catalog", pc->path, REPORT_ERROR,
			     cerr.code == DC_EIO ? "catalog-missing" : "catalog-malformed", pc->path, 0, NULL,
			     NULL, cerr.code == DC_EIO ? "0xE000022F (the INF's catalog is missing)" : NULL,
			     cerr.code == DC_EIO ? "build it (drvcat build) and sign it (drvcat sign)" : "rebuild the catalog",
			     err, "%s%s: %s", inf ? inf->path : "the INF",
			     cerr.code == DC_EIO ? " names this catalog, which cannot be read" : " names this catalog, which is malformed",
			     cerr.msg);
		goto done;
	}
	if ((rc = verify_signature(r, pc->path, der, len, cat, opt, err)))
		goto done;
	matched = calloc(cat->nmembers ? cat->nmembers : 1, sizeof(bool));
	if (!matched) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	{
		char **paths = calloc(pc->nmembers ? pc->nmembers : 1, sizeof(char *));
		const char **shown = calloc(pc->nmembers ? pc->nmembers : 1, sizeof(char *));
		const char **inst = calloc(pc->nmembers ? pc->nmembers : 1, sizeof(char *));

		if (!paths || !shown || !inst)
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		for (size_t i = 0; !rc && i < pc->nmembers; i++) {
			shown[i] = pc->members[i].path;
			inst[i] = pc->members[i].installed;
			if (!(paths[i] = fs_join(p->root, pc->members[i].path)))
				rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		}
		if (!rc)
			rc = check_files(r, "members", (const char *const *)paths, shown, inst,
					 pc->nmembers, pc->path, cat, matched, opt, err);
		for (size_t i = 0; paths && i < pc->nmembers; i++)
			free(paths[i]);
		free(paths);
		free((void *)shown);
		free((void *)inst);
	}
	/* Catalog members no package file matched: removed, replaced or not referenced. */
	for (size_t i = 0; !rc && i < cat->nmembers; i++) {
		const struct cat_member *m = &cat->members[i];
		bool named = false;

		if (matched[i] || !m->digest_len)
			continue;
		for (size_t k = 0; k < pc->nmembers && !named; k++)
			named = m->file && dc_strcaseeq(pc->members[k].installed, m->file);
		if (named)
			continue; /* reported above as that file's digest mismatch */
		rc = finding(r, "catalog-members", m->file ? m->file : m->tag_text, REPORT_WARNING,
			     "member-unreferenced", pc->path, 0, NULL, NULL, NULL,
			     "rebuild the catalog so it lists exactly the package's files",
			     err, "the catalog lists '%s' (%s %s), which no INF of the package references for these targets",
			     m->file ? m->file : "(no File name)", cat_digest_name(m->digest_alg), m->tag_text);
	}
	if (!rc && opt->targets)
		rc = check_coverage(r, pc->path, cat, opt, err);
done:
	free(matched);
	cat_free(cat);
	free(der);
	free(path);
	return rc;
}

/*
 * Without --os, a package is checked for the OSes its catalogs name (their OS
 * attribute): that is what the catalog was made for.  Falls back to every OS
 * the INFs serve when no catalog can be read or names none drvcat knows.
 */
static int catalog_targets(const struct pkg_os ***out, size_t *n, const struct pkg *p,
			   struct dc_error *err)
{
	size_t ntable;
	const struct pkg_os *table = pkg_os_table(&ntable);
	bool *want = calloc(ntable, sizeof(bool));

	*out = NULL;
	*n = 0;
	if (!want)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < p->ncatalogs; i++) {
		char *path = fs_join(p->root, p->catalogs[i].path);
		struct catalog *cat = NULL;
		unsigned char *der = NULL;
		size_t len;
		const char *os;

		if (path && !load_catalog(&cat, &der, &len, path, NULL) && (os = cat_attr(cat, "OS"))) {
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
		cat_free(cat);
		free(der);
		free(path);
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

int verify_package(struct report *r, const char *dir, const struct verify_options *opt,
		   struct dc_error *err)
{
	struct pkg_options popt;
	struct pkg *p = NULL;
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
		rc = catalog_targets(&from_catalogs, &nfrom, p, err);
		if (!rc && nfrom) {
			pkg_free(p);
			p = NULL;
			popt.targets = from_catalogs;
			popt.ntargets = nfrom;
			rc = pkg_walk(&p, dir, &popt, err);
			popt.targets = NULL;
			popt.ntargets = 0;
		}
		if (rc) {
			free(from_catalogs);
			pkg_free(p);
			return rc;
		}
	}
	for (size_t i = 0; !rc && i < p->ndiags; i++) {
		const struct pkg_diag *d = &p->diags[i];

		if (d->severity == INF_NOTE)
			continue;
		rc = finding(r, "package", d->inf ? d->inf : ".", d->severity == INF_ERROR ? REPORT_ERROR : REPORT_WARNING,
			     "package-walk", d->inf, d->line, NULL, NULL, NULL, NULL, err, "%s", d->msg);
	}
	if (!rc && p->ncatalogs == 0)
		rc = finding(r, "package", ".", REPORT_ERROR, "no-catalog", NULL, 0, NULL, NULL,
			     "0xE000022F", "add CatalogFile to [Version] and build the catalog", err,
			     "no INF of the package names a catalog for the requested targets");
	for (size_t i = 0; !rc && i < p->ncatalogs; i++)
		rc = verify_one_catalog(r, p, &p->catalogs[i], opt, err);
	/* A stray is a file no INF references for any OS, not only for the targets checked. */
	if (!rc && (opt->targets || nfrom)) {
		struct pkg *all = NULL;

		popt.targets = NULL;
		popt.ntargets = 0;
		rc = pkg_walk(&all, dir, &popt, err);
		if (!rc)
			rc = check_strays(r, all, err);
		pkg_free(all);
	} else if (!rc) {
		rc = check_strays(r, p, err);
	}
	free(from_catalogs);
	pkg_free(p);
	return rc;
}

int verify_catalog_file(struct report *r, const char *path, const struct verify_options *opt,
			struct dc_error *err)
{
	struct catalog *cat = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	bool *matched;
	int rc = load_catalog(&cat, &der, &len, path, err);

	if (rc)
		return rc;
	rc = verify_signature(r, path, der, len, cat, opt, err);
	matched = calloc(cat->nmembers ? cat->nmembers : 1, sizeof(bool));
	if (!rc && !matched)
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc && opt->nfiles) {
		const char **inst = calloc(opt->nfiles, sizeof(char *));

		if (!inst)
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		for (size_t i = 0; !rc && i < opt->nfiles; i++) {
			const char *base = strrchr(opt->files[i], '/');

			inst[i] = base ? base + 1 : opt->files[i];
		}
		if (!rc)
			rc = check_files(r, "files", opt->files, opt->files, inst, opt->nfiles, path, cat,
					 matched, opt, err);
		free((void *)inst);
	}
	if (!rc && opt->targets)
		rc = check_coverage(r, path, cat, opt, err);
	free(matched);
	cat_free(cat);
	free(der);
	return rc;
}
