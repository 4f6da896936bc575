#include "package.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../hash/hash.h"
#include "../util/buf.h"
#include "../util/fs.h"

unsigned cat_version_for(const struct pkg_catalog *c)
{
	for (size_t i = 0; i < c->ntargets; i++)
		if (c->targets[i]->major < 6 || (c->targets[i]->major == 6 && c->targets[i]->minor < 2))
			return 1;
	return 2;
}

struct osattr_item {
	unsigned long major, minor;
	char text[16];
};

static int cmp_osattr(const void *a, const void *b)
{
	const struct osattr_item *x = a, *y = b;

	if (x->major != y->major)
		return x->major < y->major ? -1 : 1;
	if (x->minor != y->minor)
		return x->minor < y->minor ? -1 : 1;
	return strcmp(x->text, y->text);
}

/*
 * OSAttr: the "2:M.m" values of every target, de-duplicated, ascending,
 * comma-separated, no spaces (§4.3).  An id may contribute several (XP x64).
 */
int cat_os_values(char **os, char **osattr, const struct pkg_catalog *c, struct dc_error *err)
{
	struct osattr_item items[64];
	size_t n = 0;
	struct dc_buf a, b;
	int rc = 0;

	*os = *osattr = NULL;
	dc_buf_init(&a, 1u << 16);
	dc_buf_init(&b, 1u << 16);
	for (size_t i = 0; !rc && i < c->ntargets; i++) {
		const char *p = c->targets[i]->osattr;

		rc = dc_buf_printf(&a, err, "%s%s", i ? "," : "", c->targets[i]->token);
		while (!rc && *p) {
			size_t len = strcspn(p, ",");
			struct osattr_item it;
			bool dup = false;

			if (len >= sizeof(it.text) || sscanf(p, "2:%lu.%lu", &it.major, &it.minor) != 2) {
				rc = dc_error_set(err, DC_EUSAGE, "bad OSAttr value in the OS table");
				break;
			}
			memcpy(it.text, p, len);
			it.text[len] = '\0';
			for (size_t k = 0; k < n; k++)
				dup |= !strcmp(items[k].text, it.text);
			if (!dup && n < sizeof(items) / sizeof(items[0]))
				items[n++] = it;
			p += len;
			if (*p == ',')
				p++;
		}
	}
	qsort(items, n, sizeof(items[0]), cmp_osattr);
	for (size_t i = 0; !rc && i < n; i++)
		rc = dc_buf_printf(&b, err, "%s%s", i ? "," : "", items[i].text);
	if (rc) {
		dc_buf_free(&a);
		dc_buf_free(&b);
		return rc;
	}
	*os = dc_buf_detach(&a);
	*osattr = dc_buf_detach(&b);
	if (!*os || !*osattr) {
		free(*os);
		free(*osattr);
		*os = *osattr = NULL;
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	return 0;
}

/*
 * A hashed member, for sorting: its result stays in the batch's array, so a
 * sorted entry is two pointers, not a copy of the result.
 */
struct hashed {
	struct hash_result *h;
	const struct pkg_member *m;
};

/* Content identity: the digest the catalog version keys members by. */
static int cmp_content(const struct hashed *x, const struct hashed *y)
{
	int c = memcmp(x->h->sha256, y->h->sha256, 32);

	return c ? c : memcmp(x->h->sha1, y->h->sha1, 20);
}

static int cmp_hashed(const void *a, const void *b)
{
	const struct hashed *x = a, *y = b;
	int c = cmp_content(x, y);

	if (c)
		return c;
	/* Within one content, the later INF line names the member (inf-format.md §2.5 rule 2). */
	if (x->m->line != y->m->line)
		return x->m->line < y->m->line ? -1 : 1;
	return strcmp(x->m->path, y->m->path);
}

/*
 * Hashes every member of c in parallel into results[0..c->nmembers); they
 * come back in member order whatever the thread count.  On failure results
 * holds nothing to free.
 */
static int hash_members(struct hash_result *results, const struct pkg *p,
			const struct pkg_catalog *c, const struct cat_build_options *opt,
			const struct hash_options *hopt, struct dc_error *err)
{
	struct hash_batch_options bopt = { *hopt, opt->jobs, opt->progress, opt->progress_ctx,
					   NULL, NULL };
	char **paths = calloc(c->nmembers ? c->nmembers : 1, sizeof(char *));
	size_t failed = 0;
	int rc = 0;

	if (!paths)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->nmembers && !rc; i++)
		if (!(paths[i] = fs_join(p->root, c->members[i].path)))
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc) {
		rc = hash_batch(results, (const char *const *)paths, c->nmembers, &bopt, &failed, err);
		if (rc && failed < c->nmembers)
			dc_error_prefix(err, "while hashing %s", c->members[failed].path);
	}
	for (size_t i = 0; i < c->nmembers; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/*
 * One catalog file per distinct content of the sorted hs[0..n): the last of
 * a run of equal digests names it.  Its page tables move out of the hash
 * result into tables[k] (owned there), so that the results can be freed
 * before the catalog is encoded.  Returns the number of files.
 */
static size_t collect_files(struct cat_file_entry *files, unsigned char *(*tables)[2],
			    const struct hashed *hs, size_t n)
{
	size_t nfiles = 0;

	for (size_t i = 0; i < n; i++) {
		struct hash_result *h = hs[i].h;
		struct cat_file_entry *f;

		if (i + 1 < n && !cmp_content(&hs[i], &hs[i + 1]))
			continue;
		f = &files[nfiles];
		f->file = hs[i].m->installed;
		f->kind = h->kind == HASH_PE ? CAT_KIND_PE : CAT_KIND_FLAT;
		memcpy(f->sha1, h->sha1, 20);
		memcpy(f->sha256, h->sha256, 32);
		f->pages_sha1 = tables[nfiles][0] = h->pages_sha1.data;
		f->pages_sha1_len = h->pages_sha1.len;
		f->pages_sha256 = tables[nfiles][1] = h->pages_sha256.data;
		f->pages_sha256_len = h->pages_sha256.len;
		h->pages_sha1.data = h->pages_sha256.data = NULL;
		nfiles++;
	}
	return nfiles;
}

int cat_build_catalog(struct cat_built *out, const struct pkg *p, const struct pkg_catalog *c,
		      const struct cat_build_options *opt, struct dc_error *err)
{
	unsigned version = opt->version ? opt->version : cat_version_for(c);
	/* v1 members hold SHA-1 only; v2 needs both (SHA-1 for the compatibility entries). */
	struct hash_options hopt = { opt->page_hashes,
				     version == 1 ? HASH_WANT_SHA1 : HASH_WANT_SHA1 | HASH_WANT_SHA256 };
	size_t n = c->nmembers ? c->nmembers : 1, nfiles = 0;
	struct hash_result *results = calloc(n, sizeof(*results));
	struct hashed *hs = calloc(n, sizeof(*hs));
	struct cat_file_entry *files = calloc(n, sizeof(*files));
	unsigned char *(*tables)[2] = calloc(n, sizeof(*tables));
	const char **hwids = calloc(c->nhwids ? c->nhwids : 1, sizeof(char *));
	bool hashed = false;
	struct cat_spec spec;
	char *os = NULL, *osattr = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!results || !hs || !files || !tables || !hwids) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = hash_members(results, p, c, opt, &hopt, err)))
		goto done;
	hashed = true;
	for (size_t i = 0; i < c->nmembers; i++) {
		hs[i].h = &results[i];
		hs[i].m = &c->members[i];
	}
	qsort(hs, c->nmembers, sizeof(*hs), cmp_hashed);
	nfiles = collect_files(files, tables, hs, c->nmembers);
	/* What the catalog needs is in files[] and tables[] now: the results go before it is encoded. */
	for (size_t i = 0; i < c->nmembers; i++)
		hash_result_free(&results[i]);
	free(results);
	free(hs);
	results = NULL;
	hs = NULL;

	for (size_t i = 0; i < c->nhwids; i++)
		hwids[i] = c->hwids[i].id;
	if ((rc = cat_os_values(&os, &osattr, c, err)))
		goto done;
	memset(&spec, 0, sizeof(spec));
	spec.version = version;
	spec.this_update = opt->time;
	spec.osattr = osattr;
	spec.os = os;
	spec.hwids = hwids;
	spec.nhwids = c->nhwids;
	spec.attrs = opt->attrs;
	spec.nattrs = opt->nattrs;
	spec.files = files;
	spec.nfiles = nfiles;
	rc = cat_write(&out->der, &out->len, &spec, err);
	if (rc)
		goto done;
	out->version = spec.version;
	out->nfiles = nfiles;
	out->nmembers = spec.version == 2 ? nfiles * 2 : nfiles;
done:
	for (size_t i = 0; results && hashed && i < c->nmembers; i++)
		hash_result_free(&results[i]);
	free(results);
	free(hs);
	for (size_t i = 0; tables && i < nfiles; i++) {
		free(tables[i][0]);
		free(tables[i][1]);
	}
	free(tables);
	free(files);
	free((void *)hwids);
	free(os);
	free(osattr);
	return rc;
}
