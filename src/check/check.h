/*
 * check.h - `drvcat check`: INF validation in the manner of InfVerif and
 * Inf2Cat's signability tests (inf-format.md §4.3, §4.4).
 *
 * Every rule has a stable drvcat code (DC-INF-001 ...), a severity per mode
 * (driver, universal, windows: the /k, /u and /w columns of §4.3), the
 * Microsoft code it mirrors and a one-line summary.  Codes never change
 * meaning; a rule that is dropped keeps its number unused.
 *
 * check_path() runs every rule active in the chosen mode over one INF file
 * or over every INF of a package directory and records, for each (INF,
 * rule), one report case (so passing rules appear in JUnit output) and one
 * finding per problem, with file, line, message and a one-sentence fix.
 * Parser diagnostics of src/inf become findings of the matching rule.
 * Problems in the package are findings, never failures: check_path fails
 * only on I/O on the package itself, or memory exhaustion.
 */
#ifndef DRVCAT_CHECK_CHECK_H
#define DRVCAT_CHECK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../inf/inf.h"
#include "../pkg/os.h"
#include "../report/report.h"
#include "../util/error.h"

/* InfVerif's modes: /k (declarative driver), /u (universal), /w (Windows driver). */
enum check_mode { CHECK_MODE_DRIVER, CHECK_MODE_UNIVERSAL, CHECK_MODE_WINDOWS, CHECK_MODE_COUNT };

/* A rule's severity in a mode: an enum report_severity value, or CHECK_OFF. */
#define CHECK_OFF (-1)

struct check_rule {
	const char *code;                   /* "DC-INF-013" */
	const char *name;                   /* short slug, "undefined-string" */
	const char *mirrors;                /* "InfVerif 1235", "Inf2Cat 22.9.7", or the doc it follows */
	signed char sev[CHECK_MODE_COUNT];  /* per mode; CHECK_OFF = not checked in that mode */
	const char *summary;                /* one line */
	const char *fix;                    /* the usual fix, one sentence */
};

struct check_options {
	enum check_mode mode;
	const struct pkg_os *const *targets; /* --os; NULL: the architectures each INF serves */
	size_t ntargets;
	int64_t now;                         /* "today" for the DriverVer date rule, Unix seconds (UTC) */
	struct inf_options inf;
};

/* The rule table, in code order; *n receives its length. */
const struct check_rule *check_rules(size_t *n);
/* A rule by code ("DC-INF-013", case-insensitive); NULL when unknown. */
const struct check_rule *check_rule_find(const char *code);
/* "DC-INF-013 undefined-string": the JUnit testcase name of a rule. */
void check_rule_case_name(const struct check_rule *r, char *out, size_t n);

/* "driver", "universal", "windows". */
const char *check_mode_name(enum check_mode m);
bool check_mode_parse(const char *s, enum check_mode *out);

/*
 * Checks path: an INF file (the package is its directory) or a package
 * directory (every .inf below it).  display is how path is shown in
 * findings (normally as the user typed it).  Findings go to r; the JUnit
 * classname of each case is the INF as displayed.
 */
int check_path(struct report *r, const char *path, const char *display,
	       const struct check_options *opt, struct dc_error *err);

#endif
