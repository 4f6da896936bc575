/* internal.h - shared between the INF engine's own files; not a public API. */
#ifndef DRVCAT_INF_INTERNAL_H
#define DRVCAT_INF_INTERNAL_H

#include "inf.h"

/* Records a diagnostic (message formatted into the file's arena). */
int inf_diag_add(struct inf_file *f, enum inf_severity sev, struct inf_pos pos, const char *kind,
		 const char *fmt, ...) DC_PRINTF(5, 6);

/* Splits UTF-8 text into sections, entries and raw fields. */
int inf_lex(struct inf_file *f, const char *text, size_t len, struct dc_error *err);
/* Picks the Strings sections for f->locale and fills every field's value. */
int inf_substitute(struct inf_file *f, struct dc_error *err);
/* Reads [Version]. */
void inf_read_version(struct inf_file *f);
/* Reads [Manufacturer] and its TargetOSVersion decorations. */
int inf_read_manufacturers(struct inf_file *f, struct dc_error *err);


#endif
