/*
 * os.h - Inf2Cat's /os identifiers (inf-format.md §3, catalog-format.md
 * §4.3): the architecture, NT version, minimum build and product type each
 * stands for, and the tokens a catalog's OS attribute uses for it.
 */
#ifndef DRVCAT_PKG_OS_H
#define DRVCAT_PKG_OS_H

#include <stdbool.h>
#include <stddef.h>

#include "../inf/inf.h"
#include "../util/error.h"

enum pkg_product { PKG_WORKSTATION = 1, PKG_SERVER = 3 };

struct pkg_os {
	const char *id;           /* Inf2Cat spelling, e.g. "10_RS5_X64" */
	enum inf_arch arch;
	unsigned major, minor;
	unsigned build;           /* the build the id stands for */
	enum pkg_product product;
	const char *osattr;       /* e.g. "2:10.0" */
	const char *token;        /* catalog OS attribute token, e.g. "_v100_X64_RS5" */
	const char *legacy_token; /* older spelling still found in catalogs, or NULL */
	bool legacy;              /* dropped from current Inf2Cat documentation */
};

/* The whole table, oldest OS first; *n receives its length. */
const struct pkg_os *pkg_os_table(size_t *n);
/* Finds an id case-insensitively; NULL when unknown. */
const struct pkg_os *pkg_os_find(const char *id);
/* Finds the id a catalog OS token stands for (either spelling); NULL when unknown. */
const struct pkg_os *pkg_os_from_token(const char *token);

/*
 * Parses a comma-separated id list (Inf2Cat's /os syntax; spaces around
 * commas tolerated).  *out is malloc'd, in the table's order, no duplicates.
 * An unknown or repeated id is DC_EUSAGE naming it.
 */
int pkg_os_parse_list(const struct pkg_os ***out, size_t *n, const char *list,
		      struct dc_error *err);

/* Whether a TargetOSVersion decoration applies to os (inf-format.md §1.13(b), §2.5). */
bool pkg_os_accepts(const struct pkg_os *os, const struct inf_targetos *t, bool ignore_build);

#endif
