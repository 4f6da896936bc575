/*
 * members.c - one catalog against the package's files: every file the INFs
 * reference has its digest in the catalog (0xE000024B otherwise), every
 * catalog member matches a file, and the catalog covers the requested OSes.
 * Which walks and catalogs a package verify uses, and the stray files, are
 * in package.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hash/batch.h"
#include "../util/fs.h"
#include "../util/map.h"
#include "../util/str.h"
#include "internal.h"

#define HASH_NOT_IN_CATALOG "0xE000024B (\"The hash for the file is not present in the specified catalog file\")"

int verify_finding(struct report *r, const char *group, const char *name, enum report_severity sev,
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

/*
 * Lookups into one catalog's members, built once per check instead of a scan
 * of every member for every file.
 */
struct member_index {
	const struct catalog *c;
	struct dc_map digests; /* SHA-1 (20 bytes) or SHA-256 (32 bytes) -> first member with it */
	struct dc_map names;   /* File attribute, any case -> the member find_name picks */
};

static void index_free(struct member_index *ix)
{
	dc_map_free(&ix->digests);
	dc_map_free(&ix->names);
}

/* The members a file's digest can match: a SHA-256 member of 32 bytes, a SHA-1 one of 20. */
static int index_digests(struct member_index *ix, const struct catalog *c, struct dc_error *err)
{
	int rc = 0;

	ix->c = c;
	dc_map_init(&ix->digests, DC_MAP_EXACT);
	dc_map_init(&ix->names, DC_MAP_CASE);
	for (size_t i = 0; !rc && i < c->nmembers; i++) {
		const struct cat_member *m = &c->members[i];

		if ((m->digest_alg == CAT_DIGEST_SHA256 && m->digest_len == 32) ||
		    (m->digest_alg == CAT_DIGEST_SHA1 && m->digest_len == 20))
			rc = dc_map_add(&ix->digests, m->digest, m->digest_len, i, err);
	}
	return rc;
}

/*
 * The catalog member holding this file's digest, or NULL: the first member
 * whose SHA-256 matches the file's SHA-256 or whose SHA-1 matches its SHA-1
 * (the lengths keep the two apart in one map).
 */
static const struct cat_member *find_digest(const struct member_index *ix,
					    const struct hash_result *h)
{
	size_t by256, by1;
	bool has256 = dc_map_get(&ix->digests, h->sha256, 32, &by256);
	bool has1 = dc_map_get(&ix->digests, h->sha1, 20, &by1);

	if (!has256 && !has1)
		return NULL;
	if (!has256 || (has1 && by1 < by256))
		by256 = by1;
	return &ix->c->members[by256];
}

/*
 * For each File name, the member find_name returns: the first member of that
 * name (case-insensitive) with indirect data that no package file matched,
 * else the first.  With x86 and x64 files of the same name, the unmatched one
 * is the one a changed file replaced.  Built once every match is known.
 */
static int index_names(struct member_index *ix, const bool *matched, struct dc_error *err)
{
	const struct catalog *c = ix->c;
	int rc = 0;

	for (size_t i = 0; !rc && i < c->nmembers; i++) {
		const char *file = c->members[i].file;
		size_t at;

		if (!c->members[i].digest_len || !file)
			continue;
		if (!dc_map_get_str(&ix->names, file, &at))
			rc = dc_map_add_str(&ix->names, file, i, err);
		else if (matched[at] && !matched[i])
			rc = dc_map_set(&ix->names, file, strlen(file), i, err);
	}
	return rc;
}

static const struct cat_member *find_name(const struct member_index *ix, const char *name)
{
	size_t at;

	return dc_map_get_str(&ix->names, name, &at) ? &ix->c->members[at] : NULL;
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
 * Checks one file of the package against the catalog, given its hash result
 * (hrc/hmsg from hashing it).
 */
static int check_hashed(struct report *r, const char *group, const char *path, const char *installed,
			const char *catname, const struct member_index *ix, const struct hash_result *h,
			int hrc, const char *hmsg, struct dc_error *err)
{
	int rc;

	if ((rc = report_case(r, group, path, err)))
		return rc;
	if (hrc)
		return verify_finding(r, group, path, REPORT_ERROR, "member-unreadable", path, 0, NULL,
				      NULL, NULL, "fix or replace the file", err,
				      "cannot hash the file: %s", hmsg ? hmsg : "out of memory");
	if (find_digest(ix, h))
		return 0;
	{
		const struct cat_member *same = find_name(ix, installed);
		char found[128], expected[256];

		digest_text(found, sizeof(found), h, ix->c);
		if (same) {
			char hex[65];

			verify_hex(hex, same->digest, same->digest_len);
			snprintf(expected, sizeof(expected), "%s's member '%s' has %s %s", catname, same->file,
				 cat_digest_name(same->digest_alg), hex);
		} else {
			snprintf(expected, sizeof(expected), "a member of %s with the file's digest (no member is named '%s')",
				 catname, installed);
		}
		return verify_finding(r, group, path, REPORT_ERROR, "member-digest", path, 0, expected, found,
				      HASH_NOT_IN_CATALOG,
				      same ? "the file changed after the catalog was made: rebuild the catalog (drvcat build) and sign it again, or restore the original file"
					   : "rebuild the catalog (drvcat build) so it includes this file, and sign it again",
				      err, "the file's digest is not in %s", catname);
	}
}

/*
 * Hashes files[0..n) on opt->jobs threads and checks each against c; marks
 * in matched[] the catalog members some file matched.
 */
static int check_files(struct report *r, const char *group, const char *const *paths,
		       const char *const *shown, const char *const *installed, size_t n,
		       const char *catname, const struct catalog *c, bool *matched,
		       const struct verify_options *opt, struct dc_error *err)
{
	struct hash_result *res = calloc(n ? n : 1, sizeof(*res));
	int *codes = calloc(n ? n : 1, sizeof(int));
	char **messages = calloc(n ? n : 1, sizeof(*messages));
	struct hash_batch_options bopt;
	struct member_index ix;
	size_t failed;
	int rc = index_digests(&ix, c, err);

	memset(&bopt, 0, sizeof(bopt));
	bopt.jobs = opt->jobs;
	/* A v2 catalog is matched on SHA-256, a v1 catalog on SHA-1: hash only that. */
	bopt.hash.digests = c->version == 2 ? HASH_WANT_SHA256 : HASH_WANT_SHA1;
	bopt.codes = codes;
	bopt.messages = messages;
	if (!rc && (!res || !codes || !messages))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc)
		rc = hash_batch(res, paths, n, &bopt, &failed, err);
	/* Every match first, so a mismatch is compared with the member no file claimed. */
	for (size_t i = 0; !rc && i < n; i++) {
		const struct cat_member *m = codes[i] ? NULL : find_digest(&ix, &res[i]);

		if (m)
			matched[m - c->members] = true;
	}
	if (!rc)
		rc = index_names(&ix, matched, err);
	for (size_t i = 0; !rc && i < n; i++)
		rc = check_hashed(r, group, shown[i], installed[i], catname, &ix, &res[i], codes[i],
				  messages[i], err);
	for (size_t i = 0; res && i < n; i++)
		hash_result_free(&res[i]);
	index_free(&ix);
	for (size_t i = 0; messages && i < n; i++)
		free(messages[i]);
	free(res);
	free(codes);
	free(messages);
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
			rc = verify_finding(r, "os", catname, REPORT_ERROR, "os-not-covered", catname, 0,
					    want->token, os ? os : "(no OS attribute)", NULL,
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
				rc = verify_finding(r, "os", catname, REPORT_ERROR, "osattr-not-covered",
						    catname, 0, want->osattr, m->osattr, NULL,
						    "rebuild the catalog with that target (drvcat build --os ...)",
						    err, "member '%s' is not valid on %s: its OSAttr lacks %s",
						    m->file ? m->file : m->tag_text, want->id, want->osattr);
				break;
			}
		}
	}
	return rc;
}

int verify_load_catalog(struct catalog **cat, unsigned char **der, size_t *len, const char *path,
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

/* Hashes the package files pc lists and checks them against the catalog. */
static int check_members(struct report *r, const struct pkg *p, const struct pkg_catalog *pc,
			 const struct catalog *cat, bool *matched, const struct verify_options *opt,
			 struct dc_error *err)
{
	char **paths = calloc(pc->nmembers ? pc->nmembers : 1, sizeof(char *));
	const char **shown = calloc(pc->nmembers ? pc->nmembers : 1, sizeof(char *));
	const char **inst = calloc(pc->nmembers ? pc->nmembers : 1, sizeof(char *));
	int rc = 0;

	if (!paths || !shown || !inst)
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < pc->nmembers; i++) {
		shown[i] = pc->members[i].path;
		inst[i] = pc->members[i].installed;
		if (!(paths[i] = fs_join(p->root, pc->members[i].path)))
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	if (!rc)
		rc = check_files(r, "members", (const char *const *)paths, shown, inst, pc->nmembers,
				 pc->path, cat, matched, opt, err);
	for (size_t i = 0; paths && i < pc->nmembers; i++)
		free(paths[i]);
	free(paths);
	free((void *)shown);
	free((void *)inst);
	return rc;
}

/*
 * Catalog members no package file matched: removed, replaced or not
 * referenced.  One named like a package file was reported as that file's
 * digest mismatch already.
 */
static int check_unmatched(struct report *r, const struct pkg_catalog *pc,
			   const struct catalog *cat, const bool *matched, struct dc_error *err)
{
	struct dc_map installed; /* the package files' installed names, any case */
	bool indexed = false;
	int rc = 0;

	dc_map_init(&installed, DC_MAP_CASE);
	for (size_t i = 0; !rc && i < cat->nmembers; i++) {
		const struct cat_member *m = &cat->members[i];

		if (matched[i] || !m->digest_len)
			continue;
		/* Indexed on the first unmatched member: a clean package never needs it. */
		for (size_t k = 0; !indexed && !rc && k < pc->nmembers; k++)
			rc = dc_map_add_str(&installed, pc->members[k].installed, k, err);
		indexed = true;
		if (rc || (m->file && dc_map_get_str(&installed, m->file, NULL)))
			continue;
		rc = verify_finding(r, "catalog-members", m->file ? m->file : m->tag_text, REPORT_WARNING,
				    "member-unreferenced", pc->path, 0, NULL, NULL, NULL,
				    "rebuild the catalog so it lists exactly the package's files", err,
				    "the catalog lists '%s' (%s %s), which no INF of the package references for these targets",
				    m->file ? m->file : "(no File name)", cat_digest_name(m->digest_alg),
				    m->tag_text);
	}
	dc_map_free(&installed);
	return rc;
}

int verify_one_catalog(struct report *r, const struct pkg *p, const struct pkg_catalog *pc,
		       const struct verify_catalog *vc, const struct verify_options *opt,
		       struct dc_error *err)
{
	bool *matched = NULL;
	int rc;

	if ((rc = report_case(r, "catalog", pc->path, err)))
		return rc;
	if (vc->rc) {
		const struct pkg_member *inf = NULL;
		bool missing = vc->err.code == DC_EIO;

		for (size_t i = 0; i < pc->nmembers && !inf; i++)
			if (pc->members[i].is_inf)
				inf = &pc->members[i];
		return verify_finding(r, "catalog", pc->path, REPORT_ERROR,
				      missing ? "catalog-missing" : "catalog-malformed", pc->path, 0, NULL,
				      NULL, missing ? "0xE000022F (the INF's catalog is missing)" : NULL,
				      missing ? "build it (drvcat build) and sign it (drvcat sign)" : "rebuild the catalog",
				      err, "%s%s: %s", inf ? inf->path : "the INF",
				      missing ? " names this catalog, which cannot be read" : " names this catalog, which is malformed",
				      vc->err.msg);
	}
	if ((rc = verify_signature(r, pc->path, vc->der, vc->len, vc->cat, opt, err)))
		return rc;
	matched = calloc(vc->cat->nmembers ? vc->cat->nmembers : 1, sizeof(bool));
	if (!matched)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	rc = check_members(r, p, pc, vc->cat, matched, opt, err);
	if (!rc)
		rc = check_unmatched(r, pc, vc->cat, matched, err);
	if (!rc && opt->targets)
		rc = check_coverage(r, pc->path, vc->cat, opt, err);
	free(matched);
	return rc;
}

int verify_catalog_file(struct report *r, const char *path, const struct verify_options *opt,
			struct dc_error *err)
{
	struct catalog *cat = NULL;
	unsigned char *der = NULL;
	size_t len = 0;
	bool *matched;
	int rc = verify_load_catalog(&cat, &der, &len, path, err);

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
