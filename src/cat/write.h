/*
 * write.h - encoding a catalog (catalog-format.md §1-§5) as DER, written
 * directly (src/asn1/der_write.h).  The output is the unsigned "signed-data
 * shaped" PKCS#7 that MakeCat and Inf2Cat write: no certificates, no
 * signers, the CTL as content.
 */
#ifndef DRVCAT_CAT_WRITE_H
#define DRVCAT_CAT_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"
#include "cat.h"

struct cat_file_entry {
	const char *file;              /* installed name; written lower-cased */
	enum cat_kind kind;            /* CAT_KIND_PE or CAT_KIND_FLAT */
	unsigned char sha1[20];
	unsigned char sha256[32];
	const unsigned char *pages_sha1, *pages_sha256; /* page-hash tables or NULL */
	size_t pages_sha1_len, pages_sha256_len;
};

struct cat_attr_in {
	const char *name;
	const char *value;
};

struct cat_spec {
	unsigned version;               /* 1 or 2 */
	int64_t this_update;            /* seconds since 1970, UTC */
	const char *osattr;             /* every member's OSAttr, e.g. "2:6.2" (NULL: none) */
	const char *os;                 /* catalog OS attribute (NULL: none) */
	const char *const *hwids;       /* HWID1..n, already lower-cased */
	size_t nhwids;
	const struct cat_attr_in *attrs; /* user catalog attributes */
	size_t nattrs;
	const struct cat_file_entry *files; /* one per distinct content (callers dedupe) */
	size_t nfiles;
};

/*
 * Encodes the catalog.  Members are sorted by tag bytes as Microsoft sorts
 * them (members with equal tags keep the order of spec->files); the list
 * identifier is derived from the content, so the same spec always gives the
 * same bytes.  *out is malloc'd, exactly *len bytes; nothing else is kept.
 * Memory: the catalog itself, a small (24-byte) record per member, the
 * UTF-16 text of names and attributes, and one member's attributes at a time.
 * Errors: DC_EUSAGE for a version other than 1 or 2 or a time outside the
 * years 0000-9999; DC_EFORMAT for text that is not UTF-8 (naming the member
 * or catalog attribute); DC_ENOMEM when out of memory or when the catalog
 * would exceed CAT_MAX_FILE, the most the reader accepts.
 */
int cat_write(unsigned char **out, size_t *len, const struct cat_spec *spec,
	      struct dc_error *err);

#endif
