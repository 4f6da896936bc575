/*
 * test_tmpl.c - src/tmpl: the template engine (placeholders, loops, every
 * error with its file:line:col), the value checks behind `drvcat new` (bad
 * inputs with the exact message each must give), rendering each package
 * kind, and writing a package all or nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/inf/inf.h"
#include "../../src/tmpl/internal.h"
#include "../../src/tmpl/tmpl.h"
#include "../../src/util/fs.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* 2026-11-27 08:00:00 UTC */
#define T_NOW 1795766400

/* --- the engine ----------------------------------------------------------- */

static const char *const arch_keys[] = { "ARCH", "TARGET_OS" };
static const char *const arch_two[] = { "amd64", "NTamd64.10.0...16299", "arm64", "NTarm64.10.0...16299" };
static const char *const hwid_keys[] = { "HWID" };
static const char *const hwid_two[] = { "Root\\a", "PCI\\VEN_1234&DEV_5678" };
static const struct tmpl_var vars[] = { { "NAME", "drv" }, { "CLASS", "System" }, { "EMPTY", "" } };

static int render(char **out, const char *text, size_t nhwids, struct dc_error *err)
{
	struct tmpl_list lists[] = {
		{ "ARCH", arch_keys, 2, arch_two, 2 },
		{ "HWID", hwid_keys, 1, hwid_two, nhwids },
	};
	struct tmpl_vars v = { vars, N_ROWS(vars), lists, N_ROWS(lists) };
	struct dc_buf b;
	int rc;

	dc_buf_init(&b, 1 << 20);
	rc = tmpl_render(&b, "t.inf.in", text, strlen(text), &v, err);
	*out = rc ? NULL : (b.data ? dc_buf_detach(&b) : strdup(""));
	dc_buf_free(&b);
	return rc;
}

static void test_tmpl__render_substitutes_and_repeats(void **state)
{
	static const struct {
		const char *text;
		size_t nhwids;
		const char *want;
	} rows[] = {
		{ "", 2, "" },
		{ "no placeholders\n", 2, "no placeholders\n" },
		{ "[{{NAME}}]\nClass = {{CLASS}}{{EMPTY}}\n", 2, "[drv]\nClass = System\n" },
		/* a last line without '\n' gets one; CRLF is read as LF */
		{ "a {{NAME}}", 2, "a drv\n" },
		{ "a\r\nb {{NAME}}\r\n", 2, "a\nb drv\n" },
		/* GUID braces and single braces are text */
		{ "{4d36e97d-e325-11ce-bfc1-08002be10318} {x} }}\n", 2,
		  "{4d36e97d-e325-11ce-bfc1-08002be10318} {x} }}\n" },
		{ "{{FOR ARCH}}\n[S.{{TARGET_OS}}]\n1 = d,,,\\{{ARCH}}\n{{END}}\n", 2,
		  "[S.NTamd64.10.0...16299]\n1 = d,,,\\amd64\n[S.NTarm64.10.0...16299]\n1 = d,,,\\arm64\n" },
		/* nested: every HWID in every ARCH; loop lines may be indented */
		{ "{{FOR ARCH}}\n[{{ARCH}}]\n  {{FOR HWID}}\n%D% = {{NAME}}, {{HWID}}\n  {{END}}\n{{END}}\n", 2,
		  "[amd64]\n%D% = drv, Root\\a\n%D% = drv, PCI\\VEN_1234&DEV_5678\n"
		  "[arm64]\n%D% = drv, Root\\a\n%D% = drv, PCI\\VEN_1234&DEV_5678\n" },
		/* an empty list repeats nothing */
		{ "a\n{{FOR HWID}}\n{{HWID}}\n{{END}}\nb\n", 0, "a\nb\n" },
	};

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct dc_error err = { 0, "" };
		char *out = NULL;

		assert_int_equal(render(&out, rows[i].text, rows[i].nhwids, &err), 0);
		assert_string_equal(out, rows[i].want);
		free(out);
	}
}

static void test_tmpl__render_errors_name_file_line_and_column(void **state)
{
	static const struct {
		const char *text;
		size_t nhwids;
		const char *msg;
	} rows[] = {
		{ "a\nb {{NOPE}}\n", 2, "t.inf.in:2:3: unknown placeholder {{NOPE}}" },
		/* checked even where a loop over an empty list would hide it */
		{ "{{FOR HWID}}\n{{HWID}} {{TYPO}}\n{{END}}\n", 0, "t.inf.in:2:10: unknown placeholder {{TYPO}}" },
		{ "{{ARCH}}\n", 2, "t.inf.in:1:1: placeholder {{ARCH}} is defined only inside {{FOR ARCH}}" },
		{ "{{FOR HWID}}\n{{ARCH}}\n{{END}}\n", 2,
		  "t.inf.in:2:1: placeholder {{ARCH}} is defined only inside {{FOR ARCH}}" },
		{ "x {{name}}\n", 2,
		  "t.inf.in:1:3: '{{' does not start a placeholder: write {{NAME}} with NAME in A-Z, 0-9 and '_'" },
		{ "x {{ NAME }}\n", 2,
		  "t.inf.in:1:3: '{{' does not start a placeholder: write {{NAME}} with NAME in A-Z, 0-9 and '_'" },
		{ "x {{\n", 2,
		  "t.inf.in:1:3: '{{' does not start a placeholder: write {{NAME}} with NAME in A-Z, 0-9 and '_'" },
		{ "x {{NAME\n", 2, "t.inf.in:1:3: placeholder {{NAME has no closing '}}'" },
		{ "x {{NAME}\n", 2, "t.inf.in:1:3: placeholder {{NAME has no closing '}}'" },
		{ "x {{FOR ARCH}}\n{{END}}\n", 2,
		  "t.inf.in:1:3: {{FOR ...}} and {{END}} must stand alone on their line" },
		{ "{{FOR ARCH}}\nx {{END}}\n", 2,
		  "t.inf.in:2:3: {{FOR ...}} and {{END}} must stand alone on their line" },
		{ "a\n{{END}}\n", 2, "t.inf.in:2:1: {{END}} without {{FOR}}" },
		{ "a\n{{FOR ARCH}}\nb\n", 2, "t.inf.in:2:1: {{FOR ARCH}} has no {{END}}" },
		{ "  {{FOR NOPE}}\n{{END}}\n", 2, "t.inf.in:1:3: unknown list {{FOR NOPE}}" },
		{ "{{FOR ARCH}}\n{{FOR HWID}}\n{{FOR ARCH}}\n{{END}}\n{{END}}\n{{END}}\n", 2,
		  "t.inf.in:3:1: {{FOR ARCH}} inside {{FOR ARCH}} (line 1)" },
	};

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct dc_error err = { 0, "" };
		char *out = NULL;

		assert_int_equal(render(&out, rows[i].text, rows[i].nhwids, &err), DC_ESYNTAX);
		assert_null(out);
		assert_string_equal(err.msg, rows[i].msg);
	}
}

static void test_tmpl__render_rejects_nul_and_huge_templates(void **state)
{
	static const char nul[] = "ab\0c\n";
	struct tmpl_vars v = { vars, N_ROWS(vars), NULL, 0 };
	struct dc_error err = { 0, "" };
	struct dc_buf b;
	char *big;

	(void)state;
	dc_buf_init(&b, 1 << 20);
	assert_int_equal(tmpl_render(&b, "n.in", nul, sizeof(nul) - 1, &v, &err), DC_ESYNTAX);
	assert_string_equal(err.msg, "n.in:1:3: NUL byte in a template");
	big = calloc(1, TMPL_MAX_TEXT + 1);
	assert_non_null(big);
	assert_int_equal(tmpl_render(&b, "big.in", big, TMPL_MAX_TEXT + 1, &v, &err), DC_ENOMEM);
	assert_string_equal(err.msg, "big.in: template larger than 1048576 bytes");
	free(big);
	/* the output cap holds too */
	dc_buf_free(&b);
	dc_buf_init(&b, 8);
	assert_int_equal(tmpl_render(&b, "o.in", "{{NAME}}{{NAME}}{{NAME}}\n", 25, &v, &err), DC_ENOMEM);
	dc_buf_free(&b);
}

/* --- values --------------------------------------------------------------- */

static void test_tmpl__names(void **state)
{
	static const char *const good[] = { "mydrv", "A", "my_drv-2", "abcdefghijklmnopqrstuvwxyz01234" };
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "", "--name is empty" },
		{ "my drv", "--name 'my drv' contains ' ': use letters, digits, '_' and '-' (it names the driver file, the service and INF sections)" },
		{ "a.sys", "--name 'a.sys' contains '.': use letters, digits, '_' and '-' (it names the driver file, the service and INF sections)" },
		{ "a[b]", "--name 'a[b]' contains '[': use letters, digits, '_' and '-' (it names the driver file, the service and INF sections)" },
		{ "caf\xc3\xa9", "--name 'caf\xc3\xa9' contains '?': use letters, digits, '_' and '-' (it names the driver file, the service and INF sections)" },
		{ "1drv", "--name '1drv' must start with a letter" },
		{ "_drv", "--name '_drv' must start with a letter" },
		{ "abcdefghijklmnopqrstuvwxyz012345", "--name 'abcdefghijklmnopqrstuvwxyz012345' is 32 characters long; at most 31 (the limit for UMDF service names)" },
		{ "con", "--name 'con' is a reserved Windows device name" },
		{ "LPT1", "--name 'LPT1' is a reserved Windows device name" },
		{ "Disk", "--name 'Disk' is the name of a Windows inbox driver or service; choose a name of your own" },
		{ "wudfrd", "--name 'wudfrd' is the name of a Windows inbox driver or service; choose a name of your own" },
	};

	(void)state;
	for (size_t i = 0; i < N_ROWS(good); i++) {
		struct dc_error err = { 0, "" };

		assert_int_equal(tmpl_check_name(good[i], &err), 0);
	}
	for (size_t i = 0; i < N_ROWS(bad); i++) {
		struct dc_error err = { 0, "" };

		assert_int_equal(tmpl_check_name(bad[i].in, &err), DC_EUSAGE);
		assert_string_equal(err.msg, bad[i].msg);
	}
}

static void test_tmpl__hardware_ids(void **state)
{
	static const char *const good[] = {
		"Root\\mydrv", "PCI\\VEN_8086&DEV_1234", "PCI\\VEN_8086&DEV_1234&SUBSYS_00011234&REV_01",
		"PCI\\CC_0C0330", "USB\\VID_045E&PID_0040&MI_01", "HID\\VID_1234&PID_5678&Col01", "ACPI\\PNP0C0A",
		"SWC\\VEN_1&CID_2", "{5d624f94-8850-40c3-a3fa-a4fd2080baf3}\\vwifimp", "USB\\Class_03&SubClass_01",
	};
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "", "--hwid is empty" },
		{ "Root\\my drv", "--hwid 'Root\\my drv' contains a space; hardware ids never do" },
		{ "Root\\a,Root\\b", "--hwid 'Root\\a,Root\\b' contains ',', which hardware ids never contain (give each id its own --hwid)" },
		{ "Root\\a;b", "--hwid 'Root\\a;b' contains ';', which hardware ids never contain" },
		{ "Root\\a\"b", "--hwid 'Root\\a\"b' contains '\"', which hardware ids never contain" },
		{ "Root\\%a%", "--hwid 'Root\\%a%' contains '%', which hardware ids never contain" },
		{ "Root\\a=b", "--hwid 'Root\\a=b' contains '=', which hardware ids never contain" },
		{ "Root\\a\tb", "--hwid contains a control character" },
		{ "Root\\caf\xc3\xa9", "--hwid 'Root\\caf\xc3\xa9' contains a non-ASCII character" },
		{ "mydevice", "--hwid 'mydevice' is not a hardware id: expected BUS\\ID, e.g. PCI\\VEN_1234&DEV_5678, USB\\VID_1234&PID_5678 or Root\\mydevice" },
		{ "\\mydevice", "--hwid '\\mydevice' has no bus name before '\\'" },
		{ "Ro*t\\a", "--hwid 'Ro*t\\a': the bus name 'Ro*t' contains '*' (letters, digits, '_', '-', '{' and '}' only)" },
		{ "Root\\a\\", "--hwid 'Root\\a\\' ends with '\\' (an INF reads that as a line continuation)" },
		{ "Root\\", "--hwid 'Root\\' ends with '\\' (an INF reads that as a line continuation)" },
		{ "Root\\\\a", "--hwid 'Root\\\\a' has an empty part between two '\\'" },
		{ "PCI\\VEN_123&DEV_5678", "--hwid 'PCI\\VEN_123&DEV_5678': VEN_123 is not 4 hexadecimal digits after VEN_" },
		{ "PCI\\VEN_1234&DEV_56789", "--hwid 'PCI\\VEN_1234&DEV_56789': DEV_56789 is not 4 hexadecimal digits after DEV_" },
		{ "usb\\vid_12g4&pid_5678", "--hwid 'usb\\vid_12g4&pid_5678': vid_12g4 is not 4 hexadecimal digits after VID_" },
		{ "PCI\\CC_0C03301", "--hwid 'PCI\\CC_0C03301': CC_0C03301 is not 2 hexadecimal digits after CC_" },
	};
	char longid[260];
	struct dc_error err = { 0, "" };

	(void)state;
	for (size_t i = 0; i < N_ROWS(good); i++) {
		err.msg[0] = '\0';
		assert_int_equal(tmpl_check_hwid(good[i], &err), 0);
	}
	for (size_t i = 0; i < N_ROWS(bad); i++) {
		assert_int_equal(tmpl_check_hwid(bad[i].in, &err), DC_EUSAGE);
		assert_string_equal(err.msg, bad[i].msg);
	}
	memset(longid, 'x', sizeof(longid));
	memcpy(longid, "Root\\", 5);
	longid[201] = '\0';
	assert_int_equal(tmpl_check_hwid(longid, &err), DC_EUSAGE);
	assert_string_equal(err.msg,
			    "--hwid 'Root\\xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is 201 characters long; device ids have at most 200");
	longid[200] = '\0';
	assert_int_equal(tmpl_check_hwid(longid, &err), 0);
}

static void test_tmpl__provider_version_guid_arch(void **state)
{
	static const struct {
		int which; /* 0 provider, 1 version, 2 guid, 3 arch */
		const char *in, *msg;
	} rows[] = {
		{ 0, "Contoso, \"Ltd\"; Inc.\\", NULL },
		{ 0, "M\xc3\xbcller GmbH", NULL },
		{ 0, "", "--provider is empty" },
		{ 0, "   ", "--provider is empty" },
		{ 0, " Contoso", "--provider ' Contoso' has leading or trailing spaces" },
		{ 0, "Con\ntoso", "--provider contains a control character" },
		{ 0, "100% Drivers", "--provider '100% Drivers' contains '%', which an INF reads as a %strkey% token" },
		{ 0, "bad \xc3\x28 utf8", "--provider is not valid UTF-8 text" },
		{ 0, "overlong \xc0\xaf", "--provider is not valid UTF-8 text" },
		{ 0, "microsoft drivers", "--provider 'microsoft drivers' names Microsoft; only Microsoft's own INFs may (InfVerif 1204)" },
		{ 1, "1.0.0.0", NULL },
		{ 1, "65534.0.1.22", NULL },
		{ 1, "1.0", "--version '1.0' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'" },
		{ 1, "1.0.0.0.0", "--version '1.0.0.0.0' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'" },
		{ 1, "1.0.0.x", "--version '1.0.0.x' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'" },
		{ 1, "1..0.0", "--version '1..0.0' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'" },
		{ 1, "-1.0.0.0", "--version '-1.0.0.0' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'" },
		{ 1, "1.0.0.000001", "--version '1.0.0.000001' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'" },
		{ 1, "1.65535.0.0", "--version '1.65535.0.0': each part must be at most 65534 (DriverVer)" },
		{ 1, "0.0.0.0", "--version 0.0.0.0 is not a valid DriverVer version" },
		{ 2, "{3F2504E0-4F89-41D3-9A0C-0305E82C3301}", NULL },
		{ 2, "3f2504e0-4f89-41d3-9a0c-0305e82c3301", "--extension-id '3f2504e0-4f89-41d3-9a0c-0305e82c3301' is not a braced GUID such as {3f2504e0-4f89-41d3-9a0c-0305e82c3301}" },
		{ 2, "{3f2504e0-4f89-41d3-9a0c-0305e82c330g}", "--extension-id '{3f2504e0-4f89-41d3-9a0c-0305e82c330g}' is not a braced GUID such as {3f2504e0-4f89-41d3-9a0c-0305e82c3301}" },
		{ 3, "amd64", NULL },
		{ 3, "ARM64,amd64", NULL },
		{ 3, "x86", "--arch: unknown architecture 'x86' (want amd64, arm64 or amd64,arm64)" },
		{ 3, "amd64,x64", "--arch: unknown architecture 'x64' (want amd64, arm64 or amd64,arm64)" },
		{ 3, "amd64,", "--arch 'amd64,' has an empty item" },
		{ 3, "", "--arch '' has an empty item" },
		{ 3, "arm64,amd64,arm64", "--arch 'arm64,amd64,arm64' names arm64 twice" },
	};

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct dc_error err = { 0, "" };
		unsigned mask;
		int rc = rows[i].which == 0   ? tmpl_check_provider(rows[i].in, &err)
			 : rows[i].which == 1 ? tmpl_check_version(rows[i].in, &err)
			 : rows[i].which == 2 ? tmpl_check_guid("--extension-id", rows[i].in, &err)
					      : tmpl_parse_arches(rows[i].in, &mask, &err);

		if (!rows[i].msg) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_int_equal(rc, DC_EUSAGE);
		assert_string_equal(err.msg, rows[i].msg);
	}
}

static void test_tmpl__quote_and_guid(void **state)
{
	struct dc_error err = { 0, "" };
	char g1[39], g2[39], *q;

	(void)state;
	q = tmpl_quote_text("Contoso \"Devices\"; Ltd.\\");
	assert_string_equal(q, "\"Contoso \"\"Devices\"\"; Ltd.\\\"");
	free(q);
	assert_int_equal(tmpl_random_guid(g1, &err), 0);
	assert_int_equal(tmpl_random_guid(g2, &err), 0);
	assert_int_equal(tmpl_check_guid("g", g1, &err), 0);
	assert_string_not_equal(g1, g2);
	assert_int_equal(g1[15], '4');                  /* version 4 */
	assert_non_null(strchr("89ab", g1[20]));        /* RFC 4122 variant */
}

/* --- kinds and packages --------------------------------------------------- */

static const char *const root_id[] = { "Root\\mydrv" };

static void request(struct tmpl_request *r, const char *kind)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->name = "mydrv";
	r->now = T_NOW;
	if (tmpl_kind_find(kind) && (tmpl_kind_find(kind)->takes & TMPL_TAKES_HWID)) {
		r->hwids = root_id;
		r->nhwids = 1;
	}
	if (!strcmp(kind, "filter"))
		r->filter = "upper";
	if (tmpl_kind_find(kind) && (tmpl_kind_find(kind)->takes & TMPL_TAKES_EXTENSION_ID))
		r->extension_id = "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}";
}

static const struct tmpl_file *file(const struct tmpl_package *p, const char *path)
{
	for (size_t i = 0; i < p->nfiles; i++)
		if (!strcmp(p->files[i].path, path))
			return &p->files[i];
	return NULL;
}

/* The file as a string (the INFs here are ASCII). */
static char *text(const struct tmpl_package *p, const char *path)
{
	const struct tmpl_file *f = file(p, path);
	char *s;

	assert_non_null(f);
	s = malloc(f->len + 1);
	assert_non_null(s);
	memcpy(s, f->data, f->len);
	s[f->len] = '\0';
	return s;
}

/* Every template the kinds name is built in, and every built-in one is used. */
static void test_tmpl__kinds_and_builtin_templates(void **state)
{
	size_t n, used = 0;
	const struct tmpl_kind *k = tmpl_kinds(&n);

	(void)state;
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(tmpl_kind_find(k[i].name), &k[i]);
		assert_non_null(tmpl_class_find(&k[i], k[i].default_class));
		for (size_t j = 0; j < 2 && k[i].infs[j].template; j++) {
			char *t = NULL;
			size_t len;
			struct dc_error err = { 0, "" };

			assert_int_equal(tmpl_load(&t, &len, NULL, k[i].infs[j].template, &err), 0);
			assert_true(len > 100);
			free(t);
			used++;
		}
	}
	assert_int_equal(tmpl_nbuiltins, used);
	assert_null(tmpl_kind_find("KMDF"));
	assert_null(tmpl_kind_find("wdm"));
}

static void test_tmpl__every_kind_renders_for_every_arch_list(void **state)
{
	static const char *const arches[] = { "amd64", "arm64", "amd64,arm64" };
	size_t n;
	const struct tmpl_kind *k = tmpl_kinds(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		for (size_t a = 0; a < N_ROWS(arches); a++) {
			struct tmpl_request r;
			struct tmpl_package *p = NULL;
			struct dc_error err = { 0, "" };
			char *inf, want[128];

			request(&r, k[i].name);
			r.arches = arches[a];
			assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
			assert_ptr_equal(p->kind, &k[i]);
			inf = text(p, "mydrv.inf");
			assert_non_null(strstr(inf, "DriverVer   = 11/27/2026,1.0.0.0\n"));
			assert_non_null(strstr(inf, "PnpLockdown = 1\n"));
			assert_null(strstr(inf, "{{"));
			assert_int_equal(file(p, "amd64/README.txt") != NULL, a != 1);
			assert_int_equal(file(p, "arm64/README.txt") != NULL, a != 0);
			assert_non_null(file(p, "README.md"));
			if (k[i].min_build) {
				snprintf(want, sizeof(want), "[Standard.NT%s.10.0...%u]\n",
					 a == 1 ? "arm64" : "amd64", k[i].min_build);
				assert_non_null(strstr(inf, want));
			} else {
				snprintf(want, sizeof(want), "[DefaultInstall.NT%s]\n", a == 1 ? "arm64" : "amd64");
				assert_non_null(strstr(inf, want));
				assert_null(strstr(inf, "\n[Manufacturer]\n"));
			}
			assert_int_equal(strstr(inf, "[SourceDisksNames.arm64]") != NULL && a == 0, 0);
			free(inf);
			tmpl_package_free(p);
		}
	}
}

static void test_tmpl__kind_specific_values(void **state)
{
	struct tmpl_request r;
	struct tmpl_package *p = NULL;
	struct dc_error err = { 0, "" };
	static const char *const two[] = { "Root\\mydrv", "PCI\\VEN_1234&DEV_5678" };
	char *s;

	(void)state;
	request(&r, "filter");
	r.filter = "lower";
	r.hwids = two;
	r.nhwids = 2;
	r.version = "2.1.0.7";
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
	s = text(p, "mydrv.inf");
	assert_non_null(strstr(s, "Class       = Extension\n"));
	assert_non_null(strstr(s, "ExtensionId = {3f2504e0-4f89-41d3-9a0c-0305e82c3301}"));
	assert_non_null(strstr(s, "FilterPosition = Lower\n"));
	assert_non_null(strstr(s, "NTamd64.10.0...18362, NTarm64.10.0...18362\n"));
	assert_non_null(strstr(s, "[Standard.NTarm64.10.0...18362]\n%FilterDesc% = mydrv_Filter, Root\\mydrv\n"
				  "%FilterDesc% = mydrv_Filter, PCI\\VEN_1234&DEV_5678\n"));
	assert_non_null(strstr(s, "DriverVer   = 11/27/2026,2.1.0.7\n"));
	free(s);
	tmpl_package_free(p);

	request(&r, "extension");
	r.extension_id = "{3F2504E0-4F89-41D3-9A0C-0305E82C3301}"; /* kept, in lower case */
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
	assert_int_equal(p->nfiles, 5);
	assert_string_equal(p->files[0].path, "mydrv.inf");
	assert_string_equal(p->files[1].path, "mydrv_component.inf");
	s = text(p, "mydrv.inf");
	assert_non_null(strstr(s, "ExtensionId = {3f2504e0-4f89-41d3-9a0c-0305e82c3301}"));
	assert_non_null(strstr(s, "AddComponent = mydrv_Component, , mydrv_ComponentInstall\n"));
	free(s);
	s = text(p, "mydrv_component.inf");
	assert_non_null(strstr(s, "CatalogFile = mydrv_component.cat\n"));
	assert_non_null(strstr(s, "%ComponentDesc% = mydrv_Component, SWC\\mydrv_Component\n"));
	assert_non_null(strstr(s, "SoftwareBinary    = mydrv.exe\n"));
	free(s);
	tmpl_package_free(p);

	request(&r, "minifilter");
	r.class_name = "antivirus";
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
	s = text(p, "mydrv.inf");
	assert_non_null(strstr(s, "Class       = AntiVirus\nClassGuid   = {b1d1a169-c54f-4379-81db-bee7d88d7454}\n"));
	assert_non_null(strstr(s, "LoadOrderGroup = \"FSFilter Anti-Virus\"\n"));
	assert_non_null(strstr(s, "Instance1.Altitude = \"325000\""));
	assert_string_equal(p->altitude, "325000");
	assert_true(p->default_altitude);
	assert_true(p->default_provider);
	free(s);
	tmpl_package_free(p);

	request(&r, "minifilter");
	r.altitude = "370030.5";
	r.provider = "Contoso";
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
	s = text(p, "mydrv.inf");
	assert_non_null(strstr(s, "Instance1.Altitude = \"370030.5\""));
	assert_non_null(strstr(s, "ProviderName       = \"Contoso\"\n"));
	assert_false(p->default_altitude);
	assert_false(p->default_provider);
	free(s);
	tmpl_package_free(p);

	request(&r, "umdf");
	r.class_name = "hidclass";
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
	s = text(p, "mydrv.inf");
	assert_non_null(strstr(s, "Class       = HIDClass\nClassGuid   = {745a17a0-74d3-11d0-b6fe-00a0c90f57da}\n"));
	assert_non_null(strstr(s, "ServiceBinary      = %13%\\mydrv.dll\n"));
	free(s);
	tmpl_package_free(p);
}

/* A non-ASCII provider: UTF-16LE with a BOM and CRLF, and it parses back to the same text. */
static void test_tmpl__non_ascii_inf_is_utf16(void **state)
{
	struct tmpl_request r;
	struct tmpl_package *p = NULL;
	struct dc_error err = { 0, "" };
	struct inf_options opt;
	struct inf_file *f = NULL;
	const struct tmpl_file *t;

	(void)state;
	request(&r, "kmdf");
	r.provider = "M\xc3\xbcller \"Treiber\" GmbH";
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
	t = file(p, "mydrv.inf");
	assert_int_equal(t->data[0], 0xff);
	assert_int_equal(t->data[1], 0xfe);
	assert_memory_equal(t->data + 2, ";\0\r\0\n\0", 6);
	memset(&opt, 0, sizeof(opt));
	assert_int_equal(inf_load_buffer(&f, "mydrv.inf", t->data, t->len, &opt, &err), 0);
	assert_int_equal(f->encoding, TEXT_UTF16LE_BOM);
	assert_string_equal(f->version.provider.value, "M\xc3\xbcller \"Treiber\" GmbH");
	assert_int_equal(inf_count_diags(f, INF_WARNING), 0);
	inf_free(f);
	tmpl_package_free(p);
}

static void test_tmpl__bad_requests(void **state)
{
	static const char *const dup[] = { "Root\\a", "ROOT\\A" };
	static const char *const bad_id[] = { "Root\\a b" };
	static const struct {
		const char *kind, *opt, *value, *msg;
	} rows[] = {
		{ "wdm", NULL, NULL, "unknown kind 'wdm' (kinds: kmdf, umdf, filter, extension, minifilter, primitive; drvcat new --list describes them)" },
		{ "kmdf", "name", NULL, "--name is required" },
		{ "kmdf", "name", "my drv", "--name 'my drv' contains ' ': use letters, digits, '_' and '-' (it names the driver file, the service and INF sections)" },
		{ "kmdf", "hwid", NULL, "kind kmdf needs --hwid: the hardware id of the device it installs on, e.g. PCI\\VEN_1234&DEV_5678 or Root\\mydrv" },
		{ "kmdf", "hwid", "dup", "--hwid 'ROOT\\A' is given twice (hardware ids ignore case)" },
		{ "kmdf", "hwid", "bad", "--hwid 'Root\\a b' contains a space; hardware ids never do" },
		{ "minifilter", "hwid", "dup", "--hwid does not apply to kind minifilter (only to: kmdf, umdf, filter, extension)" },
		{ "kmdf", "class", "Sample", "--class 'Sample' is not a system device setup class (for example System, HIDClass or USB; 'drvcat new --list-classes' shows all 40)" },
		{ "kmdf", "class", "Extension", "--class Extension: extension INFs come from the kinds filter and extension" },
		{ "minifilter", "class", "System", "--class 'System' is not a file system filter class (for example ActivityMonitor, AntiVirus or Encryption; 'drvcat new --list-classes' shows all 15)" },
		{ "filter", "class", "System", "--class does not apply to kind filter: its INFs have fixed classes (Extension, SoftwareComponent)" },
		{ "kmdf", "arch", "x86", "--arch: unknown architecture 'x86' (want amd64, arm64 or amd64,arm64)" },
		{ "kmdf", "version", "1.0", "--version '1.0' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'" },
		{ "kmdf", "provider", "Microsoft", "--provider 'Microsoft' names Microsoft; only Microsoft's own INFs may (InfVerif 1204)" },
		{ "kmdf", "filter", "upper", "--filter does not apply to kind kmdf (only to: filter)" },
		{ "filter", "filter", NULL, "kind filter needs --filter upper or --filter lower (above or below the device's function driver)" },
		{ "filter", "filter", "middle", "--filter 'middle' must be upper or lower" },
		{ "primitive", "altitude", "370030", "--altitude does not apply to kind primitive (only to: minifilter)" },
		{ "minifilter", "altitude", "390000", "--altitude 390000 is outside FSFilter Activity Monitor's range 360000-389999" },
		{ "minifilter", "altitude", "389999.1", "--altitude 389999.1 is outside FSFilter Activity Monitor's range 360000-389999" },
		{ "minifilter", "altitude", "37003x", "--altitude '37003x' is not an altitude such as 370030 or 370030.5" },
		{ "minifilter", "altitude", "370030.", "--altitude '370030.' is not an altitude such as 370030 or 370030.5" },
		{ "minifilter", "altitude", "", "--altitude '' is not an altitude such as 370030 or 370030.5" },
		{ "kmdf", "extension-id", "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}", "--extension-id does not apply to kind kmdf (only to: filter, extension)" },
		{ "extension", "extension-id", "{nope}", "--extension-id '{nope}' is not a braced GUID such as {3f2504e0-4f89-41d3-9a0c-0305e82c3301}" },
	};

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct tmpl_request r;
		struct tmpl_package *p = (struct tmpl_package *)1;
		struct dc_error err = { 0, "" };
		const char *o = rows[i].opt ? rows[i].opt : "";

		request(&r, rows[i].kind);
		if (!strcmp(o, "name"))
			r.name = rows[i].value;
		else if (!strcmp(o, "hwid")) {
			r.hwids = !rows[i].value ? NULL : !strcmp(rows[i].value, "dup") ? dup : bad_id;
			r.nhwids = !rows[i].value ? 0 : !strcmp(rows[i].value, "dup") ? 2 : 1;
		} else if (!strcmp(o, "class"))
			r.class_name = rows[i].value;
		else if (!strcmp(o, "arch"))
			r.arches = rows[i].value;
		else if (!strcmp(o, "version"))
			r.version = rows[i].value;
		else if (!strcmp(o, "provider"))
			r.provider = rows[i].value;
		else if (!strcmp(o, "filter"))
			r.filter = rows[i].value;
		else if (!strcmp(o, "altitude"))
			r.altitude = rows[i].value;
		else if (!strcmp(o, "extension-id"))
			r.extension_id = rows[i].value;
		assert_int_equal(tmpl_package_render(&p, &r, &err), DC_EUSAGE);
		assert_null(p);
		assert_string_equal(err.msg, rows[i].msg);
	}
}

/* --- --templates DIR and writing ----------------------------------------- */

struct fixture {
	char base[64];
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int fx_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->base, "/tmp/dc-tmpl-XXXXXX");
	if (!mkdtemp(fx->base))
		return -1;
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fixture *fx = *state;

	nftw(fx->base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void put(const char *dir, const char *rel, const char *s)
{
	char *path = fs_join(dir, rel);
	FILE *fp;

	assert_non_null(path);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_true(fputs(s, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static unsigned current_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return (unsigned)m;
}

/* Sorted names in dir, joined with ' '. */
static void listing(char *out, size_t n, const char *dir)
{
	struct dirent **names;
	int k = scandir(dir, &names, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < k; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	if (k >= 0)
		free(names);
}

static void test_tmpl__template_dir_errors_name_the_file(void **state)
{
	struct fixture *fx = *state;
	struct tmpl_request r;
	struct tmpl_package *p = NULL;
	struct dc_error err = { 0, "" };
	char want[256];

	request(&r, "kmdf");
	r.template_dir = fx->base;
	put(fx->base, "kmdf/kmdf.inf.in", "[Version]\nSignature = \"$WINDOWS NT$\"\nClass = {{CLAS}}\n");
	assert_int_equal(tmpl_package_render(&p, &r, &err), DC_ESYNTAX);
	snprintf(want, sizeof(want), "%s/kmdf/kmdf.inf.in:3:9: unknown placeholder {{CLAS}}", fx->base);
	assert_string_equal(err.msg, want);

	/* a template that renders into an INF with a problem is reported as a template bug */
	put(fx->base, "kmdf/kmdf.inf.in", "[Version]\nSignature = \"$WINDOWS NT$\"\nProvider = %Nope%\n");
	assert_int_equal(tmpl_package_render(&p, &r, &err), DC_ESYNTAX);
	snprintf(want, sizeof(want), "%s/kmdf/kmdf.inf.in renders mydrv.inf with a problem on line 3: ", fx->base);
	assert_memory_equal(err.msg, want, strlen(want));

	/* a good custom template is used as it is */
	put(fx->base, "kmdf/kmdf.inf.in",
	    "[Version]\nSignature = \"$WINDOWS NT$\"\nClass = {{CLASS}}\nDriverVer = {{DRIVER_VER}}\n");
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);
	assert_int_equal(file(p, "mydrv.inf")->len, strlen("[Version]\nSignature = \"$WINDOWS NT$\"\nClass = System\nDriverVer = 11/27/2026,1.0.0.0\n"));
	tmpl_package_free(p);

	r.template_dir = "/nonexistent";
	assert_int_equal(tmpl_package_render(&p, &r, &err), DC_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/kmdf/kmdf.inf.in"));
}

static void test_tmpl__write_all_or_nothing(void **state)
{
	struct fixture *fx = *state;
	struct tmpl_request r;
	struct tmpl_package *p = NULL;
	struct dc_error err = { 0, "" };
	char *dir = fs_join(fx->base, "pkg"), *nested = fs_join(fx->base, "no/such/pkg"), got[256], want[512];
	struct stat st;

	request(&r, "kmdf");
	assert_int_equal(tmpl_package_render(&p, &r, &err), 0);

	/* a new directory */
	assert_int_equal(tmpl_package_write(p, dir, false, &err), 0);
	listing(got, sizeof(got), dir);
	assert_string_equal(got, "README.md amd64 arm64 mydrv.inf");
	listing(got, sizeof(got), fx->base);
	assert_string_equal(got, "pkg");
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0777 & ~current_umask());

	/* not empty: refused, nothing changes */
	put(dir, "amd64/mydrv.sys", "binary");
	assert_int_equal(tmpl_package_write(p, dir, false, &err), DC_EIO);
	snprintf(want, sizeof(want), "%s exists and is not empty (--force replaces it and everything in it)", dir);
	assert_string_equal(err.msg, want);
	listing(got, sizeof(got), fx->base);
	assert_string_equal(got, "pkg");
	listing(got, sizeof(got), dir);
	assert_string_equal(got, "README.md amd64 arm64 mydrv.inf");

	/* --force replaces it; the old directory is gone */
	assert_int_equal(tmpl_package_write(p, dir, true, &err), 0);
	listing(got, sizeof(got), dir);
	assert_string_equal(got, "README.md amd64 arm64 mydrv.inf");
	snprintf(want, sizeof(want), "%s/amd64", dir);
	listing(got, sizeof(got), want);
	assert_string_equal(got, "README.txt");
	listing(got, sizeof(got), fx->base);
	assert_string_equal(got, "pkg");

	/* an empty directory is used */
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(tmpl_package_write(p, dir, false, &err), 0);
	listing(got, sizeof(got), dir);
	assert_string_equal(got, "README.md amd64 arm64 mydrv.inf");

	/* a missing parent: an error, and nothing left behind */
	assert_int_equal(tmpl_package_write(p, nested, false, &err), DC_EIO);
	snprintf(want, sizeof(want), "cannot create %s: %s/no/such: No such file or directory", nested, fx->base);
	assert_string_equal(err.msg, want);
	listing(got, sizeof(got), fx->base);
	assert_string_equal(got, "pkg");

	/* a file, a symlink, '.', '..' */
	put(fx->base, "file", "x");
	free(nested);
	nested = fs_join(fx->base, "file");
	assert_int_equal(tmpl_package_write(p, nested, true, &err), DC_EIO);
	snprintf(want, sizeof(want), "%s exists and is not a directory", nested);
	assert_string_equal(err.msg, want);
	free(nested);
	nested = fs_join(fx->base, "link");
	assert_int_equal(symlink("pkg", nested), 0);
	assert_int_equal(tmpl_package_write(p, nested, true, &err), DC_EIO);
	snprintf(want, sizeof(want), "%s is a symbolic link; give the directory itself", nested);
	assert_string_equal(err.msg, want);
	assert_int_equal(tmpl_package_write(p, ".", true, &err), DC_EUSAGE);
	assert_string_equal(err.msg, "--out '.' must name a directory to create, not '.', '..' or '/'");
	assert_int_equal(tmpl_package_write(p, "a/..", true, &err), DC_EUSAGE);
	assert_int_equal(tmpl_package_write(p, "/", true, &err), DC_EUSAGE);
	listing(got, sizeof(got), fx->base);
	assert_string_equal(got, "file link pkg");

	/* a file that cannot be written (a path through a file): the temporary directory goes away */
	free(p->files[0].path);
	p->files[0].path = strdup("README.md/x.inf");
	free(nested);
	nested = fs_join(fx->base, "new");
	assert_int_equal(tmpl_package_write(p, nested, false, &err), DC_EIO);
	listing(got, sizeof(got), fx->base);
	assert_string_equal(got, "file link pkg");

	tmpl_package_free(p);
	free(nested);
	free(dir);
}

int main(void)
{
#define FX(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tmpl__render_substitutes_and_repeats),
		cmocka_unit_test(test_tmpl__render_errors_name_file_line_and_column),
		cmocka_unit_test(test_tmpl__render_rejects_nul_and_huge_templates),
		cmocka_unit_test(test_tmpl__names),
		cmocka_unit_test(test_tmpl__hardware_ids),
		cmocka_unit_test(test_tmpl__provider_version_guid_arch),
		cmocka_unit_test(test_tmpl__quote_and_guid),
		cmocka_unit_test(test_tmpl__kinds_and_builtin_templates),
		cmocka_unit_test(test_tmpl__every_kind_renders_for_every_arch_list),
		cmocka_unit_test(test_tmpl__kind_specific_values),
		cmocka_unit_test(test_tmpl__non_ascii_inf_is_utf16),
		cmocka_unit_test(test_tmpl__bad_requests),
		FX(test_tmpl__template_dir_errors_name_the_file),
		FX(test_tmpl__write_all_or_nothing),
	};
#undef FX

	return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
