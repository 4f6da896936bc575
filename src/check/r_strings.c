/*
 * r_strings.c - [Strings] and template rules: localized Strings sections
 * defining other keys than [Strings] (STRINGS, InfVerif 1295), and stampinf
 * tokens left in an .inf (WDF, InfVerif 1274).  Undefined %tokens% come from
 * the parser (parser.c).
 */
#include <string.h>

#include "../util/str.h"
#include "internal.h"

/* Strings sections are not substituted, so their keys are e->key (inf_find_entry uses key_value). */
static const struct inf_entry *find_key(const struct inf_file *f, const struct inf_section *s,
					const char *key)
{
	for (size_t i = 0; i < s->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, s, i);

		if (e->key && dc_strcaseeq(e->key, key))
			return e;
	}
	return NULL;
}

static const char *first_missing(const struct inf_file *f, const struct inf_section *from,
				 const struct inf_section *in, size_t *count)
{
	const char *first = NULL;

	*count = 0;
	for (size_t i = 0; i < from->nentries; i++) {
		const struct inf_entry *e = inf_section_entry(f, from, i);

		if (!e->key || find_key(f, in, e->key))
			continue;
		/* a key given twice in from counts once */
		if (find_key(f, from, e->key) != e)
			continue;
		if (!first)
			first = e->key;
		(*count)++;
	}
	return first;
}

static void rule_locale_keys(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const struct inf_section *ref = f->strings_default;

	for (size_t i = 0; i < f->nsections; i++) {
		const struct inf_section *s = &f->sections[i];
		const char *key;
		size_t n;

		if (!s->is_strings || s == ref)
			continue;
		if (!ref) {
			ref = s; /* no [Strings]: compare the localized sections with the first */
			continue;
		}
		if ((key = first_missing(f, ref, s, &n)))
			check_add(c, R_STRINGS_LOCALE, s->pos.line, NULL,
				  "[%s] lacks %zu key%s that [%s] defines (first: %s)", s->name, n,
				  n == 1 ? "" : "s", ref->name, key);
		if ((key = first_missing(f, s, ref, &n)))
			check_add(c, R_STRINGS_LOCALE, s->pos.line, NULL,
				  "[%s] defines %zu key%s that [%s] lacks (first: %s)", s->name, n,
				  n == 1 ? "" : "s", ref->name, key);
	}
}

static const char *const tokens[] = { "$ARCH$", "$KMDFVERSION$", "$KMDFCOINSTALLERVERSION$",
				      "$UMDFVERSION$", "$UMDFCOINSTALLERVERSION$" };

static const char *find_token(const char *s)
{
	for (size_t i = 0; s && i < sizeof(tokens) / sizeof(tokens[0]); i++)
		if (strstr(s, tokens[i]))
			return tokens[i];
	return NULL;
}

static void rule_unstamped(struct check_ctx *c)
{
	const struct inf_file *f = c->f;
	const char *tok;

	/* An .inx is a stampinf template: its tokens are expected (InfVerif /stampinf). */
	if (dc_has_suffix_ci(c->inf_rel, ".inx"))
		return;
	for (size_t i = 0; i < f->nsections; i++)
		if ((tok = find_token(f->sections[i].name)))
			check_add(c, R_UNSTAMPED, f->sections[i].pos.line, NULL,
				  "section name [%s] still holds the stampinf token %s", f->sections[i].name,
				  tok);
	for (size_t i = 0; i < f->nentries; i++) {
		const struct inf_entry *e = &f->entries[i];

		if (f->sections[e->section].is_strings)
			continue;
		if ((tok = find_token(e->key)))
			check_add(c, R_UNSTAMPED, e->pos.line, NULL,
				  "'%s' still holds the stampinf token %s", e->key, tok);
		for (size_t k = 0; k < e->nfields; k++) {
			const struct inf_field *fd = inf_entry_field(f, e, k);

			if ((tok = find_token(fd->raw)))
				check_add(c, R_UNSTAMPED, fd->pos.line, NULL,
					  "'%s' still holds the stampinf token %s", fd->raw, tok);
		}
	}
}

int check_rules_strings(struct check_ctx *c)
{
	rule_locale_keys(c);
	rule_unstamped(c);
	return c->rc;
}
