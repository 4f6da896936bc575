/* internal.h - shared by the files of src/tmpl; not a public API. */
#ifndef DRVCAT_TMPL_INTERNAL_H
#define DRVCAT_TMPL_INTERNAL_H

#include "tmpl.h"

/*
 * Templates compiled into drvcat (generated at build time from
 * inf-templates/ by scripts/embed-templates.sh into $(BUILD)/gen/templates.c).
 */
struct tmpl_builtin {
	const char *path;            /* relative to inf-templates/ */
	const unsigned char *data;
	size_t len;
};
extern const struct tmpl_builtin tmpl_builtins[];
extern const size_t tmpl_nbuiltins;

/* What README.md and the placeholders say; see readme.c. */
struct tmpl_readme {
	const struct tmpl_kind *kind;
	const char *name;
	const char *binary;          /* NAME<ext> */
	const char *const *infs;     /* INF file names */
	size_t ninfs;
	const char *const *cats;     /* their catalogs */
	unsigned arch_mask;
	const char *const *hwids;
	size_t nhwids;
	const char *component_id;    /* extension */
	const char *altitude;        /* minifilter */
	const char *group;           /* minifilter */
};

int tmpl_readme_package(struct dc_buf *out, const struct tmpl_readme *r, struct dc_error *err);
int tmpl_readme_arch(struct dc_buf *out, const struct tmpl_readme *r, enum tmpl_arch a,
		     struct dc_error *err);

#endif
