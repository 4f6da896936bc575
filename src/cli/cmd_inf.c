/* cmd_inf.c - "drvcat inf FILE": print the parsed model of one INF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/json.h"
#include "../util/str.h"
#include "cli.h"

static const struct cli_opt inf_opts[] = {
	{ "json", NULL, false, "print the model as JSON" },
	{ "codepage", "N", false, "ANSI code page of files without a BOM (default 1252)" },
	{ "locale", "LLLL", false, "LANGID choosing [Strings.LLLL] (hex, default 0409)" },
	{ NULL, NULL, false, NULL },
};

/* Install-section base names every Models entry and the INF's own installers name, in order. */
struct names {
	const char **items;
	size_t n, cap;
};

static void names_add(struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (dc_strcaseeq(ns->items[i], name))
			return;
	if (dc_array_grow((void **)&ns->items, &ns->cap, ns->n + 1, sizeof(char *), NULL) == 0)
		ns->items[ns->n++] = name;
}

static const struct inf_section *models_section(const struct inf_file *f,
						 const struct inf_manufacturer *m,
						 const struct inf_targetos *t, char *name, size_t n)
{
	if (t)
		snprintf(name, n, "%s.%s", m->models, t->text);
	else
		snprintf(name, n, "%s", m->models);
	return inf_find_section(f, name);
}

static void collect_install_names(const struct inf_file *f, struct names *ns)
{
	static const char *const fixed[] = { "DefaultInstall", "ClassInstall32" };
	char name[1024];

	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *m = &f->manufacturers[i];

		for (size_t t = 0; t <= m->ntargets; t++) {
			const struct inf_section *s =
				models_section(f, m, t ? &m->targets[t - 1] : NULL, name, sizeof(name));

			for (size_t k = 0; s && k < s->nentries; k++) {
				const char *inst = inf_field_value(f, inf_section_entry(f, s, k), 0);

				if (inst[0])
					names_add(ns, inst);
			}
		}
	}
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		names_add(ns, fixed[i]);
}

/* The variants of an install section that exist: base, base.NT, base.NT<arch>. */
static size_t install_variants(const struct inf_file *f, const char *base,
			       const struct inf_section **out)
{
	char name[1024];
	size_t n = 0;
	const struct inf_section *s;

	if ((s = inf_find_section(f, base)))
		out[n++] = s;
	snprintf(name, sizeof(name), "%s.NT", base);
	if ((s = inf_find_section(f, name)))
		out[n++] = s;
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		snprintf(name, sizeof(name), "%s.NT%s", base, inf_arch_name((enum inf_arch)a));
		if ((s = inf_find_section(f, name)))
			out[n++] = s;
	}
	return n;
}

static void json_value(struct dc_json *j, const char *key, const struct inf_value *v)
{
	dc_json_kv_string(j, key, v->value);
}

static void json_copyfiles(struct dc_json *j, const struct inf_file *f, const struct inf_section *s)
{
	dc_json_key(j, "copy_files");
	dc_json_array_begin(j);
	for (size_t i = 0; i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);

		if (!e->key_value || !dc_strcaseeq(e->key_value, "CopyFiles"))
			continue;
		for (size_t k = 0; k < e->nfields; k++) {
			const struct inf_field *fd = inf_entry_field(f, e, k);
			const struct inf_section *list;

			if (!fd->value[0])
				continue;
			dc_json_object_begin(j);
			dc_json_kv_uint(j, "line", fd->pos.line);
			if (fd->value[0] == '@') {
				dc_json_kv_string(j, "file", fd->value + 1);
				dc_json_object_end(j);
				continue;
			}
			dc_json_kv_string(j, "list", fd->value);
			list = inf_find_section(f, fd->value);
			dc_json_kv_bool(j, "defined", list != NULL);
			dc_json_key(j, "files");
			dc_json_array_begin(j);
			for (size_t m = 0; list && m < list->nentries; m++) {
				const struct inf_entry *le = inf_section_entry(f, list, m);
				const char *dest = inf_field_value(f, le, 0);
				const char *src = inf_field_value(f, le, 1);

				dc_json_object_begin(j);
				dc_json_kv_string(j, "name", dest);
				dc_json_kv_string(j, "source", src[0] ? src : dest);
				dc_json_kv_uint(j, "line", le->pos.line);
				dc_json_object_end(j);
			}
			dc_json_array_end(j);
			dc_json_object_end(j);
		}
	}
	dc_json_array_end(j);
}

static void json_model(struct dc_json *j, const struct inf_file *f)
{
	const struct inf_version *v = &f->version;
	struct names ns = { NULL, 0, 0 };
	char name[1024];

	dc_json_object_begin(j);
	dc_json_kv_string(j, "path", f->path);
	dc_json_kv_string(j, "encoding", text_encoding_name(f->encoding));
	dc_json_key(j, "version");
	dc_json_object_begin(j);
	json_value(j, "signature", &v->signature);
	json_value(j, "class", &v->class_name);
	json_value(j, "class_guid", &v->class_guid);
	json_value(j, "provider", &v->provider);
	json_value(j, "extension_id", &v->extension_id);
	json_value(j, "pnp_lockdown", &v->pnp_lockdown);
	json_value(j, "layout_file", &v->layout_file);
	dc_json_key(j, "driver_ver");
	if (v->driverver.present) {
		dc_json_object_begin(j);
		dc_json_kv_string(j, "text", v->driverver.text);
		dc_json_kv_bool(j, "valid", v->driverver.valid);
		if (v->driverver.valid) {
			char date[16], ver[32];

			snprintf(date, sizeof(date), "%04u-%02u-%02u", v->driverver.year % 10000u,
				 v->driverver.month % 100u, v->driverver.day % 100u);
			snprintf(ver, sizeof(ver), "%u.%u.%u.%u", v->driverver.version[0],
				 v->driverver.nversion > 1 ? v->driverver.version[1] : 0,
				 v->driverver.nversion > 2 ? v->driverver.version[2] : 0,
				 v->driverver.nversion > 3 ? v->driverver.version[3] : 0);
			dc_json_kv_string(j, "date", date);
			dc_json_kv_string(j, "version", ver);
		}
		dc_json_object_end(j);
	} else {
		dc_json_null(j);
	}
	dc_json_key(j, "catalog_file");
	dc_json_object_begin(j);
	for (int a = INF_ARCH_X86; a < INF_ARCH_TEMPLATE; a++)
		dc_json_kv_string(j, inf_arch_name((enum inf_arch)a),
				  inf_catalog_for_arch(f, (enum inf_arch)a).value);
	dc_json_object_end(j);
	dc_json_object_end(j);

	dc_json_key(j, "manufacturers");
	dc_json_array_begin(j);
	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *m = &f->manufacturers[i];

		dc_json_object_begin(j);
		dc_json_kv_string(j, "name", m->name);
		dc_json_kv_string(j, "models", m->models);
		dc_json_kv_uint(j, "line", m->pos.line);
		dc_json_key(j, "models_sections");
		dc_json_array_begin(j);
		for (size_t t = 0; t <= m->ntargets; t++) {
			const struct inf_targetos *to = t ? &m->targets[t - 1] : NULL;
			const struct inf_section *s = models_section(f, m, to, name, sizeof(name));

			dc_json_object_begin(j);
			dc_json_kv_string(j, "section", name);
			dc_json_kv_string(j, "decoration", to ? to->text : NULL);
			if (to && to->valid) {
				dc_json_key(j, "target_os");
				dc_json_object_begin(j);
				dc_json_kv_string(j, "arch", to->arch ? inf_arch_name(to->arch) : NULL);
				if (to->has_version) {
					snprintf(name, sizeof(name), "%lu.%lu", to->major, to->minor);
					dc_json_kv_string(j, "version", name);
				}
				if (to->product_type)
					dc_json_kv_uint(j, "product_type", to->product_type);
				if (to->suite_mask)
					dc_json_kv_uint(j, "suite_mask", to->suite_mask);
				if (to->build)
					dc_json_kv_uint(j, "build", to->build);
				dc_json_object_end(j);
			}
			dc_json_kv_bool(j, "defined", s != NULL);
			dc_json_key(j, "devices");
			dc_json_array_begin(j);
			for (size_t k = 0; s && k < s->nentries; k++) {
				const struct inf_entry *e = inf_section_entry(f, s, k);

				dc_json_object_begin(j);
				dc_json_kv_string(j, "description", e->key_value);
				dc_json_kv_string(j, "install", inf_field_value(f, e, 0));
				dc_json_key(j, "hardware_ids");
				dc_json_array_begin(j);
				for (size_t h = 1; h < e->nfields; h++)
					if (inf_field_value(f, e, h)[0])
						dc_json_string(j, inf_field_value(f, e, h));
				dc_json_array_end(j);
				dc_json_kv_uint(j, "line", e->pos.line);
				dc_json_object_end(j);
			}
			dc_json_array_end(j);
			dc_json_object_end(j);
		}
		dc_json_array_end(j);
		dc_json_object_end(j);
	}
	dc_json_array_end(j);

	collect_install_names(f, &ns);
	dc_json_key(j, "install_sections");
	dc_json_array_begin(j);
	for (size_t i = 0; i < ns.n; i++) {
		const struct inf_section *vars[INF_ARCH_COUNT + 2];
		size_t nv = install_variants(f, ns.items[i], vars);

		for (size_t k = 0; k < nv; k++) {
			const struct inf_section *co;

			dc_json_object_begin(j);
			dc_json_kv_string(j, "name", vars[k]->name);
			dc_json_kv_uint(j, "line", vars[k]->pos.line);
			json_copyfiles(j, f, vars[k]);
			snprintf(name, sizeof(name), "%s.CoInstallers", vars[k]->name);
			co = inf_find_section(f, name);
			if (co) {
				dc_json_key(j, "coinstallers");
				dc_json_object_begin(j);
				dc_json_kv_string(j, "name", co->name);
				json_copyfiles(j, f, co);
				dc_json_object_end(j);
			}
			dc_json_object_end(j);
		}
	}
	dc_json_array_end(j);
	free(ns.items);

	dc_json_key(j, "diagnostics");
	dc_json_array_begin(j);
	for (size_t i = 0; i < f->ndiags; i++) {
		const struct inf_diag *d = &f->diags[i];

		dc_json_object_begin(j);
		dc_json_kv_string(j, "severity", cli_severity_name(d->severity));
		dc_json_kv_string(j, "kind", d->kind);
		dc_json_kv_uint(j, "line", d->pos.line);
		dc_json_kv_uint(j, "column", d->pos.col);
		dc_json_kv_string(j, "message", d->msg);
		dc_json_object_end(j);
	}
	dc_json_array_end(j);
	dc_json_object_end(j);
}

static void print_text(const struct inf_file *f)
{
	const struct inf_version *v = &f->version;
	char name[1024];

	printf("file:        %s (%s)\n", f->path, text_encoding_name(f->encoding));
	printf("signature:   %s\n", v->signature.value ? v->signature.value : "(none)");
	printf("class:       %s %s\n", v->class_name.value ? v->class_name.value : "(none)",
	       v->class_guid.value ? v->class_guid.value : "");
	printf("provider:    %s\n", v->provider.value ? v->provider.value : "(none)");
	printf("driverver:   %s\n", v->driverver.present ? v->driverver.text : "(none)");
	printf("pnplockdown: %s\n", v->pnp_lockdown.value ? v->pnp_lockdown.value : "(none)");
	printf("catalog:    ");
	for (int a = INF_ARCH_X86; a < INF_ARCH_TEMPLATE; a++) {
		struct inf_value c = inf_catalog_for_arch(f, (enum inf_arch)a);

		printf(" %s=%s", inf_arch_name((enum inf_arch)a), c.value ? c.value : "-");
	}
	printf("\n");
	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *m = &f->manufacturers[i];

		printf("manufacturer %s (line %u)\n", m->name, m->pos.line);
		for (size_t t = 0; t <= m->ntargets; t++) {
			const struct inf_section *s = models_section(
				f, m, t ? &m->targets[t - 1] : NULL, name, sizeof(name));

			if (!s) {
				if (t)
					printf("  [%s] (not defined)\n", name);
				continue;
			}
			printf("  [%s]\n", s->name);
			for (size_t k = 0; k < s->nentries; k++) {
				const struct inf_entry *e = inf_section_entry(f, s, k);

				printf("    %s -> %s", e->key_value ? e->key_value : "",
				       inf_field_value(f, e, 0));
				for (size_t h = 1; h < e->nfields; h++)
					printf(" %s", inf_field_value(f, e, h));
				printf("\n");
			}
		}
	}
}

static void print_copyfiles(const struct inf_file *f, const struct inf_section *s)
{
	for (size_t i = 0; i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);

		if (!e->key_value || !dc_strcaseeq(e->key_value, "CopyFiles"))
			continue;
		for (size_t k = 0; k < e->nfields; k++) {
			const char *v = inf_field_value(f, e, k);
			const struct inf_section *list;

			if (!v[0])
				continue;
			if (v[0] == '@') {
				printf("    CopyFiles @%s\n", v + 1);
				continue;
			}
			list = inf_find_section(f, v);
			printf("    CopyFiles [%s]:%s", v, list ? "" : " (not defined)");
			for (size_t m = 0; list && m < list->nentries; m++) {
				const struct inf_entry *le = inf_section_entry(f, list, m);
				const char *src = inf_field_value(f, le, 1);

				printf(" %s", inf_field_value(f, le, 0));
				if (src[0])
					printf("<-%s", src);
			}
			printf("\n");
		}
	}
}

static void print_install_sections(const struct inf_file *f)
{
	struct names ns = { NULL, 0, 0 };
	char name[1024];

	collect_install_names(f, &ns);
	for (size_t i = 0; i < ns.n; i++) {
		const struct inf_section *vars[INF_ARCH_COUNT + 2];
		size_t nv = install_variants(f, ns.items[i], vars);

		for (size_t k = 0; k < nv; k++) {
			const struct inf_section *co;

			printf("install [%s] (line %u)\n", vars[k]->name, vars[k]->pos.line);
			print_copyfiles(f, vars[k]);
			snprintf(name, sizeof(name), "%s.CoInstallers", vars[k]->name);
			if ((co = inf_find_section(f, name))) {
				printf("  [%s]\n", co->name);
				print_copyfiles(f, co);
			}
		}
	}
	free(ns.items);
}

static void fill_json(struct dc_json *j, const void *ctx)
{
	json_model(j, ctx);
}

static int cmd_inf(const struct cli_args *a)
{
	struct inf_options opt;
	struct inf_file *f = NULL;
	struct dc_error err = { 0, "" };
	int rc = cli_inf_options(a, &opt);

	if (rc)
		return rc;
	if (inf_load_file(&f, a->pos[0], &opt, &err))
		return cli_fail(a, EXIT_FAIL, "%s", err.msg);
	if (cli_opt_flag(a, "json")) {
		if (cli_print_json(a, fill_json, f)) {
			inf_free(f);
			return EXIT_FAIL;
		}
	} else {
		print_text(f);
		print_install_sections(f);
	}
	cli_print_diags(stderr, f, INF_WARNING);
	rc = inf_count_diags(f, INF_ERROR) ? EXIT_FAIL : EXIT_OK;
	inf_free(f);
	return rc;
}

const struct cli_cmd cmd_inf_def = {
	"inf",
	"[--json] [--codepage N] [--locale LLLL] FILE.inf",
	"parse one INF and print its model: version data, catalog per architecture, manufacturers, models, install sections and their files",
	"Problems in the file are printed to stderr as FILE:LINE:COLUMN: SEVERITY: MESSAGE.\n"
	"The exit status is 1 when any is an error.\n",
	1, 1, inf_opts, cmd_inf,
};
