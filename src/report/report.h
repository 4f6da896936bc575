/*
 * report.h - findings from `drvcat verify` and `drvcat check`, and their
 * rendering as text, JSON or JUnit XML.  The only module that uses libxml2
 * (for JUnit, in junit.c); this header does not expose it.
 *
 * A report is a list of cases (JUnit testcases: one per checked file or per
 * rule), each with zero or more findings.  A case with no error finding
 * passes.  Producers (src/verify, src/check) declare every case they check,
 * so passing checks appear in JUnit output too.
 */
#ifndef DRVCAT_REPORT_REPORT_H
#define DRVCAT_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"

enum report_severity { REPORT_INFO, REPORT_WARNING, REPORT_ERROR };
enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_JUNIT };

/* What a producer says about one problem; every string may be NULL but message. */
struct report_finding {
	enum report_severity severity;
	const char *code;          /* stable drvcat code, e.g. "DC-INF-0013" or "member-digest" */
	const char *mirrors;       /* the Microsoft code it mirrors, e.g. "InfVerif 1235" */
	const char *file;          /* file the finding is about, relative to the package */
	uint32_t line;             /* 0 when not about a line */
	const char *message;       /* one line: what and why */
	const char *expected;      /* e.g. an expected digest */
	const char *found;
	const char *windows_error; /* what Windows would say, e.g. "0xE000024B" */
	const char *fix;           /* one sentence on the fix */
};

struct report;

/* suite: "drvcat verify" / "drvcat check"; target: the package or file checked. */
int report_new(struct report **out, const char *suite, const char *target, struct dc_error *err);
void report_free(struct report *r);

/* Declares case (group, name) if new: group = JUnit classname (e.g. "members"), name = file or rule. */
int report_case(struct report *r, const char *group, const char *name, struct dc_error *err);
/* Adds a finding to case (group, name), declaring it if needed; strings are copied. */
int report_add(struct report *r, const char *group, const char *name,
	       const struct report_finding *f, struct dc_error *err);
/* Adds an informational note that belongs to no failure (e.g. "--integrity-only"). */
int report_note(struct report *r, const char *text, struct dc_error *err);

size_t report_count(const struct report *r, enum report_severity sev);
size_t report_cases(const struct report *r);

/*
 * Renders the report.  Text: one line per finding, "FILE[:LINE]: severity:
 * message" followed by indented expected/found/Windows error/fix lines, then a
 * summary; color adds ANSI colors.  JSON: the schema documented in README.md.
 * JUnit: <testsuites><testsuite><testcase classname name><failure/>...
 */
int report_render(struct dc_buf *out, const struct report *r, enum report_format fmt, bool color,
		  struct dc_error *err);

/* Parses "text", "json", "junit". */
bool report_format_parse(const char *s, enum report_format *out);

#endif
