/*
 * test_inf.c - src/inf on small in-memory INF texts: the lexical rules of
 * inf-format.md §1.2-§1.10, %strkey% substitution and [Strings.LLLL]
 * selection (§1.9), [Version] (§1.12), install-section and TargetOSVersion
 * decorations (§1.13).
 *
 * Most tests compare a whole rendering of the parse (sections, entries,
 * fields with positions) and of the diagnostics, so an unexpected extra
 * entry or warning fails the test as surely as a missing one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/inf/inf.h"
#include "../../src/util/buf.h"

#define N_ROWS(a) (sizeof(a) / sizeof((a)[0]))
/* A byte-string literal and its length (embedded NULs included). */
#define BYTES(s) (const unsigned char *)(s), (sizeof(s) - 1)

static struct inf_file *load_bytes(const unsigned char *data, size_t len,
				   const struct inf_options *opt)
{
	struct inf_file *f = NULL;
	struct dc_error err = { 0, "" };
	int rc = inf_load_buffer(&f, "t.inf", data, len, opt, &err);

	if (rc)
		fail_msg("inf_load_buffer failed: %d %s", rc, err.msg);
	assert_non_null(f);
	return f;
}

static struct inf_file *load(const char *text)
{
	return load_bytes((const unsigned char *)text, strlen(text), NULL);
}

static const char sev_letter[] = { 'N', 'W', 'E' };

/* "E 3:5 kind: message\n" per diagnostic, except those of kind skip. */
static char *diag_text(const struct inf_file *f, const char *skip)
{
	struct dc_buf b;

	dc_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < f->ndiags; i++) {
		const struct inf_diag *d = &f->diags[i];

		if (skip && !strcmp(d->kind, skip))
			continue;
		assert_int_equal(dc_buf_printf(&b, NULL, "%c %u:%u %s: %s\n", sev_letter[d->severity],
					       d->pos.line, d->pos.col, d->kind, d->msg), 0);
	}
	return dc_buf_detach(&b);
}

/* The same rendering, only diagnostics of one kind. */
static char *diags_of_kind(const struct inf_file *f, const char *kind)
{
	struct dc_buf b;

	dc_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < f->ndiags; i++) {
		const struct inf_diag *d = &f->diags[i];

		if (strcmp(d->kind, kind) != 0)
			continue;
		assert_int_equal(dc_buf_printf(&b, NULL, "%c %u:%u %s: %s\n", sev_letter[d->severity],
					       d->pos.line, d->pos.col, d->kind, d->msg), 0);
	}
	return dc_buf_detach(&b);
}

/*
 * Sections in declaration order with their entries:
 *   [Name] line:col
 *     <key>line:col = <raw field>line:col <raw field>line:col
 *     - <raw field>line:col                       (a line without a key)
 */
static char *dump(const struct inf_file *f)
{
	struct dc_buf b;

	dc_buf_init(&b, 1 << 20);
	for (size_t s = 0; s < f->nsections; s++) {
		const struct inf_section *sec = &f->sections[s];

		dc_buf_printf(&b, NULL, "[%s] %u:%u\n", sec->name, sec->pos.line, sec->pos.col);
		for (size_t i = 0; i < sec->nentries; i++) {
			const struct inf_entry *e = inf_section_entry(f, sec, i);

			if (e->key)
				dc_buf_printf(&b, NULL, "  <%s>%u:%u =", e->key, e->pos.line, e->pos.col);
			else
				dc_buf_printf(&b, NULL, "  -");
			for (size_t k = 0; k < e->nfields; k++) {
				const struct inf_field *fd = inf_entry_field(f, e, k);

				dc_buf_printf(&b, NULL, " <%s>%u:%u", fd->raw, fd->pos.line, fd->pos.col);
			}
			dc_buf_putc(&b, '\n', NULL);
		}
	}
	return dc_buf_detach(&b);
}

struct lex_row {
	const char *name;
	const char *text;
	const char *dump;
	const char *diags; /* all except kind "version" (these texts have no [Version]) */
};

static void run_lex_rows(const struct lex_row *rows, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		struct inf_file *f = load(rows[i].text);
		char *d = dump(f), *g = diag_text(f, "version");

		if (strcmp(d, rows[i].dump) != 0) {
			print_error("%s: parse\n%s--- expected\n%s---\n", rows[i].name, d, rows[i].dump);
			bad++;
		}
		if (strcmp(g, rows[i].diags) != 0) {
			print_error("%s: diagnostics\n%s--- expected\n%s---\n", rows[i].name, g,
				    rows[i].diags);
			bad++;
		}
		free(d);
		free(g);
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

/* --- lexing (§1.3-§1.8) --------------------------------------------------- */

static void test_inf__lex_comments_and_quotes(void **state)
{
	static const struct lex_row rows[] = {
		{ "';' outside quotes ends the line; inside quotes it is text",
		  "[S]\n"
		  "a = b ; comment, with = stuff\n"
		  "; a whole-line comment\n"
		  "c = \"d;e\" ; real comment\n",
		  "[S] 1:1\n"
		  "  <a>2:1 = <b>2:5\n"
		  "  <c>4:1 = <d;e>4:5\n",
		  "" },
		{ "\"\" is one quote, \"\"\"x\"\"\" is \"x\", quoted and unquoted text concatenate",
		  "[S]\n"
		  "a = \"x\"\"y\"\n"
		  "b = \"\"\"x\"\"\"\n"
		  "c = \"\"\n"
		  "d = ab\"c,d\"e\n"
		  "e = \"  sp  \"  ,  x\n",
		  "[S] 1:1\n"
		  "  <a>2:1 = <x\"y>2:5\n"
		  "  <b>3:1 = <\"x\">3:5\n"
		  "  <c>4:1 = <>4:5\n"
		  "  <d>5:1 = <abc,de>5:5\n"
		  "  <e>6:1 = <  sp  >6:5 <x>6:18\n",
		  "" },
		{ "an unterminated quote ends at the end of the line, with a warning",
		  "[S]\n"
		  "a = x\"abc, d\n"
		  "b = 1\n",
		  "[S] 1:1\n"
		  "  <a>2:1 = <xabc, d>2:5\n"
		  "  <b>3:1 = <1>3:5\n",
		  "W 2:6 syntax: quoted string is not closed before the end of the line\n" },
	};

	(void)state;
	run_lex_rows(rows, N_ROWS(rows));
}

static void test_inf__lex_continuation(void **state)
{
	static const struct lex_row rows[] = {
		{ "a trailing backslash joins the next line, its leading blanks skipped",
		  "[S]\n"
		  "a = b,\\\n"
		  "    c\n"
		  "i = one \\ ; a comment may follow the backslash\n"
		  "two\n",
		  "[S] 1:1\n"
		  "  <a>2:1 = <b>2:5 <c>3:5\n"
		  "  <i>4:1 = <one two>4:5\n",
		  "" },
		{ "the documented \"dir\\\"\\ idiom: the backslash inside quotes is text",
		  "[S]\n"
		  "CopyFiles = \"SomeDirectory\\\"\\\n"
		  ",SomeFile\n",
		  "[S] 1:1\n"
		  "  <CopyFiles>2:1 = <SomeDirectory\\>2:13 <SomeFile>3:2\n",
		  "" },
		{ "a backslash at the end of a comment does not continue",
		  "[S]\n"
		  "ServiceBinary = %13%\\drv.sys ;%windir%\\system32\\drivers\\\n"
		  "Next = 1\n",
		  "[S] 1:1\n"
		  "  <ServiceBinary>2:1 = <%13%\\drv.sys>2:17\n"
		  "  <Next>3:1 = <1>3:8\n",
		  "" },
		{ "a run of trailing backslashes is dropped and continues the line",
		  "[S]\n"
		  "g = dir\\\\\n"
		  ", tail\n"
		  "h = %13%\\x\\y\n",
		  "[S] 1:1\n"
		  "  <g>2:1 = <dir>2:5 <tail>3:3\n"
		  "  <h>4:1 = <%13%\\x\\y>4:5\n",
		  "" },
		{ "continuations chain across several lines",
		  "[S]\n"
		  "r = 1,\\\n"
		  "  2,\\\n"
		  "  3\n",
		  "[S] 1:1\n"
		  "  <r>2:1 = <1>2:5 <2>3:3 <3>4:3\n",
		  "" },
	};

	(void)state;
	run_lex_rows(rows, N_ROWS(rows));
}

static void test_inf__lex_keys_and_whitespace(void **state)
{
	static const struct lex_row rows[] = {
		{ "unquoted ends are trimmed, interior blanks kept",
		  "[S]\n"
		  "  a  b  =  c  d  ,  e  \t\n",
		  "[S] 1:1\n"
		  "  <a  b>2:3 = <c  d>2:12 <e>2:21\n",
		  "" },
		{ "a comma before '=' means no key; only the first '=' splits",
		  "[S]\n"
		  "a, b = c\n"
		  "x\n"
		  "k = v = w\n",
		  "[S] 1:1\n"
		  "  - <a>2:1 <b = c>2:4\n"
		  "  - <x>3:1\n"
		  "  <k>4:1 = <v = w>4:5\n",
		  "" },
		{ "empty fields are positional; a trailing comma adds one",
		  "[S]\n"
		  "a = ,,c,\n",
		  "[S] 1:1\n"
		  "  <a>2:1 = <>2:4 <>2:6 <c>2:7 <>2:9\n",
		  "" },
		{ "in [Strings] commas after the key are part of the value",
		  "[Strings]\n"
		  "List = a, b ,c\n"
		  "Quoted = \"x, y\"\n",
		  "[Strings] 1:1\n"
		  "  <List>2:1 = <a, b ,c>2:8\n"
		  "  <Quoted>3:1 = <x, y>3:10\n",
		  "" },
	};

	(void)state;
	run_lex_rows(rows, N_ROWS(rows));
}

static void test_inf__lex_sections(void **state)
{
	static const struct lex_row rows[] = {
		{ "duplicate sections merge in file order (case-insensitively), with a warning",
		  "junk before the first section\n"
		  "more junk\n"
		  "[A]\n"
		  "a=1\n"
		  "[B]\n"
		  "b=1\n"
		  "[a]\n"
		  "c=1\n",
		  "[A] 3:1\n"
		  "  <a>4:1 = <1>4:3\n"
		  "  <c>8:1 = <1>8:3\n"
		  "[B] 5:1\n"
		  "  <b>6:1 = <1>6:3\n",
		  "W 1:1 syntax: text before the first section header is ignored\n"
		  "W 7:1 section: section [a] is declared again (first at line 3); Windows merges the two\n" },
		{ "an unterminated header is an error and its lines stay in the previous section",
		  "[S]\n"
		  "a=1\n"
		  "[Broken\n"
		  "b=2\n"
		  "[ T ] text after the bracket is ignored\n"
		  "c=3\n",
		  "[S] 1:1\n"
		  "  <a>2:1 = <1>2:3\n"
		  "  <b>4:1 = <2>4:3\n"
		  "[T] 5:1\n"
		  "  <c>6:1 = <3>6:3\n",
		  "E 3:1 syntax: section header has no closing ']'; the line is ignored\n" },
	};

	(void)state;
	run_lex_rows(rows, N_ROWS(rows));
}

/* --- line ends and columns (§1.2) ----------------------------------------- */

struct pos_row {
	const char *name;
	const unsigned char *data;
	size_t len;
	const char *diags; /* kind "strings" only */
};

static void run_pos_rows(const struct pos_row *rows, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		struct inf_file *f = load_bytes(rows[i].data, rows[i].len, NULL);
		char *g = diags_of_kind(f, "strings");

		if (strcmp(g, rows[i].diags) != 0) {
			print_error("%s: got\n%s--- expected\n%s---\n", rows[i].name, g, rows[i].diags);
			bad++;
		}
		free(g);
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

static void test_inf__line_ends_and_columns(void **state)
{
	static const struct pos_row rows[] = {
		{ "LF", BYTES("[S]\na = 1\nb = %x%\n"),
		  "E 3:5 strings: string token %x% is not defined in [Strings]\n" },
		{ "CRLF counts one line and no column for the CR",
		  BYTES("[S]\r\na = 1\r\nb = %x%\r\n"),
		  "E 3:5 strings: string token %x% is not defined in [Strings]\n" },
		{ "no newline at the end of the file", BYTES("[S]\r\nb = %x%"),
		  "E 2:5 strings: string token %x% is not defined in [Strings]\n" },
		/* Columns count characters, not UTF-8 bytes (é and € are one each). */
		{ "utf-8 text", BYTES("[S]\na = \xC3\xA9\xE2\x82\xAC%x%\n"),
		  "E 2:7 strings: string token %x% is not defined in [Strings]\n" },
		{ "utf-16le text", BYTES("\xFF\xFE[\0S\0]\0\r\0\n\0a\0 \0=\0 \0\xE9\0%\0x\0%\0\r\0\n\0"),
		  "E 2:6 strings: string token %x% is not defined in [Strings]\n" },
	};

	(void)state;
	run_pos_rows(rows, N_ROWS(rows));
}

/*
 * §1.2: "Bare CR is not a terminator in Wine; treat it as whitespace."  So
 * "a = 1<CR>b = %x%" is one line and the token sits on line 2, column 11.
 */
/*
 * A lone CR ends a line (old Mac line ends; the issue asks for CRLF, LF and
 * lone CR), so "b" is a new entry on line 3.
 */
static void test_inf__lone_cr_is_a_line_end(void **state)
{
	static const struct pos_row rows[] = {
		{ "lone CR between entries", BYTES("[S]\na = 1\rb = %x%\n"),
		  "E 3:5 strings: string token %x% is not defined in [Strings]\n" },
		{ "CR then CRLF is two line ends", BYTES("[S]\r\r\nb = %x%\n"),
		  "E 3:5 strings: string token %x% is not defined in [Strings]\n" },
	};

	(void)state;
	run_pos_rows(rows, N_ROWS(rows));
}

/* --- limits (§1.10) ----------------------------------------------------- */

static char *repeat(const char *prefix, const char *unit, size_t count, const char *suffix)
{
	struct dc_buf b;

	dc_buf_init(&b, 1 << 20);
	assert_int_equal(dc_buf_puts(&b, prefix, NULL), 0);
	for (size_t i = 0; i < count; i++)
		assert_int_equal(dc_buf_puts(&b, unit, NULL), 0);
	assert_int_equal(dc_buf_puts(&b, suffix, NULL), 0);
	return dc_buf_detach(&b);
}

static void test_inf__limits(void **state)
{
	static const struct {
		const char *name;
		const char *prefix, *unit;
		size_t count;
		const char *suffix;
		size_t field_bytes; /* length of [S]'s first field afterwards, 0: don't check */
		const char *diags;
	} rows[] = {
		{ "4095-character field", "[S]\na = ", "x", 4095, "\n", 4095, "" },
		{ "4096-character field", "[S]\na = ", "x", 4096, "\n", 4095,
		  "E 2:5 limit: field is longer than the 4095 characters Windows allows; it is cut\n" },
		/* The limit is in characters: 4095 two-byte characters are fine... */
		{ "4095 non-ASCII characters", "[S]\na = ", "\xC3\xA9", 4095, "\n", 8190, "" },
		{ "255-character section name", "[", "n", 255, "]\n", 0, "" },
		{ "256-character section name", "[", "n", 256, "]\n", 0,
		  "E 1:1 limit: section name is longer than the 255 characters Windows allows\n" },
		{ "value over 4095 characters after substitution",
		  "[S]\na = %A%%A%\n[Strings]\nA = ", "y", 3000, "\n", 0,
		  "E 2:5 limit: value is longer than 4095 characters after string substitution\n" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		char *text = repeat(rows[i].prefix, rows[i].unit, rows[i].count, rows[i].suffix);
		struct inf_file *f = load(text);
		char *g = diags_of_kind(f, "limit");

		if (strcmp(g, rows[i].diags) != 0) {
			print_error("%s: diagnostics\n%s--- expected\n%s---\n", rows[i].name, g,
				    rows[i].diags);
			bad++;
		}
		if (rows[i].field_bytes) {
			const struct inf_entry *e = inf_section_entry(f, inf_find_section(f, "S"), 0);
			size_t got = strlen(inf_field_value(f, e, 0));

			if (got != rows[i].field_bytes) {
				print_error("%s: field is %zu bytes, expected %zu\n", rows[i].name, got,
					    rows[i].field_bytes);
				bad++;
			}
		}
		free(g);
		free(text);
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

/* The limit is 4095 characters, so an over-long field is cut to 4095 characters, not bytes. */
static void test_inf__long_field_is_cut_to_4095_characters(void **state)
{
	char *text = repeat("[S]\na = ", "\xC3\xA9", 4096, "\n");
	struct inf_file *f = load(text);
	const struct inf_entry *e = inf_section_entry(f, inf_find_section(f, "S"), 0);
	char *g = diags_of_kind(f, "limit");
	size_t bytes = strlen(inf_field_value(f, e, 0));
	bool diag_ok = !strcmp(g, "E 2:5 limit: field is longer than the 4095 characters Windows allows; it is cut\n");

	(void)state;
	/* Freed first: a failing assertion must not also fail LeakSanitizer. */
	free(g);
	free(text);
	inf_free(f);
	assert_true(diag_ok);
	assert_int_equal(bytes, 2 * 4095);
}

/* --- encodings and loading (§1.1) ------------------------------------------ */

static void test_inf__encoding_diagnostics(void **state)
{
	static const struct {
		const char *name;
		const unsigned char *data;
		size_t len;
		enum text_encoding enc;
		const char *diags; /* kind "encoding" only */
	} rows[] = {
		{ "utf-16le with bom", BYTES("\xFF\xFE[\0S\0]\0"), TEXT_UTF16LE_BOM, "" },
		{ "ascii", BYTES("[S]\n"), TEXT_ANSI, "" },
		{ "utf-16le without bom", BYTES("[\0S\0]\0\n\0"), TEXT_UTF16LE_NOBOM,
		  "W 1:1 encoding: file looks like UTF-16LE but has no byte-order mark\n" },
		{ "utf-8 with bom", BYTES("\xEF\xBB\xBF[S]\n"), TEXT_UTF8_BOM,
		  "W 1:1 encoding: file is UTF-8 with a byte-order mark; Windows tools accept only ANSI or UTF-16 INF files\n" },
		{ "utf-8 without bom", BYTES("[S]\na=\xC2\xA9\n"), TEXT_UTF8,
		  "W 1:1 encoding: file is UTF-8 without a byte-order mark; Windows reads it as an ANSI code page, so save it as UTF-16LE\n" },
		{ "ansi with high bytes", BYTES("[S]\na=\xA9\n"), TEXT_ANSI,
		  "W 1:1 encoding: ANSI file contains non-ASCII characters, read as code page 1252; their meaning depends on the system locale, so save it as UTF-16LE\n" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct inf_file *f = load_bytes(rows[i].data, rows[i].len, NULL);
		char *g = diags_of_kind(f, "encoding");

		if (f->encoding != rows[i].enc || strcmp(g, rows[i].diags) != 0) {
			print_error("%s: %s\n%s--- expected %s\n%s---\n", rows[i].name,
				    text_encoding_name(f->encoding), g, text_encoding_name(rows[i].enc),
				    rows[i].diags);
			bad++;
		}
		free(g);
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

static void test_inf__load_failures(void **state)
{
	static const unsigned char lone_surrogate[] = { 0xFF, 0xFE, '[', 0, 0x00, 0xDC, ']', 0 };
	struct inf_file *f = (struct inf_file *)1;
	struct dc_error err = { 0, "" };

	(void)state;
	/* Text Windows could not decode at all fails the load (inf.h), naming the offset. */
	assert_int_equal(inf_load_buffer(&f, "bad.inf", lone_surrogate, sizeof(lone_surrogate),
					 NULL, &err),
			 DC_ESYNTAX);
	assert_null(f);
	assert_string_equal(err.msg, "bad.inf: offset 0x4: invalid UTF-16LE sequence");

	f = (struct inf_file *)1;
	assert_int_equal(inf_load_file(&f, "/nonexistent/x.inf", NULL, &err), DC_EIO);
	assert_null(f);
	assert_string_equal(err.msg, "/nonexistent/x.inf: cannot open: No such file or directory");
	inf_free(NULL);
}

/* --- accessors ------------------------------------------------------------ */

static void test_inf__lookup_is_case_insensitive(void **state)
{
	struct inf_file *f = load("[Version]\n"
				  "Signature=\"$Windows NT$\"\n"
				  "[SourceDisksFiles]\n"
				  "foo.sys = 1,,\n"
				  "Bar.SYS\n"
				  "a, b\n");
	const struct inf_section *s = inf_find_section(f, "sourcedisksFILES");
	const struct inf_entry *e;

	(void)state;
	assert_non_null(s);
	assert_string_equal(s->name, "SourceDisksFiles");
	assert_null(inf_find_section(f, "SourceDisksFile"));
	assert_null(inf_find_section(f, "SourceDisksFiles.amd64"));

	e = inf_find_entry(f, s, "FOO.SYS");
	assert_non_null(e);
	assert_string_equal(e->key, "foo.sys");
	assert_int_equal(e->nfields, 3);
	assert_string_equal(inf_field_value(f, e, 0), "1");
	assert_string_equal(inf_field_value(f, e, 7), ""); /* past the last field */
	assert_null(inf_entry_field(f, e, 7));

	/* A key-less single-field line is its own lookup key (file-list lines). */
	e = inf_find_entry(f, s, "bar.sys");
	assert_non_null(e);
	assert_null(e->key);
	assert_string_equal(inf_entry_lookup_key(f, e), "Bar.SYS");
	/* A key-less line with two fields has no lookup key. */
	assert_null(inf_find_entry(f, s, "a"));
	assert_null(inf_entry_lookup_key(f, inf_section_entry(f, s, 2)));
	assert_null(inf_section_entry(f, s, 3));
	assert_null(inf_find_entry(f, NULL, "foo.sys"));
	inf_free(f);
}

/* --- %strkey% substitution (§1.9) --------------------------------------------- */

static void test_inf__string_substitution(void **state)
{
	struct inf_file *f = load("[Version]\n"                     /* 1 */
				  "Signature=\"$Windows NT$\"\n"      /* 2 */
				  "[S]\n"                             /* 3 */
				  "name = %Name%\n"                   /* 4 */
				  "pct = x%%y\n"                      /* 5 */
				  "dirid = %13%\\drv.sys\n"           /* 6 */
				  "dir = %Dir%\\f.sys\n"              /* 7 */
				  "nested = %Outer%\n"                /* 8 */
				  "lone = 50%\n"                      /* 9 */
				  "%KeyTok% = v\n"                    /* 10 */
				  "undef = pre%nope%post\n"           /* 11 */
				  "case = %NAME%-%quoted%\n"          /* 12 */
				  "[Strings]\n"                       /* 13 */
				  "Name = \"ACME Corp\"\n"
				  "Dir = \"sub\\\"\n"
				  "Outer = \"%Inner%\"\n"
				  "Inner = no\n"
				  "KeyTok = kk\n"
				  "quoted = \"\"\"q\"\"\"\n"
				  "InStrings = %not_expanded_here%\n");
	static const struct {
		const char *key, *raw, *value;
	} rows[] = {
		{ "name", "%Name%", "ACME Corp" },
		{ "pct", "x%%y", "x%y" },                      /* %% is one literal % */
		{ "dirid", "%13%\\drv.sys", "%13%\\drv.sys" },  /* DIRIDs stay symbolic */
		{ "dir", "%Dir%\\f.sys", "sub\\f.sys" },       /* value's own trailing \ dropped */
		{ "nested", "%Outer%", "%Inner%" },            /* one pass, no recursion */
		{ "lone", "50%", "50%" },
		{ "undef", "pre%nope%post", "pre%nope%post" }, /* left verbatim */
		{ "case", "%NAME%-%quoted%", "ACME Corp-\"q\"" },
	};
	const struct inf_section *s = inf_find_section(f, "S");
	const struct inf_section *str = inf_find_section(f, "Strings");
	char *g = diag_text(f, NULL);
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		const struct inf_entry *e = inf_find_entry(f, s, rows[i].key);

		if (!e || strcmp(inf_entry_field(f, e, 0)->raw, rows[i].raw) != 0 ||
		    strcmp(inf_field_value(f, e, 0), rows[i].value) != 0) {
			print_error("%s: raw '%s' value '%s', expected '%s' '%s'\n", rows[i].key,
				    e ? inf_entry_field(f, e, 0)->raw : "(none)",
				    e ? inf_field_value(f, e, 0) : "(none)", rows[i].raw, rows[i].value);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* Keys are substituted too; lookups use the substituted key. */
	assert_non_null(inf_find_entry(f, s, "kk"));
	assert_string_equal(inf_section_entry(f, s, 6)->key, "%KeyTok%");
	/* [Strings] values are never substituted: value == raw. */
	assert_string_equal(inf_field_value(f, inf_find_entry(f, str, "InStrings"), 0),
			    "%not_expanded_here%");
	/* Only the undefined non-numeric token is reported, at the '%'. */
	assert_string_equal(g, "E 11:12 strings: string token %nope% is not defined in [Strings]\n");
	free(g);
	inf_free(f);
}

/*
 * The column of an undefined token is that of its '%' in the file, also
 * when quotes or a continuation precede it within the same field.
 */
static void test_inf__undefined_token_position(void **state)
{
	static const struct {
		const char *text, *diags;
	} rows[] = {
		{ "[S]\na = x, pre%nope%\n",
		  "E 2:11 strings: string token %nope% is not defined in [Strings]\n" },
		{ "[S]\na = \"q\"%nope%\n",
		  "E 2:8 strings: string token %nope% is not defined in [Strings]\n" },
		{ "[S]\na = x\\\n%nope%\n",
		  "E 3:1 strings: string token %nope% is not defined in [Strings]\n" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct inf_file *f = load(rows[i].text);
		char *g = diag_text(f, "version");

		if (strcmp(g, rows[i].diags) != 0) {
			print_error("row %zu: got %s       expected %s", i, g, rows[i].diags);
			bad++;
		}
		free(g);
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

static void test_inf__strings_locale_selection(void **state)
{
	static const char text[] = "[S]\n"
				   "a = %A%\n"
				   "b = %B%\n"
				   "c = %C%\n"
				   "[Strings]\n"
				   "A = def\n"
				   "B = defB\n"
				   "C = defC\n"
				   "[Strings.0407]\n"
				   "A = de\n"
				   "[strings.0409]\n"
				   "A = us\n"
				   "B = usB\n"
				   "[Strings.0009]\n"
				   "A = en\n";
	static const struct {
		unsigned locale;
		const char *local; /* chosen [Strings.LLLL], NULL for none */
		const char *a, *b, *c;
	} rows[] = {
		{ 0, "strings.0409", "us", "usB", "defC" },  /* 0 means 0x0409 */
		{ 0x0409, "strings.0409", "us", "usB", "defC" },
		{ 0x0407, "Strings.0407", "de", "defB", "defC" },
		/* en-GB: no exact match, SUBLANG_NEUTRAL 0x0009 before another English */
		{ 0x0809, "Strings.0009", "en", "defB", "defC" },
		/* de-AT: same primary language, any sublanguage */
		{ 0x0C07, "Strings.0407", "de", "defB", "defC" },
		/* French: nothing matches, every key from [Strings] */
		{ 0x040C, NULL, "def", "defB", "defC" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct inf_options opt = { 0, rows[i].locale };
		struct inf_file *f = load_bytes((const unsigned char *)text, strlen(text), &opt);
		const struct inf_section *s = inf_find_section(f, "S");
		const char *a = inf_field_value(f, inf_find_entry(f, s, "a"), 0);
		const char *b = inf_field_value(f, inf_find_entry(f, s, "b"), 0);
		const char *c = inf_field_value(f, inf_find_entry(f, s, "c"), 0);
		const char *local = f->strings_local ? f->strings_local->name : NULL;

		if (strcmp(a, rows[i].a) || strcmp(b, rows[i].b) || strcmp(c, rows[i].c) ||
		    (local == NULL) != (rows[i].local == NULL) ||
		    (local && strcmp(local, rows[i].local))) {
			print_error("locale %04x: [%s] %s %s %s, expected [%s] %s %s %s\n",
				    rows[i].locale, local ? local : "-", a, b, c,
				    rows[i].local ? rows[i].local : "-", rows[i].a, rows[i].b, rows[i].c);
			bad++;
		}
		assert_int_equal(inf_count_diags(f, INF_ERROR), 1); /* only "no [Version]" */
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

/* --- [Version] (§1.12) -------------------------------------------------------- */

static void test_inf__version_signature(void **state)
{
	static const struct {
		const char *text;
		const char *diags; /* kind "version" only */
	} rows[] = {
		{ "[Version]\nSignature=\"$Windows NT$\"\n", "" },
		{ "[Version]\nSignature=$WINDOWS NT$\n", "" },
		{ "[version]\nsignature = \"$Chicago$\"\n", "" },
		{ "[Version]\nSignature=\"$Windows 95$\"\n",
		  "E 2:11 version: Signature '$Windows 95$' is not \"$Windows NT$\" or \"$Chicago$\"\n" },
		{ "[Version]\nSignature=Windows NT\n",
		  "E 2:11 version: Signature 'Windows NT' is not \"$Windows NT$\" or \"$Chicago$\"\n" },
		{ "[Version]\nClass=System\n",
		  "E 1:1 version: [Version] has no Signature; Windows needs \"$Windows NT$\" or \"$Chicago$\"\n" },
		{ "[S]\na=1\n",
		  "E 1:1 version: no [Version] section: this is not an INF file Windows will accept\n" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct inf_file *f = load(rows[i].text);
		char *g = diags_of_kind(f, "version");

		if (strcmp(g, rows[i].diags) != 0) {
			print_error("row %zu: got\n%s--- expected\n%s---\n", i, g, rows[i].diags);
			bad++;
		}
		free(g);
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

static void test_inf__catalog_for_arch(void **state)
{
	struct inf_file *f = load("[Version]\n"
				  "Signature=\"$Windows NT$\"\n"
				  "CatalogFile = all.cat\n"
				  "CatalogFile.NT = nt.cat\n"
				  "catalogfile.ntAMD64 = x64.cat\n"
				  "CatalogFile.NTfoo = bad.cat\n"
				  "CatalogFile.NTamd64 = second.cat\n");
	struct inf_file *g = load("[Version]\n"
				  "Signature=\"$Windows NT$\"\n"
				  "CatalogFile.NTx86 = x86.cat\n"
				  "CatalogFile = all.cat\n");
	struct inf_file *h = load("[Version]\nSignature=\"$Windows NT$\"\n");
	struct inf_value v;
	char *d;

	(void)state;
	/* .NT<arch> over .NT over undecorated; the first of a repeated key wins. */
	v = inf_catalog_for_arch(f, INF_ARCH_AMD64);
	assert_string_equal(v.value, "x64.cat");
	assert_int_equal(v.pos.line, 5);
	assert_int_equal(v.pos.col, 23);
	assert_string_equal(inf_catalog_for_arch(f, INF_ARCH_X86).value, "nt.cat");
	assert_string_equal(inf_catalog_for_arch(f, INF_ARCH_ARM64).value, "nt.cat");
	d = diag_text(f, NULL);
	assert_string_equal(d, "W 6:1 version: CatalogFile.NTfoo is not a CatalogFile decoration Windows knows (.NT, .NTx86, .NTamd64, .NTarm64, .NTia64, .NTarm)\n");
	free(d);

	assert_string_equal(inf_catalog_for_arch(g, INF_ARCH_X86).value, "x86.cat");
	assert_string_equal(inf_catalog_for_arch(g, INF_ARCH_AMD64).value, "all.cat");
	assert_null(inf_catalog_for_arch(h, INF_ARCH_AMD64).value);
	inf_free(f);
	inf_free(g);
	inf_free(h);
}

static void test_inf__driverver(void **state)
{
	static const struct {
		const char *value;
		bool valid;
		unsigned month, day, year, nversion, version[4];
		const char *diags; /* DriverVer is on line 3, its value at column 13 */
	} rows[] = {
		{ "09/15/2023,1.2.3.4", true, 9, 15, 2023, 4, { 1, 2, 3, 4 }, "" },
		{ "02-29-2024,10.0.19041.65534", true, 2, 29, 2024, 4, { 10, 0, 19041, 65534 }, "" },
		{ "02/29/2000,1.0.0.0", true, 2, 29, 2000, 4, { 1, 0, 0, 0 }, "" },
		{ "13/01/2023,1.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer date '13/01/2023' has month 13; months run 01 to 12 (mm/dd/yyyy)\n" },
		{ "04/31/2023,1.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer date '04/31/2023' has day 31, which month 4 of 2023 does not have\n" },
		{ "02/29/2023,1.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer date '02/29/2023' has day 29, which month 2 of 2023 does not have\n" },
		{ "01/01/23,1.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer date '01/01/23' is not mm/dd/yyyy (the year needs four digits)\n" },
		{ "15.09.2023,1.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer date '15.09.2023' is not mm/dd/yyyy\n" },
		{ "01/02-2023,1.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer date '01/02-2023' is not mm/dd/yyyy\n" },
		{ "01/01/2023", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer has no version; [Version] needs mm/dd/yyyy,w.x.y.z\n" },
		{ "01/01/2023,", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer has no version; [Version] needs mm/dd/yyyy,w.x.y.z\n" },
		{ "01/01/2023,1.65536.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:24 version: DriverVer version '1.65536.0.0' is not w.x.y.z with numbers from 0 to 65534\n" },
		{ "01/01/2023,1.2.3.4.5", false, 0, 0, 0, 0, { 0 },
		  "E 3:24 version: DriverVer version '1.2.3.4.5' is not w.x.y.z with numbers from 0 to 65534\n" },
		{ "01/01/2023,1..2.3", false, 0, 0, 0, 0, { 0 },
		  "E 3:24 version: DriverVer version '1..2.3' is not w.x.y.z with numbers from 0 to 65534\n" },
		/* DRIVERVER: parts below 65535, 0.0.0.0 not valid, two-digit month and day. */
		{ "01/01/2023,65535.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:24 version: DriverVer version '65535.0.0.0' is not w.x.y.z with numbers from 0 to 65534\n" },
		{ "01/01/2023,0.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:24 version: DriverVer version '0.0.0.0' is not valid: 0.0.0.0 is reserved\n" },
		{ "1/01/2023,1.0.0.0", false, 0, 0, 0, 0, { 0 },
		  "E 3:13 version: DriverVer date '1/01/2023' is not mm/dd/yyyy\n" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		char text[256];
		struct inf_file *f;
		const struct inf_driverver *dv;
		char *g;

		snprintf(text, sizeof(text), "[Version]\nSignature=\"$Windows NT$\"\nDriverVer = %s\n",
			 rows[i].value);
		f = load(text);
		dv = &f->version.driverver;
		g = diag_text(f, NULL);
		if (!dv->present || dv->valid != rows[i].valid || strcmp(dv->text, rows[i].value) ||
		    strcmp(g, rows[i].diags)) {
			print_error("'%s': valid %d text '%s' diags\n%s--- expected valid %d\n%s---\n",
				    rows[i].value, dv->valid, dv->text, g, rows[i].valid, rows[i].diags);
			bad++;
		} else if (rows[i].valid &&
			   (dv->month != rows[i].month || dv->day != rows[i].day ||
			    dv->year != rows[i].year || dv->nversion != rows[i].nversion ||
			    memcmp(dv->version, rows[i].version, sizeof(dv->version)))) {
			print_error("'%s': parsed %u/%u/%u %u parts %u.%u.%u.%u\n", rows[i].value,
				    dv->month, dv->day, dv->year, dv->nversion, dv->version[0],
				    dv->version[1], dv->version[2], dv->version[3]);
			bad++;
		}
		free(g);
		inf_free(f);
	}
	assert_int_equal(bad, 0);
}

/* --- platform decorations (§1.13) ------------------------------------------- */

static void test_inf__install_section_precedence(void **state)
{
	struct inf_file *f = load("[Version]\nSignature=\"$Windows NT$\"\n"
				  "[Inst]\n[Inst.NT]\n[inst.ntAMD64]\n"
				  "[Only]\n"
				  "[Both]\n[Both.NT]\n"
				  "[Arm.NTarm64]\n");
	static const struct {
		const char *base;
		enum inf_arch arch;
		const char *want; /* NULL: none */
	} rows[] = {
		{ "Inst", INF_ARCH_AMD64, "inst.ntAMD64" },
		{ "INST", INF_ARCH_X86, "Inst.NT" },
		{ "Inst", INF_ARCH_ARM64, "Inst.NT" },
		{ "Inst", INF_ARCH_NONE, "Inst.NT" },
		{ "Only", INF_ARCH_AMD64, "Only" },
		{ "Both", INF_ARCH_AMD64, "Both.NT" },
		{ "Arm", INF_ARCH_ARM64, "Arm.NTarm64" },
		{ "Arm", INF_ARCH_AMD64, NULL },
		{ "Missing", INF_ARCH_X86, NULL },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		const struct inf_section *s = inf_find_install_section(f, rows[i].base, rows[i].arch);
		const char *got = s ? s->name : NULL;

		if ((got == NULL) != (rows[i].want == NULL) || (got && strcmp(got, rows[i].want))) {
			print_error("%s for %s: [%s], expected [%s]\n", rows[i].base,
				    inf_arch_name(rows[i].arch), got ? got : "-",
				    rows[i].want ? rows[i].want : "-");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	inf_free(f);
}

static void test_inf__targetos_parse(void **state)
{
	static const struct {
		const char *text;
		bool valid;
		enum inf_arch arch;
		bool has_version;
		unsigned long major, minor, product, suite, build;
		const char *why;
	} rows[] = {
		{ "NTamd64", true, INF_ARCH_AMD64, false, 0, 0, 0, 0, 0, NULL },
		{ "NTamd64.10.0...16299", true, INF_ARCH_AMD64, true, 10, 0, 0, 0, 16299, NULL },
		{ "NTx86....0x80", true, INF_ARCH_X86, false, 0, 0, 0, 0x80, 0, NULL },
		{ "NT$ARCH$.10.0.1..16299", true, INF_ARCH_TEMPLATE, true, 10, 0, 1, 0, 16299, NULL },
		{ "NT.5.1", true, INF_ARCH_NONE, true, 5, 1, 0, 0, 0, NULL },
		{ "nTaRM64.10.0.3", true, INF_ARCH_ARM64, true, 10, 0, 3, 0, 0, NULL },
		{ "NT", true, INF_ARCH_NONE, false, 0, 0, 0, 0, 0, NULL },
		{ "NTfoo", false, 0, false, 0, 0, 0, 0, 0,
		  "its architecture is not x86, amd64, arm64, arm or ia64" },
		{ "NT$arch$.10.0", false, 0, false, 0, 0, 0, 0, 0, /* $ARCH$ is case-sensitive */
		  "its architecture is not x86, amd64, arm64, arm or ia64" },
		{ "NTamd64.a.b", false, 0, false, 0, 0, 0, 0, 0, "a version field is not a number" },
		{ "NTamd64.10.0...-1", false, 0, false, 0, 0, 0, 0, 0,
		  "a version field is not a number" },
		{ "NTamd64.10.0.1.0.16299.1", false, 0, false, 0, 0, 0, 0, 0,
		  "it has more than five version fields" },
		{ "NTamd64.10.0.4", false, 0, false, 0, 0, 0, 0, 0, "its product type is not 1, 2 or 3" },
		{ "amd64.10.0", false, 0, false, 0, 0, 0, 0, 0, "it does not start with NT" },
	};
	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < N_ROWS(rows); i++) {
		struct inf_targetos t;
		const char *why = NULL;
		bool ok = inf_targetos_parse(rows[i].text, &t, &why);

		if (ok != rows[i].valid || t.valid != rows[i].valid) {
			print_error("%s: valid %d (%s), expected %d\n", rows[i].text, ok,
				    why ? why : "-", rows[i].valid);
			bad++;
		} else if (!ok && strcmp(why, rows[i].why)) {
			print_error("%s: why '%s', expected '%s'\n", rows[i].text, why, rows[i].why);
			bad++;
		} else if (ok && (t.arch != rows[i].arch || t.has_version != rows[i].has_version ||
				  t.major != rows[i].major || t.minor != rows[i].minor ||
				  t.product_type != rows[i].product || t.suite_mask != rows[i].suite ||
				  t.build != rows[i].build || strcmp(t.text, rows[i].text))) {
			print_error("%s: arch %s ver %d %lu.%lu pt %lu suite %#lx build %lu\n",
				    rows[i].text, inf_arch_name(t.arch), t.has_version, t.major,
				    t.minor, t.product_type, t.suite_mask, t.build);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_inf__manufacturer_entries(void **state)
{
	struct inf_file *f = load("[Version]\n"                                   /* 1 */
				  "Signature=\"$Windows NT$\"\n"                    /* 2 */
				  "[Manufacturer]\n"                                /* 3 */
				  "%Mfg% = Models, NTamd64, NTamd64.10.0...16299\n" /* 4 */
				  "NoKey\n"                                         /* 5 */
				  "%Mfg% =\n"                                       /* 6 */
				  "Bad = BadModels, NTfoo,, NTx86\n"                /* 7 */
				  "[Strings]\n"
				  "Mfg = \"ACME\"\n");
	const struct inf_manufacturer *m = f->manufacturers;
	char *g = diag_text(f, NULL);

	(void)state;
	assert_int_equal(f->nmanufacturers, 3);
	assert_string_equal(m[0].name, "ACME");
	assert_string_equal(m[0].models, "Models");
	assert_int_equal(m[0].pos.line, 4);
	assert_int_equal(m[0].ntargets, 2);
	assert_string_equal(m[0].targets[0].text, "NTamd64");
	assert_string_equal(m[0].targets[1].text, "NTamd64.10.0...16299");
	assert_int_equal(m[0].targets[1].build, 16299);
	/* A line without a key names the models section only. */
	assert_string_equal(m[1].name, "NoKey");
	assert_string_equal(m[1].models, "NoKey");
	assert_int_equal(m[1].ntargets, 0);
	/* Empty decoration fields are skipped; malformed ones are kept, invalid. */
	assert_string_equal(m[2].models, "BadModels");
	assert_int_equal(m[2].ntargets, 2);
	assert_false(m[2].targets[0].valid);
	assert_true(m[2].targets[1].valid);
	assert_int_equal(m[2].targets[1].arch, INF_ARCH_X86);
	assert_string_equal(g, "E 6:1 models: [Manufacturer] entry names no models section\n"
			       "E 7:18 models: TargetOSVersion 'NTfoo' is malformed: its architecture is not x86, amd64, arm64, arm or ia64\n");
	free(g);
	inf_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inf__lex_comments_and_quotes),
		cmocka_unit_test(test_inf__lex_continuation),
		cmocka_unit_test(test_inf__lex_keys_and_whitespace),
		cmocka_unit_test(test_inf__lex_sections),
		cmocka_unit_test(test_inf__line_ends_and_columns),
		cmocka_unit_test(test_inf__lone_cr_is_a_line_end),
		cmocka_unit_test(test_inf__limits),
		cmocka_unit_test(test_inf__long_field_is_cut_to_4095_characters),
		cmocka_unit_test(test_inf__encoding_diagnostics),
		cmocka_unit_test(test_inf__load_failures),
		cmocka_unit_test(test_inf__lookup_is_case_insensitive),
		cmocka_unit_test(test_inf__string_substitution),
		cmocka_unit_test(test_inf__undefined_token_position),
		cmocka_unit_test(test_inf__strings_locale_selection),
		cmocka_unit_test(test_inf__version_signature),
		cmocka_unit_test(test_inf__catalog_for_arch),
		cmocka_unit_test(test_inf__driverver),
		cmocka_unit_test(test_inf__install_section_precedence),
		cmocka_unit_test(test_inf__targetos_parse),
		cmocka_unit_test(test_inf__manufacturer_entries),
	};

	return cmocka_run_group_tests_name("inf", tests, NULL, NULL);
}
