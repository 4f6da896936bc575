/* cmd_new.c - "drvcat new KIND": a driver package skeleton from a template (src/tmpl). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tmpl/tmpl.h"
#include "cli.h"

static const struct cli_opt new_opts[] = {
	{ "name", "NAME", false, "driver name: the binary, service, INF and section names" },
	{ "hwid", "ID", true, "hardware id to install on, e.g. PCI\\VEN_1234&DEV_5678 (repeatable)" },
	{ "provider", "TEXT", false, "provider and manufacturer name (default: " TMPL_DEFAULT_PROVIDER ")" },
	{ "class", "CLASS", false, "setup class (default System; minifilter: ActivityMonitor)" },
	{ "arch", "LIST", false, "amd64, arm64 or amd64,arm64 (default)" },
	{ "version", "W.X.Y.Z", false, "driver version in DriverVer (default 1.0.0.0)" },
	{ "filter", "upper|lower", false, "filter: attach above or below the function driver" },
	{ "altitude", "N", false, "minifilter: its altitude (default: the middle of the class's range)" },
	{ "extension-id", "GUID", false, "filter, extension: keep this ExtensionId (default: a new GUID)" },
	{ "templates", "DIR", false, "render DIR/KIND/*.inf.in instead of the built-in templates" },
	{ "out", "DIR", false, "create the package here (a new or empty directory)" },
	{ "force", NULL, false, "replace DIR even when it is not empty: everything in it is deleted" },
	{ "list", NULL, false, "list the kinds, one line each" },
	{ "list-classes", NULL, false, "list the setup classes --class accepts" },
	{ NULL, NULL, false, NULL },
};

static int list_kinds(void)
{
	size_t n;
	const struct tmpl_kind *k = tmpl_kinds(&n);

	for (size_t i = 0; i < n; i++)
		printf("%-11s %s\n", k[i].name, k[i].summary);
	return EXIT_OK;
}

static int list_classes(void)
{
	const struct tmpl_kind *dev = tmpl_kind_find("kmdf"), *fs = tmpl_kind_find("minifilter");
	size_t n, col = 0;
	const struct tmpl_class *c = tmpl_class_table(dev, &n);

	printf("kmdf, umdf, primitive (system device setup classes):\n ");
	for (size_t i = 0; i < n; i++) {
		if (col + strlen(c[i].name) + 1 > 72) {
			printf("\n ");
			col = 0;
		}
		printf(" %s", c[i].name);
		col += strlen(c[i].name) + 1;
	}
	printf("\nminifilter (file system filter classes: load order group, altitudes):\n");
	c = tmpl_class_table(fs, &n);
	for (size_t i = 0; i < n; i++)
		printf("  %-24s %-36s %lu-%lu\n", c[i].name, c[i].group, c[i].alt_low, c[i].alt_high);
	return EXIT_OK;
}

/* "today" for DriverVer: SOURCE_DATE_EPOCH (reproducible output) but never later than now. */
static int now_for_driverver(const struct cli_args *a, int64_t *out)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	int64_t now = (int64_t)time(NULL);
	char *end;
	long long t;

	*out = now;
	if (!v || !*v)
		return EXIT_OK;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (errno || *end || t < 315532800LL || t > 253402300799LL)
		return cli_usage_error(a->cmd, "SOURCE_DATE_EPOCH '%s' is not a time in seconds since 1970 (1980 to 9999)", v);
	if ((int64_t)t < now)
		*out = (int64_t)t;
	return EXIT_OK;
}

static int cmd_new(const struct cli_args *a)
{
	struct tmpl_request req;
	struct tmpl_package *p = NULL;
	struct dc_error err = { 0, "" };
	const char *out = cli_opt_value(a, "out");
	int rc;

	if (cli_opt_flag(a, "list") || cli_opt_flag(a, "list-classes")) {
		if (a->npos)
			return cli_usage_error(a->cmd, "--list and --list-classes take no KIND");
		return cli_opt_flag(a, "list") ? list_kinds() : list_classes();
	}
	if (!a->npos)
		return cli_usage_error(a->cmd, "missing KIND ('drvcat new --list' shows the kinds)");
	memset(&req, 0, sizeof(req));
	req.kind = a->pos[0];
	req.name = cli_opt_value(a, "name");
	req.hwids = cli_opt_values(a, "hwid", &req.nhwids);
	req.provider = cli_opt_value(a, "provider");
	req.class_name = cli_opt_value(a, "class");
	req.arches = cli_opt_value(a, "arch");
	req.version = cli_opt_value(a, "version");
	req.filter = cli_opt_value(a, "filter");
	req.altitude = cli_opt_value(a, "altitude");
	req.extension_id = cli_opt_value(a, "extension-id");
	req.template_dir = cli_opt_value(a, "templates");
	if ((rc = now_for_driverver(a, &req.now)))
		return rc;
	if (tmpl_kind_find(req.kind) && req.name && !out)
		return cli_usage_error(a->cmd, "missing --out DIR (where to create the package)");
	if ((rc = tmpl_package_render(&p, &req, &err)))
		return rc == DC_EUSAGE ? cli_usage_error(a->cmd, "%s", err.msg) : cli_fail(a, EXIT_FAIL, "%s", err.msg);
	if (!out) {
		tmpl_package_free(p);
		return cli_usage_error(a->cmd, "missing --out DIR (where to create the package)");
	}
	if ((rc = tmpl_package_write(p, out, cli_opt_flag(a, "force"), &err))) {
		tmpl_package_free(p);
		return rc == DC_EUSAGE ? cli_usage_error(a->cmd, "%s", err.msg) : cli_fail(a, EXIT_FAIL, "%s", err.msg);
	}
	printf("created %s: %s\n", out, p->kind->summary);
	for (size_t i = 0; i < p->nfiles; i++) {
		const char *f = p->files[i].path;

		if (strstr(f, "/README.txt"))
			printf("  %s/%s  (placeholder: put the %.*s build here)\n", out, f, (int)(strchr(f, '/') - f), f);
		else if (!strcmp(f, "README.md"))
			printf("  %s/%s  (next steps)\n", out, f);
		else
			printf("  %s/%s\n", out, f);
	}
	if (p->default_provider)
		printf("note: no --provider: the INF names the provider \"%s\"; change ProviderName in [Strings]\n",
		       TMPL_DEFAULT_PROVIDER);
	if (p->default_altitude)
		printf("note: altitude %s is a placeholder; Microsoft allocates minifilter altitudes\n", p->altitude);
	tmpl_package_free(p);
	return EXIT_OK;
}

const struct cli_cmd cmd_new_def = {
	"new",
	"KIND --name NAME [--hwid ID]... [--provider TEXT] [--class CLASS] [--arch LIST] [--version W.X.Y.Z] [--filter upper|lower] [--altitude N] [--extension-id GUID] [--templates DIR] [--force] --out DIR\n"
	"       drvcat new --list | --list-classes",
	"start a driver package from a template: INF, per-architecture directories, README",
	"KIND is one of the kinds --list shows: kmdf, umdf, filter, extension,\n"
	"minifilter, primitive.  The INF follows the universal (DCH) rules - files to\n"
	"the driver store (DIRID 13), registry writes only under HKR, PnpLockdown=1 -\n"
	"with [Manufacturer] decorated for NTamd64 and NTarm64 and a minimum build,\n"
	"DriverVer set to today's UTC date (SOURCE_DATE_EPOCH if earlier) and the\n"
	"--version, and one subdirectory per architecture for the binaries (each with\n"
	"a README.txt saying which binary goes there).  README.md in the package lists\n"
	"the next steps: drvcat check, build, sign, verify, and test signing.\n"
	"\n"
	"The package is written to a temporary directory beside DIR and renamed into\n"
	"place, so a failure leaves nothing behind.  Templates are built into drvcat;\n"
	"`make install` also copies them to PREFIX/share/drvcat/inf-templates, where\n"
	"a copy edited and given with --templates can replace them.  Bad input is a\n"
	"usage error (exit status 2).\n",
	0, 1, new_opts, cmd_new,
};
