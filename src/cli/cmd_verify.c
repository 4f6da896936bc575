/* cmd_verify.c - "drvcat verify PKGDIR | FILE.cat": will Windows accept it, and if not, why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/fs.h"
#include "../verify/verify.h"
#include "cli.h"

static const struct cli_opt verify_opts[] = {
	{ "trust", "CAFILE", true, "trusted root or intermediate certificates, PEM or DER (repeatable)" },
	{ "system-trust", NULL, false, "also trust the system certificate store" },
	{ "integrity-only", NULL, false, "check everything except whether the chain ends at a trusted root" },
	{ "at", "UNIX", false, "check certificate validity at this time when there is no valid timestamp (default: now)" },
	{ "os", "LIST", false, "target OSes (Inf2Cat identifiers) the catalog must cover" },
	{ "inf", "NAME", true, "only this INF (repeatable)" },
	{ "file", "F", true, "with FILE.cat: check this file's digest against the catalog (repeatable)" },
	{ "format", "FMT", false, "text (default), json or junit" },
	{ "report", "FILE", false, "write the report in --format to FILE; a text summary still goes to stdout" },
	{ "jobs", "N", false, "hash with N threads (default: the number of online CPUs)" },
	{ "codepage", "N", false, "ANSI code page of INF files without a BOM (default 1252)" },
	{ "locale", "LLLL", false, "LANGID choosing [Strings.LLLL] (hex, default 0409)" },
	{ NULL, NULL, false, NULL },
};

int cli_emit_report(const struct cli_args *a, const struct report *r)
{
	const char *fmt_name = cli_opt_value(a, "format");
	const char *report_path = cli_opt_value(a, "report");
	enum report_format fmt = REPORT_TEXT;
	bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	struct dc_error err = { 0, "" };
	struct dc_buf out;

	if (fmt_name && !report_format_parse(fmt_name, &fmt))
		return cli_usage_error(a->cmd, "--format takes text, json or junit");
	dc_buf_init(&out, (size_t)1 << 30);
	if (report_path) {
		if (report_render(&out, r, fmt, false, &err) ||
		    fs_write_atomic(report_path, out.data, out.len, &err)) {
			dc_buf_free(&out);
			return cli_fail(a, EXIT_FAIL, "%s", err.msg);
		}
		dc_buf_reset(&out);
		fmt = REPORT_TEXT;
	}
	if (report_render(&out, r, fmt, fmt == REPORT_TEXT && color, &err)) {
		dc_buf_free(&out);
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	fwrite(out.data, 1, out.len, stdout);
	dc_buf_free(&out);
	return report_count(r, REPORT_ERROR) ? EXIT_FAIL : EXIT_OK;
}

static int cmd_verify(const struct cli_args *a)
{
	struct verify_options opt;
	const struct pkg_os **targets = NULL;
	const char *os = cli_opt_value(a, "os"), *at = cli_opt_value(a, "at");
	const char *fmt_name = cli_opt_value(a, "format");
	enum report_format fmt;
	struct dc_error err = { 0, "" };
	struct report *r = NULL;
	struct stat st;
	int rc;

	memset(&opt, 0, sizeof(opt));
	if ((rc = cli_inf_options(a, &opt.inf)))
		return rc;
	if (fmt_name && !report_format_parse(fmt_name, &fmt))
		return cli_usage_error(a->cmd, "--format takes text, json or junit");
	if (at) {
		char *end;
		long long t;

		errno = 0;
		t = strtoll(at, &end, 10);
		if (errno || *end || !*at || t < 0)
			return cli_usage_error(a->cmd, "--at '%s' is not a time in seconds since 1970", at);
		opt.have_at = true;
		opt.at = (int64_t)t;
	}
	if (cli_opt_value(a, "jobs")) {
		char *end;
		long j = strtol(cli_opt_value(a, "jobs"), &end, 10);

		if (*end || j < 1 || j > 256)
			return cli_usage_error(a->cmd, "--jobs takes a number from 1 to 256");
		opt.jobs = (unsigned)j;
	}
	opt.trust = cli_opt_values(a, "trust", &opt.ntrust);
	opt.system_trust = cli_opt_flag(a, "system-trust");
	opt.integrity_only = cli_opt_flag(a, "integrity-only");
	opt.infs = cli_opt_values(a, "inf", &opt.ninfs);
	if (!opt.ninfs)
		opt.infs = NULL;
	opt.files = cli_opt_values(a, "file", &opt.nfiles);
	if (stat(a->pos[0], &st) != 0)
		return cli_fail(a, EXIT_FAIL, "%s: %s", a->pos[0], strerror(errno));
	if (S_ISDIR(st.st_mode) && opt.nfiles)
		return cli_usage_error(a->cmd, "--file goes with FILE.cat; a package directory is checked whole");
	if (os) {
		if (pkg_os_parse_list(&targets, &opt.ntargets, os, &err))
			return cli_usage_error(a->cmd, "%s", err.msg);
		opt.targets = targets;
	}
	if (report_new(&r, "drvcat verify", a->pos[0], &err)) {
		free(targets);
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	rc = S_ISDIR(st.st_mode) ? verify_package(r, a->pos[0], &opt, &err)
				 : verify_catalog_file(r, a->pos[0], &opt, &err);
	free(targets);
	if (rc) {
		report_free(r);
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	rc = cli_emit_report(a, r);
	report_free(r);
	return rc;
}

const struct cli_cmd cmd_verify_def = {
	"verify",
	"[--trust CAFILE]... [--system-trust] [--integrity-only] [--at UNIX] [--os LIST] [--inf NAME]... [--file F]... [--format text|json|junit] [--report FILE] [--jobs N] PKGDIR | FILE.cat",
	"check a package (or one catalog) as Windows will: signature, chain, timestamp, every file's digest, INF <-> catalog consistency",
	"Every problem is reported - which file, what was expected, what was found, the\n"
	"Windows error it causes and how to fix it - and then the exit status is 1.\n"
	"The chain is checked at the time of a valid timestamp, else at --at or now.\n",
	1, 1, verify_opts, cmd_verify,
};
