/*
 * check.c - runs the rules over one INF or a package directory: loads each
 * INF, declares a report case per (INF, rule) so passing rules are listed,
 * builds the section model, runs the rule groups, then looks at the files of
 * the package no INF references.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/fs.h"
#include "../util/str.h"
#include "internal.h"

#define MAX_INF_DEPTH 8 /* directory levels searched for INF files, as pkg_walk does */

bool check_rule_on(const struct check_ctx *c, enum check_rule_id id)
{
	return check_rule_table[id].sev[c->opt->mode] != CHECK_OFF;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* True when the finding was seen before; records it otherwise. */
static bool seen_before(struct check_ctx *c, uint64_t h)
{
	size_t i;

	if (!h)
		h = 1;
	if ((c->nseen + 1) * 2 > c->seen_cap) {
		size_t cap = c->seen_cap ? c->seen_cap * 2 : 256;
		uint64_t *t = calloc(cap, sizeof(*t));

		if (!t) {
			c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
			return true;
		}
		for (size_t k = 0; k < c->seen_cap; k++) {
			if (!c->seen[k])
				continue;
			for (i = c->seen[k] & (cap - 1); t[i]; i = (i + 1) & (cap - 1))
				;
			t[i] = c->seen[k];
		}
		free(c->seen);
		c->seen = t;
		c->seen_cap = cap;
	}
	for (i = h & (c->seen_cap - 1); c->seen[i]; i = (i + 1) & (c->seen_cap - 1))
		if (c->seen[i] == h)
			return true;
	c->seen[i] = h;
	c->nseen++;
	return false;
}

static int add_finding(struct check_ctx *c, enum check_rule_id id, const char *file, uint32_t line,
		       const char *fix, const char *fmt, va_list ap) DC_PRINTF(6, 0);

static int add_finding(struct check_ctx *c, enum check_rule_id id, const char *file, uint32_t line,
		       const char *fix, const char *fmt, va_list ap)
{
	const struct check_rule *rule = &check_rule_table[id];
	struct report_finding fd;
	char msg[DC_ERROR_MSG_MAX], name[64];
	uint64_t h = 1469598103934665603ull;

	if (c->rc)
		return c->rc;
	if (!check_rule_on(c, id))
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	h = fnv(h, &id, sizeof(id));
	h = fnv(h, file, strlen(file) + 1);
	h = fnv(h, &line, sizeof(line));
	h = fnv(h, msg, strlen(msg));
	if (seen_before(c, h))
		return c->rc;
	memset(&fd, 0, sizeof(fd));
	fd.severity = (enum report_severity)rule->sev[c->opt->mode];
	fd.code = rule->code;
	fd.mirrors = rule->mirrors;
	fd.file = file;
	fd.line = line;
	fd.message = msg;
	fd.fix = fix ? fix : rule->fix;
	check_rule_case_name(rule, name, sizeof(name));
	if (report_add(c->r, c->inf_display, name, &fd, c->err))
		c->rc = DC_ENOMEM;
	return c->rc;
}

int check_add(struct check_ctx *c, enum check_rule_id id, uint32_t line, const char *fix,
	      const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = add_finding(c, id, c->inf_display, line, fix, fmt, ap);
	va_end(ap);
	return rc;
}

int check_add_file(struct check_ctx *c, enum check_rule_id id, const char *rel, uint32_t line,
		   const char *fix, const char *fmt, ...)
{
	char *file = c->display_root[0] ? fs_join(c->display_root, rel) : strdup(rel);
	va_list ap;
	int rc;

	if (!file)
		return c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
	va_start(ap, fmt);
	rc = add_finding(c, id, file, line, fix, fmt, ap);
	va_end(ap);
	free(file);
	return rc;
}

int check_reference_file(struct check_ctx *c, const char *rel)
{
	char *copy;

	for (size_t i = 0; i < c->nreferenced; i++)
		if (!strcmp(c->referenced[i], rel))
			return 0;
	copy = strdup(rel);
	if (!copy || dc_array_grow((void **)&c->referenced, &c->referenced_cap, c->nreferenced + 1,
				   sizeof(char *), c->err)) {
		free(copy);
		return c->rc = dc_error_set(c->err, DC_ENOMEM, "out of memory");
	}
	c->referenced[c->nreferenced++] = copy;
	return 0;
}

static void ctx_free(struct check_ctx *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nreferenced; i++)
		free(c->referenced[i]);
	free(c->referenced);
	free(c->seen);
	free(c->inf_display);
	free((char *)c->inf_rel);
	free((char *)c->inf_dir);
	free(c);
}

static int declare_cases(struct check_ctx *c)
{
	char name[64];

	for (size_t i = 0; i < R_COUNT; i++) {
		if (!check_rule_on(c, (enum check_rule_id)i))
			continue;
		check_rule_case_name(&check_rule_table[i], name, sizeof(name));
		if (report_case(c->r, c->inf_display, name, c->err))
			return DC_ENOMEM;
	}
	return 0;
}

static int (*const groups[])(struct check_ctx *) = {
	check_parser_diags, check_rules_version, check_rules_strings, check_rules_models,
	check_rules_sections, check_rules_services, check_rules_files, check_rules_sources,
	check_rules_registry, check_rules_package,
};

/* Loads and checks one INF; the text and model are freed again before returning. */
static int check_one(struct check_ctx *c)
{
	char *full = fs_join(c->root, c->inf_rel);
	struct inf_file *f = NULL;
	struct dc_error lerr = { 0, "" };
	int rc;

	if (!full)
		return dc_error_set(c->err, DC_ENOMEM, "out of memory");
	if ((rc = declare_cases(c))) {
		free(full);
		return rc;
	}
	rc = inf_load_file(&f, full, &c->opt->inf, &lerr);
	free(full);
	if (rc == DC_ENOMEM || rc == DC_EIO)
		return dc_error_set(c->err, rc, "%s", lerr.msg);
	if (rc) /* Windows could not read it either: the encoding rule says why. */
		return check_add(c, R_ENCODING, 0, NULL, "%s", lerr.msg);
	c->f = f;
	rc = check_model_build(c);
	/* Without [Version] this is no INF (DC-INF-003): the other rules would only add noise. */
	for (size_t i = 0; !rc && i < (f->version.present ? sizeof(groups) / sizeof(groups[0]) : 1); i++)
		rc = groups[i](c);
	if (!rc && f->ndiags_dropped) {
		char note[DC_ERROR_MSG_MAX];

		snprintf(note, sizeof(note), "%s: %zu more parser diagnostics (beyond %d) are not reported",
			 c->inf_display, f->ndiags_dropped, INF_MAX_DIAGS);
		rc = report_note(c->r, note, c->err);
	}
	check_model_free(&c->m);
	c->f = NULL;
	inf_free(f);
	return rc ? rc : c->rc;
}

static char *display_join(const char *root, const char *rel)
{
	return root[0] ? fs_join(root, rel) : strdup(rel);
}

static struct check_ctx *ctx_new(struct report *r, const struct check_options *opt,
				 struct dc_error *err, const char *root, struct fs_dircache *cache,
				 const char *display_root, const char *rel, const char *display)
{
	struct check_ctx *c = calloc(1, sizeof(*c));
	char *slash;

	if (!c)
		return NULL;
	c->r = r;
	c->opt = opt;
	c->err = err;
	c->root = root;
	c->dircache = cache;
	c->display_root = display_root;
	c->inf_rel = strdup(rel);
	c->inf_dir = strdup(rel);
	c->inf_display = display ? strdup(display) : display_join(display_root, rel);
	if (!c->inf_rel || !c->inf_dir || !c->inf_display) {
		ctx_free(c);
		return NULL;
	}
	slash = strrchr((char *)c->inf_dir, '/');
	if (slash)
		*slash = '\0';
	else
		((char *)c->inf_dir)[0] = '\0';
	return c;
}

/* The display form of a directory: no trailing '/', and "." shown as nothing. */
static char *display_dir(const char *s, size_t n)
{
	while (n > 1 && s[n - 1] == '/')
		n--;
	if (n == 1 && s[0] == '.')
		n = 0;
	return strndup(s, n);
}

int check_path(struct report *r, const char *path, const char *display,
	       const struct check_options *opt, struct dc_error *err)
{
	struct stat st;
	char *root = NULL, *display_root = NULL, *dir = NULL, **infs = NULL;
	const char *base, *dslash;
	struct check_ctx **ctxs = NULL;
	struct fs_dircache *cache = NULL;
	size_t ninfs = 0, nctx = 0;
	bool is_dir;
	int rc = 0;

	if (stat(path, &st) != 0)
		return dc_error_set(err, DC_EIO, "%s: %s", path, strerror(errno));
	is_dir = S_ISDIR(st.st_mode);
	if (!is_dir && !S_ISREG(st.st_mode)) /* a FIFO or device would block or never end */
		return dc_error_set(err, DC_EIO, "%s: not a regular file or directory", path);
	cache = fs_dircache_new();
	if (is_dir) {
		dir = strdup(path);
		display_root = display_dir(display, strlen(display));
	} else {
		base = strrchr(path, '/');
		dir = base ? strndup(path, (size_t)(base - path) + (base == path)) : strdup(".");
		dslash = strrchr(display, '/');
		display_root = dslash ? display_dir(display, (size_t)(dslash - display) + (dslash == display))
				      : strdup("");
	}
	if (!dir || !display_root || !cache) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	root = realpath(dir, NULL);
	if (!root) {
		rc = dc_error_set(err, DC_EIO, "%s: cannot open package directory: %s", dir,
				  strerror(errno));
		goto done;
	}
	if (is_dir) {
		if ((rc = fs_list_suffix(&infs, &ninfs, root, ".inf", MAX_INF_DEPTH, err)))
			goto done;
		if (!ninfs) {
			rc = dc_error_set(err, DC_ENOTFOUND, "%s: no .inf file in the package directory",
					  path);
			goto done;
		}
	} else {
		base = strrchr(path, '/');
		infs = calloc(1, sizeof(char *));
		if (!infs || !(infs[0] = strdup(base ? base + 1 : path))) {
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			goto done;
		}
		ninfs = 1;
	}
	ctxs = calloc(ninfs, sizeof(*ctxs));
	if (!ctxs) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; !rc && i < ninfs; i++) {
		ctxs[i] = ctx_new(r, opt, err, root, cache, display_root, infs[i], is_dir ? NULL : display);
		if (!ctxs[i]) {
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			break;
		}
		nctx++;
		rc = check_one(ctxs[i]);
	}
	if (!rc)
		rc = check_package_files(ctxs, nctx);
done:
	for (size_t i = 0; i < nctx; i++)
		ctx_free(ctxs[i]);
	free(ctxs);
	fs_list_free(infs, ninfs);
	free(root);
	free(dir);
	free(display_root);
	fs_dircache_free(cache);
	return rc;
}
