/*
 * render.c - the template engine (syntax in tmpl.h).  Two passes: the first
 * splits the text into lines, pairs {{FOR}} with {{END}} and checks every
 * placeholder against the names in scope, so an error is reported whatever
 * the lists hold; the second expands the lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

enum line_kind { L_TEXT, L_FOR, L_END };

struct line {
	const char *p;    /* content without the line end */
	size_t n;
	uint32_t no;      /* 1-based line number */
	enum line_kind kind;
	const struct tmpl_list *list; /* L_FOR */
	size_t match;     /* L_FOR: index of its L_END */
};

/* One active loop: the list and the item being expanded. */
struct scope {
	const struct tmpl_list *list;
	size_t item;
};

struct ctx {
	const char *path;
	const struct tmpl_vars *v;
	struct line *lines;
	size_t nlines;
	struct scope scopes[TMPL_MAX_DEPTH];
	size_t depth;
	struct dc_buf *out;
	struct dc_error *err;
};

static bool name_start(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '_';
}

/* Whether [p, end) starts with s. */
static bool starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

static int fail(const struct ctx *c, uint32_t line, size_t col, const char *fmt, ...) DC_PRINTF(4, 5);

static int fail(const struct ctx *c, uint32_t line, size_t col, const char *fmt, ...)
{
	char msg[DC_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dc_error_set(c->err, DC_ESYNTAX, "%s:%u:%zu: %s", c->path, line, col, msg);
}

static const struct tmpl_list *find_list(const struct tmpl_vars *v, const char *name, size_t n)
{
	for (size_t i = 0; i < v->nlists; i++)
		if (strlen(v->lists[i].name) == n && !memcmp(v->lists[i].name, name, n))
			return &v->lists[i];
	return NULL;
}

/* Index of key name in list l, or -1. */
static long list_key(const struct tmpl_list *l, const char *name, size_t n)
{
	for (size_t k = 0; k < l->nkeys; k++)
		if (strlen(l->keys[k]) == n && !memcmp(l->keys[k], name, n))
			return (long)k;
	return -1;
}

/*
 * The value of name in the current scope (innermost loop first, then the
 * plain variables); NULL when undefined.  *outside is set to the list that
 * defines name when it is used outside that list's loop.
 */
static const char *lookup(const struct ctx *c, const struct scope *scopes, size_t depth,
			  const char *name, size_t n, const struct tmpl_list **outside)
{
	*outside = NULL;
	for (size_t d = depth; d-- > 0;) {
		long k = list_key(scopes[d].list, name, n);

		if (k >= 0)
			return scopes[d].list->nitems
				       ? scopes[d].list->values[scopes[d].item * scopes[d].list->nkeys + (size_t)k]
				       : "";
	}
	for (size_t i = 0; i < c->v->nvars; i++)
		if (strlen(c->v->vars[i].name) == n && !memcmp(c->v->vars[i].name, name, n))
			return c->v->vars[i].value;
	for (size_t i = 0; i < c->v->nlists; i++)
		if (list_key(&c->v->lists[i], name, n) >= 0)
			*outside = &c->v->lists[i];
	return NULL;
}

/*
 * Walks the placeholders of text line ln.  With out == NULL it only checks
 * them; otherwise it appends the expanded line.  Scope: c->scopes[0..depth).
 */
static int expand_line(struct ctx *c, const struct line *ln, struct dc_buf *out)
{
	const char *p = ln->p, *end = ln->p + ln->n;

	while (p < end) {
		const char *open = NULL, *q, *value;
		const struct tmpl_list *outside;
		size_t col, n;

		for (q = p; q + 1 < end; q++)
			if (q[0] == '{' && q[1] == '{') {
				open = q;
				break;
			}
		if (!open) {
			if (out && dc_buf_append(out, p, (size_t)(end - p), c->err))
				return DC_ENOMEM;
			break;
		}
		if (out && dc_buf_append(out, p, (size_t)(open - p), c->err))
			return DC_ENOMEM;
		col = (size_t)(open - ln->p) + 1;
		q = open + 2;
		if (starts(q, end, "FOR ") || starts(q, end, "END}}"))
			return fail(c, ln->no, col, "{{FOR ...}} and {{END}} must stand alone on their line");
		if (q >= end || !name_start(*q))
			return fail(c, ln->no, col,
				    "'{{' does not start a placeholder: write {{NAME}} with NAME in A-Z, 0-9 and '_'");
		for (n = 0; q + n < end && name_char(q[n]); n++)
			;
		if (q + n + 1 >= end || q[n] != '}' || q[n + 1] != '}')
			return fail(c, ln->no, col, "placeholder {{%.*s has no closing '}}'", (int)n, q);
		value = lookup(c, c->scopes, c->depth, q, n, &outside);
		if (!value && outside)
			return fail(c, ln->no, col, "placeholder {{%.*s}} is defined only inside {{FOR %s}}",
				    (int)n, q, outside->name);
		if (!value)
			return fail(c, ln->no, col, "unknown placeholder {{%.*s}}", (int)n, q);
		if (out && dc_buf_puts(out, value, c->err))
			return DC_ENOMEM;
		p = q + n + 2;
	}
	if (out && dc_buf_putc(out, '\n', c->err))
		return DC_ENOMEM;
	return 0;
}

static void trim(const char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t'))
		(*n)--;
}

/* Splits the text into lines and classifies them. */
static int split(struct ctx *c, const char *text, size_t len)
{
	size_t cap = 0;
	uint32_t no = 0;

	for (size_t off = 0; off < len;) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;
		struct line *ln;
		const char *t;
		size_t tn;

		if (dc_array_grow((void **)&c->lines, &cap, c->nlines + 1, sizeof(*c->lines), c->err))
			return DC_ENOMEM;
		ln = &c->lines[c->nlines++];
		memset(ln, 0, sizeof(*ln));
		ln->p = text + off;
		ln->n = n && ln->p[n - 1] == '\r' ? n - 1 : n;
		ln->no = ++no;
		if (memchr(ln->p, '\0', ln->n))
			return fail(c, ln->no, (size_t)((const char *)memchr(ln->p, '\0', ln->n) - ln->p) + 1,
				    "NUL byte in a template");
		t = ln->p;
		tn = ln->n;
		trim(&t, &tn);
		if (tn == 7 && !memcmp(t, "{{END}}", 7)) {
			ln->kind = L_END;
		} else if (tn > 8 && !memcmp(t, "{{FOR ", 6) && !memcmp(t + tn - 2, "}}", 2)) {
			ln->kind = L_FOR;
			ln->list = find_list(c->v, t + 6, tn - 8);
			if (!ln->list)
				return fail(c, ln->no, (size_t)(t - ln->p) + 1, "unknown list {{FOR %.*s}}",
					    (int)(tn - 8), t + 6);
		}
		off += n + (nl ? 1 : 0);
	}
	return 0;
}

/* Pairs FOR/END and checks each text line in the scope it would be expanded in. */
static int check(struct ctx *c)
{
	size_t stack[TMPL_MAX_DEPTH];
	size_t depth = 0;
	int rc;

	for (size_t i = 0; i < c->nlines; i++) {
		struct line *ln = &c->lines[i];

		switch (ln->kind) {
		case L_FOR:
			if (depth == TMPL_MAX_DEPTH)
				return fail(c, ln->no, 1, "{{FOR}} loops nest deeper than %d", TMPL_MAX_DEPTH);
			for (size_t d = 0; d < depth; d++)
				if (c->lines[stack[d]].list == ln->list)
					return fail(c, ln->no, 1, "{{FOR %s}} inside {{FOR %s}} (line %u)",
						    ln->list->name, ln->list->name, c->lines[stack[d]].no);
			c->scopes[depth].list = ln->list;
			c->scopes[depth].item = 0;
			stack[depth++] = i;
			break;
		case L_END:
			if (!depth)
				return fail(c, ln->no, 1, "{{END}} without {{FOR}}");
			c->lines[stack[--depth]].match = i;
			break;
		default:
			/* item 0 of an empty list is never read: lookup() gives "" */
			c->depth = depth;
			if ((rc = expand_line(c, ln, NULL)))
				return rc;
		}
	}
	if (depth)
		return fail(c, c->lines[stack[depth - 1]].no, 1, "{{FOR %s}} has no {{END}}",
			    c->lines[stack[depth - 1]].list->name);
	c->depth = 0;
	return 0;
}

/* Expands lines [from, to) in the current scope. */
static int expand(struct ctx *c, size_t from, size_t to)
{
	int rc;

	for (size_t i = from; i < to; i++) {
		const struct line *ln = &c->lines[i];

		if (ln->kind == L_TEXT) {
			if ((rc = expand_line(c, ln, c->out)))
				return rc;
			continue;
		}
		/* L_FOR (an L_END is always consumed by its L_FOR) */
		for (size_t item = 0; item < ln->list->nitems; item++) {
			c->scopes[c->depth].list = ln->list;
			c->scopes[c->depth].item = item;
			c->depth++;
			rc = expand(c, i + 1, ln->match);
			c->depth--;
			if (rc)
				return rc;
		}
		i = ln->match;
	}
	return 0;
}

int tmpl_render(struct dc_buf *out, const char *path, const char *text, size_t len,
		const struct tmpl_vars *v, struct dc_error *err)
{
	struct ctx c;
	int rc;

	if (len > TMPL_MAX_TEXT)
		return dc_error_set(err, DC_ENOMEM, "%s: template larger than %zu bytes", path, TMPL_MAX_TEXT);
	memset(&c, 0, sizeof(c));
	c.path = path;
	c.v = v;
	c.out = out;
	c.err = err;
	rc = split(&c, text, len);
	if (!rc)
		rc = check(&c);
	if (!rc)
		rc = expand(&c, 0, c.nlines);
	free(c.lines);
	return rc;
}
