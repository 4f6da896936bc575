/*
 * walk.c - the package walk, inf-format.md §2.2 with the rules of §2.5:
 * every applicable Models section contributes (not only the best match),
 * arch-less decorations apply to every architecture, /os 2000 reads only
 * undecorated Models sections, and the arch-decorated SourceDisks sections
 * decide which physical file is meant.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/fs.h"
#include "../util/str.h"
#include "pkg.h"

#define MAX_INF_DEPTH 8      /* directory levels searched for INF files */
#define MAX_PATH_COMPS 64    /* components of one resolved path */

struct comps {
	char *items[MAX_PATH_COMPS];
	size_t n;
};

struct walk {
	struct pkg *p;
	struct dc_error *err;
	const struct pkg_options *opt;
	struct pkg_inf *pi;
	const struct inf_file *f;
	const struct pkg_os *target;
	enum inf_arch arch;
	struct pkg_catalog *cat;
	unsigned char *visited; /* [arch][section]: install and file-list sections done */
	struct fs_dircache *dirs; /* listings of the package's directories */
	char *inf_dir;          /* directory of the INF, relative to the root ("" at the top) */
};

static int add_diag(struct walk *w, enum inf_severity sev, uint32_t line, const char *fmt, ...)
	DC_PRINTF(4, 5);

static int add_diag(struct walk *w, enum inf_severity sev, uint32_t line, const char *fmt, ...)
{
	struct pkg *p = w->p;
	char msg[DC_ERROR_MSG_MAX];
	struct pkg_diag *d;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* The same problem seen again for another target is reported once. */
	for (size_t i = 0; i < p->ndiags; i++)
		if (p->diags[i].line == line && !strcmp(p->diags[i].msg, msg) &&
		    (!w->pi || (p->diags[i].inf && !strcmp(p->diags[i].inf, w->pi->path))))
			return 0;
	if (dc_array_grow((void **)&p->diags, &p->diags_cap, p->ndiags + 1, sizeof(*d), w->err))
		return DC_ENOMEM;
	d = &p->diags[p->ndiags];
	d->severity = sev;
	d->line = line;
	d->inf = w->pi ? strdup(w->pi->path) : NULL;
	d->msg = strdup(msg);
	if ((w->pi && !d->inf) || !d->msg) {
		free(d->inf);
		free(d->msg);
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	}
	p->ndiags++;
	return 0;
}

size_t pkg_count_diags(const struct pkg *p, enum inf_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ndiags; i++)
		n += p->diags[i].severity == sev;
	return n;
}

/* --- catalogs and members --- */

static struct pkg_catalog *find_catalog(struct walk *w, const char *path)
{
	struct pkg *p = w->p;
	struct pkg_catalog *c;

	for (size_t i = 0; i < p->ncatalogs; i++)
		if (dc_strcaseeq(p->catalogs[i].path, path))
			return &p->catalogs[i];
	c = realloc(p->catalogs, (p->ncatalogs + 1) * sizeof(*c));
	if (!c)
		return NULL;
	p->catalogs = c;
	c = &p->catalogs[p->ncatalogs];
	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	if (!c->path)
		return NULL;
	p->ncatalogs++;
	return c;
}

static int add_target(struct walk *w)
{
	struct pkg_catalog *c = w->cat;
	const struct pkg_os **t;
	size_t n;
	const struct pkg_os *table = pkg_os_table(&n);
	size_t at = 0;

	for (size_t i = 0; i < c->ntargets; i++)
		if (c->targets[i] == w->target)
			return 0;
	t = realloc(c->targets, (c->ntargets + 1) * sizeof(*t));
	if (!t)
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	c->targets = t;
	/* keep table order: oldest OS first */
	while (at < c->ntargets && c->targets[at] - table < w->target - table)
		at++;
	memmove(&c->targets[at + 1], &c->targets[at], (c->ntargets - at) * sizeof(*t));
	c->targets[at] = w->target;
	c->ntargets++;
	return 0;
}

static size_t hash_path(const char *s)
{
	size_t h = (size_t)1469598103934665603ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= (size_t)1099511628211ull;
	}
	return h;
}

static int slots_rehash(struct pkg_catalog *c, struct dc_error *err)
{
	size_t cap = c->nslots ? c->nslots * 2 : 64;
	size_t *slots = calloc(cap, sizeof(size_t));

	if (!slots)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < c->nmembers; i++) {
		size_t h = hash_path(c->members[i].path) & (cap - 1);

		while (slots[h])
			h = (h + 1) & (cap - 1);
		slots[h] = i + 1;
	}
	free(c->slots);
	c->slots = slots;
	c->nslots = cap;
	return 0;
}

/*
 * Adds or updates a member.  One member per physical file: when the same file
 * is copied under two names, the later INF line's name is kept (§2.5 rule 2).
 */
static int add_member(struct walk *w, const char *path, const char *installed, uint32_t line,
		      const char *section, bool is_inf)
{
	struct pkg_catalog *c = w->cat;
	struct pkg_member *m;
	size_t h;

	if ((c->nmembers + 1) * 2 > c->nslots && slots_rehash(c, w->err))
		return DC_ENOMEM;
	h = hash_path(path) & (c->nslots - 1);
	while (c->slots[h]) {
		m = &c->members[c->slots[h] - 1];
		if (!strcmp(m->path, path)) {
			m->arch_mask |= 1u << w->arch;
			if (!is_inf && !strcmp(m->inf, w->pi->path) && line > m->line) {
				char *name = strdup(installed), *sec = strdup(section);

				if (!name || !sec) {
					free(name);
					free(sec);
					return dc_error_set(w->err, DC_ENOMEM, "out of memory");
				}
				free(m->installed);
				free(m->section);
				m->installed = name;
				m->section = sec;
				m->line = line;
			}
			return 0;
		}
		h = (h + 1) & (c->nslots - 1);
	}
	if (dc_array_grow((void **)&c->members, &c->cap, c->nmembers + 1, sizeof(*m), w->err))
		return DC_ENOMEM;
	m = &c->members[c->nmembers];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	m->installed = strdup(installed);
	m->inf = strdup(w->pi->path);
	m->section = section ? strdup(section) : NULL;
	m->line = line;
	m->is_inf = is_inf;
	m->arch_mask = 1u << w->arch;
	if (!m->path || !m->installed || !m->inf || (section && !m->section)) {
		free(m->path);
		free(m->installed);
		free(m->inf);
		free(m->section);
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	}
	c->slots[h] = ++c->nmembers;
	return 0;
}

/* --- paths --- */

static void comps_free(struct comps *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->items[i]);
	c->n = 0;
}

/*
 * Appends the components of an INF path ("\dir\sub", "x64", ".\x86\") to c.
 * A leading backslash means the package root only when from_root is set
 * (SourceDisksNames paths are relative to the INF's directory either way, so
 * callers pass false).  ".." may climb toward the package root but never
 * past it; drive letters, UNC names and unresolved %tokens% are refused.
 */
static int comps_add(struct walk *w, struct comps *c, const char *path, uint32_t line,
		     const char *what)
{
	const char *p = path;

	if (strchr(path, ':'))
		return add_diag(w, INF_ERROR, line,
				"%s '%s' is an absolute path; it must be relative to the INF's directory",
				what, path) ? DC_ENOMEM : DC_EPATH;
	if ((path[0] == '\\' || path[0] == '/') && (path[1] == '\\' || path[1] == '/'))
		return add_diag(w, INF_ERROR, line,
				"%s '%s' is a network path; it must be relative to the INF's directory",
				what, path) ? DC_ENOMEM : DC_EPATH;
	if (strchr(path, '%'))
		return add_diag(w, INF_ERROR, line,
				"%s '%s' contains an unresolved %%token%%; file paths must resolve to literal text",
				what, path) ? DC_ENOMEM : DC_EPATH;
	while (*p) {
		size_t n = strcspn(p, "\\/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (c->n == 0)
				return add_diag(w, INF_ERROR, line,
						"%s '%s' leads outside the package directory", what, path)
					       ? DC_ENOMEM
					       : DC_EPATH;
			free(c->items[--c->n]);
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (c->n == MAX_PATH_COMPS)
				return add_diag(w, INF_ERROR, line, "%s '%s' is nested too deeply", what,
						path) ? DC_ENOMEM : DC_EPATH;
			c->items[c->n] = strndup(p, n);
			if (!c->items[c->n])
				return dc_error_set(w->err, DC_ENOMEM, "out of memory");
			c->n++;
		}
		p += n;
		while (*p == '\\' || *p == '/')
			p++;
	}
	return 0;
}

/* --- resolving one copied file --- */

static const struct inf_entry *lookup_decorated(const struct walk *w, const char *section,
						const char *key, char *used, size_t usedlen)
{
	char name[128];
	const struct inf_entry *e;

	snprintf(name, sizeof(name), "%s.%s", section, inf_arch_name(w->arch));
	e = inf_find_entry(w->f, inf_find_section(w->f, name), key);
	if (e) {
		snprintf(used, usedlen, "%s", name);
		return e;
	}
	snprintf(used, usedlen, "%s", section);
	return inf_find_entry(w->f, inf_find_section(w->f, section), key);
}

/* Disk ids are numbers to Windows: "01" and "1" name the same disk. */
static const struct inf_entry *find_disk(const struct inf_file *f, const struct inf_section *s,
					 const char *diskid)
{
	const struct inf_entry *e = inf_find_entry(f, s, diskid);
	unsigned long want, have;

	if (e || !s || !dc_parse_u32(diskid, &want))
		return e;
	for (size_t i = 0; i < s->nentries; i++) {
		const char *k = inf_entry_lookup_key(f, inf_section_entry(f, s, i));

		if (k && dc_parse_u32(k, &have) && have == want)
			return inf_section_entry(f, s, i);
	}
	return NULL;
}

static const struct inf_entry *lookup_disk(const struct walk *w, const char *diskid, char *used,
					   size_t usedlen)
{
	char name[64];
	const struct inf_entry *e;

	snprintf(name, sizeof(name), "SourceDisksNames.%s", inf_arch_name(w->arch));
	e = find_disk(w->f, inf_find_section(w->f, name), diskid);
	if (e) {
		snprintf(used, usedlen, "%s", name);
		return e;
	}
	snprintf(used, usedlen, "SourceDisksNames");
	return find_disk(w->f, inf_find_section(w->f, "SourceDisksNames"), diskid);
}

static bool has_path_separator(const char *s)
{
	return strchr(s, '\\') || strchr(s, '/');
}

/*
 * Resolves source file src (installed as dest) through SourceDisksFiles and
 * SourceDisksNames to a file in the package and adds it to the catalog.
 */
static int resolve_file(struct walk *w, const char *src, const char *dest, uint32_t line,
			const char *section)
{
	const struct inf_file *f = w->f;
	const char *arch = inf_arch_name(w->arch);
	char sdf_used[128], sdn_used[128];
	const struct inf_entry *sdf, *sdn;
	const char *diskid, *subdir, *path;
	struct comps c = { { NULL }, 0 };
	char *rel = NULL;
	bool ambiguous = false;
	struct dc_error ferr = { 0, "" };
	int rc;

	if (strchr(src, '%') || strchr(dest, '%'))
		return add_diag(w, INF_ERROR, line,
				"file name '%s' in [%s] contains '%%'; CopyFiles file names must be literal",
				strchr(src, '%') ? src : dest, section);
	sdf = lookup_decorated(w, "SourceDisksFiles", src, sdf_used, sizeof(sdf_used));
	if (!sdf) {
		if (f->version.layout_file.value)
			return add_diag(w, INF_NOTE, line,
					"'%s' copied by [%s] has no [SourceDisksFiles] entry; it comes from LayoutFile %s, not from this package",
					src, section, f->version.layout_file.value);
		return add_diag(w, INF_ERROR, line,
				"'%s' copied by [%s] has no entry in [SourceDisksFiles.%s] or [SourceDisksFiles], so Windows cannot find its source (Inf2Cat 22.9.10)",
				src, section, arch);
	}
	diskid = inf_field_value(f, sdf, 0);
	subdir = inf_field_value(f, sdf, 1);
	sdn = lookup_disk(w, diskid, sdn_used, sizeof(sdn_used));
	if (!sdn)
		return add_diag(w, INF_ERROR, sdf->pos.line,
				"disk '%s' of '%s' ([%s]) is not listed in [SourceDisksNames.%s] or [SourceDisksNames]",
				diskid, src, sdf_used, arch);
	path = inf_field_value(f, sdn, 3);

	rc = comps_add(w, &c, w->inf_dir, line, "INF directory");
	if (!rc)
		rc = comps_add(w, &c, path, sdn->pos.line, "SourceDisksNames path");
	if (!rc)
		rc = comps_add(w, &c, subdir, sdf->pos.line, "SourceDisksFiles subdirectory");
	if (!rc && has_path_separator(src))
		rc = comps_add(w, &c, src, line, "source file name");
	else if (!rc && c.n < MAX_PATH_COMPS && (c.items[c.n] = strdup(src)) != NULL)
		c.n++;
	else if (!rc)
		rc = dc_error_set(w->err, DC_ENOMEM, "out of memory");
	if (rc) {
		comps_free(&c);
		return rc == DC_EPATH ? 0 : rc;
	}
	rc = fs_resolve_ci(&rel, &ambiguous, w->p->root, (const char *const *)c.items, c.n, false,
			   w->dirs, &ferr);
	comps_free(&c);
	if (rc == DC_ENOMEM)
		return dc_error_set(w->err, DC_ENOMEM, "%s", ferr.msg);
	if (rc == DC_EPATH)
		return add_diag(w, INF_ERROR, line, "'%s' copied by [%s] for %s is refused: %s", src,
				section, arch, ferr.msg);
	if (rc)
		return add_diag(w, INF_ERROR, line,
				"'%s' copied by [%s] for %s is missing: %s (source from [%s] disk %s path '%s'%s%s%s)",
				src, section, arch, ferr.msg, sdn_used, diskid, path,
				subdir[0] ? ", subdirectory '" : "", subdir, subdir[0] ? "'" : "");
	if (ambiguous)
		rc = add_diag(w, INF_WARNING, line,
			      "'%s' matches several files that differ only in case; using '%s'", src,
			      rel);
	if (!rc)
		rc = add_member(w, rel, dest, line, section, false);
	free(rel);
	return rc;
}

/* --- visiting install sections --- */

static bool first_visit(struct walk *w, const struct inf_section *s)
{
	size_t i = (size_t)(s - w->f->sections) + w->f->nsections * (size_t)w->arch;

	if (w->visited[i])
		return false;
	w->visited[i] = 1;
	return true;
}

static int visit_file_list(struct walk *w, const char *name, uint32_t line)
{
	const struct inf_file *f = w->f;
	const struct inf_section *s = inf_find_section(f, name);
	int rc = 0;

	if (!s)
		return add_diag(w, INF_WARNING, line,
				"CopyFiles names section [%s], which is not defined; nothing is copied from it",
				name);
	if (!first_visit(w, s))
		return 0;
	for (size_t i = 0; !rc && i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);
		const char *dest = inf_field_value(f, e, 0);
		const char *src = inf_field_value(f, e, 1);

		if (!dest[0] && !src[0])
			continue;
		rc = resolve_file(w, src[0] ? src : dest, dest[0] ? dest : src, e->pos.line, s->name);
	}
	return rc;
}

static int visit_install(struct walk *w, const struct inf_section *s, unsigned depth);

static int visit_needs(struct walk *w, const struct inf_entry *e, unsigned depth)
{
	for (size_t k = 0; k < e->nfields; k++) {
		const char *name = inf_field_value(w->f, e, k);
		const struct inf_section *s;
		int rc;

		if (!name[0])
			continue;
		s = inf_find_section(w->f, name);
		if (!s) {
			/* A section of an included system INF: its files are inbox, not ours. */
			rc = add_diag(w, INF_NOTE, e->pos.line,
				      "Needs=%s refers to a section of an included system INF; its files ship with Windows, not in this package",
				      name);
		} else {
			rc = visit_install(w, s, depth + 1);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* Directives that may carry CopyFiles are documented only for install-type sections. */
static int visit_install(struct walk *w, const struct inf_section *s, unsigned depth)
{
	const struct inf_file *f = w->f;
	int rc = 0;

	/* Each section is visited once per arch, so loops end; the bound only caps the stack. */
	if (depth > 1000 || !first_visit(w, s))
		return 0;
	for (size_t i = 0; !rc && i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);
		const char *k = e->key_value;

		if (!k)
			continue;
		if (dc_strcaseeq(k, "CopyFiles")) {
			for (size_t n = 0; !rc && n < e->nfields; n++) {
				const char *v = inf_field_value(f, e, n);

				if (v[0] == '@')
					rc = resolve_file(w, v + 1, v + 1, e->pos.line, "@");
				else if (v[0])
					rc = visit_file_list(w, v, e->pos.line);
			}
		} else if (dc_strcaseeq(k, "Needs")) {
			rc = visit_needs(w, e, depth);
		} else if (dc_strcaseeq(k, "Include") || dc_strcaseeq(k, "CopyINF")) {
			/* Include: inbox INFs; CopyINF: separate packages with their own catalogs. */
			for (size_t n = 0; !rc && n < e->nfields; n++)
				if (inf_field_value(f, e, n)[0])
					rc = add_diag(w, INF_NOTE, e->pos.line, "%s=%s: %s", k,
						      inf_field_value(f, e, n),
						      dc_strcaseeq(k, "Include")
							      ? "a system INF; its files ship with Windows, not in this package"
							      : "a separate package; it is catalogued under its own INF");
		}
	}
	return rc;
}

/* CopyFiles in sections where Windows does not process it is reported, not catalogued. */
static int check_ignored_copyfiles(struct walk *w, const char *install, const char *suffix)
{
	char name[INF_MAX_SECTION_NAME * 2 + 32];
	const struct inf_section *s;
	const struct inf_entry *e;

	snprintf(name, sizeof(name), "%s.%s", install, suffix);
	s = inf_find_section(w->f, name);
	e = inf_find_entry(w->f, s, "CopyFiles");
	if (!e || !e->key_value)
		return 0;
	return add_diag(w, INF_WARNING, e->pos.line,
			"CopyFiles in [%s] is not processed by Windows there; its files are not catalogued",
			s->name);
}

static int visit_device_install(struct walk *w, const char *install, uint32_t line)
{
	static const char *const ignored[] = { "HW", "Services", "Wdf" };
	const struct inf_file *f = w->f;
	const struct inf_section *dd = inf_find_install_section(f, install, w->arch);
	char name[INF_MAX_SECTION_NAME * 2 + 32];
	const struct inf_section *s;
	int rc;

	if (!dd)
		return add_diag(w, INF_WARNING, line,
				"install section [%s] is not defined for %s (looked for [%s.NT%s], [%s.NT], [%s])",
				install, inf_arch_name(w->arch), install, inf_arch_name(w->arch),
				install, install);
	if ((rc = visit_install(w, dd, 0)))
		return rc;
	/* .CoInstallers copies files (WdfCoInstaller*.dll); §2.5 rule 6. */
	snprintf(name, sizeof(name), "%s.CoInstallers", dd->name);
	if ((s = inf_find_section(f, name)) && (rc = visit_install(w, s, 0)))
		return rc;
	snprintf(name, sizeof(name), "%s.Interfaces", dd->name);
	if ((s = inf_find_section(f, name))) {
		for (size_t i = 0; i < s->nentries; i++) {
			const struct inf_entry *e = inf_section_entry(f, s, i);
			const char *sec = inf_field_value(f, e, 2);
			const struct inf_section *is;

			if (e->key_value && dc_strcaseeq(e->key_value, "AddInterface") && sec[0] &&
			    (is = inf_find_section(f, sec)) && (rc = visit_install(w, is, 0)))
				return rc;
		}
	}
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if ((rc = check_ignored_copyfiles(w, dd->name, ignored[i])))
			return rc;
	return 0;
}

/* --- Models selection (§1.13(b), §2.5) --- */

static bool is_windows_2000(const struct pkg_os *os)
{
	return os->major == 5 && os->minor == 0;
}

/* Whether some device of Models section s has an install section on the current arch. */
static bool installs_something(const struct walk *w, const struct inf_section *s)
{
	for (size_t i = 0; i < s->nentries; i++) {
		const char *install = inf_field_value(w->f, inf_section_entry(w->f, s, i), 0);

		if (install[0] && inf_find_install_section(w->f, install, w->arch))
			return true;
	}
	return false;
}

/*
 * Calls visit for every Models section of every [Manufacturer] line that
 * applies to the current target.  With visit NULL, only counts the sections
 * that install something on the target's architecture.
 */
static size_t for_each_models(struct walk *w, bool ignore_build,
			      int (*visit)(struct walk *, const struct inf_section *), int *rc)
{
	const struct inf_file *f = w->f;
	size_t count = 0;

	for (size_t i = 0; i < f->nmanufacturers && !*rc; i++) {
		const struct inf_manufacturer *m = &f->manufacturers[i];
		char name[INF_MAX_SECTION_NAME * 2 + 32];
		const struct inf_section *s;

		/* Undecorated: x86 only since Server 2003 SP1; Windows 2000 reads nothing else. */
		if (w->arch == INF_ARCH_X86 && (s = inf_find_section(f, m->models)) && s->nentries &&
		    (visit || installs_something(w, s))) {
			count++;
			if (visit)
				*rc = visit(w, s);
		}
		if (is_windows_2000(w->target))
			continue;
		for (size_t t = 0; t < m->ntargets && !*rc; t++) {
			if (!pkg_os_accepts(w->target, &m->targets[t], ignore_build))
				continue;
			snprintf(name, sizeof(name), "%s.%s", m->models, m->targets[t].text);
			if ((s = inf_find_section(f, name)) && s->nentries &&
			    (visit || installs_something(w, s))) {
				count++;
				if (visit)
					*rc = visit(w, s);
			}
		}
	}
	return count;
}

static int add_hwid(struct walk *w, const char *id, uint32_t line, uint32_t field)
{
	struct pkg_catalog *c = w->cat;
	struct pkg_hwid *h;

	if (dc_array_grow((void **)&c->hwids, &c->hwids_cap, c->nhwids + 1, sizeof(*h), w->err))
		return DC_ENOMEM;
	h = &c->hwids[c->nhwids];
	h->id = strdup(id);
	if (!h->id)
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	dc_str_lower(h->id);
	h->inf = (size_t)(w->pi - w->p->infs);
	h->line = line;
	h->field = field;
	c->nhwids++;
	return 0;
}

static int visit_models(struct walk *w, const struct inf_section *s)
{
	int rc = 0;

	if (!first_visit(w, s))
		return 0;
	for (size_t i = 0; !rc && i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(w->f, s, i);
		const char *install = inf_field_value(w->f, e, 0);

		/* The catalog's HWIDn attributes: every id of the entry (§4.1). */
		for (size_t k = 1; !rc && k < e->nfields; k++)
			if (inf_field_value(w->f, e, k)[0])
				rc = add_hwid(w, inf_field_value(w->f, e, k), e->pos.line, (uint32_t)k);
		if (!rc && install[0])
			rc = visit_device_install(w, install, e->pos.line);
	}
	return rc;
}

/*
 * DefaultInstall may also carry a TargetOS decoration with a build number
 * ([DefaultInstall.NTamd64.10.0...25952], current Microsoft minifilter
 * samples): the highest one that applies to the target wins, else the
 * usual .NT<arch> -> .NT -> undecorated fallback.
 */
static const struct inf_section *install_for(const struct walk *w, const char *base)
{
	const struct inf_section *best = NULL;
	struct inf_targetos best_t;
	size_t blen = strlen(base);

	memset(&best_t, 0, sizeof(best_t));
	for (size_t i = 0; i < w->f->nsections; i++) {
		const struct inf_section *s = &w->f->sections[i];
		struct inf_targetos t;
		const char *why;

		if (!dc_has_prefix_ci(s->name, base) || s->name[blen] != '.' ||
		    !inf_targetos_parse(s->name + blen + 1, &t, &why) || !t.has_version ||
		    t.arch == INF_ARCH_NONE || !pkg_os_accepts(w->target, &t, false))
			continue;
		if (!best || t.major > best_t.major || (t.major == best_t.major && t.minor > best_t.minor) ||
		    (t.major == best_t.major && t.minor == best_t.minor && t.build > best_t.build)) {
			best = s;
			best_t = t;
		}
	}
	return best ? best : inf_find_install_section(w->f, base, w->arch);
}

/*
 * Whether the INF installs anything on the current target; sets
 * *ignore_build.  lenient: a target the user named explicitly.
 */
static bool target_served(struct walk *w, bool lenient, bool *ignore_build)
{
	int rc = 0;

	*ignore_build = false;
	if (for_each_models(w, false, NULL, &rc))
		return true;
	/*
	 * Inf2Cat treats the 10.0 family leniently: Microsoft's samples gate
	 * Models at NTamd64.10.0...16299 and still sign with /os:10_X64.
	 */
	if (lenient && w->target->major == 10 && for_each_models(w, true, NULL, &rc)) {
		*ignore_build = true;
		return true;
	}
	if (w->f->nmanufacturers)
		return false;
	return install_for(w, "DefaultInstall") || install_for(w, "ClassInstall32");
}

static int walk_target(struct walk *w, bool explicit_target)
{
	const struct inf_file *f = w->f;
	struct inf_value cat = inf_catalog_for_arch(f, w->arch);
	const struct inf_section *s;
	bool ignore_build, served = target_served(w, explicit_target, &ignore_build);
	char *cat_path;
	int rc = 0;

	if (!served && !explicit_target)
		return 0;
	if (!cat.value || !cat.value[0]) {
		if (!explicit_target)
			return 0;
		return add_diag(w, INF_ERROR, 0,
				"no CatalogFile applies to %s (%s): [Version] needs CatalogFile or CatalogFile.NT%s (Inf2Cat 22.9.4)",
				w->target->id, inf_arch_name(w->arch), inf_arch_name(w->arch));
	}
	if (has_path_separator(cat.value) || strchr(cat.value, ':'))
		return add_diag(w, INF_ERROR, cat.pos.line,
				"CatalogFile '%s' must be a plain file name; the catalog lives next to the INF",
				cat.value);
	if (!served)
		rc = add_diag(w, INF_WARNING, 0,
			      "no Models section applies to %s; its catalog holds only the INF",
			      w->target->id);
	else if (ignore_build && explicit_target)
		rc = add_diag(w, INF_NOTE, 0,
			      "no Models section applies to %s at build %u; using the sections gated at later 10.0 builds, as Inf2Cat does",
			      w->target->id, w->target->build);
	if (rc)
		return rc;
	cat_path = w->inf_dir[0] ? fs_join(w->inf_dir, cat.value) : strdup(cat.value);
	if (!cat_path)
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	w->cat = find_catalog(w, cat_path);
	free(cat_path);
	if (!w->cat)
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	if ((rc = add_target(w)))
		return rc;
	{
		const char *base = strrchr(w->pi->path, '/');

		rc = add_member(w, w->pi->path, base ? base + 1 : w->pi->path, 0, NULL, true);
	}
	if (rc)
		return rc;
	for_each_models(w, ignore_build, visit_models, &rc);
	if (!rc && (s = install_for(w, "DefaultInstall")))
		rc = visit_install(w, s, 0);
	if (!rc && (s = install_for(w, "ClassInstall32")))
		rc = visit_install(w, s, 0);
	if (!rc && (s = inf_find_section(f, "InterfaceInstall32"))) {
		for (size_t i = 0; !rc && i < s->nentries; i++) {
			const struct inf_section *is =
				inf_find_section(f, inf_field_value(f, inf_section_entry(f, s, i), 0));

			if (is)
				rc = visit_install(w, is, 0);
		}
	}
	return rc;
}

static int walk_inf(struct walk *w, struct pkg_inf *pi)
{
	const struct inf_file *f = pi->file;
	size_t ntable;
	const struct pkg_os *table = pkg_os_table(&ntable);
	const struct pkg_os *const *targets = w->opt->targets;
	size_t ntargets = targets ? w->opt->ntargets : ntable;
	char *slash;
	int rc = 0;

	w->pi = pi;
	w->f = f;
	w->inf_dir = strdup(pi->path);
	if (!w->inf_dir)
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	slash = strrchr(w->inf_dir, '/');
	if (slash)
		*slash = '\0';
	else
		w->inf_dir[0] = '\0';
	w->visited = calloc(f->nsections ? f->nsections : 1, INF_ARCH_COUNT);
	if (!w->visited) {
		free(w->inf_dir);
		return dc_error_set(w->err, DC_ENOMEM, "out of memory");
	}
	if (!f->version.catalog.value && !f->version.catalog_nt.value) {
		bool any = false;

		for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++)
			any |= f->version.catalog_arch[a].value != NULL;
		if (!any)
			rc = add_diag(w, INF_ERROR, 0,
				      "[Version] has no CatalogFile entry, so Windows treats the package as unsigned and no catalog can be made for it");
		if (!any)
			ntargets = 0;
	}
	for (size_t i = 0; !rc && i < ntargets; i++) {
		w->target = targets ? targets[i] : &table[i];
		w->arch = w->target->arch;
		rc = walk_target(w, targets != NULL);
	}
	free(w->visited);
	free(w->inf_dir);
	w->visited = NULL;
	w->inf_dir = NULL;
	return rc;
}

/* --- the package --- */

static int cmp_member(const void *a, const void *b)
{
	const struct pkg_member *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* INF order, then line, then field: the order the INF names the ids in. */
static int cmp_hwid(const void *a, const void *b)
{
	const struct pkg_hwid *x = a, *y = b;

	if (x->inf != y->inf)
		return x->inf < y->inf ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void unique_hwids(struct pkg_catalog *c)
{
	size_t kept = 0;

	if (c->nhwids)
		qsort(c->hwids, c->nhwids, sizeof(*c->hwids), cmp_hwid);
	for (size_t i = 0; i < c->nhwids; i++) {
		bool seen = false;

		for (size_t k = 0; k < kept && !seen; k++)
			seen = !strcmp(c->hwids[k].id, c->hwids[i].id);
		if (seen)
			free(c->hwids[i].id);
		else
			c->hwids[kept++] = c->hwids[i];
	}
	c->nhwids = kept;
}

static int cmp_catalog(const void *a, const void *b)
{
	const struct pkg_catalog *x = a, *y = b;

	return strcmp(x->path, y->path);
}

static int select_infs(struct pkg *p, const char *dir, const struct pkg_options *opt, char **found,
		       size_t nfound, struct dc_error *err)
{
	p->infs = calloc(nfound ? nfound : 1, sizeof(*p->infs));
	if (!p->infs)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t k = 0; k < opt->ninfs; k++) {
		bool hit = false;

		for (size_t i = 0; i < nfound; i++) {
			const char *base = strrchr(found[i], '/');

			hit |= dc_strcaseeq(found[i], opt->infs[k]) ||
			       (base && dc_strcaseeq(base + 1, opt->infs[k]));
		}
		if (!hit)
			return dc_error_set(err, DC_ENOTFOUND, "%s: no INF named '%s' in the package",
					    dir, opt->infs[k]);
	}
	for (size_t i = 0; i < nfound; i++) {
		const char *base = strrchr(found[i], '/');
		bool want = opt->infs == NULL;

		for (size_t k = 0; !want && k < opt->ninfs; k++)
			want = dc_strcaseeq(found[i], opt->infs[k]) ||
			       (base && dc_strcaseeq(base + 1, opt->infs[k]));
		if (want) {
			p->infs[p->ninfs++].path = found[i];
			found[i] = NULL;
		}
	}
	return 0;
}

/* Takes the parsed INF at path over from an earlier walk of the same root, or NULL. */
static struct inf_file *reused_inf(struct pkg *reuse, const struct pkg *p, const char *path)
{
	if (!reuse || strcmp(reuse->root, p->root))
		return NULL;
	for (size_t i = 0; i < reuse->ninfs; i++) {
		struct inf_file *f = reuse->infs[i].file;

		if (f && !strcmp(reuse->infs[i].path, path)) {
			reuse->infs[i].file = NULL;
			return f;
		}
	}
	return NULL;
}

int pkg_walk(struct pkg **out, const char *dir, const struct pkg_options *opt,
	     struct dc_error *err)
{
	struct pkg *p = calloc(1, sizeof(*p));
	struct walk w;
	char **found = NULL;
	size_t nfound = 0;
	int rc;

	*out = NULL;
	if (!p)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	p->root = realpath(dir, NULL);
	if (!p->root) {
		pkg_free(p);
		return dc_error_set(err, DC_EIO, "%s: cannot open package directory: %s", dir,
				    strerror(errno));
	}
	rc = fs_list_suffix(&found, &nfound, p->root, ".inf", MAX_INF_DEPTH, err);
	if (!rc && nfound == 0)
		rc = dc_error_set(err, DC_ENOTFOUND, "%s: no .inf file in the package directory", dir);
	if (!rc)
		rc = select_infs(p, dir, opt, found, nfound, err);
	fs_list_free(found, nfound);
	memset(&w, 0, sizeof(w));
	w.p = p;
	w.err = err;
	w.opt = opt;
	if (!rc && opt->reuse && opt->reuse->dirs && !strcmp(opt->reuse->root, p->root)) {
		w.dirs = opt->reuse->dirs;
		opt->reuse->dirs = NULL;
	}
	if (!rc && !w.dirs && !(w.dirs = fs_dircache_new()))
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
	p->dirs = w.dirs;
	for (size_t i = 0; !rc && i < p->ninfs; i++) {
		char *full;

		if ((p->infs[i].file = reused_inf(opt->reuse, p, p->infs[i].path))) {
			rc = walk_inf(&w, &p->infs[i]);
			continue;
		}
		if (!(full = fs_join(p->root, p->infs[i].path))) {
			rc = dc_error_set(err, DC_ENOMEM, "out of memory");
			break;
		}
		rc = inf_load_file(&p->infs[i].file, full, &opt->inf, err);
		free(full);
		if (!rc)
			rc = walk_inf(&w, &p->infs[i]);
	}
	if (rc) {
		pkg_free(p);
		return rc;
	}
	for (size_t i = 0; i < p->ncatalogs; i++) {
		struct pkg_catalog *c = &p->catalogs[i];

		free(c->slots);
		c->slots = NULL;
		c->nslots = 0;
		if (c->nmembers)
			qsort(c->members, c->nmembers, sizeof(*c->members), cmp_member);
		unique_hwids(c);
	}
	if (p->ncatalogs)
		qsort(p->catalogs, p->ncatalogs, sizeof(*p->catalogs), cmp_catalog);
	*out = p;
	return 0;
}

void pkg_free(struct pkg *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ninfs; i++) {
		free(p->infs[i].path);
		inf_free(p->infs[i].file);
	}
	free(p->infs);
	for (size_t i = 0; i < p->ncatalogs; i++) {
		struct pkg_catalog *c = &p->catalogs[i];

		for (size_t k = 0; k < c->nmembers; k++) {
			free(c->members[k].path);
			free(c->members[k].installed);
			free(c->members[k].inf);
			free(c->members[k].section);
		}
		free(c->members);
		for (size_t k = 0; k < c->nhwids; k++)
			free(c->hwids[k].id);
		free(c->hwids);
		free(c->targets);
		free(c->slots);
		free(c->path);
	}
	free(p->catalogs);
	for (size_t i = 0; i < p->ndiags; i++) {
		free(p->diags[i].inf);
		free(p->diags[i].msg);
	}
	free(p->diags);
	fs_dircache_free(p->dirs);
	free(p->root);
	free(p);
}

bool pkg_is_documentation(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return dc_has_prefix_ci(base, "README") || dc_has_suffix_ci(base, ".md");
}
