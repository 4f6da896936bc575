/* internal.h - shared by the verify module's own files. */
#ifndef DRVCAT_VERIFY_INTERNAL_H
#define DRVCAT_VERIFY_INTERNAL_H

#include "../cat/cat.h"
#include "../pkg/pkg.h"
#include "verify.h"

/*
 * Checks the signature of catalog bytes der (already read into cat) and adds
 * findings to case ("signature", name).  Fails only on memory exhaustion.
 */
int verify_signature(struct report *r, const char *name, const unsigned char *der, size_t len,
		     const struct catalog *cat, const struct verify_options *opt,
		     struct dc_error *err);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void verify_hex(char *out, const unsigned char *p, size_t n);

/*
 * Adds a finding (message from fmt) to case (group, name); the strings are
 * copied.  Fails only on memory exhaustion.
 */
int verify_finding(struct report *r, const char *group, const char *name, enum report_severity sev,
		   const char *code, const char *file, uint32_t line, const char *expected,
		   const char *found, const char *winerr, const char *fix, struct dc_error *err,
		   const char *fmt, ...) DC_PRINTF(13, 14);

/*
 * Reads and parses the catalog file at path.  On success the caller owns
 * *cat (cat_free) and *der (free), the bytes *cat was read from; on failure
 * both are NULL and err says why (DC_EIO: the file cannot be read).
 */
int verify_load_catalog(struct catalog **cat, unsigned char **der, size_t *len, const char *path,
			struct dc_error *err);

/*
 * A catalog of the package as read from disk, once per verify: package.c
 * reads it (for its OS attribute too), members.c checks it.
 */
struct verify_catalog {
	char *path;           /* relative to the package root, as the INF spells it */
	int rc;               /* 0, or why it could not be read or parsed (in err) */
	struct dc_error err;
	struct catalog *cat;  /* when rc is 0 */
	unsigned char *der;
	size_t len;
};

/*
 * Checks catalog pc of walk p, read as vc: its signature, every member file,
 * the catalog members no file matched, and (with opt->targets) the OS
 * coverage.  A catalog vc could not read is a finding, like every problem
 * of the package; non-zero only when checking cannot go on (memory, hashing
 * failed as a whole).
 */
int verify_one_catalog(struct report *r, const struct pkg *p, const struct pkg_catalog *pc,
		       const struct verify_catalog *vc, const struct verify_options *opt,
		       struct dc_error *err);

#endif
