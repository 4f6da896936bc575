/*
 * lex.c - INF lexing (inf-format.md §1.2-§1.8): lines, comments, section
 * headers, "key = field, field" entries, quoting with "" escapes, backslash
 * continuation, and whitespace trimming.  Positions are physical line and
 * character column.
 */
#include <string.h>

#include "../util/str.h"
#include "internal.h"

/* Bytes a single field may take while lexing (4096 characters of UTF-8). */
#define FIELD_BYTES_MAX (INF_MAX_FIELD_CHARS * 4)

struct lexer {
	struct inf_file *f;
	struct dc_error *err;
	const char *p, *end;
	uint32_t line, col;
	size_t section;           /* current section index, or SIZE_MAX before the first */
	bool warned_orphan;       /* "text before the first section" reported */
	/* field being collected */
	struct dc_buf field;
	size_t field_keep;        /* length without trailing unquoted whitespace */
	bool field_started;
	bool field_overflow;
	struct inf_pos field_pos;
	struct inf_segment segs[64];  /* runs of the field (see struct inf_segment) */
	uint32_t nsegs;
};

static bool at_eol(const struct lexer *lx)
{
	return lx->p >= lx->end || *lx->p == '\n' || *lx->p == '\r';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* Advances one byte, counting characters (not UTF-8 continuation bytes). */
static void advance(struct lexer *lx)
{
	if (((unsigned char)*lx->p & 0xC0) != 0x80)
		lx->col++;
	lx->p++;
	/* the column of the next character is col + 1 */
}

static struct inf_pos here(const struct lexer *lx)
{
	struct inf_pos pos = { lx->line, lx->col + 1 };

	return pos;
}

/* Consumes one line terminator: CRLF, LF or a lone CR. */
static void newline(struct lexer *lx)
{
	if (lx->p < lx->end && *lx->p == '\r')
		lx->p++;
	if (lx->p < lx->end && *lx->p == '\n')
		lx->p++;
	lx->line++;
	lx->col = 0;
}

static void skip_to_eol(struct lexer *lx)
{
	while (!at_eol(lx))
		advance(lx);
}

static void skip_blanks(struct lexer *lx)
{
	while (lx->p < lx->end && is_blank(*lx->p))
		advance(lx);
}

/* Starts a new run of the field text at the current position (after a quote or continuation). */
static void field_mark(struct lexer *lx)
{
	struct inf_segment *last = lx->nsegs ? &lx->segs[lx->nsegs - 1] : NULL;

	if (last && last->offset == lx->field.len) {
		last->pos = here(lx);
		return;
	}
	if (lx->nsegs < sizeof(lx->segs) / sizeof(lx->segs[0])) {
		lx->segs[lx->nsegs].offset = (uint32_t)lx->field.len;
		lx->segs[lx->nsegs].pos = here(lx);
		lx->nsegs++;
	}
}

static int field_put(struct lexer *lx, const char *s, size_t n, bool keep)
{
	if (!lx->field_started) {
		lx->field_started = true;
		lx->field_pos = here(lx);
		field_mark(lx);
	}
	if (lx->field_overflow)
		return 0;
	if (dc_buf_append(&lx->field, s, n, NULL)) {
		lx->field_overflow = true;
		return 0;
	}
	if (keep)
		lx->field_keep = lx->field.len;
	return 0;
}

/* Copies the current character (all its UTF-8 bytes) into the field. */
static int field_char(struct lexer *lx, bool keep)
{
	const char *start = lx->p;
	struct inf_pos pos = here(lx);
	int rc;

	if (!lx->field_started) {
		lx->field_started = true;
		lx->field_pos = pos;
		field_mark(lx);
	}
	advance(lx);
	while (lx->p < lx->end && ((unsigned char)*lx->p & 0xC0) == 0x80)
		advance(lx);
	rc = field_put(lx, start, (size_t)(lx->p - start), keep);
	return rc;
}

static void field_reset(struct lexer *lx, struct inf_pos pos)
{
	lx->nsegs = 0;
	dc_buf_reset(&lx->field);
	lx->field_keep = 0;
	lx->field_started = false;
	lx->field_overflow = false;
	lx->field_pos = pos;
}

/* Copies the field's runs to the arena when there is more than the first. */
static int field_segments(struct lexer *lx, const struct inf_segment **segs, uint32_t *nsegs)
{
	struct inf_segment *copy;

	*segs = NULL;
	*nsegs = 0;
	/* One run starting where the field does needs no table. */
	if (lx->nsegs == 0 || (lx->nsegs == 1 && lx->segs[0].offset == 0 &&
			       lx->segs[0].pos.line == lx->field_pos.line &&
			       lx->segs[0].pos.col == lx->field_pos.col))
		return 0;
	copy = dc_arena_alloc(&lx->f->arena, lx->nsegs * sizeof(*copy));
	if (!copy)
		return DC_ENOMEM;
	memcpy(copy, lx->segs, lx->nsegs * sizeof(*copy));
	*segs = copy;
	*nsegs = lx->nsegs;
	return 0;
}

/* Stores the finished field text (trimmed) in the arena. */
static int field_take(struct lexer *lx, const char **out)
{
	size_t n = lx->field_keep;
	size_t chars = dc_utf8_count(lx->field.data ? lx->field.data : "", n);

	if (lx->field_overflow || chars >= INF_MAX_FIELD_CHARS) {
		if (inf_diag_add(lx->f, INF_ERROR, lx->field_pos, "limit",
				 "field is longer than the %d characters Windows allows; it is cut",
				 INF_MAX_FIELD_CHARS - 1))
			return DC_ENOMEM;
		/* Cut after 4095 characters, not bytes. */
		size_t chars_kept = 0, cut = 0;

		while (cut < n && chars_kept < INF_MAX_FIELD_CHARS - 1) {
			cut++;
			while (cut < n && ((unsigned char)lx->field.data[cut] & 0xC0) == 0x80)
				cut++;
			chars_kept++;
		}
		n = cut;
	}
	*out = dc_arena_strndup(&lx->f->arena, lx->field.data ? lx->field.data : "", n);
	return *out ? 0 : DC_ENOMEM;
}

static int push_field(struct lexer *lx, const char *text, struct inf_pos pos)
{
	struct inf_file *f = lx->f;
	struct inf_field *fd;

	if (dc_array_grow((void **)&f->fields, &f->fields_cap, f->nfields + 1, sizeof(*fd), lx->err))
		return DC_ENOMEM;
	fd = &f->fields[f->nfields++];
	fd->raw = text;
	fd->value = text;
	fd->pos = pos;
	return field_segments(lx, &fd->segs, &fd->nsegs);
}

static int section_add_entry(struct lexer *lx, size_t entry)
{
	struct inf_section *s = &lx->f->sections[lx->section];

	if (dc_array_grow((void **)&s->entries, &s->cap, s->nentries + 1, sizeof(size_t), lx->err))
		return DC_ENOMEM;
	s->entries[s->nentries++] = entry;
	return 0;
}

static bool is_strings_name(const char *name)
{
	return dc_strcaseeq(name, "strings") || dc_has_prefix_ci(name, "strings.");
}

/* "[name] trailing" - the rest of the line after ']' is ignored (Wine). */
static int lex_header(struct lexer *lx)
{
	struct inf_file *f = lx->f;
	struct inf_pos pos = here(lx);
	const char *start, *stop;
	char *name;
	size_t existing;

	advance(lx); /* '[' */
	start = lx->p;
	while (!at_eol(lx) && *lx->p != ']')
		advance(lx);
	if (at_eol(lx)) {
		int rc = inf_diag_add(f, INF_ERROR, pos, "syntax",
				      "section header has no closing ']'; the line is ignored");

		/* Keep the previous section current: its later lines still belong somewhere sensible. */
		return rc;
	}
	stop = lx->p;
	advance(lx); /* ']' */
	skip_to_eol(lx);
	while (start < stop && is_blank(*start))
		start++;
	while (stop > start && is_blank(stop[-1]))
		stop--;
	name = dc_arena_strndup(&f->arena, start, (size_t)(stop - start));
	if (!name)
		return DC_ENOMEM;
	if (dc_utf8_count(name, strlen(name)) > INF_MAX_SECTION_NAME &&
	    inf_diag_add(f, INF_ERROR, pos, "limit",
			 "section name is longer than the %d characters Windows allows",
			 INF_MAX_SECTION_NAME))
		return DC_ENOMEM;
	if (!name[0] && inf_diag_add(f, INF_ERROR, pos, "syntax", "section header has an empty name"))
		return DC_ENOMEM;
	if (dc_map_get_str(&f->section_index, name, &existing)) {
		struct inf_section *s = &f->sections[existing];

		s->headers++;
		lx->section = existing;
		return inf_diag_add(f, INF_WARNING, pos, "section",
				    "section [%s] is declared again (first at line %u); Windows merges the two",
				    name, s->pos.line);
	}
	if (dc_array_grow((void **)&f->sections, &f->sections_cap, f->nsections + 1,
			  sizeof(*f->sections), lx->err))
		return DC_ENOMEM;
	memset(&f->sections[f->nsections], 0, sizeof(f->sections[0]));
	f->sections[f->nsections].name = name;
	f->sections[f->nsections].pos = pos;
	f->sections[f->nsections].headers = 1;
	f->sections[f->nsections].is_strings = is_strings_name(name);
	lx->section = f->nsections++;
	return dc_map_add_str(&f->section_index, name, lx->section, lx->err);
}

/*
 * A backslash continues the entry when only more backslashes, blanks or a
 * comment follow it on the line.  The whole run of trailing backslashes is
 * dropped (the documented "dir\\" case loses its backslash either way).
 */
static bool is_continuation(const struct lexer *lx)
{
	const char *q = lx->p;

	while (q < lx->end && *q == '\\')
		q++;
	while (q < lx->end && is_blank(*q))
		q++;
	return q >= lx->end || *q == '\n' || *q == '\r' || *q == ';';
}

static int lex_entry(struct lexer *lx)
{
	struct inf_file *f = lx->f;
	struct inf_entry entry = { 0 };
	bool in_quotes = false, comma_seen = false, strings;
	struct inf_pos quote_pos = { 0, 0 };
	int rc = 0;

	if (lx->section == SIZE_MAX) {
		if (!lx->warned_orphan) {
			lx->warned_orphan = true;
			rc = inf_diag_add(f, INF_WARNING, here(lx), "syntax",
					  "text before the first section header is ignored");
		}
		skip_to_eol(lx);
		return rc;
	}
	strings = f->sections[lx->section].is_strings;
	entry.pos = here(lx);
	entry.section = lx->section;
	entry.first_field = f->nfields;
	field_reset(lx, here(lx));

	for (;;) {
		char c;

		if (at_eol(lx)) {
			const char *text;

			if (in_quotes && (rc = inf_diag_add(f, INF_WARNING, quote_pos, "syntax",
							    "quoted string is not closed before the end of the line")))
				return rc;
			if ((rc = field_take(lx, &text)) || (rc = push_field(lx, text, lx->field_pos)))
				return rc;
			break;
		}
		c = *lx->p;
		if (in_quotes) {
			if (c == '"') {
				advance(lx);
				if (lx->p < lx->end && *lx->p == '"') {
					field_put(lx, "\"", 1, true);
					advance(lx);
				} else {
					in_quotes = false;
				}
				field_mark(lx);
				continue;
			}
			field_char(lx, true);
			continue;
		}
		switch (c) {
		case '"':
			if (!lx->field_started) {
				lx->field_started = true;
				lx->field_pos = here(lx);
			}
			quote_pos = here(lx);
			in_quotes = true;
			advance(lx);
			field_mark(lx);
			lx->field_keep = lx->field.len; /* "" is an explicit empty value */
			continue;
		case ';':
			skip_to_eol(lx);
			continue;
		case '\\':
			if (is_continuation(lx)) {
				while (lx->p < lx->end && *lx->p == '\\')
					advance(lx);
				skip_to_eol(lx);
				if (lx->p < lx->end)
					newline(lx);
				skip_blanks(lx);
				if (lx->field_started)
					field_mark(lx);
				continue;
			}
			field_char(lx, true);
			continue;
		case ',':
			if (strings && entry.key) {
				field_char(lx, true);
				continue;
			}
			{
				const char *text;

				if ((rc = field_take(lx, &text)) || (rc = push_field(lx, text, lx->field_pos)))
					return rc;
			}
			comma_seen = true;
			advance(lx);
			field_reset(lx, here(lx));
			continue;
		case '=':
			if (!entry.key && !comma_seen) {
				const char *text;

				if ((rc = field_take(lx, &text)) ||
				    (rc = field_segments(lx, &entry.key_segs, &entry.key_nsegs)))
					return rc;
				entry.key = text;
				entry.pos = lx->field_started ? lx->field_pos : entry.pos;
				advance(lx);
				field_reset(lx, here(lx));
				continue;
			}
			field_char(lx, true);
			continue;
		default:
			if (is_blank(c)) {
				if (lx->field_started)
					field_char(lx, false);
				else
					advance(lx);
				continue;
			}
			field_char(lx, true);
			continue;
		}
	}
	entry.nfields = f->nfields - entry.first_field;
	entry.key_value = entry.key;
	if (dc_array_grow((void **)&f->entries, &f->entries_cap, f->nentries + 1, sizeof(entry),
			  lx->err))
		return DC_ENOMEM;
	f->entries[f->nentries] = entry;
	rc = section_add_entry(lx, f->nentries);
	f->nentries++;
	return rc;
}

int inf_lex(struct inf_file *f, const char *text, size_t len, struct dc_error *err)
{
	struct lexer lx;
	int rc = 0;

	memset(&lx, 0, sizeof(lx));
	lx.f = f;
	lx.err = err;
	lx.p = text;
	lx.end = text + len;
	lx.line = 1;
	lx.col = 0;
	lx.section = SIZE_MAX;
	dc_buf_init(&lx.field, FIELD_BYTES_MAX);

	while (!rc && lx.p < lx.end) {
		skip_blanks(&lx);
		if (lx.p >= lx.end)
			break;
		switch (*lx.p) {
		case '\r':
		case '\n':
			newline(&lx);
			continue;
		case ';':
			skip_to_eol(&lx);
			continue;
		case '[':
			rc = lex_header(&lx);
			break;
		default:
			rc = lex_entry(&lx);
			break;
		}
		if (!rc && lx.p < lx.end)
			newline(&lx);
	}
	dc_buf_free(&lx.field);
	if (rc == DC_ENOMEM)
		return dc_error_set(err, DC_ENOMEM, "%s: out of memory", f->path);
	return rc;
}
