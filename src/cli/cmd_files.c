/* cmd_files.c - "drvcat files PKGDIR": the files each catalog of a package must contain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pkg/pkg.h"
#include "../util/json.h"
#include "cli.h"

static const struct cli_opt files_opts[] = {
	{ "os", "LIST", false, "target OSes, Inf2Cat identifiers, comma-separated (default: every OS the INFs serve)" },
	{ "inf", "NAME", true, "only this INF (relative to PKGDIR; repeatable)" },
	{ "json", NULL, false, "print JSON" },
	{ "codepage", "N", false, "ANSI code page of INF files without a BOM (default 1252)" },
	{ "locale", "LLLL", false, "LANGID choosing [Strings.LLLL] (hex, default 0409)" },
	{ NULL, NULL, false, NULL },
};

static void print_os_ids(FILE *out)
{
	size_t n, col = 0;
	const struct pkg_os *t = pkg_os_table(&n);

	fprintf(out, "valid identifiers:");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(t[i].id) + 1;

		if (col + len > 68) {
			fprintf(out, "\n ");
			col = 0;
		}
		fprintf(out, " %s", t[i].id);
		col += len;
	}
	fprintf(out, "\n");
}

static void arch_list(char *out, size_t n, unsigned mask)
{
	out[0] = '\0';
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		if (!(mask & (1u << a)))
			continue;
		if (out[0])
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, inf_arch_name((enum inf_arch)a), n - strlen(out) - 1);
	}
}

static void json_pkg(struct dc_json *j, const struct pkg *p, const char *dir)
{
	char archs[64];

	dc_json_object_begin(j);
	dc_json_kv_string(j, "package", dir);
	dc_json_key(j, "infs");
	dc_json_array_begin(j);
	for (size_t i = 0; i < p->ninfs; i++)
		dc_json_string(j, p->infs[i].path);
	dc_json_array_end(j);
	dc_json_key(j, "catalogs");
	dc_json_array_begin(j);
	for (size_t i = 0; i < p->ncatalogs; i++) {
		const struct pkg_catalog *c = &p->catalogs[i];

		dc_json_object_begin(j);
		dc_json_kv_string(j, "catalog", c->path);
		dc_json_key(j, "os");
		dc_json_array_begin(j);
		for (size_t k = 0; k < c->ntargets; k++)
			dc_json_string(j, c->targets[k]->id);
		dc_json_array_end(j);
		dc_json_key(j, "files");
		dc_json_array_begin(j);
		for (size_t k = 0; k < c->nmembers; k++) {
			const struct pkg_member *m = &c->members[k];

			dc_json_object_begin(j);
			dc_json_kv_string(j, "path", m->path);
			dc_json_kv_string(j, "installed_as", m->installed);
			dc_json_kv_string(j, "inf", m->inf);
			if (m->line)
				dc_json_kv_uint(j, "line", m->line);
			else
				dc_json_kv_string(j, "line", NULL);
			dc_json_kv_string(j, "section", m->section);
			arch_list(archs, sizeof(archs), m->arch_mask);
			dc_json_kv_string(j, "arch", archs);
			dc_json_object_end(j);
		}
		dc_json_array_end(j);
		dc_json_object_end(j);
	}
	dc_json_array_end(j);
	dc_json_key(j, "diagnostics");
	dc_json_array_begin(j);
	for (size_t i = 0; i < p->ndiags; i++) {
		const struct pkg_diag *d = &p->diags[i];

		dc_json_object_begin(j);
		dc_json_kv_string(j, "severity", cli_severity_name(d->severity));
		dc_json_kv_string(j, "inf", d->inf);
		if (d->line)
			dc_json_kv_uint(j, "line", d->line);
		else
			dc_json_kv_string(j, "line", NULL);
		dc_json_kv_string(j, "message", d->msg);
		dc_json_object_end(j);
	}
	dc_json_array_end(j);
	dc_json_object_end(j);
}

static void print_text(const struct pkg *p)
{
	for (size_t i = 0; i < p->ncatalogs; i++) {
		const struct pkg_catalog *c = &p->catalogs[i];
		size_t width = 0;

		printf("%s%s: %zu files; os:", i ? "\n" : "", c->path, c->nmembers);
		for (size_t k = 0; k < c->ntargets; k++)
			printf("%s%s", k ? "," : " ", c->targets[k]->id);
		printf("\n");
		for (size_t k = 0; k < c->nmembers; k++)
			if (strlen(c->members[k].path) > width)
				width = strlen(c->members[k].path);
		for (size_t k = 0; k < c->nmembers; k++) {
			const struct pkg_member *m = &c->members[k];

			if (m->is_inf)
				printf("  %-*s  %s\n", (int)width, m->path, "(INF)");
			else
				printf("  %-*s  as %s  (%s:%u [%s])\n", (int)width, m->path, m->installed,
				       m->inf, m->line, m->section);
		}
	}
}

static void print_diags(const struct pkg *p, const char *dir)
{
	cli_print_pkg_diags(p, dir);
	for (size_t i = 0; i < p->ninfs; i++) {
		size_t n = inf_count_diags(p->infs[i].file, INF_ERROR);

		if (n)
			fprintf(stderr,
				"%s/%s: note: %zu syntax problem%s in this INF; 'drvcat inf' lists them\n",
				dir, p->infs[i].path, n, n == 1 ? "" : "s");
	}
}

struct json_ctx {
	const struct pkg *p;
	const char *dir;
};

static void fill_json(struct dc_json *j, const void *ctx)
{
	const struct json_ctx *c = ctx;

	json_pkg(j, c->p, c->dir);
}

static int cmd_files(const struct cli_args *a)
{
	struct pkg_options opt;
	const struct pkg_os **targets = NULL;
	const char *os = cli_opt_value(a, "os");
	struct dc_error err = { 0, "" };
	struct pkg *p = NULL;
	int rc;

	memset(&opt, 0, sizeof(opt));
	if ((rc = cli_inf_options(a, &opt.inf)))
		return rc;
	if (os) {
		if (pkg_os_parse_list(&targets, &opt.ntargets, os, &err)) {
			rc = cli_usage_error(a->cmd, "%s", err.msg);
			if (err.code == DC_EUSAGE && strstr(err.msg, "unknown"))
				print_os_ids(stderr);
			return rc;
		}
		opt.targets = targets;
	}
	opt.infs = cli_opt_values(a, "inf", &opt.ninfs);
	if (!opt.ninfs)
		opt.infs = NULL;
	rc = pkg_walk(&p, a->pos[0], &opt, &err);
	free(targets);
	if (rc)
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	if (cli_opt_flag(a, "json")) {
		struct json_ctx ctx = { p, a->pos[0] };

		if (cli_print_json(a, fill_json, &ctx)) {
			pkg_free(p);
			return EXIT_FAIL;
		}
	} else {
		print_text(p);
	}
	print_diags(p, a->pos[0]);
	rc = pkg_count_diags(p, INF_ERROR) ? EXIT_FAIL : EXIT_OK;
	pkg_free(p);
	return rc;
}

const struct cli_cmd cmd_files_def = {
	"files",
	"[--os LIST] [--inf NAME]... [--json] PKGDIR",
	"list, for every catalog the package's INFs name, the files that catalog must contain",
	"Each file is shown with its path in the package (on-disk case), the name it\n"
	"is installed under, and the INF line that pulled it in.  Files are found\n"
	"case-insensitively and never outside PKGDIR.  A referenced file that is\n"
	"missing, or a path that leaves PKGDIR, is an error (exit status 1); every\n"
	"problem is reported.\n",
	1, 1, files_opts, cmd_files,
};
