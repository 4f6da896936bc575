/*
 * test_pkg.c - src/pkg: the Inf2Cat /os table (inf-format.md §3) and the
 * package walk (§2.2-§2.5) on small packages built in a temp directory.
 *
 * Walk tests compare a rendering of the whole result - every catalog, its
 * targets and members, and every diagnostic - so a stray member or message
 * fails them too.
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

#include "../../src/pkg/os.h"
#include "../../src/pkg/pkg.h"
#include "../../src/util/buf.h"
#include "../../src/util/fs.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))

/* --- /os identifiers ------------------------------------------------------ */

static void test_pkg__os_find_is_case_insensitive(void **state)
{
	const struct pkg_os *os = pkg_os_find("10_rs5_x64");

	(void)state;
	assert_non_null(os);
	assert_string_equal(os->id, "10_RS5_X64");
	assert_int_equal(os->arch, INF_ARCH_AMD64);
	assert_int_equal(os->build, 17763);
	assert_int_equal(os->product, PKG_WORKSTATION);
	assert_string_equal(pkg_os_find("SERVERRS5_X64")->id, "ServerRS5_X64");
	assert_null(pkg_os_find("10_ARM64")); /* never existed (§3) */
	assert_null(pkg_os_find(" 10_X64"));
	assert_null(pkg_os_find(""));
}

/* Every id and token maps back to its own row; the table runs oldest OS first. */
static void test_pkg__os_table_is_consistent(void **state)
{
	size_t n;
	const struct pkg_os *t = pkg_os_table(&n);

	(void)state;
	assert_true(n > 40);
	assert_string_equal(t[0].id, "2000");
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(pkg_os_find(t[i].id), &t[i]);
		assert_ptr_equal(pkg_os_from_token(t[i].token), &t[i]);
		if (t[i].legacy_token)
			assert_ptr_equal(pkg_os_from_token(t[i].legacy_token), &t[i]);
		if (i > 0) {
			assert_true(t[i].build >= t[i - 1].build);
			assert_true(t[i].major * 100 + t[i].minor >= t[i - 1].major * 100 + t[i - 1].minor);
		}
	}
}

static void test_pkg__os_parse_list(void **state)
{
	static const struct {
		const char *list;
		int rc;
		const char *want; /* ids in result order, comma-joined; or the error message */
	} rows[] = {
		{ "10_X64", 0, "10_X64" },
		/* The result is in table order, not command-line order. */
		{ "10_RS5_X64,10_X86,7_x64", 0, "7_X64,10_X86,10_RS5_X64" },
		{ " 10_X64 , 10_X86 ", 0, "10_X86,10_X64" },
		{ "10_ARM64", DC_EUSAGE, "unknown operating system identifier '10_ARM64'" },
		{ "10_X64,Vista", DC_EUSAGE, "unknown operating system identifier 'Vista'" },
		{ "10_X64,10_x64", DC_EUSAGE, "operating system identifier '10_x64' given twice" },
		{ "", DC_EUSAGE, "--os needs at least one identifier" },
		{ "10_X64,", DC_EUSAGE, "--os list '10_X64,' ends with a comma" },
		{ ",10_X64", DC_EUSAGE, "--os has an empty or overlong identifier in ',10_X64'" },
		{ "10_X64,,10_X86", DC_EUSAGE,
		  "--os has an empty or overlong identifier in '10_X64,,10_X86'" },
		{ "  ", DC_EUSAGE, "--os has an empty or overlong identifier in '  '" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct dc_error err = { 0, "" };
		const struct pkg_os **out = NULL;
		size_t n = 99;
		int rc = pkg_os_parse_list(&out, &n, rows[i].list, &err);
		char got[DC_ERROR_MSG_MAX] = "";

		if (rc) {
			snprintf(got, sizeof(got), "%s", err.msg);
			if (out || n) {
				print_error("'%s': failed but left out=%p n=%zu\n", rows[i].list,
					    (void *)out, n);
				bad++;
			}
		}
		for (size_t k = 0; !rc && k < n; k++) {
			if (k)
				strncat(got, ",", sizeof(got) - strlen(got) - 1);
			strncat(got, out[k]->id, sizeof(got) - strlen(got) - 1);
		}
		if (rc != rows[i].rc || strcmp(got, rows[i].want)) {
			print_error("'%s': rc %d '%s', expected %d '%s'\n", rows[i].list, rc, got,
				    rows[i].rc, rows[i].want);
			bad++;
		}
		free(out);
	}
	assert_int_equal(bad, 0);
}

static void test_pkg__os_from_token(void **state)
{
	static const struct {
		const char *token, *id; /* id NULL: unknown */
	} rows[] = {
		{ "_v100_X64", "10_X64" },
		{ "10X64", "10_X64" },             /* the older spelling of the same id */
		{ "_v100", "10_X86" },
		{ "10X86", "10_X86" },
		{ "Server2012X64", "Server8_X64" },
		{ "_v63", "6_3_X86" },
		{ "XPX86", "XP_X86" },
		{ "2000", "2000" },
		{ "Server_v100_X64_RS5", "ServerRS5_X64" },
		{ "_v100_ARM64_RS3", "10_RS3_ARM64" },
		{ "_v100_ARM64", NULL },           /* 10_ARM64 never existed */
		{ "10_X64", NULL },                /* an /os id, not a catalog token */
		{ "", NULL },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		const struct pkg_os *os = pkg_os_from_token(rows[i].token);
		const char *got = os ? os->id : NULL;

		if ((got == NULL) != (rows[i].id == NULL) || (got && strcmp(got, rows[i].id))) {
			print_error("'%s' -> %s, expected %s\n", rows[i].token, got ? got : "(none)",
				    rows[i].id ? rows[i].id : "(none)");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_pkg__os_accepts(void **state)
{
	static const struct {
		const char *os, *decoration;
		bool ignore_build, want;
	} rows[] = {
		/* §3: "Example 10_RS5_X64 ... qualify" */
		{ "10_RS5_X64", "NTamd64", false, true },
		{ "10_RS5_X64", "NTamd64.6.1", false, true },
		{ "10_RS5_X64", "NTamd64.10.0", false, true },
		{ "10_RS5_X64", "NTamd64.10.0...16299", false, true },
		{ "10_RS5_X64", "NTamd64.10.0...17763", false, true },
		{ "10_RS5_X64", "NTamd64.10.0.1..17763", false, true },
		/* "... do not" */
		{ "10_RS5_X64", "NTamd64.10.0...18362", false, false },
		{ "10_RS5_X64", "NTamd64.10.0.3", false, false },
		{ "10_RS5_X64", "NTarm64", false, false },
		/* a newer minor version, the wrong arch, a malformed decoration */
		{ "10_RS5_X64", "NTamd64.10.1", false, false },
		{ "10_RS5_X64", "NTx86", false, false },
		{ "10_RS5_X64", "NTfoo", false, false },
		/* a build gates only within the same major.minor (§1.13(b) step 2) */
		{ "10_RS5_X64", "NTamd64.6.3...99999", false, true },
		{ "10_RS5_X64", "NTamd64.10.0...18362", true, true },
		/* "For ServerRS5_X64 the product-type-3 variants qualify instead of type 1" */
		{ "ServerRS5_X64", "NTamd64.10.0.3", false, true },
		{ "ServerRS5_X64", "NTamd64.10.0.3..17763", false, true },
		{ "ServerRS5_X64", "NTamd64.10.0.1", false, false },
		{ "ServerRS5_X64", "NTamd64.10.0.1..17763", false, false },
		{ "ServerRS5_X64", "NTamd64.10.0...17763", false, true },
		/* arch-less decorations apply to every architecture (§2.5 rule 3) */
		{ "10_RS5_ARM64", "NT.6.0", false, true },
		{ "10_RS5_ARM64", "NT", false, true },
		{ "XP_X86", "NT.5.1", false, true },
		{ "XP_X86", "NT.6.0", false, false },
		{ "XP_X86", "NTx86.5.2", false, false },
		/* 10_X64 is build 10240: a 16299 gate excludes it unless builds are ignored */
		{ "10_X64", "NTamd64.10.0...16299", false, false },
		{ "10_X64", "NTamd64.10.0...16299", true, true },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		const struct pkg_os *os = pkg_os_find(rows[i].os);
		struct inf_targetos t;
		const char *why = NULL;
		bool got;

		assert_non_null(os);
		inf_targetos_parse(rows[i].decoration, &t, &why);
		got = pkg_os_accepts(os, &t, rows[i].ignore_build);
		if (got != rows[i].want) {
			print_error("%s %s%s: %d, expected %d\n", rows[i].os, rows[i].decoration,
				    rows[i].ignore_build ? " (ignore build)" : "", got, rows[i].want);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* --- package walk --------------------------------------------------------- */

/* A fresh base directory; the package is base/pkg, so base/ is "outside". */
struct pkg_fixture {
	char base[64];
	char *dir;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int pkg_setup(void **state)
{
	struct pkg_fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->base, "/tmp/dc-pkg-XXXXXX");
	if (!mkdtemp(fx->base))
		return -1;
	fx->dir = fs_join(fx->base, "pkg");
	if (!fx->dir || mkdir(fx->dir, 0755) != 0)
		return -1;
	*state = fx;
	return 0;
}

static int pkg_teardown(void **state)
{
	struct pkg_fixture *fx = *state;

	nftw(fx->base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx->dir);
	free(fx);
	return 0;
}

/* Writes dir/rel, creating missing parent directories. */
static void put(const char *dir, const char *rel, const char *text)
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
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static const char sev_letter[] = { 'N', 'W', 'E' };

static void put_archs(struct dc_buf *b, unsigned mask)
{
	bool first = true;

	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		if (mask & (1u << a)) {
			dc_buf_printf(b, NULL, "%s%s", first ? "" : "+", inf_arch_name((enum inf_arch)a));
			first = false;
		}
	}
}

/*
 * catalog <path>: <os id>,<os id>
 *   <path> (inf) <archs>
 *   <path> as <installed name> from <inf>:<line> [<section>] <archs>
 * <N|W|E> <inf>:<line> <message>
 */
static char *render(const struct pkg *p)
{
	struct dc_buf b;

	dc_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < p->ncatalogs; i++) {
		const struct pkg_catalog *c = &p->catalogs[i];

		dc_buf_printf(&b, NULL, "catalog %s:", c->path);
		for (size_t t = 0; t < c->ntargets; t++)
			dc_buf_printf(&b, NULL, "%s%s", t ? "," : " ", c->targets[t]->id);
		dc_buf_putc(&b, '\n', NULL);
		for (size_t m = 0; m < c->nmembers; m++) {
			const struct pkg_member *mb = &c->members[m];

			if (mb->is_inf)
				dc_buf_printf(&b, NULL, "  %s (inf) ", mb->path);
			else
				dc_buf_printf(&b, NULL, "  %s as %s from %s:%u [%s] ", mb->path,
					      mb->installed, mb->inf, mb->line, mb->section);
			put_archs(&b, mb->arch_mask);
			dc_buf_putc(&b, '\n', NULL);
		}
	}
	for (size_t i = 0; i < p->ndiags; i++)
		dc_buf_printf(&b, NULL, "%c %s:%u %s\n", sev_letter[p->diags[i].severity],
			      p->diags[i].inf ? p->diags[i].inf : "-", p->diags[i].line,
			      p->diags[i].msg);
	return dc_buf_detach(&b);
}

/* Walks dir for the comma-separated /os list (NULL: every OS the INFs serve). */
static struct pkg *walk(const char *dir, const char *os_list)
{
	struct dc_error err = { 0, "" };
	const struct pkg_os **targets = NULL;
	size_t n = 0;
	struct pkg_options opt;
	struct pkg *p = NULL;
	int rc;

	if (os_list)
		assert_int_equal(pkg_os_parse_list(&targets, &n, os_list, &err), 0);
	memset(&opt, 0, sizeof(opt));
	opt.targets = targets;
	opt.ntargets = n;
	rc = pkg_walk(&p, dir, &opt, &err);
	free(targets);
	if (rc)
		fail_msg("pkg_walk failed: %d %s", rc, err.msg);
	return p;
}

static void assert_walk(const char *dir, const char *os_list, const char *want)
{
	struct pkg *p = walk(dir, os_list);
	char *got = render(p);

	assert_string_equal(got, want);
	free(got);
	pkg_free(p);
}

/* Lines 1-6 of every walk test INF; each test's own text starts on line 7. */
#define HEAD                                              \
	"[Version]\n"                                     \
	"Signature=\"$Windows NT$\"\n"                    \
	"Class=System\n"                                  \
	"ClassGuid={4d36e97d-e325-11ce-bfc1-08002be10318}\n" \
	"Provider=%Mfg%\n"                                \
	"DriverVer=01/01/2024,1.0.0.0\n"

/* After each test's text; nothing in it is asserted on. */
#define TAIL                  \
	"[DestinationDirs]\n" \
	"DefaultDestDir=13\n" \
	"[Strings]\n"         \
	"Mfg=\"ACME\"\n"      \
	"Dev=\"Foo device\"\n" \
	"Disk=\"Disk 1\"\n"

/* Lines 7-11: a catalog and one amd64 device installing from [Inst(.NTamd64)]. */
#define AMD64_DEVICE(cat)            \
	"CatalogFile=" cat "\n"      \
	"[Manufacturer]\n"           \
	"%Mfg%=Models,NTamd64\n"     \
	"[Models.NTamd64]\n"         \
	"%Dev%=Inst,ROOT\\FOO\n"

static void test_pkg__walk_copyfiles_at_file_and_rename(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD AMD64_DEVICE("foo.cat")
		"[Inst.NTamd64]\n"              /* 12 */
		"CopyFiles=Drv,@helper.dll\n"   /* 13 */
		"[Drv]\n"                       /* 14 */
		"foo.sys\n"                     /* 15 */
		"renamed.sys,orig.sys\n"        /* 16 */
		"[SourceDisksNames]\n"
		"1=%Disk%\n"
		"[SourceDisksFiles]\n"
		"foo.sys=1\n"
		"orig.sys=1\n"
		"helper.dll=1\n"
		"unused.sys=1\n"                /* listed, never copied: not a member (§2.3) */
		TAIL);
	put(fx->dir, "foo.sys", "sys");
	put(fx->dir, "orig.sys", "orig");
	put(fx->dir, "helper.dll", "dll");
	put(fx->dir, "unused.sys", "unused");
	put(fx->dir, "stray.txt", "not referenced");
	/* The INF is always a member; a renamed copy is hashed from its source file. */
	assert_walk(fx->dir, "10_X64",
		    "catalog foo.cat: 10_X64\n"
		    "  foo.inf (inf) amd64\n"
		    "  foo.sys as foo.sys from foo.inf:15 [Drv] amd64\n"
		    "  helper.dll as helper.dll from foo.inf:13 [@] amd64\n"
		    "  orig.sys as renamed.sys from foo.inf:16 [Drv] amd64\n");
}

/* §2.2/§2.5 rule 5: the arch-decorated SourceDisks entries decide which physical file. */
static void test_pkg__walk_source_disks_per_arch(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD
		"CatalogFile=foo.cat\n"         /* 7 */
		"[Manufacturer]\n"
		"%Mfg%=Models,NTx86,NTamd64\n"
		"[Models.NTx86]\n"
		"%Dev%=Inst,ROOT\\FOO\n"
		"[Models.NTamd64]\n"
		"%Dev%=Inst,ROOT\\FOO\n"
		"[Inst]\n"                      /* 14 */
		"CopyFiles=Drv\n"               /* 15 */
		"[Drv]\n"                       /* 16 */
		"foo.sys\n"                     /* 17 */
		"bar.sys\n"                     /* 18 */
		"[SourceDisksNames]\n"
		"1=%Disk%,,,\\x86\n"
		"[SourceDisksNames.amd64]\n"
		"1=%Disk%,,,\\x64\n"
		"[SourceDisksFiles]\n"
		"foo.sys=1\n"
		"bar.sys=1\n"
		"[SourceDisksFiles.amd64]\n"
		"bar.sys=1,extra\n"
		TAIL);
	put(fx->dir, "foo.sys", "flat copy, used by neither arch");
	put(fx->dir, "x86/foo.sys", "x86");
	put(fx->dir, "x86/bar.sys", "x86");
	put(fx->dir, "x64/foo.sys", "x64");
	put(fx->dir, "x64/extra/bar.sys", "x64");
	assert_walk(fx->dir, "10_X86,10_X64",
		    "catalog foo.cat: 10_X86,10_X64\n"
		    "  foo.inf (inf) x86+amd64\n"
		    "  x64/extra/bar.sys as bar.sys from foo.inf:18 [Drv] amd64\n"
		    "  x64/foo.sys as foo.sys from foo.inf:17 [Drv] amd64\n"
		    "  x86/bar.sys as bar.sys from foo.inf:18 [Drv] x86\n"
		    "  x86/foo.sys as foo.sys from foo.inf:17 [Drv] x86\n");
}

static void test_pkg__walk_matches_names_case_insensitively(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD AMD64_DEVICE("foo.cat")
		"[Inst.NTamd64]\n"
		"CopyFiles=Drv\n"
		"[Drv]\n"                       /* 14 */
		"foo.sys\n"                     /* 15 */
		"bar.sys\n"                     /* 16 */
		"[SourceDisksNames]\n"
		"1=%Disk%,,,x64\n"
		"[SourceDisksFiles]\n"
		"foo.sys=1\n"
		"bar.sys=1\n"
		TAIL);
	put(fx->dir, "X64/FOO.SYS", "x64");
	put(fx->dir, "X64/BAR.SYS", "one");
	put(fx->dir, "X64/Bar.sys", "two");
	/* Members keep the on-disk case; two candidates are reported, the first in byte order used. */
	assert_walk(fx->dir, "10_X64",
		    "catalog foo.cat: 10_X64\n"
		    "  X64/BAR.SYS as bar.sys from foo.inf:16 [Drv] amd64\n"
		    "  X64/FOO.SYS as foo.sys from foo.inf:15 [Drv] amd64\n"
		    "  foo.inf (inf) amd64\n"
		    "W foo.inf:16 'bar.sys' matches several files that differ only in case; using 'X64/BAR.SYS'\n");
}

static void test_pkg__walk_reports_missing_files(void **state)
{
	const struct pkg_fixture *fx = *state;
	struct pkg *p;

	put(fx->dir, "foo.inf", HEAD AMD64_DEVICE("foo.cat")
		"[Inst.NTamd64]\n"
		"CopyFiles=Drv\n"
		"[Drv]\n"                       /* 14 */
		"foo.sys\n"                     /* 15 */
		"sub.sys\n"                     /* 16 */
		"nosdf.sys\n"                   /* 17 */
		"[SourceDisksNames]\n"
		"1=%Disk%\n"
		"2=%Disk%,,,x64\n"
		"[SourceDisksFiles]\n"
		"foo.sys=1\n"
		"sub.sys=2\n"
		TAIL);
	/* Every problem is reported in one walk, and the walk itself succeeds. */
	assert_walk(fx->dir, "10_X64",
		    "catalog foo.cat: 10_X64\n"
		    "  foo.inf (inf) amd64\n"
		    "E foo.inf:15 'foo.sys' copied by [Drv] for amd64 is missing: no file 'foo.sys' in the package's top directory (source from [SourceDisksNames] disk 1 path '')\n"
		    "E foo.inf:16 'sub.sys' copied by [Drv] for amd64 is missing: no directory 'x64' in the package's top directory (source from [SourceDisksNames] disk 2 path 'x64')\n"
		    "E foo.inf:17 'nosdf.sys' copied by [Drv] has no entry in [SourceDisksFiles.amd64] or [SourceDisksFiles], so Windows cannot find its source (Inf2Cat 22.9.10)\n");
	p = walk(fx->dir, "10_X64");
	assert_int_equal(pkg_count_diags(p, INF_ERROR), 3);
	pkg_free(p);
}

/* §2.2 path rules: ".." may not climb out of the package, nor may a symlink. */
static void test_pkg__walk_stays_inside_the_package(void **state)
{
	const struct pkg_fixture *fx = *state;
	char *link;

	put(fx->dir, "foo.inf", HEAD AMD64_DEVICE("foo.cat")
		"[Inst.NTamd64]\n"
		"CopyFiles=Drv\n"
		"[Drv]\n"                       /* 14 */
		"a.sys\n"                       /* 15 */
		"b.sys\n"                       /* 16 */
		"c.sys\n"                       /* 17 */
		"d.sys\n"                       /* 18 */
		"[SourceDisksNames]\n"          /* 19 */
		"1=%Disk%\n"                    /* 20 */
		"2=%Disk%,,,..\\outside\n"      /* 21 */
		"[SourceDisksFiles]\n"          /* 22 */
		"a.sys=1,sub\\..\n"             /* 23: climbs back to the root, fine */
		"b.sys=2\n"                     /* 24 */
		"c.sys=1,sub\\..\\..\n"         /* 25 */
		"d.sys=1\n"
		TAIL);
	put(fx->dir, "a.sys", "a");
	put(fx->base, "outside/b.sys", "outside the package");
	put(fx->base, "c.sys", "outside the package");
	put(fx->base, "secret.sys", "outside the package");
	link = fs_join(fx->dir, "d.sys");
	assert_int_equal(symlink("../secret.sys", link), 0);
	free(link);
	assert_walk(fx->dir, "10_X64",
		    "catalog foo.cat: 10_X64\n"
		    "  a.sys as a.sys from foo.inf:15 [Drv] amd64\n"
		    "  foo.inf (inf) amd64\n"
		    "E foo.inf:21 SourceDisksNames path '..\\outside' leads outside the package directory\n"
		    "E foo.inf:25 SourceDisksFiles subdirectory 'sub\\..\\..' leads outside the package directory\n"
		    "E foo.inf:18 'd.sys' copied by [Drv] for amd64 is refused: 'd.sys' is a symbolic link that leads outside the package\n");
}

/* Same device for x86 and amd64, lines 9-16; [Drv] copies foo.sys on line 18. */
#define BOTH_ARCHS_DEVICE             \
	"[Manufacturer]\n"            \
	"%Mfg%=Models,NTx86,NTamd64\n" \
	"[Models.NTx86]\n"            \
	"%Dev%=Inst,ROOT\\FOO\n"      \
	"[Models.NTamd64]\n"          \
	"%Dev%=Inst,ROOT\\FOO\n"      \
	"[Inst]\n"                    \
	"CopyFiles=Drv\n"             \
	"[Drv]\n"                     \
	"foo.sys\n"                   \
	"[SourceDisksNames]\n"        \
	"1=%Disk%\n"                  \
	"[SourceDisksFiles]\n"        \
	"foo.sys=1\n"

/* §1.12: CatalogFile.NT<arch> overrides CatalogFile for its platform: two catalogs. */
static void test_pkg__walk_catalog_per_arch(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD
		"CatalogFile=all.cat\n"          /* 7 */
		"CatalogFile.NTamd64=x64.cat\n"  /* 8 */
		BOTH_ARCHS_DEVICE TAIL);
	put(fx->dir, "foo.sys", "sys");
	assert_walk(fx->dir, "10_X86,10_X64",
		    "catalog all.cat: 10_X86\n"
		    "  foo.inf (inf) x86\n"
		    "  foo.sys as foo.sys from foo.inf:18 [Drv] x86\n"
		    "catalog x64.cat: 10_X64\n"
		    "  foo.inf (inf) amd64\n"
		    "  foo.sys as foo.sys from foo.inf:18 [Drv] amd64\n");
}

/* §3 rule 1 / Inf2Cat 22.9.4: an explicit /os id needs a catalog for its arch. */
static void test_pkg__walk_explicit_os_without_catalog(void **state)
{
	const struct pkg_fixture *fx = *state;
	size_t ntable, namd64 = 0;
	const struct pkg_os *table = pkg_os_table(&ntable);
	struct pkg *p;

	put(fx->dir, "foo.inf", HEAD
		"CatalogFile.NTamd64=x64.cat\n"  /* 7 */
		"\n"                             /* 8 */
		BOTH_ARCHS_DEVICE TAIL);
	put(fx->dir, "foo.sys", "sys");
	assert_walk(fx->dir, "10_X86,10_X64",
		    "catalog x64.cat: 10_X64\n"
		    "  foo.inf (inf) amd64\n"
		    "  foo.sys as foo.sys from foo.inf:18 [Drv] amd64\n"
		    "E foo.inf:0 no CatalogFile applies to 10_X86 (x86): [Version] needs CatalogFile or CatalogFile.NTx86 (Inf2Cat 22.9.4)\n");

	/* Without --os the x86 ids are simply not catalogued: no error, every amd64 id. */
	p = walk(fx->dir, NULL);
	assert_int_equal(pkg_count_diags(p, INF_ERROR), 0);
	assert_int_equal(p->ncatalogs, 1);
	for (size_t i = 0; i < ntable; i++)
		namd64 += table[i].arch == INF_ARCH_AMD64;
	assert_int_equal(p->catalogs[0].ntargets, namd64);
	for (size_t i = 0; i < p->catalogs[0].ntargets; i++)
		assert_int_equal(p->catalogs[0].targets[i]->arch, INF_ARCH_AMD64);
	pkg_free(p);
}

static void test_pkg__walk_without_catalogfile(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD "\n\n" BOTH_ARCHS_DEVICE TAIL);
	put(fx->dir, "foo.sys", "sys");
	assert_walk(fx->dir, "10_X64",
		    "E foo.inf:0 [Version] has no CatalogFile entry, so Windows treats the package as unsigned and no catalog can be made for it\n");
}

/* §2.3: INFs naming the same catalog share it; a catalog lives next to its INF. */
static void test_pkg__walk_infs_sharing_a_catalog(void **state)
{
	const struct pkg_fixture *fx = *state;

#define SHARED_INF(sys)                        \
	HEAD AMD64_DEVICE("shared.cat")        \
	"[Inst.NTamd64]\n"                     \
	"CopyFiles=Drv\n"                      \
	"[Drv]\n"                              \
	sys "\n"                /* 15 */       \
	"[SourceDisksNames]\n"                 \
	"1=%Disk%\n"                           \
	"[SourceDisksFiles]\n"                 \
	sys "=1\n" TAIL
	put(fx->dir, "a.inf", SHARED_INF("a.sys"));
	put(fx->dir, "b.inf", SHARED_INF("b.sys"));
	put(fx->dir, "sub/c.inf", SHARED_INF("c.sys"));
#undef SHARED_INF
	put(fx->dir, "a.sys", "a");
	put(fx->dir, "b.sys", "b");
	put(fx->dir, "sub/c.sys", "c");
	assert_walk(fx->dir, "10_X64",
		    "catalog shared.cat: 10_X64\n"
		    "  a.inf (inf) amd64\n"
		    "  a.sys as a.sys from a.inf:15 [Drv] amd64\n"
		    "  b.inf (inf) amd64\n"
		    "  b.sys as b.sys from b.inf:15 [Drv] amd64\n"
		    "catalog sub/shared.cat: 10_X64\n"
		    "  sub/c.inf (inf) amd64\n"
		    "  sub/c.sys as c.sys from sub/c.inf:15 [Drv] amd64\n");
}

/* §2.2 visit_install: Needs= is followed within the INF; elsewhere it is an inbox section. */
static void test_pkg__walk_follows_needs(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD AMD64_DEVICE("foo.cat")
		"[Inst.NTamd64]\n"                                  /* 12 */
		"CopyFiles=Drv\n"                                   /* 13 */
		"Needs=Extra.NTamd64, WdmAudio.Registration\n"      /* 14 */
		"[Extra.NTamd64]\n"
		"CopyFiles=ExtraFiles\n"
		"[Drv]\n"                                           /* 17 */
		"foo.sys\n"                                         /* 18 */
		"[ExtraFiles]\n"                                    /* 19 */
		"extra.sys\n"                                       /* 20 */
		"[SourceDisksNames]\n"
		"1=%Disk%\n"
		"[SourceDisksFiles]\n"
		"foo.sys=1\n"
		"extra.sys=1\n"
		TAIL);
	put(fx->dir, "foo.sys", "sys");
	put(fx->dir, "extra.sys", "extra");
	assert_walk(fx->dir, "10_X64",
		    "catalog foo.cat: 10_X64\n"
		    "  extra.sys as extra.sys from foo.inf:20 [ExtraFiles] amd64\n"
		    "  foo.inf (inf) amd64\n"
		    "  foo.sys as foo.sys from foo.inf:18 [Drv] amd64\n"
		    "N foo.inf:14 Needs=WdmAudio.Registration refers to a section of an included system INF; its files ship with Windows, not in this package\n");
}

/* §2.5 rule 6: CopyFiles in DDInstall.CoInstallers is catalogued. */
static void test_pkg__walk_includes_coinstallers(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD AMD64_DEVICE("foo.cat")
		"[Inst.NTamd64]\n"
		"CopyFiles=Drv\n"
		"[Inst.NTamd64.CoInstallers]\n"
		"CopyFiles=CoInst\n"
		"[Drv]\n"                       /* 16 */
		"foo.sys\n"                     /* 17 */
		"[CoInst]\n"                    /* 18 */
		"WdfCoInstaller01011.dll\n"     /* 19 */
		"[SourceDisksNames]\n"
		"1=%Disk%\n"
		"[SourceDisksFiles]\n"
		"foo.sys=1\n"
		"WdfCoInstaller01011.dll=1\n"
		TAIL);
	put(fx->dir, "foo.sys", "sys");
	put(fx->dir, "WdfCoInstaller01011.dll", "coinst");
	assert_walk(fx->dir, "10_X64",
		    "catalog foo.cat: 10_X64\n"
		    "  WdfCoInstaller01011.dll as WdfCoInstaller01011.dll from foo.inf:19 [CoInst] amd64\n"
		    "  foo.inf (inf) amd64\n"
		    "  foo.sys as foo.sys from foo.inf:17 [Drv] amd64\n");
}

/* §2.2: CopyFiles in .Services is not processed by Windows: reported, not catalogued. */
static void test_pkg__walk_ignores_copyfiles_in_services(void **state)
{
	const struct pkg_fixture *fx = *state;

	put(fx->dir, "foo.inf", HEAD AMD64_DEVICE("foo.cat")
		"[Inst.NTamd64]\n"              /* 12 */
		"CopyFiles=Drv\n"               /* 13 */
		"[Inst.NTamd64.Services]\n"     /* 14 */
		"AddService=foo,0x2,Svc\n"      /* 15 */
		"CopyFiles=SvcFiles\n"          /* 16 */
		"[Svc]\n"
		"ServiceType=1\n"
		"[Drv]\n"                       /* 19 */
		"foo.sys\n"                     /* 20 */
		"[SvcFiles]\n"
		"svc.sys\n"
		"[SourceDisksNames]\n"
		"1=%Disk%\n"
		"[SourceDisksFiles]\n"
		"foo.sys=1\n"
		"svc.sys=1\n"
		TAIL);
	put(fx->dir, "foo.sys", "sys");
	put(fx->dir, "svc.sys", "svc");
	assert_walk(fx->dir, "10_X64",
		    "catalog foo.cat: 10_X64\n"
		    "  foo.inf (inf) amd64\n"
		    "  foo.sys as foo.sys from foo.inf:20 [Drv] amd64\n"
		    "W foo.inf:16 CopyFiles in [Inst.NTamd64.Services] is not processed by Windows there; its files are not catalogued\n");
}

/* Only a package pkg_walk cannot read at all fails it (pkg.h). */
static void test_pkg__walk_fails_without_a_package(void **state)
{
	const struct pkg_fixture *fx = *state;
	struct pkg_options opt;
	struct dc_error err = { 0, "" };
	struct pkg *p = (struct pkg *)1;
	char want[512];
	char *missing = fs_join(fx->base, "missing");
	static const char *const only[] = { "nope.inf" };

	memset(&opt, 0, sizeof(opt));
	assert_int_equal(pkg_walk(&p, missing, &opt, &err), DC_EIO);
	assert_null(p);
	snprintf(want, sizeof(want), "%s: cannot open package directory: No such file or directory",
		 missing);
	assert_string_equal(err.msg, want);

	assert_int_equal(pkg_walk(&p, fx->dir, &opt, &err), DC_ENOTFOUND);
	snprintf(want, sizeof(want), "%s: no .inf file in the package directory", fx->dir);
	assert_string_equal(err.msg, want);

	put(fx->dir, "foo.inf", HEAD "CatalogFile=foo.cat\n");
	opt.infs = only;
	opt.ninfs = 1;
	assert_int_equal(pkg_walk(&p, fx->dir, &opt, &err), DC_ENOTFOUND);
	assert_null(p);
	assert_non_null(strstr(err.msg, ": no INF named 'nope.inf' in the package"));
	free(missing);
}

int main(void)
{
#define WALK(t) cmocka_unit_test_setup_teardown(t, pkg_setup, pkg_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkg__os_find_is_case_insensitive),
		cmocka_unit_test(test_pkg__os_table_is_consistent),
		cmocka_unit_test(test_pkg__os_parse_list),
		cmocka_unit_test(test_pkg__os_from_token),
		cmocka_unit_test(test_pkg__os_accepts),
		WALK(test_pkg__walk_copyfiles_at_file_and_rename),
		WALK(test_pkg__walk_source_disks_per_arch),
		WALK(test_pkg__walk_matches_names_case_insensitively),
		WALK(test_pkg__walk_reports_missing_files),
		WALK(test_pkg__walk_stays_inside_the_package),
		WALK(test_pkg__walk_catalog_per_arch),
		WALK(test_pkg__walk_explicit_os_without_catalog),
		WALK(test_pkg__walk_without_catalogfile),
		WALK(test_pkg__walk_infs_sharing_a_catalog),
		WALK(test_pkg__walk_follows_needs),
		WALK(test_pkg__walk_includes_coinstallers),
		WALK(test_pkg__walk_ignores_copyfiles_in_services),
		WALK(test_pkg__walk_fails_without_a_package),
	};
#undef WALK

	return cmocka_run_group_tests_name("pkg", tests, NULL, NULL);
}
