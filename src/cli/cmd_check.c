/* cmd_check.c - "drvcat check PKGDIR | FILE.inf": InfVerif/Inf2Cat-style INF validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../check/check.h"
#include "../report/report.h"
#include "../util/fs.h"
#include "cli.h"

static const struct cli_opt check_opts[] = {
	{ "os", "LIST", false, "target OSes, Inf2Cat identifiers, comma-separated (default: the architectures each INF serves)" },
	{ "mode", "MODE", false, "driver (InfVerif /k, default), universal (/u) or windows (/w, driver package isolation)" },
	{ "format", "FMT", false, "text (default), json or junit" },
	{ "report", "FILE", false, "write the report to FILE in --format and print the text report" },
	{ "now", "UNIX", false, "the current time for the DriverVer date rule (seconds since 1970, UTC)" },
	{ "codepage", "N", false, "ANSI code page of INF files without a BOM (default 1252)" },
	{ "locale", "LLLL", false, "LANGID choosing [Strings.LLLL] (hex, default 0409)" },
	{ "list-rules", NULL, false, "list every rule: code, severity per mode, Microsoft code mirrored, description" },
	{ NULL, NULL, false, NULL },
};

static const char *sev_name(signed char s)
{
	switch (s) {
	case REPORT_ERROR: return "error";
	case REPORT_WARNING: return "warning";
	case REPORT_INFO: return "info";
	default: return "-";
	}
}

static int list_rules(void)
{
	size_t n;
	const struct check_rule *r = check_rules(&n);

	printf("%-10s  %-7s %-9s %-7s  %-38s  %s\n", "code", "driver", "universal", "windows",
	       "mirrors", "rule: description");
	for (size_t i = 0; i < n; i++)
		printf("%-10s  %-7s %-9s %-7s  %-38s  %s: %s\n", r[i].code, sev_name(r[i].sev[0]),
		       sev_name(r[i].sev[1]), sev_name(r[i].sev[2]), r[i].mirrors, r[i].name,
		       r[i].summary);
	return EXIT_OK;
}

static bool parse_now(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return false;
	v = strtoll(s, &end, 10);
	if (*end || v < 0)
		return false;
	*out = (int64_t)v;
	return true;
}

static void print_os_hint(void)
{
	size_t n;
	const struct pkg_os *t = pkg_os_table(&n);

	fprintf(stderr, "valid identifiers:");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i % 8 ? " " : "\n  ", t[i].id);
	fprintf(stderr, "\n");
}

static int render_to(struct dc_buf *out, const struct report *r, enum report_format fmt, bool color,
		     struct dc_error *err)
{
	dc_buf_init(out, (size_t)1 << 30);
	return report_render(out, r, fmt, color, err);
}

static int cmd_check(const struct cli_args *a)
{
	struct check_options opt;
	const struct pkg_os **targets = NULL;
	const char *os = cli_opt_value(a, "os"), *mode = cli_opt_value(a, "mode");
	const char *fmt_s = cli_opt_value(a, "format"), *now = cli_opt_value(a, "now");
	const char *report_file = cli_opt_value(a, "report");
	enum report_format fmt = REPORT_TEXT;
	struct dc_error err = { 0, "" };
	struct report *r = NULL;
	struct dc_buf out;
	bool color;
	int rc;

	if (cli_opt_flag(a, "list-rules")) {
		if (a->npos)
			return cli_usage_error(a->cmd, "--list-rules takes no PKGDIR or FILE");
		return list_rules();
	}
	if (a->npos != 1)
		return cli_usage_error(a->cmd, "missing argument");
	memset(&opt, 0, sizeof(opt));
	if ((rc = cli_inf_options(a, &opt.inf)))
		return rc;
	if (mode && !check_mode_parse(mode, &opt.mode))
		return cli_usage_error(a->cmd, "--mode takes driver, universal or windows, not '%s'", mode);
	if (fmt_s && !report_format_parse(fmt_s, &fmt))
		return cli_usage_error(a->cmd, "--format takes text, json or junit, not '%s'", fmt_s);
	opt.now = (int64_t)time(NULL);
	if (now && !parse_now(now, &opt.now))
		return cli_usage_error(a->cmd, "--now takes a Unix time in seconds, such as 1767225600");
	if (os) {
		if (pkg_os_parse_list(&targets, &opt.ntargets, os, &err)) {
			rc = cli_usage_error(a->cmd, "%s", err.msg);
			print_os_hint();
			return rc;
		}
		opt.targets = targets;
	}
	if (report_new(&r, "drvcat check", a->pos[0], &err)) {
		free(targets);
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	rc = check_path(r, a->pos[0], a->pos[0], &opt, &err);
	free(targets);
	if (rc) {
		report_free(r);
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	if (report_file) {
		if (render_to(&out, r, fmt, false, &err) ||
		    fs_write_atomic(report_file, out.data ? out.data : "", out.len, &err)) {
			dc_buf_free(&out);
			report_free(r);
			return cli_fail(a, EXIT_FAIL, "%s", err.msg);
		}
		dc_buf_free(&out);
		fmt = REPORT_TEXT;
	}
	color = fmt == REPORT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (render_to(&out, r, fmt, color, &err)) {
		dc_buf_free(&out);
		report_free(r);
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	dc_buf_free(&out);
	rc = report_count(r, REPORT_ERROR) ? EXIT_FAIL : EXIT_OK;
	report_free(r);
	return rc;
}

const struct cli_cmd cmd_check_def = {
	"check",
	"[--os LIST] [--mode MODE] [--format FMT] [--report FILE] [--now UNIX] PKGDIR | FILE.inf\n"
	"       drvcat check --list-rules",
	"validate INF files like InfVerif and Inf2Cat's signability tests",
	"Every rule has a stable code (DC-INF-001 ...), a severity for each mode and\n"
	"the InfVerif or Inf2Cat code it mirrors (--list-rules).  Each finding names\n"
	"the file and line, says what is wrong and how to fix it.  --mode selects the\n"
	"severities of InfVerif's /k (driver), /u (universal) and /w (windows: driver\n"
	"package isolation).  The DriverVer date is compared with today's UTC date, as\n"
	"Inf2Cat does unless /uselocaltime.  JUnit output has one testcase per INF and\n"
	"rule, so passing rules are listed too.  Exit status 1 when any finding is an\n"
	"error.\n",
	0, 1, check_opts, cmd_check,
};
