/* internal.h - the report's storage, shared by report.c and junit.c only. */
#ifndef DRVCAT_REPORT_INTERNAL_H
#define DRVCAT_REPORT_INTERNAL_H

#include "../util/map.h"
#include "report.h"

struct report_item {
	enum report_severity severity;
	char *code, *mirrors, *file, *message, *expected, *found, *windows_error, *fix;
	uint32_t line;
};

struct report_testcase {
	/* One allocation "group\0name\0": group is freed, name points into it. */
	char *group, *name;
	struct report_item *items;
	size_t nitems, items_cap;
};

struct report {
	char *suite, *target;
	struct report_testcase *cases;
	size_t ncases, cases_cap;
	struct dc_map index;       /* "group\0name" -> index into cases */
	char **notes;
	size_t nnotes, notes_cap;
};

bool report_case_failed(const struct report_testcase *c);
const char *report_severity_name(enum report_severity s);
int report_render_junit(struct dc_buf *out, const struct report *r, struct dc_error *err);

#endif
