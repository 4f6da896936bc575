/*
 * package.c - a `drvcat new` request turned into a package skeleton: the
 * request is validated, the kind's templates rendered with its values, each
 * INF parsed back with src/inf (a template that renders into something the
 * parser warns about is a bug, reported as such), and the README files added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../inf/inf.h"
#include "../util/fs.h"
#include "../util/str.h"
#include "../util/text.h"
#include "internal.h"

#define MAX_VARS 24

/* Everything a request resolves to; strings are owned here. */
struct values {
	const struct tmpl_kind *kind;
	const struct tmpl_class *cls;
	unsigned arch_mask;
	char *provider_q;               /* quoted */
	char *binary;
	char *component_id;
	char date_ver[48];              /* mm/dd/yyyy,w.x.y.z */
	char guid[39];
	char altitude[32];
	char decorations[128];
	char min_build[16];
	const char *version;
	const char *position;           /* Upper / Lower */
	const char *arch_values[TMPL_ARCH_COUNT * 2];
	char target_os[TMPL_ARCH_COUNT][48];
	size_t narches;
};

/* a followed by b; malloc'd, NULL when out of memory. */
static char *join2(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = malloc(na + nb + 1);

	if (s) {
		memcpy(s, a, na);
		memcpy(s + na, b, nb + 1);
	}
	return s;
}

/* join2, freeing a. */
static char *join2_free(char *a, const char *b)
{
	char *s = join2(a, b);

	free(a);
	return s;
}

static void values_free(struct values *v)
{
	free(v->provider_q);
	free(v->binary);
	free(v->component_id);
}

/* "OPT does not apply to kind K (only to: ...)": the kinds whose takes has bit. */
static int kind_usage(const struct tmpl_kind *k, const char *opt, unsigned bit, struct dc_error *err)
{
	size_t n;
	const struct tmpl_kind *t = tmpl_kinds(&n);
	char which[128] = "";

	for (size_t i = 0; i < n; i++)
		if (t[i].takes & bit)
			snprintf(which + strlen(which), sizeof(which) - strlen(which), "%s%s",
				 which[0] ? ", " : "", t[i].name);
	return dc_error_set(err, DC_EUSAGE, "%s does not apply to kind %s (only to: %s)", opt, k->name, which);
}

static int check_hwids(const struct tmpl_request *req, struct dc_error *err)
{
	if (!(req->hwids && req->nhwids) && (tmpl_kind_find(req->kind)->takes & TMPL_TAKES_HWID))
		return dc_error_set(err, DC_EUSAGE,
				    "kind %s needs --hwid: the hardware id of the device it installs on, e.g. PCI\\VEN_1234&DEV_5678 or Root\\%s",
				    req->kind, req->name);
	for (size_t i = 0; i < req->nhwids; i++) {
		int rc = tmpl_check_hwid(req->hwids[i], err);

		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (dc_strcaseeq(req->hwids[i], req->hwids[j]))
				return dc_error_set(err, DC_EUSAGE,
						    "--hwid '%s' is given twice (hardware ids ignore case)",
						    req->hwids[i]);
	}
	return 0;
}

static int resolve_class(struct values *v, const struct tmpl_request *req, struct dc_error *err)
{
	const struct tmpl_kind *k = v->kind;
	const char *name = req->class_name ? req->class_name : k->default_class;
	size_t n;

	if (req->class_name && !(k->takes & (TMPL_TAKES_CLASS | TMPL_TAKES_FSCLASS)))
		return dc_error_set(err, DC_EUSAGE,
				    "--class does not apply to kind %s: its INFs have fixed classes (Extension, SoftwareComponent)",
				    k->name);
	if ((v->cls = tmpl_class_find(k, name)))
		return 0;
	if (dc_strcaseeq(name, "Extension"))
		return dc_error_set(err, DC_EUSAGE,
				    "--class Extension: extension INFs come from the kinds filter and extension");
	(void)tmpl_class_table(k, &n);
	return dc_error_set(err, DC_EUSAGE, "--class '%s' is not a %s (for example %s; 'drvcat new --list-classes' shows all %zu)",
			    name, (k->takes & TMPL_TAKES_FSCLASS) ? "file system filter class" : "system device setup class",
			    (k->takes & TMPL_TAKES_FSCLASS) ? "ActivityMonitor, AntiVirus or Encryption" : "System, HIDClass or USB",
			    n);
}

/* An altitude: digits, optionally '.' and more digits, within the class's range. */
static int resolve_altitude(struct values *v, const char *s, struct dc_error *err)
{
	const struct tmpl_class *c = v->cls;
	size_t ip = strspn(s ? s : "", "0123456789");
	unsigned long whole;
	bool frac = false;

	if (!s) {
		snprintf(v->altitude, sizeof(v->altitude), "%lu", c->alt_low + (c->alt_high + 1 - c->alt_low) / 2);
		return 0;
	}
	if (s[ip] == '.') {
		size_t fp = strspn(s + ip + 1, "0123456789");

		frac = strspn(s + ip + 1, "0") != fp;
		if (!fp || s[ip + 1 + fp])
			ip = 0;
	} else if (s[ip]) {
		ip = 0;
	}
	if (!ip || ip > 7 || strlen(s) >= sizeof(v->altitude))
		return dc_error_set(err, DC_EUSAGE,
				    "--altitude '%s' is not an altitude such as 370030 or 370030.5", s);
	whole = strtoul(s, NULL, 10);
	if (whole < c->alt_low || whole > c->alt_high || (whole == c->alt_high && frac))
		return dc_error_set(err, DC_EUSAGE, "--altitude %s is outside %s's range %lu-%lu", s,
				    c->group, c->alt_low, c->alt_high);
	snprintf(v->altitude, sizeof(v->altitude), "%s", s);
	return 0;
}

static int resolve(struct values *v, const struct tmpl_request *req, struct dc_error *err)
{
	const struct tmpl_kind *k;
	time_t now = (time_t)req->now;
	struct tm tm;
	int rc;

	if (!(k = v->kind = tmpl_kind_find(req->kind))) {
		size_t n;
		const struct tmpl_kind *t = tmpl_kinds(&n);
		char names[128] = "";

		for (size_t i = 0; i < n; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "", t[i].name);
		return dc_error_set(err, DC_EUSAGE, "unknown kind '%s' (kinds: %s; drvcat new --list describes them)",
				    req->kind, names);
	}
	if (!req->name)
		return dc_error_set(err, DC_EUSAGE, "--name is required");
	if ((rc = tmpl_check_name(req->name, err)))
		return rc;
	if (req->nhwids && !(k->takes & TMPL_TAKES_HWID))
		return kind_usage(k, "--hwid", TMPL_TAKES_HWID, err);
	if ((rc = check_hwids(req, err)) || (rc = resolve_class(v, req, err)))
		return rc;
	if ((rc = tmpl_parse_arches(req->arches ? req->arches : "amd64,arm64", &v->arch_mask, err)))
		return rc;
	v->version = req->version ? req->version : "1.0.0.0";
	if ((rc = tmpl_check_version(v->version, err)))
		return rc;
	if (req->provider && (rc = tmpl_check_provider(req->provider, err)))
		return rc;
	if (req->filter && !(k->takes & TMPL_TAKES_FILTER))
		return kind_usage(k, "--filter", TMPL_TAKES_FILTER, err);
	if (k->takes & TMPL_TAKES_FILTER) {
		if (!req->filter)
			return dc_error_set(err, DC_EUSAGE,
					    "kind %s needs --filter upper or --filter lower (above or below the device's function driver)",
					    k->name);
		if (strcmp(req->filter, "upper") && strcmp(req->filter, "lower"))
			return dc_error_set(err, DC_EUSAGE, "--filter '%s' must be upper or lower", req->filter);
		v->position = req->filter[0] == 'u' ? "Upper" : "Lower";
	}
	if (req->altitude && !(k->takes & TMPL_TAKES_ALTITUDE))
		return kind_usage(k, "--altitude", TMPL_TAKES_ALTITUDE, err);
	if ((k->takes & TMPL_TAKES_ALTITUDE) && (rc = resolve_altitude(v, req->altitude, err)))
		return rc;
	if (req->extension_id && !(k->takes & TMPL_TAKES_EXTENSION_ID))
		return kind_usage(k, "--extension-id", TMPL_TAKES_EXTENSION_ID, err);
	if (k->takes & TMPL_TAKES_EXTENSION_ID) {
		if (req->extension_id) {
			if ((rc = tmpl_check_guid("--extension-id", req->extension_id, err)))
				return rc;
			snprintf(v->guid, sizeof(v->guid), "%s", req->extension_id);
			dc_str_lower(v->guid);
		} else if ((rc = tmpl_random_guid(v->guid, err))) {
			return rc;
		}
	}
	/* DriverVer's date is the UTC date, the one Inf2Cat checks against (22.9.7). */
	if (!gmtime_r(&now, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1980)
		return dc_error_set(err, DC_EUSAGE, "the current time is outside 1980-9999");
	snprintf(v->date_ver, sizeof(v->date_ver), "%02d/%02d/%04d,%s", tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_year + 1900, v->version);
	v->provider_q = tmpl_quote_text(req->provider ? req->provider : TMPL_DEFAULT_PROVIDER);
	v->binary = join2(req->name, k->binary_ext);
	v->component_id = join2(req->name, "_Component");
	if (!v->provider_q || !v->binary || !v->component_id)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	snprintf(v->min_build, sizeof(v->min_build), "%u", k->min_build);
	for (int a = 0; a < TMPL_ARCH_COUNT; a++) {
		size_t used = strlen(v->decorations);

		if (!(v->arch_mask & (1u << a)))
			continue;
		snprintf(v->target_os[v->narches], sizeof(v->target_os[0]), "NT%s.10.0...%u",
			 tmpl_arch_name((enum tmpl_arch)a), k->min_build);
		snprintf(v->decorations + used, sizeof(v->decorations) - used, "%s%s", used ? ", " : "",
			 v->target_os[v->narches]);
		v->arch_values[v->narches * 2] = tmpl_arch_name((enum tmpl_arch)a);
		v->arch_values[v->narches * 2 + 1] = v->target_os[v->narches];
		v->narches++;
	}
	return 0;
}

/* The placeholders of a kind (inf-templates/README.md lists them). */
static size_t make_vars(struct tmpl_var *vars, const struct values *v, const struct tmpl_request *req)
{
	const struct tmpl_kind *k = v->kind;
	size_t n = 0;

	vars[n++] = (struct tmpl_var){ "KIND", k->name };
	vars[n++] = (struct tmpl_var){ "DRIVER_NAME", req->name };
	vars[n++] = (struct tmpl_var){ "BINARY", v->binary };
	vars[n++] = (struct tmpl_var){ "PROVIDER", v->provider_q };
	vars[n++] = (struct tmpl_var){ "CLASS", v->cls->name };
	vars[n++] = (struct tmpl_var){ "CLASS_GUID", v->cls->guid };
	vars[n++] = (struct tmpl_var){ "DRIVER_VER", v->date_ver };
	vars[n++] = (struct tmpl_var){ "VERSION", v->version };
	if (k->min_build) {
		vars[n++] = (struct tmpl_var){ "ARCH_DECORATIONS", v->decorations };
		vars[n++] = (struct tmpl_var){ "MIN_BUILD", v->min_build };
	}
	if (k->takes & TMPL_TAKES_EXTENSION_ID) {
		vars[n++] = (struct tmpl_var){ "EXTENSION_ID", v->guid };
		vars[n++] = (struct tmpl_var){ "COMPONENT_ID", v->component_id };
	}
	if (k->takes & TMPL_TAKES_FILTER)
		vars[n++] = (struct tmpl_var){ "FILTER_POSITION", v->position };
	if (k->takes & TMPL_TAKES_ALTITUDE) {
		vars[n++] = (struct tmpl_var){ "ALTITUDE", v->altitude };
		vars[n++] = (struct tmpl_var){ "LOAD_ORDER_GROUP", v->cls->group };
	}
	return n;
}

int tmpl_load(char **text, size_t *len, const char *dir, const char *path, struct dc_error *err)
{
	char *full;
	int rc;

	*text = NULL;
	*len = 0;
	if (!dir) {
		for (size_t i = 0; i < tmpl_nbuiltins; i++) {
			if (strcmp(tmpl_builtins[i].path, path))
				continue;
			if (!(*text = malloc(tmpl_builtins[i].len + 1)))
				return dc_error_set(err, DC_ENOMEM, "out of memory");
			memcpy(*text, tmpl_builtins[i].data, tmpl_builtins[i].len);
			(*text)[tmpl_builtins[i].len] = '\0';
			*len = tmpl_builtins[i].len;
			return 0;
		}
		return dc_error_set(err, DC_ENOTFOUND, "template %s is not built into this drvcat", path);
	}
	if (!(full = fs_join(dir, path)))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	rc = fs_read_file((unsigned char **)text, len, full, TMPL_MAX_TEXT, err);
	free(full);
	return rc;
}

static int add_file(struct tmpl_package *p, char *path, struct dc_buf *data, struct dc_error *err)
{
	struct tmpl_file *t = realloc(p->files, (p->nfiles + 1) * sizeof(*t));

	if (!t || !path) {
		free(path);
		p->files = t ? t : p->files;
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	p->files = t;
	t[p->nfiles].path = path;
	t[p->nfiles].len = data->len;
	t[p->nfiles].data = (unsigned char *)dc_buf_detach(data);
	if (!t[p->nfiles].data && !(t[p->nfiles].data = calloc(1, 1))) {
		free(path);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	p->nfiles++;
	return 0;
}

/* ASCII text stays as it is; otherwise UTF-16LE with a BOM and CRLF (GUIDE, §1.1). */
static int encode(struct dc_buf *b, struct dc_error *err)
{
	struct dc_buf crlf;
	unsigned char *u16 = NULL;
	size_t n = 0;
	bool ascii = true;
	int rc;

	for (size_t i = 0; i < b->len; i++)
		ascii &= (unsigned char)b->data[i] < 0x80;
	if (ascii)
		return 0;
	dc_buf_init(&crlf, TMPL_MAX_OUTPUT * 2);
	rc = dc_buf_append(&crlf, "", 0, err);
	for (size_t i = 0; !rc && i < b->len; i++)
		rc = b->data[i] == '\n' ? dc_buf_puts(&crlf, "\r\n", err) : dc_buf_putc(&crlf, b->data[i], err);
	if (!rc)
		rc = text_utf8_to_utf16(&u16, &n, crlf.data, false, false, err);
	dc_buf_free(&crlf);
	if (!rc) {
		dc_buf_reset(b);
		b->max = TMPL_MAX_OUTPUT * 4;
		rc = dc_buf_append(b, "\xff\xfe", 2, err);
		if (!rc)
			rc = dc_buf_append(b, u16, n, err);
	}
	free(u16);
	return rc;
}

/* Parses the rendered INF back: any warning or error means the template is wrong. */
static int self_check(const struct dc_buf *b, const char *out_name, const char *tpath, struct dc_error *err)
{
	struct inf_options opt;
	struct inf_file *f = NULL;
	struct dc_error perr = { 0, "" };
	int rc;

	memset(&opt, 0, sizeof(opt));
	rc = inf_load_buffer(&f, out_name, (const unsigned char *)b->data, b->len, &opt, &perr);
	if (rc == DC_ENOMEM)
		return dc_error_set(err, rc, "%s", perr.msg);
	if (rc) {
		rc = dc_error_set(err, DC_ESYNTAX, "%s renders an INF drvcat cannot read: %s", tpath, perr.msg);
	} else {
		for (size_t i = 0; i < f->ndiags; i++) {
			const struct inf_diag *d = &f->diags[i];

			if (d->severity < INF_WARNING)
				continue;
			rc = dc_error_set(err, DC_ESYNTAX, "%s renders %s with a problem on line %u: %s", tpath,
					  out_name, d->pos.line, d->msg);
			break;
		}
	}
	inf_free(f);
	return rc;
}

static int render_inf(struct tmpl_package *p, const struct tmpl_inf *ti, const struct values *v,
		      const struct tmpl_request *req, struct dc_error *err)
{
	static const char *const arch_keys[] = { "ARCH", "TARGET_OS" };
	static const char *const hwid_keys[] = { "HWID" };
	struct tmpl_var vars[MAX_VARS];
	struct tmpl_list lists[2] = {
		{ "ARCH", arch_keys, v->kind->min_build ? 2 : 1, NULL, v->narches },
		{ "HWID", hwid_keys, 1, req->hwids, req->nhwids },
	};
	const char *compact[TMPL_ARCH_COUNT];
	struct tmpl_vars tv = { vars, make_vars(vars, v, req), lists, (v->kind->takes & TMPL_TAKES_HWID) ? 2 : 1 };
	char tpath[512], *text = NULL, *out_name;
	size_t len;
	struct dc_buf b;
	int rc;

	/* ARCH items are (ARCH, TARGET_OS) pairs; without Models decorations only ARCH. */
	for (size_t i = 0; i < v->narches; i++)
		compact[i] = v->arch_values[i * 2];
	lists[0].values = v->kind->min_build ? v->arch_values : compact;
	snprintf(tpath, sizeof(tpath), "%s/%s", req->template_dir ? req->template_dir : "inf-templates",
		 ti->template);
	if ((rc = tmpl_load(&text, &len, req->template_dir, ti->template, err)))
		return rc;
	out_name = join2(req->name, ti->suffix);
	if (!out_name || !(out_name = join2_free(out_name, ".inf"))) {
		free(text);
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	}
	dc_buf_init(&b, TMPL_MAX_OUTPUT);
	rc = tmpl_render(&b, tpath, text, len, &tv, err);
	free(text);
	if (!rc)
		rc = encode(&b, err);
	if (!rc)
		rc = self_check(&b, out_name, tpath, err);
	if (!rc)
		return add_file(p, out_name, &b, err);
	free(out_name);
	dc_buf_free(&b);
	return rc;
}

static int add_readmes(struct tmpl_package *p, const struct values *v, const struct tmpl_request *req,
		       struct dc_error *err)
{
	const char *infs[2], *cats[2];
	char names[2][2][64];
	struct tmpl_readme r;
	struct dc_buf b;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < 2 && v->kind->infs[i].template; i++) {
		snprintf(names[i][0], sizeof(names[i][0]), "%s%s.inf", req->name, v->kind->infs[i].suffix);
		snprintf(names[i][1], sizeof(names[i][1]), "%s%s.cat", req->name, v->kind->infs[i].suffix);
		infs[i] = names[i][0];
		cats[i] = names[i][1];
		r.ninfs++;
	}
	r.kind = v->kind;
	r.name = req->name;
	r.binary = v->binary;
	r.infs = infs;
	r.cats = cats;
	r.arch_mask = v->arch_mask;
	r.hwids = req->hwids;
	r.nhwids = req->nhwids;
	r.component_id = v->component_id;
	r.altitude = v->altitude;
	r.group = v->cls->group;
	for (int a = 0; !rc && a < TMPL_ARCH_COUNT; a++) {
		char path[32];

		if (!(v->arch_mask & (1u << a)))
			continue;
		dc_buf_init(&b, TMPL_MAX_OUTPUT);
		snprintf(path, sizeof(path), "%s/README.txt", tmpl_arch_name((enum tmpl_arch)a));
		rc = tmpl_readme_arch(&b, &r, (enum tmpl_arch)a, err);
		if (!rc)
			rc = add_file(p, strdup(path), &b, err);
		dc_buf_free(&b);
	}
	if (rc)
		return rc;
	dc_buf_init(&b, TMPL_MAX_OUTPUT);
	rc = tmpl_readme_package(&b, &r, err);
	if (!rc)
		rc = add_file(p, strdup("README.md"), &b, err);
	dc_buf_free(&b);
	return rc;
}

int tmpl_package_render(struct tmpl_package **out, const struct tmpl_request *req, struct dc_error *err)
{
	struct values v;
	struct tmpl_package *p;
	int rc;

	*out = NULL;
	memset(&v, 0, sizeof(v));
	if (!(p = calloc(1, sizeof(*p))))
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	rc = resolve(&v, req, err);
	for (size_t i = 0; !rc && i < 2 && v.kind->infs[i].template; i++)
		rc = render_inf(p, &v.kind->infs[i], &v, req, err);
	if (!rc)
		rc = add_readmes(p, &v, req, err);
	if (!rc && (v.kind->takes & TMPL_TAKES_ALTITUDE) && !(p->altitude = strdup(v.altitude)))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	if (!rc) {
		p->kind = v.kind;
		p->default_altitude = (v.kind->takes & TMPL_TAKES_ALTITUDE) && !req->altitude;
		p->default_provider = !req->provider;
		*out = p;
	} else {
		tmpl_package_free(p);
	}
	values_free(&v);
	return rc;
}

void tmpl_package_free(struct tmpl_package *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nfiles; i++) {
		free(p->files[i].path);
		free(p->files[i].data);
	}
	free(p->files);
	free(p->altitude);
	free(p);
}
