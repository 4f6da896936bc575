/*
 * test_check.c - src/check: the rule table, and check_path on small INFs
 * written to a temp package.  The table-driven test applies one edit to a
 * clean INF and states, per row, how many findings of which rule must come
 * out, at which line and with which severity; rows with count 0 are the
 * "does not fire" cases.  (tests/e2e/check.bats has a pos/neg INF per rule.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/check/check.h"
#include "../../src/report/report.h"
#include "../../src/util/buf.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))
#define NOW 1767297600 /* 2026-01-01 20:00:00 UTC */

static const char base_inf[] =
	"[Version]\n"                                             /* 1 */
	"Signature   = \"$Windows NT$\"\n"
	"Class       = Sample\n"
	"ClassGuid   = {78A1C341-4539-11D3-B88D-00C04FAD5171}\n"
	"Provider    = %Mfg%\n"                                   /* 5 */
	"DriverVer   = 06/21/2024,1.2.3.4\n"
	"CatalogFile = base.cat\n"
	"PnpLockdown = 1\n"
	"\n"
	"[Manufacturer]\n"                                        /* 10 */
	"%Mfg% = Models, NTamd64\n"
	"\n"
	"[Models.NTamd64]\n"
	"%Dev% = Inst, Root\\DrvcatBase\n"
	"\n"                                                      /* 15 */
	"[Inst.NTamd64]\n"
	"CopyFiles = Inst.Copy\n"
	"\n"
	"[Inst.NTamd64.Services]\n"
	"AddService = DrvcatBase, 0x00000002, Base.Service\n"     /* 20 */
	"\n"
	"[Base.Service]\n"
	"DisplayName   = %Dev%\n"
	"ServiceType   = 1\n"
	"StartType     = 3\n"                                     /* 25 */
	"ErrorControl  = 1\n"
	"ServiceBinary = %13%\\base.sys\n"
	"\n"
	"[Inst.Copy]\n"
	"base.sys\n"                                              /* 30 */
	"\n"
	"[DestinationDirs]\n"
	"DefaultDestDir = 13\n"
	"\n"
	"[SourceDisksNames]\n"                                    /* 35 */
	"1 = %Disk%\n"
	"\n"
	"[SourceDisksFiles]\n"
	"base.sys = 1\n"
	"\n"                                                      /* 40 */
	"[Strings]\n"
	"Mfg  = \"Example Corp\"\n"
	"Dev  = \"Base Device\"\n"
	"Disk = \"Base Disk\"\n";

struct fixture {
	char dir[64];
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int check_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/drvcat-check.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int check_teardown(void **state)
{
	struct fixture *fx = *state;

	nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* base_inf with the first occurrence of from replaced by to (malloc'd). */
static char *edit(const char *from, const char *to)
{
	const char *at = from ? strstr(base_inf, from) : NULL;
	size_t n = strlen(base_inf) + (to ? strlen(to) : 0) + 1;
	char *out = malloc(n);

	assert_non_null(out);
	if (!at) {
		assert_null(from); /* a row whose edit does not apply is a broken row */
		memcpy(out, base_inf, sizeof(base_inf));
		return out;
	}
	snprintf(out, n, "%.*s%s%s", (int)(at - base_inf), base_inf, to, at + strlen(from));
	return out;
}

/* Runs check_path on path; the text rendering in *text (malloc'd). */
static struct report *run_check(const char *path, enum check_mode mode, int64_t now,
				const char *os, char **text)
{
	struct check_options opt;
	const struct pkg_os **targets = NULL;
	struct dc_error err = { 0, "" };
	struct report *r = NULL;
	struct dc_buf b;

	memset(&opt, 0, sizeof(opt));
	opt.mode = mode;
	opt.now = now;
	if (os) {
		assert_int_equal(pkg_os_parse_list(&targets, &opt.ntargets, os, &err), 0);
		opt.targets = targets;
	}
	assert_int_equal(report_new(&r, "drvcat check", path, &err), 0);
	assert_int_equal(check_path(r, path, path, &opt, &err), 0);
	free(targets);
	dc_buf_init(&b, 1u << 24);
	assert_int_equal(report_render(&b, r, REPORT_TEXT, false, &err), 0);
	*text = dc_buf_detach(&b);
	assert_non_null(*text);
	return r;
}

/* Lines of text that carry "[code,". */
static size_t count_code(const char *text, const char *code)
{
	char tag[32];
	size_t n = 0;

	snprintf(tag, sizeof(tag), "[%s,", code);
	for (const char *p = text; (p = strstr(p, tag)) != NULL; p++)
		n++;
	return n;
}

/* --- the rule table ------------------------------------------------------- */

static void test_check__rule_table_is_complete(void **state)
{
	size_t n;
	const struct check_rule *r = check_rules(&n);

	(void)state;
	assert_true(n >= 45);
	for (size_t i = 0; i < n; i++) {
		char code[32];
		bool on = false;

		snprintf(code, sizeof(code), "DC-INF-%03zu", i + 1);
		assert_string_equal(r[i].code, code);
		assert_ptr_equal(check_rule_find(code), &r[i]);
		assert_true(r[i].name[0] && strspn(r[i].name, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
						    strlen(r[i].name));
		assert_true(r[i].mirrors[0]);
		assert_true(r[i].summary[0] && !strchr(r[i].summary, '\n'));
		assert_true(strlen(r[i].fix) > 10 && r[i].fix[strlen(r[i].fix) - 1] == '.');
		for (int m = 0; m < CHECK_MODE_COUNT; m++) {
			assert_true(r[i].sev[m] == CHECK_OFF || r[i].sev[m] == REPORT_INFO ||
				    r[i].sev[m] == REPORT_WARNING || r[i].sev[m] == REPORT_ERROR);
			on |= r[i].sev[m] != CHECK_OFF;
		}
		assert_true(on);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(r[i].name, r[k].name);
	}
}

static void test_check__rule_find_and_modes(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		enum check_mode mode;
	} rows[] = {
		{ "driver", true, CHECK_MODE_DRIVER },
		{ "universal", true, CHECK_MODE_UNIVERSAL },
		{ "windows", true, CHECK_MODE_WINDOWS },
		{ "Windows", false, CHECK_MODE_DRIVER },
		{ "w", false, CHECK_MODE_DRIVER },
		{ "", false, CHECK_MODE_DRIVER },
	};
	char name[64];

	(void)state;
	assert_string_equal(check_rule_find("dc-inf-013")->name, "undefined-string");
	assert_null(check_rule_find("DC-INF-999"));
	assert_null(check_rule_find("DC-INF-13"));
	check_rule_case_name(check_rule_find("DC-INF-010"), name, sizeof(name));
	assert_string_equal(name, "DC-INF-010 pnplockdown");
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		enum check_mode m = CHECK_MODE_DRIVER;

		assert_int_equal(check_mode_parse(rows[i].s, &m), rows[i].ok);
		if (rows[i].ok) {
			assert_int_equal(m, rows[i].mode);
			assert_string_equal(check_mode_name(m), rows[i].s);
		}
	}
}

/* --- rules on edited INFs ----------------------------------------------- */

static const struct {
	const char *what;
	const char *inf;       /* file name ("t.inf" unless the extension matters) */
	const char *from, *to; /* the edit to base_inf; NULL: none */
	enum check_mode mode;
	int64_t now;
	const char *os;
	const char *code;      /* the rule looked at */
	size_t count;          /* findings of that rule */
	const char *line;      /* "t.inf:33: error: " prefix of the first, or NULL */
} rows[] = {
	{ "clean base", "t.inf", NULL, NULL, CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-037", 0, NULL },
	{ "undefined token: one finding, from the parser", "t.inf", "DisplayName   = %Dev%",
	  "DisplayName   = %DevName%", CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-013", 1,
	  "t.inf:23: error: string token %DevName% is not defined in [Strings]" },
	{ "DriverVer tomorrow in UTC", "t.inf", "06/21/2024", "01/02/2026", CHECK_MODE_DRIVER,
	  1767311999, NULL, "DC-INF-007", 1, "t.inf:6: error: DriverVer date 01/02/2026 is after" },
	{ "DriverVer today in UTC", "t.inf", "06/21/2024", "01/02/2026", CHECK_MODE_DRIVER,
	  1767312000, NULL, "DC-INF-007", 0, NULL },
	{ "DriverVer with three parts", "t.inf", "1.2.3.4", "1.2.3", CHECK_MODE_DRIVER, NOW, NULL,
	  "DC-INF-006", 1, "t.inf:6: error: DriverVer version in '06/21/2024,1.2.3' has 3 parts" },
	{ "DriverVer part 65535: one finding, from the parser", "t.inf", "1.2.3.4", "1.2.3.65535",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-006", 1, "t.inf:6: error: DriverVer version '1.2.3.65535' is not" },
	{ "no PnpLockdown: warning for /k", "t.inf", "PnpLockdown = 1\n", "", CHECK_MODE_DRIVER, NOW,
	  NULL, "DC-INF-010", 1, "t.inf:1: warning: [Version] has no PnpLockdown=1" },
	{ "no PnpLockdown: error for /w", "t.inf", "PnpLockdown = 1\n", "", CHECK_MODE_WINDOWS, NOW,
	  NULL, "DC-INF-010", 1, "t.inf:1: error: [Version] has no PnpLockdown=1" },
	{ "DIRID 12 under isolation", "t.inf", "DefaultDestDir = 13", "DefaultDestDir = 12",
	  CHECK_MODE_WINDOWS, NOW, NULL, "DC-INF-053", 1,
	  "t.inf:33: error: DefaultDestDir sends files to DIRID 12" },
	{ "DIRID 12 without isolation", "t.inf", "DefaultDestDir = 13", "DefaultDestDir = 12",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-053", 0, NULL },
	{ "user-defined DIRID", "t.inf", "DefaultDestDir = 13", "DefaultDestDir = 40000",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-027", 1, "t.inf:33: error: DIRID 40000 for DefaultDestDir is user-defined" },
	{ "AddReg naming no section", "t.inf", "CopyFiles = Inst.Copy", "CopyFiles = Inst.Copy\nAddReg =",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-024", 1, "t.inf:18: error: AddReg names no section" },
	{ "malformed USB id", "t.inf", "Root\\DrvcatBase", "USB\\VID_12&PID_5678", CHECK_MODE_DRIVER, NOW,
	  NULL, "DC-INF-048", 1, "t.inf:14: error: device id 'USB\\VID_12&PID_5678' of 'Base Device' is malformed: VID_12" },
	{ "well-formed USB id", "t.inf", "Root\\DrvcatBase", "USB\\VID_1234&PID_ABCD&MI_00", CHECK_MODE_DRIVER,
	  NOW, NULL, "DC-INF-048", 0, NULL },
	{ "id with a space", "t.inf", "Root\\DrvcatBase", "Root\\Drvcat Base", CHECK_MODE_DRIVER, NOW, NULL,
	  "DC-INF-048", 1, "t.inf:14: error: device id 'Root\\Drvcat Base' of 'Base Device' is malformed: it contains a space" },
	{ "build number below 10.0", "t.inf", "Models, NTamd64\n", "Models, NTamd64, NTamd64.6.1...7601\n",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-017", 1,
	  "t.inf:11: error: TargetOSVersion 'NTamd64.6.1...7601' gives build 7601" },
	{ "$ARCH$ in an .inf", "t.inf", "Models, NTamd64\n", "Models, NTamd64, NT$ARCH$\n",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-015", 1, "t.inf:11: error: 'NT$ARCH$' still holds the stampinf token $ARCH$" },
	{ "$ARCH$ in an .inx", "t.inx", "Models, NTamd64\n", "Models, NTamd64, NT$ARCH$\n",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-015", 0, NULL },
	{ "--os without a models section", "t.inf", NULL, NULL, CHECK_MODE_DRIVER, NOW, "10_X86,10_X64",
	  "DC-INF-049", 1, "t.inf:10: error: no models section applies to 10_X86 (x86, Windows 10.0 build 10240)" },
	{ "--os 10.0 build below the gate (Inf2Cat is lenient)", "t.inf", "Models, NTamd64\n\n[Models.NTamd64]",
	  "Models, NTamd64.10.0...16299\n\n[Models.NTamd64.10.0...16299]", CHECK_MODE_DRIVER, NOW, "10_X64", "DC-INF-049", 0, NULL },
	{ "Needs without Include", "t.inf", "CopyFiles = Inst.Copy", "CopyFiles = Inst.Copy\nNeeds = WinUsb.NT",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-038", 1, "t.inf:18: error: Needs=WinUsb.NT names a section" },
	{ "Needs with Include", "t.inf", "CopyFiles = Inst.Copy",
	  "CopyFiles = Inst.Copy\nInclude = winusb.inf\nNeeds = WinUsb.NT", CHECK_MODE_DRIVER, NOW, NULL,
	  "DC-INF-038", 0, NULL },
	{ "TargetOS-decorated DefaultInstall is referenced", "t.inf", "[Strings]",
	  "[DefaultInstall.NTamd64.10.0...25952]\nCopyFiles = Inst.Copy\n\n[Strings]", CHECK_MODE_DRIVER,
	  NOW, NULL, "DC-INF-037", 0, NULL },
	{ "FeatureScore FE", "t.inf", "CopyFiles = Inst.Copy", "CopyFiles = Inst.Copy\nFeatureScore = FE",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-061", 0, NULL },
	{ "FeatureScore 0x100", "t.inf", "CopyFiles = Inst.Copy", "CopyFiles = Inst.Copy\nFeatureScore = 0x100",
	  CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-061", 1, "t.inf:18: error: FeatureScore '0x100'" },
	{ "ServiceBinary of an inbox driver is not expected in CopyFiles", "t.inf", "%13%\\base.sys",
	  "%12%\\WUDFRd.sys", CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-047", 0, NULL },
	{ "%strkey% in a CopyFiles list is substituted, not refused", "t.inf", "[Inst.Copy]\nbase.sys",
	  "[Inst.Copy]\n%File%", CHECK_MODE_DRIVER, NOW, NULL, "DC-INF-029", 0, NULL },
};

static void test_check__rules_on_edited_infs(void **state)
{
	struct fixture *fx = *state;

	put(fx->dir, "base.sys", "payload\n");
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		char *inf = edit(rows[i].from, rows[i].to), *text = NULL, path[128];
		char *withfile = NULL;
		struct report *r;
		size_t n;

		/* %File% needs its string (the edit row above uses it) */
		if (rows[i].to && strstr(rows[i].to, "%File%")) {
			withfile = malloc(strlen(inf) + 32);
			assert_non_null(withfile);
			sprintf(withfile, "%sFile = \"base.sys\"\n", inf);
		}
		put(fx->dir, rows[i].inf, withfile ? withfile : inf);
		snprintf(path, sizeof(path), "%s/%s", fx->dir, rows[i].inf);
		r = run_check(path, rows[i].mode, rows[i].now, rows[i].os, &text);
		n = count_code(text, rows[i].code);
		if (n != rows[i].count || (rows[i].line && !strstr(text, rows[i].line))) {
			/* show the row and the whole report before failing */
			print_error("row %zu (%s): %zu findings of %s, expected %zu\n%s", i, rows[i].what, n,
				    rows[i].code, rows[i].count, text);
		}
		assert_int_equal(n, rows[i].count);
		if (rows[i].line) {
			char want[256];

			/* the finding names the file as check_path was given it */
			snprintf(want, sizeof(want), "%s/%s", fx->dir, rows[i].line);
			assert_non_null(strstr(text, want));
		}
		report_free(r);
		free(text);
		free(inf);
		free(withfile);
		snprintf(path, sizeof(path), "%s/%s", fx->dir, rows[i].inf);
		remove(path);
	}
}

/* --- cases, packages, failures -------------------------------------------- */

static void test_check__declares_a_case_per_inf_and_rule(void **state)
{
	struct fixture *fx = *state;
	char path[128], sub[128], *text;
	struct report *r;

	put(fx->dir, "base.sys", "payload\n");
	put(fx->dir, "a.inf", base_inf);
	snprintf(path, sizeof(path), "%s/a.inf", fx->dir);
	r = run_check(path, CHECK_MODE_DRIVER, NOW, NULL, &text);
	assert_int_equal(report_cases(r), 59); /* 62 rules, 3 only for /w */
	assert_int_equal(report_count(r, REPORT_ERROR) + report_count(r, REPORT_WARNING) +
				 report_count(r, REPORT_INFO), 0);
	report_free(r);
	free(text);
	r = run_check(path, CHECK_MODE_WINDOWS, NOW, NULL, &text);
	assert_int_equal(report_cases(r), 61); /* DC-INF-051 is off for /w */
	report_free(r);
	free(text);

	snprintf(sub, sizeof(sub), "%s/b", fx->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	put(sub, "b.inf", base_inf);
	put(sub, "base.sys", "payload\n");
	r = run_check(fx->dir, CHECK_MODE_DRIVER, NOW, NULL, &text);
	assert_int_equal(report_cases(r), 2 * 59);
	assert_int_equal(report_count(r, REPORT_ERROR), 0);
	report_free(r);
	free(text);
}

static void test_check__fails_only_without_a_package(void **state)
{
	struct fixture *fx = *state;
	struct check_options opt;
	struct dc_error err = { 0, "" };
	struct report *r = NULL;
	char path[128];

	(void)fx;
	memset(&opt, 0, sizeof(opt));
	opt.now = NOW;
	assert_int_equal(report_new(&r, "drvcat check", "x", &err), 0);
	snprintf(path, sizeof(path), "%s/missing.inf", fx->dir);
	assert_int_equal(check_path(r, path, path, &opt, &err), DC_EIO);
	assert_non_null(strstr(err.msg, "missing.inf"));
	assert_int_equal(check_path(r, fx->dir, fx->dir, &opt, &err), DC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no .inf file"));
	/* an INF Windows could not decode is a finding, not a failure */
	put(fx->dir, "bad.inf", "\xff\xfe[\x00");
	snprintf(path, sizeof(path), "%s/bad.inf", fx->dir);
	assert_int_equal(check_path(r, path, path, &opt, &err), 0);
	report_free(r);
}

int main(void)
{
#define FX(t) cmocka_unit_test_setup_teardown(t, check_setup, check_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check__rule_table_is_complete),
		cmocka_unit_test(test_check__rule_find_and_modes),
		FX(test_check__rules_on_edited_infs),
		FX(test_check__declares_a_case_per_inf_and_rule),
		FX(test_check__fails_only_without_a_package),
	};
#undef FX

	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
