/*
 * verify.h - "will Windows accept this package, and if not, which file and
 * why?"  Checks a catalog's signature, chain and timestamp, every file of the
 * package against the catalog, and the INF <-> catalog consistency, adding
 * findings to a report (src/report).  Never includes src/sign.
 */
#ifndef DRVCAT_VERIFY_VERIFY_H
#define DRVCAT_VERIFY_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../inf/inf.h"
#include "../pkg/os.h"
#include "../report/report.h"
#include "../util/error.h"

struct verify_options {
	const char *const *trust;            /* PEM or DER CA files (trust anchors) */
	size_t ntrust;
	bool system_trust;                   /* also trust the system store */
	bool integrity_only;                 /* check everything but the trusted root */
	bool have_at;
	int64_t at;                          /* "now" for validity checks (default: the clock) */
	const struct pkg_os *const *targets; /* --os; NULL: the INFs' own targets */
	size_t ntargets;
	const char *const *infs;             /* --inf */
	size_t ninfs;
	const char *const *files;            /* --file: single files checked against a catalog */
	size_t nfiles;
	struct inf_options inf;
	unsigned jobs;                       /* hashing threads; 0 = online CPUs */
};

/* A package directory: walk, every catalog, every member, every stray file. */
int verify_package(struct report *r, const char *dir, const struct verify_options *opt,
		   struct dc_error *err);
/* One catalog: its signature, and the --file files against it. */
int verify_catalog_file(struct report *r, const char *path, const struct verify_options *opt,
			struct dc_error *err);

#endif
