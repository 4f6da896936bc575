/* cmd_build.c - "drvcat build PKGDIR": write the catalog(s) a package's INFs name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../cat/package.h"
#include "../pkg/pkg.h"
#include "../util/fs.h"
#include "../util/str.h"
#include "cli.h"
#include "signopt.h"

static const struct cli_opt build_opts[] = {
	{ "os", "LIST", false, "target OSes, Inf2Cat identifiers (default: every OS the INFs serve)" },
	{ "inf", "NAME", true, "only this INF (relative to PKGDIR; repeatable)" },
	{ "out", "FILE", false, "write the catalog here (only when the package has one catalog)" },
	{ "out-dir", "DIR", false, "write every catalog into DIR instead of beside its INF" },
	{ "catalog-version", "1|2", false, "1: SHA-1 members; 2: SHA-256 + SHA-1 (default: from the targets, as Inf2Cat)" },
	{ "page-hashes", NULL, false, "add page-hash tables to PE members (Inf2Cat /pageHashes)" },
	{ "time", "UNIX", false, "catalog time, seconds since 1970 (default: SOURCE_DATE_EPOCH, else now)" },
	{ "attr", "NAME=VALUE", true, "add a catalog attribute (repeatable)" },
	{ "jobs", "N", false, "hash with N threads (default: the number of online CPUs)" },
	{ "quiet", NULL, false, "no progress display" },
	{ "codepage", "N", false, "ANSI code page of INF files without a BOM (default 1252)" },
	{ "locale", "LLLL", false, "LANGID choosing [Strings.LLLL] (hex, default 0409)" },
	{ "sign", NULL, false, "sign each catalog before writing it (with the options below, as drvcat sign)" },
	CLI_SIGN_KEY_OPTS,
	CLI_TS_OPTS,
	{ NULL, NULL, false, NULL },
};
/* main.c keeps values in arrays of CLI_MAX_OPTS: a longer table would overrun them. */
_Static_assert(sizeof(build_opts) / sizeof(build_opts[0]) - 1 <= CLI_MAX_OPTS, "build: too many options");

/* Progress on a TTY for builds that take more than about two seconds (stderr). */
struct progress {
	size_t files_total;
	uint64_t bytes_total;
	struct timespec start, last;
	bool shown;
};

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void on_progress(void *ctx, size_t files, uint64_t bytes)
{
	struct progress *pr = ctx;
	double elapsed = seconds_since(&pr->start), rate, eta;

	if (elapsed < 2.0 || (pr->shown && seconds_since(&pr->last) < 0.2 && files < pr->files_total))
		return;
	clock_gettime(CLOCK_MONOTONIC, &pr->last);
	rate = (double)bytes / elapsed;
	eta = rate > 0 && pr->bytes_total > bytes ? (double)(pr->bytes_total - bytes) / rate : 0;
	fprintf(stderr, "\rhashing: %zu/%zu files, %.0f/%.0f MiB, %.0f MiB/s, ETA %.0f s   ", files,
		pr->files_total, (double)bytes / 1048576.0, (double)pr->bytes_total / 1048576.0,
		rate / 1048576.0, eta);
	pr->shown = true;
}

static void progress_start(struct progress *pr, const struct pkg *p, const struct pkg_catalog *c)
{
	memset(pr, 0, sizeof(*pr));
	pr->files_total = c->nmembers;
	for (size_t i = 0; i < c->nmembers; i++) {
		char *full = fs_join(p->root, c->members[i].path);
		struct stat st;

		if (full && stat(full, &st) == 0)
			pr->bytes_total += (uint64_t)st.st_size;
		free(full);
	}
	clock_gettime(CLOCK_MONOTONIC, &pr->start);
}

static int parse_time(const struct cli_args *a, int64_t *out)
{
	const char *v = cli_opt_value(a, "time");
	const char *what = "--time";
	char *end;
	long long t;

	if (!v) {
		v = getenv("SOURCE_DATE_EPOCH");
		what = "SOURCE_DATE_EPOCH";
	}
	if (!v || !*v) {
		*out = (int64_t)time(NULL);
		return EXIT_OK;
	}
	errno = 0;
	t = strtoll(v, &end, 10);
	/* UTCTime and GeneralizedTime cover 1950..9999; Windows catalogs use 1980 on. */
	if (errno || *end || t < 315532800LL || t > 253402300799LL)
		return cli_usage_error(a->cmd, "%s '%s' is not a time in seconds since 1970 (1980 to 9999)",
				       what, v);
	*out = (int64_t)t;
	return EXIT_OK;
}

static int parse_attrs(const struct cli_args *a, struct cat_attr_in **out, size_t *n)
{
	size_t count;
	const char *const *vals = cli_opt_values(a, "attr", &count);

	*out = NULL;
	*n = 0;
	if (!count)
		return EXIT_OK;
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return cli_fail(a, EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < count; i++) {
		const char *eq = strchr(vals[i], '=');
		char *name;

		if (!eq || eq == vals[i] || !eq[1]) {
			free(*out);
			return cli_usage_error(a->cmd, "--attr takes NAME=VALUE, got '%s'", vals[i]);
		}
		name = strndup(vals[i], (size_t)(eq - vals[i]));
		if (!name) {
			free(*out);
			return cli_fail(a, EXIT_FAIL, "out of memory");
		}
		if (dc_strcaseeq(name, "OS") || dc_has_prefix_ci(name, "HWID")) {
			int rc = cli_usage_error(a->cmd, "--attr %s: drvcat writes OS and HWIDn itself", name);

			free(name);
			for (size_t k = 0; k < i; k++)
				free((void *)(*out)[k].name);
			free(*out);
			return rc;
		}
		(*out)[i].name = name;
		(*out)[i].value = eq + 1;
	}
	*n = count;
	return EXIT_OK;
}

static void free_attrs(struct cat_attr_in *attrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)attrs[i].name);
	free(attrs);
}

/* Where catalog c goes: --out, --out-dir/<name>, or beside its INF. */
static char *destination(const struct cli_args *a, const struct pkg *p, const struct pkg_catalog *c)
{
	const char *out = cli_opt_value(a, "out"), *dir = cli_opt_value(a, "out-dir");
	const char *base = strrchr(c->path, '/');

	if (out)
		return strdup(out);
	if (dir)
		return fs_join(dir, base ? base + 1 : c->path);
	return fs_join(p->root, c->path);
}

static int cmd_build(const struct cli_args *a)
{
	struct pkg_options popt;
	struct cat_build_options bopt;
	const struct pkg_os **targets = NULL;
	const char *os = cli_opt_value(a, "os"), *ver = cli_opt_value(a, "catalog-version");
	struct cat_attr_in *attrs = NULL;
	size_t nattrs = 0;
	struct cat_built *built = NULL;
	char **dest = NULL, **tmp = NULL;
	struct dc_error err = { 0, "" };
	struct pkg *p = NULL;
	struct cli_signing signing;
	struct sign_result *signed_res = NULL;
	int rc;

	memset(&popt, 0, sizeof(popt));
	memset(&bopt, 0, sizeof(bopt));
	if ((rc = cli_inf_options(a, &popt.inf)) || (rc = parse_time(a, &bopt.time)))
		return rc;
	if (ver && strcmp(ver, "1") && strcmp(ver, "2"))
		return cli_usage_error(a->cmd, "--catalog-version takes 1 or 2");
	if (cli_opt_value(a, "out") && cli_opt_value(a, "out-dir"))
		return cli_usage_error(a->cmd, "--out and --out-dir exclude each other");
	bopt.version = ver ? (unsigned)(ver[0] - '0') : 0;
	if (cli_opt_value(a, "jobs")) {
		char *end;
		long j = strtol(cli_opt_value(a, "jobs"), &end, 10);

		if (*end || j < 1 || j > 256)
			return cli_usage_error(a->cmd, "--jobs takes a number from 1 to 256");
		bopt.jobs = (unsigned)j;
	}
	bopt.page_hashes = cli_opt_flag(a, "page-hashes");
	if (os && pkg_os_parse_list(&targets, &popt.ntargets, os, &err))
		return cli_usage_error(a->cmd, "%s", err.msg);
	popt.targets = targets;
	popt.infs = cli_opt_values(a, "inf", &popt.ninfs);
	if (!popt.ninfs)
		popt.infs = NULL;
	if ((rc = parse_attrs(a, &attrs, &nattrs))) {
		free(targets);
		return rc;
	}
	bopt.attrs = attrs;
	bopt.nattrs = nattrs;
	/* The signer first: a wrong PIN should not wait for every file to be hashed. */
	if ((rc = cli_signing_begin(a, &signing))) {
		free(targets);
		free_attrs(attrs, nattrs);
		return rc;
	}
	rc = pkg_walk(&p, a->pos[0], &popt, &err);
	free(targets);
	if (rc) {
		free_attrs(attrs, nattrs);
		cli_signing_end(&signing);
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	cli_print_pkg_diags(p, a->pos[0]);
	{
		/* Inf2Cat refuses a package whose [Version] is invalid (22.9.6: DriverVer). */
		size_t problems = pkg_count_diags(p, INF_ERROR);

		for (size_t i = 0; i < p->ninfs; i++) {
			const struct inf_file *f = p->infs[i].file;

			for (size_t k = 0; k < f->ndiags; k++) {
				if (f->diags[k].severity != INF_ERROR || strcmp(f->diags[k].kind, "version"))
					continue;
				fprintf(stderr, "%s/%s:%u:%u: error: %s\n", a->pos[0], p->infs[i].path,
					f->diags[k].pos.line, f->diags[k].pos.col, f->diags[k].msg);
				problems++;
			}
		}
		if (problems) {
			rc = cli_fail(a, EXIT_FAIL, "%zu problem%s in the package; no catalog written",
				      problems, problems == 1 ? "" : "s");
			goto done;
		}
	}
	if (p->ncatalogs == 0) {
		rc = cli_fail(a, EXIT_FAIL, "%s: no INF names a catalog for the requested targets", a->pos[0]);
		goto done;
	}
	if (cli_opt_value(a, "out") && p->ncatalogs > 1) {
		rc = cli_usage_error(a->cmd, "the package has %zu catalogs; use --out-dir, not --out",
				     p->ncatalogs);
		goto done;
	}
	built = calloc(p->ncatalogs, sizeof(*built));
	dest = calloc(p->ncatalogs, sizeof(*dest));
	signed_res = calloc(p->ncatalogs, sizeof(*signed_res));
	if (!built || !dest || !signed_res) {
		rc = cli_fail(a, EXIT_FAIL, "out of memory");
		goto done;
	}
	/* Build every catalog first: a failure anywhere writes nothing. */
	for (size_t i = 0; i < p->ncatalogs; i++) {
		struct progress pr;
		int brc;

		if (isatty(STDERR_FILENO) && !cli_opt_flag(a, "quiet")) {
			progress_start(&pr, p, &p->catalogs[i]);
			bopt.progress = on_progress;
			bopt.progress_ctx = &pr;
		}
		brc = cat_build_catalog(&built[i], p, &p->catalogs[i], &bopt, &err);
		if (bopt.progress && pr.shown)
			fputc('\n', stderr);
		if (brc) {
			rc = cli_fail(a, EXIT_FAIL, "%s: %s", p->catalogs[i].path, err.msg);
			goto done;
		}
		if (!(dest[i] = destination(a, p, &p->catalogs[i]))) {
			rc = cli_fail(a, EXIT_FAIL, "out of memory");
			goto done;
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(dest[k], dest[i])) {
				rc = cli_fail(a, EXIT_FAIL, "catalogs %s and %s would both be written to %s",
					      p->catalogs[k].path, p->catalogs[i].path, dest[i]);
				goto done;
			}
		if (signing.signer && (rc = cli_signing_apply(a, &signing, &built[i].der, &built[i].len,
							      dest[i], &signed_res[i])))
			goto done;
	}
	/* All catalogs are staged before any replaces its destination: all or nothing. */
	tmp = calloc(p->ncatalogs, sizeof(*tmp));
	if (!tmp) {
		rc = cli_fail(a, EXIT_FAIL, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < p->ncatalogs; i++) {
		if (fs_check_replaceable(dest[i], &err) ||
		    fs_stage(&tmp[i], dest[i], built[i].der, built[i].len, &err)) {
			rc = cli_fail(a, EXIT_FAIL, "%s", err.msg);
			goto done;
		}
	}
	for (size_t i = 0; i < p->ncatalogs; i++) {
		const struct pkg_catalog *c = &p->catalogs[i];

		if (fs_commit(tmp[i], dest[i], &err)) {
			rc = cli_fail(a, EXIT_FAIL, "%s", err.msg);
			goto done;
		}
		printf("%s: catalog v%u, %zu file%s, %zu member%s, %zu OS target%s -> %s\n", c->path,
		       built[i].version, built[i].nfiles, built[i].nfiles == 1 ? "" : "s",
		       built[i].nmembers, built[i].nmembers == 1 ? "" : "s", c->ntargets,
		       c->ntargets == 1 ? "" : "s", dest[i]);
		if (signing.signer)
			cli_print_signed(dest[i], &signed_res[i]);
	}
	rc = EXIT_OK;
done:
	for (size_t i = 0; p && i < p->ncatalogs; i++) {
		if (built)
			free(built[i].der);
		if (dest)
			free(dest[i]);
		if (tmp)
			fs_discard(tmp[i]);
	}
	free(built);
	free(dest);
	free(tmp);
	free(signed_res);
	cli_signing_end(&signing);
	free_attrs(attrs, nattrs);
	pkg_free(p);
	return rc;
}

const struct cli_cmd cmd_build_def = {
	"build",
	"[--os LIST] [--inf NAME]... [--out FILE | --out-dir DIR] [--catalog-version 1|2] [--page-hashes] [--time UNIX] [--attr N=V]... [--jobs N] [--quiet] PKGDIR",
	"write each catalog the package's INFs name, as Inf2Cat does",
	"Members are the files 'drvcat files' lists, hashed with the Authenticode PE\n"
	"image hash (PE files) or a flat hash (everything else).  The same package and\n"
	"--time (or SOURCE_DATE_EPOCH) always give byte-identical catalogs: the list\n"
	"identifier is derived from the content.  A catalog is written to a temporary\n"
	"file and renamed; any problem leaves existing catalogs untouched.\n"
	"--sign signs each catalog before it is written, with the key options of\n"
	"'drvcat sign' (--cert/--key or --pfx, --timestamp URL, ...).\n",
	1, 1, build_opts, cmd_build,
};
