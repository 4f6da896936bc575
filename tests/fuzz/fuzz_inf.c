/*
 * fuzz_inf.c - libFuzzer target "inf": INF parsing and package resolution.
 *
 * Each input is (1) parsed in memory with inf_load_buffer and walked through
 * every model accessor (sections, entries, fields, positions, catalogs per
 * architecture, install sections per model, TargetOSVersion decorations),
 * then (2) written as the only INF of a scratch package directory and
 * resolved with pkg_walk for every OS drvcat knows: Manufacturer -> Models ->
 * DDInstall -> CopyFiles / Needs / Include -> SourceDisksFiles ->
 * SourceDisksNames -> case-insensitive lookup confined to the package.  The
 * package holds a few files and directories the seeds name (amd64/, x86/,
 * arm64/, a case twin, a symlink out of the package and a symlink loop), so
 * the resolver's found, missing, ambiguous and refused paths are all reached.
 *
 * The package directory is made once per process under $TMPDIR and removed
 * at exit (fuzz_inf_cleanup; the replay runner calls it itself).
 *
 * Built two ways: by `make fuzz` with clang -fsanitize=fuzzer (FUZZ_ENTRY is
 * LLVMFuzzerTestOneInput), and included by tests/unit/test_fuzz_replay.c
 * with FUZZ_ENTRY renamed, to replay the corpus under plain gcc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/inf/inf.h"
#include "../../src/pkg/pkg.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);
void fuzz_inf_cleanup(void);

static char fuzz_inf_dir[4096];
static char fuzz_inf_path[4200];

/* Files of the scratch package, relative to it (directories end in '/'). */
static const char *const fuzz_inf_files[] = {
	"amd64/", "x86/", "arm64/", "sub/", "sub/deeper/",
	"drv.sys", "amd64/drv.sys", "x86/drv.sys", "arm64/drv.sys", "amd64/testdrv.sys",
	"x86/testdrv.sys", "arm64/testdrv.sys", "amd64/testdrv.dat", "sub/a.dat",
	"sub/deeper/b.dll", "Twin.sys", "twin.SYS", "dir.sys/",
};

static void fuzz_inf_die(const char *what)
{
	perror(what);
	abort();
}

void fuzz_inf_cleanup(void)
{
	char p[4400];
	size_t n = sizeof(fuzz_inf_files) / sizeof(fuzz_inf_files[0]);

	if (!fuzz_inf_dir[0])
		return;
	unlink(fuzz_inf_path);
	snprintf(p, sizeof(p), "%s/outside", fuzz_inf_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/loop", fuzz_inf_dir);
	unlink(p);
	for (size_t i = n; i-- > 0;) {
		size_t len = strlen(fuzz_inf_files[i]);

		snprintf(p, sizeof(p), "%s/%.*s", fuzz_inf_dir, (int)(len - (fuzz_inf_files[i][len - 1] == '/')),
			 fuzz_inf_files[i]);
		if (fuzz_inf_files[i][len - 1] == '/')
			rmdir(p);
		else
			unlink(p);
	}
	rmdir(fuzz_inf_dir);
	fuzz_inf_dir[0] = '\0';
}

static void fuzz_inf_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char p[4400];

	snprintf(fuzz_inf_dir, sizeof(fuzz_inf_dir), "%s/drvcat-fuzz-inf.XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(fuzz_inf_dir))
		fuzz_inf_die("mkdtemp");
	for (size_t i = 0; i < sizeof(fuzz_inf_files) / sizeof(fuzz_inf_files[0]); i++) {
		const char *f = fuzz_inf_files[i];
		size_t len = strlen(f);

		snprintf(p, sizeof(p), "%s/%s", fuzz_inf_dir, f);
		if (f[len - 1] == '/') {
			if (mkdir(p, 0700) != 0)
				fuzz_inf_die(p);
		} else {
			FILE *fp = fopen(p, "wb");

			if (!fp || fputs(f, fp) == EOF || fclose(fp) != 0)
				fuzz_inf_die(p);
		}
	}
	snprintf(p, sizeof(p), "%s/outside", fuzz_inf_dir);
	if (symlink("/etc", p) != 0)
		fuzz_inf_die(p);
	snprintf(p, sizeof(p), "%s/loop", fuzz_inf_dir);
	if (symlink("loop", p) != 0)
		fuzz_inf_die(p);
	snprintf(fuzz_inf_path, sizeof(fuzz_inf_path), "%s/fuzz.inf", fuzz_inf_dir);
	atexit(fuzz_inf_cleanup);
}

/* Reads every string the model hands out, so a dangling pointer shows under ASan. */
static size_t fuzz_inf_touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static void fuzz_inf_model(const struct inf_file *f)
{
	volatile size_t sink = 0;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];

		if (inf_find_section(f, s->name) == NULL)
			abort(); /* every section must be found by its own name */
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);
			const char *key = inf_entry_lookup_key(f, e);

			sink += fuzz_inf_touch(e->key) + fuzz_inf_touch(e->key_value);
			if (key && !inf_find_entry(f, s, key))
				abort(); /* nor every entry by its lookup key */
			for (size_t n = 0; n < e->nfields; n++) {
				const struct inf_field *fd = inf_entry_field(f, e, n);
				size_t len = strlen(fd->raw);
				struct inf_pos pos = inf_text_pos(fd->raw, fd->pos, fd->segs, fd->nsegs, len);

				sink += len + fuzz_inf_touch(inf_field_value(f, e, n)) + pos.line + pos.col;
			}
			if (e->key) {
				struct inf_pos pos = inf_text_pos(e->key, e->pos, e->key_segs, e->key_nsegs,
								  strlen(e->key));

				sink += pos.col;
			}
		}
		if (!s->is_strings)
			for (int a = INF_ARCH_NONE; a < INF_ARCH_COUNT; a++)
				sink += inf_find_install_section(f, s->name, (enum inf_arch)a) != NULL;
	}
	for (int a = INF_ARCH_NONE; a < INF_ARCH_COUNT; a++)
		sink += fuzz_inf_touch(inf_catalog_for_arch(f, (enum inf_arch)a).value);
	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *m = &f->manufacturers[i];

		sink += fuzz_inf_touch(m->name) + fuzz_inf_touch(m->models);
		for (size_t k = 0; k < m->ntargets; k++) {
			struct inf_targetos t;
			const char *why = NULL;

			sink += inf_targetos_parse(m->targets[k].text, &t, &why) + fuzz_inf_touch(why);
		}
	}
	for (size_t i = 0; i < f->ndiags; i++)
		sink += fuzz_inf_touch(f->diags[i].msg) + fuzz_inf_touch(f->diags[i].kind);
	sink += fuzz_inf_touch(f->version.driverver.text) + inf_count_diags(f, INF_ERROR);
	(void)sink;
}

/* Whether a member path is absolute or has a ".." component. */
static int fuzz_inf_escapes(const char *path)
{
	size_t n = strlen(path);

	return path[0] == '/' || !strcmp(path, "..") || !strncmp(path, "../", 3) ||
	       strstr(path, "/../") != NULL || (n >= 3 && !strcmp(path + n - 3, "/.."));
}

static void fuzz_inf_walk(const uint8_t *data, size_t size)
{
	struct pkg_options opt;
	struct dc_error err = { 0, "" };
	struct pkg *p = NULL;
	volatile size_t sink = 0;
	FILE *fp = fopen(fuzz_inf_path, "wb");

	if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		fuzz_inf_die(fuzz_inf_path);
	memset(&opt, 0, sizeof(opt));
	if (pkg_walk(&p, fuzz_inf_dir, &opt, &err) != 0) {
		if (!err.msg[0])
			abort(); /* a failure must say why */
		return;
	}
	for (size_t i = 0; i < p->ncatalogs; i++)
		for (size_t k = 0; k < p->catalogs[i].nmembers; k++) {
			const struct pkg_member *m = &p->catalogs[i].members[k];

			/* Members never leave the package. */
			if (fuzz_inf_escapes(m->path))
				abort();
			sink += strlen(m->path) + fuzz_inf_touch(m->installed) + fuzz_inf_touch(m->section);
		}
	for (size_t i = 0; i < p->ndiags; i++)
		sink += strlen(p->diags[i].msg);
	(void)sink;
	pkg_free(p);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct inf_file *f = NULL;
	struct dc_error err = { 0, "" };

	if (!fuzz_inf_dir[0])
		fuzz_inf_setup();
	if (inf_load_buffer(&f, "fuzz.inf", data, size, NULL, &err) == 0) {
		fuzz_inf_model(f);
		inf_free(f);
	} else if (!err.msg[0]) {
		abort();
	}
	fuzz_inf_walk(data, size);
	return 0;
}
