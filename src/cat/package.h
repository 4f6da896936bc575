/*
 * package.h - from a walked package (src/pkg) to catalog bytes: hash every
 * member (src/hash), collapse identical contents, choose the catalog version
 * and the OS/OSAttr/HWID attributes as Inf2Cat does (catalog-format.md §4, §5).
 */
#ifndef DRVCAT_CAT_PACKAGE_H
#define DRVCAT_CAT_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hash/batch.h"
#include "../pkg/pkg.h"
#include "../util/error.h"
#include "write.h"

struct cat_build_options {
	unsigned version;              /* 1 or 2; 0 = chosen from the targets */
	bool page_hashes;
	int64_t time;                  /* thisUpdate, seconds since 1970 */
	const struct cat_attr_in *attrs;
	size_t nattrs;
	unsigned jobs;                 /* hashing threads; 0 = online CPUs */
	hash_progress_fn progress;     /* may be NULL */
	void *progress_ctx;
};

struct cat_built {
	unsigned char *der;            /* malloc'd catalog bytes */
	size_t len;
	unsigned version;
	size_t nfiles;                 /* distinct contents */
	size_t nmembers;               /* entries in the catalog (twice nfiles for v2) */
};

/*
 * The version Inf2Cat writes for a target set: 1 (SHA-1) when any target is
 * older than Windows 8, which cannot check SHA-256 members; else 2.
 */
unsigned cat_version_for(const struct pkg_catalog *c);

/* The OS attribute (tokens) and the members' OSAttr for a catalog's targets; malloc'd. */
int cat_os_values(char **os, char **osattr, const struct pkg_catalog *c, struct dc_error *err);

/* Hashes the members of catalog c of package p and encodes the catalog. */
int cat_build_catalog(struct cat_built *out, const struct pkg *p, const struct pkg_catalog *c,
		      const struct cat_build_options *opt, struct dc_error *err);

#endif
