/*
 * model.c - which sections Windows reaches on each architecture, and in
 * which role, following inf-format.md §1.13 and §2.2: undecorated models on
 * x86 only, every decoration whose architecture matches or is absent (§2.5
 * rules 1 and 3), install sections by .NT<arch> -> .NT -> undecorated, and
 * from there every directive that names a section (refs.c).  Then every
 * file copy with the architectures that reach it, and the architectures the
 * per-architecture rules check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

struct bfs {
	struct check_ctx *c;
	enum inf_arch arch;
	unsigned char *done;  /* roles already processed on this arch */
	size_t *queue;
	size_t nqueue, head;
};

static void push(struct bfs *b, const struct inf_section *s, unsigned role)
{
	unsigned fresh;
	size_t i;

	if (!s)
		return;
	i = check_section_index(b->c->f, s);
	b->c->m.reach[i] |= CHECK_ARCH_BIT(b->arch);
	b->c->m.roles[i] |= (unsigned char)role;
	fresh = role & ~(unsigned)b->done[i];
	b->done[i] |= (unsigned char)role;
	/* At most two enqueues per section (models, install): the queue holds 2 * nsections. */
	if (fresh & (ROLE_INSTALL | ROLE_MODELS))
		b->queue[b->nqueue++] = i;
}

static void push_install(struct bfs *b, const struct inf_section *dd)
{
	char name[INF_MAX_SECTION_NAME * 2 + 16];

	if (!dd)
		return;
	push(b, dd, ROLE_INSTALL);
	for (size_t k = 0; k < check_ninstall_suffixes; k++) {
		snprintf(name, sizeof(name), "%s.%s", dd->name, check_install_suffixes[k]);
		push(b, inf_find_section(b->c->f, name), ROLE_INSTALL);
	}
}

static void push_ref(void *arg, const struct check_ref *ref)
{
	struct bfs *b = arg;
	const struct inf_section *s = inf_find_section(b->c->f, ref->name);

	if (ref->kind == K_NEEDS)
		push_install(b, s);
	else
		push(b, s, check_ref_role(ref->kind, ref->field));
}

/* [DefaultInstall.NT<arch>.10.0...<build>] (InfVerif's TargetOS-decorated DefaultInstall). */
static void push_versioned_roots(struct bfs *b, const char *root)
{
	const struct inf_file *f = b->c->f;
	size_t n = strlen(root);

	for (size_t i = 0; i < f->nsections; i++) {
		const char *name = f->sections[i].name;
		enum inf_arch arch;
		bool versioned, suffixed;

		if (dc_strncaseeq(name, root, n) &&
		    check_variant_rest(name + n, &arch, &versioned, &suffixed) && versioned &&
		    !suffixed && arch == b->arch)
			push_install(b, &f->sections[i]);
	}
}

static bool decoration_applies(const struct inf_targetos *t, enum inf_arch arch)
{
	if (!t->valid)
		return false;
	if (t->arch == INF_ARCH_NONE)
		return arch != INF_ARCH_TEMPLATE;
	return t->arch == arch;
}

static void bfs_arch(struct bfs *b)
{
	const struct inf_file *f = b->c->f;
	const struct inf_section *s;
	char name[INF_MAX_SECTION_NAME * 2 + 16];

	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *mf = &f->manufacturers[i];

		if (b->arch == INF_ARCH_X86)
			push(b, inf_find_section(f, mf->models), ROLE_MODELS);
		for (size_t t = 0; t < mf->ntargets; t++) {
			if (!decoration_applies(&mf->targets[t], b->arch))
				continue;
			snprintf(name, sizeof(name), "%s.%s", mf->models, mf->targets[t].text);
			push(b, inf_find_section(f, name), ROLE_MODELS);
		}
	}
	for (size_t i = 0; i < CHECK_NINSTALL_ROOTS; i++) {
		s = check_install_for(f, check_install_roots[i], b->arch);
		push_install(b, s);
		if (s && !f->nmanufacturers && dc_strcaseeq(check_install_roots[i], "DefaultInstall"))
			b->c->m.served |= CHECK_ARCH_BIT(b->arch);
		push_versioned_roots(b, check_install_roots[i]);
	}
	if ((s = inf_find_section(f, "InterfaceInstall32")))
		for (size_t k = 0; k < s->nentries; k++)
			push_install(b, inf_find_section(f, inf_field_value(f, inf_section_entry(f, s, k), 0)));
	while (b->head < b->nqueue) {
		size_t i = b->queue[b->head++];

		s = &f->sections[i];
		for (size_t k = 0; k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);

			if (b->done[i] & ROLE_MODELS) {
				const char *base = inf_field_value(f, e, 0);

				b->c->m.served |= CHECK_ARCH_BIT(b->arch);
				if (base[0])
					push_install(b, check_install_for(f, base, b->arch));
			}
			if (b->done[i] & ROLE_INSTALL)
				check_entry_refs(f, e, push_ref, b);
		}
	}
}

/* --- copies --- */

static int add_copy(struct check_ctx *c, size_t *slot, const struct check_copy *cp)
{
	struct check_model *m = &c->m;

	if (slot && *slot) {
		m->copies[*slot - 1].arch_mask |= cp->arch_mask;
		return 0;
	}
	if (dc_array_grow((void **)&m->copies, &m->copies_cap, m->ncopies + 1, sizeof(*cp), c->err))
		return DC_ENOMEM;
	m->copies[m->ncopies++] = *cp;
	if (slot)
		*slot = m->ncopies;
	return 0;
}

/* CopyFiles is processed only in DDInstall-like sections (COPYFILES); see DC-INF-060. */
bool check_copyfiles_processed(const struct check_ctx *c, size_t i)
{
	static const char *const ignored[] = { "HW", "Services", "Wdf", "Filters", "Events" };
	const char *name = c->f->sections[i].name;

	if (c->m.roles[i] & ROLE_SERVICE)
		return false;
	for (size_t k = 0; k < sizeof(ignored) / sizeof(ignored[0]); k++)
		if (check_has_dot_suffix(name, ignored[k]))
			return false;
	return true;
}

static int collect_copies(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	size_t *slots = calloc(f->nentries ? f->nentries : 1, sizeof(size_t));
	int rc = 0;

	if (!slots)
		return dc_error_set(c->err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];

		if (!(c->m.roles[i] & ROLE_INSTALL) || !check_copyfiles_processed(c, i))
			continue;
		for (size_t k = 0; !rc && k < s->nentries; k++) {
			const struct inf_entry *e = inf_section_entry(f, s, k);

			if (!e->key_value || !dc_strcaseeq(e->key_value, "CopyFiles"))
				continue;
			for (size_t n = 0; !rc && n < e->nfields; n++) {
				const char *v = inf_field_value(f, e, n);
				const struct inf_section *l;
				const char *raw = inf_entry_field(f, e, n)->raw;
				struct check_copy cp = { e, NULL, NULL, v + 1, v + 1, raw[0] == '@' ? raw + 1 : raw,
							 e->pos.line, c->m.reach[i] };

				if (v[0] == '@') {
					rc = add_copy(c, NULL, &cp);
					continue;
				}
				if (!v[0] || !(l = inf_find_section(f, v)))
					continue;
				for (size_t j = 0; !rc && j < l->nentries; j++) {
					const struct inf_entry *le = inf_section_entry(f, l, j);
					const char *dest = inf_field_value(f, le, 0);
					const char *src = inf_field_value(f, le, 1);

					if (!dest[0] && !src[0])
						continue;
					cp.list = l;
					cp.entry = le;
					cp.dest = dest[0] ? dest : src;
					cp.src = src[0] ? src : dest;
					cp.raw_src = inf_entry_field(f, le, src[0] ? 1 : 0)->raw;
					cp.line = le->pos.line;
					rc = add_copy(c, &slots[l->entries[j]], &cp);
				}
			}
		}
	}
	free(slots);
	return rc;
}

/* --- architectures to check --- */

static unsigned explicit_arches(const struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	unsigned mask = 0;
	bool implicit = false;
	char name[INF_MAX_SECTION_NAME * 2 + 16];

	for (size_t i = 0; i < f->nmanufacturers; i++) {
		const struct inf_manufacturer *mf = &f->manufacturers[i];

		implicit |= inf_find_section(f, mf->models) != NULL;
		for (size_t t = 0; t < mf->ntargets; t++) {
			const struct inf_targetos *tg = &mf->targets[t];

			snprintf(name, sizeof(name), "%s.%s", mf->models, tg->text);
			if (!tg->valid || !inf_find_section(f, name))
				continue;
			if (tg->arch == INF_ARCH_NONE)
				implicit = true;
			else
				mask |= CHECK_ARCH_BIT(tg->arch);
		}
	}
	for (size_t i = 0; i < CHECK_NINSTALL_ROOTS; i++) {
		for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
			snprintf(name, sizeof(name), "%s.NT%s", check_install_roots[i],
				 inf_arch_name((enum inf_arch)a));
			if (inf_find_section(f, name))
				mask |= CHECK_ARCH_BIT(a);
		}
		implicit |= inf_find_install_section(f, check_install_roots[i], INF_ARCH_NONE) != NULL;
	}
	/* Undecorated and arch-less sections mean x86 to every Windows since Server 2003 SP1. */
	if (implicit || !mask)
		mask |= CHECK_ARCH_BIT(INF_ARCH_X86);
	return mask;
}

static bool has_template(const struct inf_file *f)
{
	for (size_t i = 0; i < f->nsections; i++)
		if (strstr(f->sections[i].name, "$ARCH$"))
			return true;
	for (size_t i = 0; i < f->nmanufacturers; i++)
		for (size_t t = 0; t < f->manufacturers[i].ntargets; t++)
			if (f->manufacturers[i].targets[t].arch == INF_ARCH_TEMPLATE)
				return true;
	return false;
}

int check_model_build(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	size_t n = f->nsections ? f->nsections : 1;
	struct check_model *m = &c->m;
	struct bfs b;

	memset(m, 0, sizeof(*m));
	m->roles = calloc(n, 1);
	m->reach = calloc(n, sizeof(*m->reach));
	m->kinds = calloc(n, sizeof(*m->kinds));
	m->textual = calloc(n, sizeof(*m->textual));
	memset(&b, 0, sizeof(b));
	b.c = c;
	b.done = calloc(n, 1);
	b.queue = calloc(n * 2, sizeof(size_t));
	if (!m->roles || !m->reach || !m->kinds || !m->textual || !b.done || !b.queue) {
		free(b.done);
		free(b.queue);
		return dc_error_set(c->err, DC_ENOMEM, "out of memory");
	}
	m->has_template = has_template(f);
	check_mark_textual(c);
	for (int a = INF_ARCH_X86; a < INF_ARCH_COUNT; a++) {
		if (a == INF_ARCH_TEMPLATE && !m->has_template)
			continue;
		b.arch = (enum inf_arch)a;
		memset(b.done, 0, n);
		b.nqueue = b.head = 0;
		bfs_arch(&b);
	}
	free(b.done);
	free(b.queue);
	if (c->opt->targets) {
		for (size_t i = 0; i < c->opt->ntargets; i++)
			m->checked |= CHECK_ARCH_BIT(c->opt->targets[i]->arch);
	} else {
		m->checked = m->served & (explicit_arches(c) | CHECK_ARCH_BIT(INF_ARCH_TEMPLATE));
	}
	return collect_copies(c);
}

void check_model_free(struct check_model *m)
{
	free(m->roles);
	free(m->reach);
	free(m->kinds);
	free(m->textual);
	free(m->copies);
	free(m->bases);
	memset(m, 0, sizeof(*m));
}
