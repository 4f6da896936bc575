/*
 * test_util.c - src/util: capped buffer, array growth, arena, string helpers,
 * JSON writer, INF text decoding (inf-format.md §1.1) and the confined,
 * case-insensitive file lookup the package walk relies on (§2.2 path rules).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/util/buf.h"
#include "../../src/util/fs.h"
#include "../../src/util/json.h"
#include "../../src/util/map.h"
#include "../../src/util/str.h"
#include "../../src/util/text.h"

/* A byte-string literal and its length (embedded NULs included). */
#define BYTES(s) (const unsigned char *)(s), (sizeof(s) - 1)

/* --- dc_buf ----------------------------------------------------------- */

static void test_util__buf_append_stops_at_cap(void **state)
{
	struct dc_buf b;
	struct dc_error err = { 0, "" };

	(void)state;
	dc_buf_init(&b, 8);
	assert_int_equal(dc_buf_puts(&b, "1234", &err), 0);
	assert_int_equal(dc_buf_append(&b, "5678", 4, &err), 0);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");

	/* One byte over the cap fails and leaves the contents untouched. */
	assert_int_equal(dc_buf_putc(&b, 'x', &err), DC_ENOMEM);
	assert_int_equal(err.code, DC_ENOMEM);
	assert_string_equal(err.msg, "text longer than the limit of 8 bytes");
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");

	/* A length that would wrap len + n must be refused, not wrapped. */
	assert_int_equal(dc_buf_append(&b, "x", SIZE_MAX, &err), DC_ENOMEM);
	assert_int_equal(b.len, 8);
	dc_buf_free(&b);
	assert_null(b.data);
}

static void test_util__buf_printf_long_and_over_cap(void **state)
{
	struct dc_buf b;
	struct dc_error err = { 0, "" };
	char want[301];

	(void)state;
	/* 300 characters do not fit dc_buf_printf's 256-byte stack buffer. */
	memset(want, '0', 299);
	want[299] = '7';
	want[300] = '\0';
	dc_buf_init(&b, 310);
	assert_int_equal(dc_buf_printf(&b, &err, "%0300d", 7), 0);
	assert_int_equal(b.len, 300);
	assert_string_equal(b.data, want);
	assert_int_equal(dc_buf_printf(&b, &err, "%s", "0123456789"), 0); /* exactly full */
	assert_int_equal(dc_buf_printf(&b, &err, "%c", 'x'), DC_ENOMEM);
	assert_string_equal(err.msg, "text longer than the limit of 310 bytes");
	assert_int_equal(b.len, 310);
	dc_buf_free(&b);
}

static void test_util__buf_reset_and_detach(void **state)
{
	struct dc_buf b;
	struct dc_error err = { 0, "" };
	char *s;

	(void)state;
	dc_buf_init(&b, 100);
	/* Detaching a never-written buffer still gives a string the caller can free. */
	s = dc_buf_detach(&b);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);

	assert_int_equal(dc_buf_puts(&b, "abc", &err), 0);
	dc_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(dc_buf_puts(&b, "xy", &err), 0);
	s = dc_buf_detach(&b);
	assert_string_equal(s, "xy");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(s);
	dc_buf_free(&b);
}

static void test_util__array_grow(void **state)
{
	static const struct {
		size_t cap, need, elem;
		int rc;
		size_t want_cap;
	} rows[] = {
		{ 0, 0, 4, 0, 0 },                        /* nothing needed: no allocation */
		{ 0, 1, 4, 0, 8 },                        /* first growth is 8 elements */
		{ 0, 9, 4, 0, 16 },                       /* then doubling */
		{ 0, 100, 4, 0, 128 },
		{ 0, SIZE_MAX, 1, DC_ENOMEM, 0 },         /* doubling would overflow */
		{ 0, SIZE_MAX / 16 + 1, 16, DC_ENOMEM, 0 }, /* count * elem would overflow */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dc_error err = { 0, "" };
		int *items = NULL;
		size_t cap = rows[i].cap;
		int rc = dc_array_grow((void **)&items, &cap, rows[i].need, rows[i].elem, &err);

		assert_int_equal(rc, rows[i].rc);
		assert_int_equal(cap, rows[i].want_cap);
		if (rc) {
			assert_null(items);
			assert_string_equal(err.msg, "out of memory");
		} else if (rows[i].need) {
			assert_non_null(items);
			items[rows[i].need - 1] = 1; /* ASan: the last needed element is writable */
		}
		free(items);
	}
}

static void test_util__arena_alignment_and_copies(void **state)
{
	struct dc_arena a;
	char *big;
	void *p;

	(void)state;
	dc_arena_init(&a);
	for (size_t n = 1; n < 40; n += 3) {
		p = dc_arena_alloc(&a, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xAB, n);
	}
	assert_string_equal(dc_arena_strndup(&a, "hello", 3), "hel");
	assert_string_equal(dc_arena_strndup(&a, "", 0), "");
	assert_string_equal(dc_arena_strdup(&a, "world"), "world");
	/* Larger than a chunk: must get its own block, fully usable. */
	big = dc_arena_alloc(&a, 100000);
	assert_non_null(big);
	memset(big, 'z', 100000);
	assert_null(dc_arena_alloc(&a, SIZE_MAX));
	dc_arena_free(&a);
	assert_null(a.head);
}

/* --- str.h ------------------------------------------------------------ */

static void test_util__str_case_insensitive_compare(void **state)
{
	char lower[] = "CopyFiles.NTAMD64 \xC3\x89";

	(void)state;
	assert_int_equal(dc_strcasecmp("Version", "VERSION"), 0);
	assert_true(dc_strcasecmp("a", "B") < 0);  /* ordinal on lower-cased ASCII */
	assert_true(dc_strcasecmp("b", "A") > 0);
	assert_true(dc_strcasecmp("ab", "A") > 0);
	assert_true(dc_strcasecmp("_", "a") < 0);  /* '_' (0x5F) < 'a'; not upper-cased */
	/* Non-ASCII bytes compare exactly: É is not é. */
	assert_false(dc_strcaseeq("\xC3\x89", "\xC3\xA9"));
	assert_true(dc_strncaseeq("Strings.0409", "STRINGS.x", 8));
	assert_false(dc_strncaseeq("Strings", "Strung", 6));
	assert_true(dc_has_prefix_ci("CatalogFile.NTamd64", "catalogfile.nt"));
	assert_false(dc_has_prefix_ci("Cat", "catalog"));
	assert_true(dc_has_suffix_ci("DRIVER.INF", ".inf"));
	assert_false(dc_has_suffix_ci("inf", ".inf"));
	assert_string_equal(dc_str_lower(lower), "copyfiles.ntamd64 \xC3\x89");
	assert_int_equal(dc_hash_ci("SourceDisksFiles"), dc_hash_ci("sourcedisksfiles"));
	assert_int_not_equal(dc_hash_ci("SourceDisksFiles"), dc_hash_ci("SourceDisksNames"));
}

static void test_util__parse_u32(void **state)
{
	static const struct {
		const char *in;
		bool ok;
		unsigned long val;
	} rows[] = {
		{ "0", true, 0 },
		{ "16299", true, 16299 },
		{ "010", true, 10 },               /* decimal, not octal */
		{ "4294967295", true, 4294967295ul },
		{ "0x80", true, 0x80 },
		{ "0XFFFFFFFF", true, 0xFFFFFFFFul },
		{ "4294967296", false, 0 },        /* does not fit 32 bits */
		{ "0x100000000", false, 0 },
		{ "99999999999999999999999", false, 0 },
		{ "", false, 0 },
		{ "-1", false, 0 },
		{ "+1", false, 0 },
		{ " 1", false, 0 },
		{ "1 ", false, 0 },
		{ "\t1", false, 0 },               /* the number must fill the whole string */
		{ "12a", false, 0 },
		{ "0x", false, 0 },
		{ "0x-1", false, 0 },
		{ "0x0x1", false, 0 },             /* one 0x prefix, not two */
		{ "1.0", false, 0 },
	};

	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned long v = 12345;
		bool ok = dc_parse_u32(rows[i].in, &v);

		if (ok != rows[i].ok || (ok && v != rows[i].val)) {
			print_error("dc_parse_u32(\"%s\") returned %d (%lu), expected %d (%lu)\n",
				    rows[i].in, ok, v, rows[i].ok, rows[i].val);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void test_util__utf8_count(void **state)
{
	static const struct {
		const char *s;
		size_t n, count;
	} rows[] = {
		{ "", 0, 0 },
		{ "abc", 3, 3 },
		{ "abc", 2, 2 },                       /* only n bytes are looked at */
		{ "\xC3\xA9", 2, 1 },                  /* é */
		{ "a\xE2\x82\xAC" "b", 5, 3 },         /* a€b */
		{ "\xF0\x9F\x98\x80", 4, 1 },          /* U+1F600 */
		{ "a\0b", 3, 1 },                      /* stops at NUL */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(dc_utf8_count(rows[i].s, rows[i].n), rows[i].count);
}

/* --- json.h ----------------------------------------------------------- */

static void test_util__json_nesting_and_layout(void **state)
{
	struct dc_buf b;
	struct dc_error err = { 0, "" };
	struct dc_json j;

	(void)state;
	dc_buf_init(&b, 4096);
	dc_json_init(&j, &b, &err);
	dc_json_object_begin(&j);
	dc_json_kv_string(&j, "name", "foo");
	dc_json_kv_uint(&j, "size", UINT64_MAX);
	dc_json_kv_bool(&j, "ok", true);
	dc_json_kv_string(&j, "none", NULL);
	dc_json_key(&j, "list");
	dc_json_array_begin(&j);
	dc_json_uint(&j, 1);
	dc_json_object_begin(&j);
	dc_json_kv_bool(&j, "x", false);
	dc_json_object_end(&j);
	dc_json_null(&j);
	dc_json_string(&j, "s");
	dc_json_array_end(&j);
	dc_json_key(&j, "empty_obj");
	dc_json_object_begin(&j);
	dc_json_object_end(&j);
	dc_json_key(&j, "empty_arr");
	dc_json_array_begin(&j);
	dc_json_array_end(&j);
	dc_json_object_end(&j);
	assert_int_equal(dc_json_finish(&j), 0);
	assert_string_equal(b.data,
			    "{\n"
			    "  \"name\": \"foo\",\n"
			    "  \"size\": 18446744073709551615,\n"
			    "  \"ok\": true,\n"
			    "  \"none\": null,\n"
			    "  \"list\": [\n"
			    "    1,\n"
			    "    {\n"
			    "      \"x\": false\n"
			    "    },\n"
			    "    null,\n"
			    "    \"s\"\n"
			    "  ],\n"
			    "  \"empty_obj\": {},\n"
			    "  \"empty_arr\": []\n"
			    "}\n");
	dc_buf_free(&b);
}

static void test_util__json_escaping(void **state)
{
	struct dc_buf b;
	struct dc_error err = { 0, "" };
	struct dc_json j;

	(void)state;
	dc_buf_init(&b, 4096);
	dc_json_init(&j, &b, &err);
	dc_json_object_begin(&j);
	/* Keys are escaped like values; UTF-8 and DEL pass through unchanged. */
	dc_json_kv_string(&j, "k\"\\", "q\"b\\s/\n\r\t\x01\x1f\x7f \xC3\xA9");
	dc_json_object_end(&j);
	assert_int_equal(dc_json_finish(&j), 0);
	assert_string_equal(b.data, "{\n"
				    "  \"k\\\"\\\\\": \"q\\\"b\\\\s/\\u000a\\u000d\\u0009\\u0001\\u001f\x7f \xC3\xA9\"\n"
				    "}\n");
	dc_buf_free(&b);
}

static void test_util__json_errors_are_sticky(void **state)
{
	struct dc_buf b;
	struct dc_error err = { 0, "" };
	struct dc_json j;
	size_t len;

	(void)state;
	dc_buf_init(&b, 16);
	dc_json_init(&j, &b, &err);
	dc_json_object_begin(&j);
	dc_json_kv_string(&j, "key", "a value longer than sixteen bytes");
	len = b.len;
	dc_json_kv_uint(&j, "n", 1);
	dc_json_object_end(&j);
	assert_int_equal(b.len, len); /* nothing is written after the first failure */
	assert_int_equal(dc_json_finish(&j), DC_ENOMEM);
	assert_string_equal(err.msg, "text longer than the limit of 16 bytes");
	dc_buf_free(&b);

	dc_buf_init(&b, 4096);
	dc_json_init(&j, &b, &err);
	for (int i = 0; i < DC_JSON_MAX_DEPTH + 8; i++)
		dc_json_array_begin(&j);
	for (int i = 0; i < DC_JSON_MAX_DEPTH + 8; i++)
		dc_json_array_end(&j);
	assert_int_equal(dc_json_finish(&j), DC_EUSAGE);
	assert_string_equal(err.msg, "JSON nested too deeply");
	dc_buf_free(&b);
}

/* --- text.h (inf-format.md §1.1) ----------------------------------------- */

struct decode_row {
	const char *name;
	const unsigned char *data;
	size_t len;
	unsigned codepage;
	int rc;
	const char *out; /* UTF-8 text, or the error message when rc != 0 */
	enum text_encoding enc;
	bool ctrl_z, high_ansi;
};

static void test_util__text_decode(void **state)
{
	static const struct decode_row rows[] = {
		{ "utf16le bom", BYTES("\xFF\xFE" "a\0" "\xE9\0"), 0, 0, "a\xC3\xA9",
		  TEXT_UTF16LE_BOM, false, false },
		{ "utf16le surrogate pair", BYTES("\xFF\xFE" "\x3D\xD8\x00\xDE"), 0, 0,
		  "\xF0\x9F\x98\x80", TEXT_UTF16LE_BOM, false, false },
		{ "utf16be bom", BYTES("\xFE\xFF" "\0a" "\0\xE9"), 0, 0, "a\xC3\xA9",
		  TEXT_UTF16BE_BOM, false, false },
		{ "utf16le without bom", BYTES("[\0V\0]\0\r\0\n\0"), 0, 0, "[V]\r\n",
		  TEXT_UTF16LE_NOBOM, false, false },
		/* A BOM wins over a forced code page (which is for BOM-less files only). */
		{ "utf16le bom, codepage forced", BYTES("\xFF\xFE" "\xE9\0"), 1252, 0, "\xC3\xA9",
		  TEXT_UTF16LE_BOM, false, false },
		{ "utf8 bom", BYTES("\xEF\xBB\xBF" "x=\xC3\xA9"), 0, 0, "x=\xC3\xA9", TEXT_UTF8_BOM,
		  false, false },
		{ "utf8 without bom", BYTES("\xC2\xA9 2024"), 0, 0, "\xC2\xA9 2024", TEXT_UTF8, false,
		  false },
		{ "plain ascii is ansi", BYTES("[Version]\n"), 0, 0, "[Version]\n", TEXT_ANSI, false,
		  false },
		/* 0x81 and 0x8D are undefined in cp1252; Windows maps them to U+0081/U+008D. */
		{ "cp1252 incl. undefined bytes", BYTES("\x80\x81\x8D\xE9"), 0, 0,
		  "\xE2\x82\xAC\xC2\x81\xC2\x8D\xC3\xA9", TEXT_ANSI, false, true },
		{ "codepage forced on utf8 bytes", BYTES("\xC2\xA9"), 1252, 0, "\xC3\x82\xC2\xA9",
		  TEXT_ANSI, false, true },
		{ "ctrl-z ends ansi text", BYTES("ab\x1A" "cd"), 0, 0, "ab", TEXT_ANSI, true, false },
		{ "nul ends ansi text", BYTES("ab\0cd"), 0, 0, "ab", TEXT_ANSI, false, false },
		{ "ctrl-z ends utf16 text", BYTES("\xFF\xFE" "a\0\x1A\0" "b\0"), 0, 0, "a",
		  TEXT_UTF16LE_BOM, true, false },
		{ "nul ends utf16 text", BYTES("\xFF\xFE" "a\0\0\0" "b\0"), 0, 0, "a",
		  TEXT_UTF16LE_BOM, false, false },
		{ "odd trailing byte is cut", BYTES("\xFF\xFE" "a\0" "b"), 0, 0, "a",
		  TEXT_UTF16LE_BOM, false, false },
		/* Offsets count from the start of the file, BOM included. */
		{ "lone low surrogate", BYTES("\xFF\xFE" "a\0" "\x00\xDC" "b\0"), 0, DC_ESYNTAX,
		  "t.inf: offset 0x4: invalid UTF-16LE sequence", TEXT_UTF16LE_BOM, false, false },
		{ "high surrogate without low", BYTES("\xFF\xFE" "a\0" "\x00\xD8" "b\0"), 0, DC_ESYNTAX,
		  "t.inf: offset 0x4: invalid UTF-16LE sequence", TEXT_UTF16LE_BOM, false, false },
		{ "high surrogate at end", BYTES("\xFF\xFE" "a\0" "\x00\xD8"), 0, DC_ESYNTAX,
		  "t.inf: offset 0x4: truncated UTF-16LE character at end of file", TEXT_UTF16LE_BOM,
		  false, false },
		{ "utf16be lone surrogate", BYTES("\xFE\xFF" "\0a" "\xD8\x00" "\0b"), 0, DC_ESYNTAX,
		  "t.inf: offset 0x4: invalid UTF-16BE sequence", TEXT_UTF16BE_BOM, false, false },
		{ "bom-less utf16le lone surrogate", BYTES("a\0b\0\x01\xDC" "c\0d\0"), 0, DC_ESYNTAX,
		  "t.inf: offset 0x4: invalid UTF-16LE sequence", TEXT_UTF16LE_NOBOM, false, false },
	};

	size_t bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct decode_row *r = &rows[i];
		struct dc_error err = { 0, "" };
		struct text_decoded t;
		int rc = text_decode(&t, r->data, r->len, r->codepage, "t.inf", &err);

		if (rc != r->rc) {
			print_error("%s: rc %d, expected %d (%s)\n", r->name, rc, r->rc, err.msg);
			bad++;
		} else if (rc) {
			if (strcmp(err.msg, r->out) != 0) {
				print_error("%s: message '%s', expected '%s'\n", r->name, err.msg, r->out);
				bad++;
			}
		} else if (strcmp(t.utf8, r->out) != 0 || t.len != strlen(r->out)) {
			print_error("%s: decoded '%s' (%zu bytes), expected '%s'\n", r->name, t.utf8,
				    t.len, r->out);
			bad++;
		} else if (t.encoding != r->enc || t.ctrl_z != r->ctrl_z ||
			   t.high_ansi != r->high_ansi ||
			   (t.encoding == TEXT_ANSI &&
			    t.codepage != (r->codepage ? r->codepage : TEXT_DEFAULT_CODEPAGE))) {
			print_error("%s: %s cp %u ctrl_z %d high_ansi %d, expected %s %d %d\n", r->name,
				    text_encoding_name(t.encoding), t.codepage, t.ctrl_z, t.high_ansi,
				    text_encoding_name(r->enc), r->ctrl_z, r->high_ansi);
			bad++;
		}
		if (!rc) {
			text_decoded_free(&t);
			assert_null(t.utf8);
		}
	}
	assert_int_equal(bad, 0);
}

/* --- fs.h ------------------------------------------------------------- */

/*
 * A package tree under a fresh temp directory:
 *   base/secret.sys                 outside the package
 *   base/pkg/                        the root (realpath'd)
 *     Foo.sys  foo.sys  FOO.SYS      three case variants
 *     Bar.Sys                        one entry, differently cased
 *     X64/Drv.SYS
 *     plain.txt  (10 bytes)   big.bin  (100000 bytes)
 *     alias.sys -> X64/Drv.SYS       symlink inside
 *     out.sys -> ../secret.sys       symlink leading outside
 *     outdir -> ..                   symlinked directory leading outside
 *     dangle.sys -> nowhere
 *     a.inf  B.INF  dir.inf/  sub/c.inf  sub/deeper/d.inf  sub/deeper/e.txt
 *     linkdir -> sub                 symlinked directory inside
 */
struct fs_fixture {
	char base[64];
	char *root;
};

static void write_file(const char *dir, const char *rel, const char *data, size_t len)
{
	char *path = fs_join(dir, rel);
	FILE *fp;

	assert_non_null(path);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

static void make_dir(const char *dir, const char *rel)
{
	char *path = fs_join(dir, rel);

	assert_non_null(path);
	assert_int_equal(mkdir(path, 0755), 0);
	free(path);
}

static void make_link(const char *dir, const char *rel, const char *target)
{
	char *path = fs_join(dir, rel);

	assert_non_null(path);
	assert_int_equal(symlink(target, path), 0);
	free(path);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int fs_setup(void **state)
{
	struct fs_fixture *fx = calloc(1, sizeof(*fx));
	char *pkg, *big;

	if (!fx)
		return -1;
	strcpy(fx->base, "/tmp/dc-util-XXXXXX");
	if (!mkdtemp(fx->base))
		return -1;
	write_file(fx->base, "secret.sys", "secret", 6);
	make_dir(fx->base, "pkg");
	pkg = fs_join(fx->base, "pkg");
	fx->root = realpath(pkg, NULL);
	free(pkg);
	if (!fx->root)
		return -1;
	write_file(fx->root, "Foo.sys", "F", 1);
	write_file(fx->root, "foo.sys", "f", 1);
	write_file(fx->root, "FOO.SYS", "FF", 2);
	write_file(fx->root, "Bar.Sys", "b", 1);
	make_dir(fx->root, "X64");
	write_file(fx->root, "X64/Drv.SYS", "d", 1);
	write_file(fx->root, "plain.txt", "0123456789", 10);
	big = malloc(100000);
	if (!big)
		return -1;
	memset(big, 'B', 100000);
	write_file(fx->root, "big.bin", big, 100000);
	free(big);
	make_link(fx->root, "alias.sys", "X64/Drv.SYS");
	make_link(fx->root, "out.sys", "../secret.sys");
	make_link(fx->root, "outdir", "..");
	make_link(fx->root, "dangle.sys", "nowhere");
	write_file(fx->root, "a.inf", "", 0);
	write_file(fx->root, "B.INF", "", 0);
	make_dir(fx->root, "dir.inf");
	make_dir(fx->root, "sub");
	write_file(fx->root, "sub/c.inf", "", 0);
	make_dir(fx->root, "sub/deeper");
	write_file(fx->root, "sub/deeper/d.inf", "", 0);
	write_file(fx->root, "sub/deeper/e.txt", "", 0);
	make_link(fx->root, "linkdir", "sub");
	*state = fx;
	return 0;
}

static int fs_teardown(void **state)
{
	struct fs_fixture *fx = *state;

	rm_tree(fx->base);
	free(fx->root);
	free(fx);
	return 0;
}

struct resolve_row {
	const char *comps[3];
	size_t ncomps;
	bool want_dir;
	int rc;
	const char *out; /* resolved path, or the error message */
	bool ambiguous;
};

static void test_util__fs_resolve_ci(void **state)
{
	const struct fs_fixture *fx = *state;
	static const struct resolve_row rows[] = {
		/*
		 * An exact match wins, but case variants still make it ambiguous: on
		 * Windows they are one file, so the package cannot be copied there as is.
		 */
		{ { "foo.sys" }, 1, false, 0, "foo.sys", true },
		{ { "FOO.SYS" }, 1, false, 0, "FOO.SYS", true },
		/* No exact match, several variants: the first in byte order, flagged. */
		{ { "fOO.sys" }, 1, false, 0, "FOO.SYS", true },
		{ { "bar.sys" }, 1, false, 0, "Bar.Sys", false },
		{ { "x64", "drv.sys" }, 2, false, 0, "X64/Drv.SYS", false },
		{ { "x64" }, 1, true, 0, "X64", false },
		{ { "alias.sys" }, 1, false, 0, "alias.sys", false },
		{ { "nope.sys" }, 1, false, DC_ENOTFOUND,
		  "no file 'nope.sys' in the package's top directory", false },
		{ { "X64", "nope.sys" }, 2, false, DC_ENOTFOUND,
		  "no file 'nope.sys' in package directory 'X64/'", false },
		{ { "nodir", "a.sys" }, 2, false, DC_ENOTFOUND,
		  "no directory 'nodir' in the package's top directory", false },
		{ { "nodir" }, 1, true, DC_ENOTFOUND,
		  "no directory 'nodir' in the package's top directory", false },
		{ { "x64" }, 1, false, DC_ENOTFOUND, "'X64' is a directory, not a regular file", false },
		{ { "plain.txt" }, 1, true, DC_ENOTFOUND, "'plain.txt' is not a directory", false },
		{ { "plain.txt", "a" }, 2, false, DC_ENOTFOUND, "'plain.txt' is not a directory", false },
		{ { "out.sys" }, 1, false, DC_EPATH,
		  "'out.sys' is a symbolic link that leads outside the package", false },
		{ { "outdir", "secret.sys" }, 2, false, DC_EPATH,
		  "'outdir' is a symbolic link that leads outside the package", false },
		{ { "dangle.sys" }, 1, false, DC_ENOTFOUND, "'dangle.sys' is a dangling symbolic link",
		  false },
	};

	size_t bad = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct resolve_row *r = &rows[i];
		struct dc_error err = { 0, "" };
		char *rel = (char *)"unset";
		bool ambiguous = !r->ambiguous;
		/* Every row twice: uncached, and through a directory cache. */
		struct fs_dircache *cache = (i % 2) ? fs_dircache_new() : NULL;
		int rc = fs_resolve_ci(&rel, &ambiguous, fx->root, r->comps, r->ncomps, r->want_dir,
				       cache, &err);

		fs_dircache_free(cache);

		if (rc != r->rc) {
			print_error("row %zu (%s): rc %d, expected %d (%s)\n", i, r->comps[0], rc, r->rc,
				    err.msg);
			bad++;
		} else if (rc && (rel != NULL || strcmp(err.msg, r->out) != 0)) {
			print_error("row %zu: message '%s', expected '%s'\n", i, err.msg, r->out);
			bad++;
		} else if (!rc && (strcmp(rel, r->out) != 0 || ambiguous != r->ambiguous)) {
			print_error("row %zu: '%s' ambiguous=%d, expected '%s' ambiguous=%d\n", i, rel,
				    ambiguous, r->out, r->ambiguous);
			bad++;
		}
		if (!rc)
			free(rel);
	}
	assert_int_equal(bad, 0);
}

static void test_util__fs_list_suffix(void **state)
{
	const struct fs_fixture *fx = *state;
	static const struct {
		unsigned depth;
		const char *want; /* newline-joined */
	} rows[] = {
		{ 0, "B.INF\na.inf\n" },
		{ 1, "B.INF\na.inf\nsub/c.inf\n" },
		/* Never through linkdir/ or outdir/: symlinked directories are not followed. */
		{ 8, "B.INF\na.inf\nsub/c.inf\nsub/deeper/d.inf\n" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dc_error err = { 0, "" };
		char **list = NULL;
		size_t n = 0;
		char got[512] = "";

		assert_int_equal(fs_list_suffix(&list, &n, fx->root, ".INF", rows[i].depth, &err), 0);
		for (size_t k = 0; k < n; k++) {
			strncat(got, list[k], sizeof(got) - strlen(got) - 1);
			strncat(got, "\n", sizeof(got) - strlen(got) - 1);
		}
		assert_string_equal(got, rows[i].want);
		fs_list_free(list, n);
	}
}

static void test_util__fs_read_file_cap(void **state)
{
	const struct fs_fixture *fx = *state;
	char *plain = fs_join(fx->root, "plain.txt");
	char *big = fs_join(fx->root, "big.bin");
	char *missing = fs_join(fx->root, "missing.txt");
	char want[256];
	struct dc_error err = { 0, "" };
	unsigned char *data;
	size_t len;

	/* Exactly at the cap is fine; one byte under the file size is not. */
	assert_int_equal(fs_read_file(&data, &len, plain, 10, &err), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(data, "0123456789", 10);
	free(data);
	assert_int_equal(fs_read_file(&data, &len, plain, 9, &err), DC_ENOMEM);
	assert_null(data);
	snprintf(want, sizeof(want), "%s: larger than the limit of 9 bytes", plain);
	assert_string_equal(err.msg, want);

	/* Bigger than the first 64 KiB read chunk. */
	assert_int_equal(fs_read_file(&data, &len, big, 100000, &err), 0);
	assert_int_equal(len, 100000);
	assert_int_equal(data[0], 'B');
	assert_int_equal(data[99999], 'B');
	free(data);
	assert_int_equal(fs_read_file(&data, &len, big, 99999, &err), DC_ENOMEM);
	snprintf(want, sizeof(want), "%s: larger than the limit of 99999 bytes", big);
	assert_string_equal(err.msg, want);

	assert_int_equal(fs_read_file(&data, &len, missing, 100, &err), DC_EIO);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", missing);
	assert_string_equal(err.msg, want);
	assert_int_equal(fs_read_file(&data, &len, fx->root, 100, &err), DC_EIO);
	snprintf(want, sizeof(want), "%s: is a directory, not a file", fx->root);
	assert_string_equal(err.msg, want);
	free(plain);
	free(big);
	free(missing);
}

/* Files under the cap are read in one allocation sized from fstat; the results are the same. */
static void test_util__fs_read_file_sized(void **state)
{
	const struct fs_fixture *fx = *state;
	char *plain = fs_join(fx->root, "plain.txt");
	char *big = fs_join(fx->root, "big.bin");
	char *empty = fs_join(fx->root, "a.inf");
	struct dc_error err = { 0, "" };
	unsigned char *data;
	size_t len;

	assert_int_equal(fs_read_file(&data, &len, plain, 11, &err), 0);
	assert_int_equal(len, 10);
	assert_memory_equal(data, "0123456789", 10);
	free(data);
	assert_int_equal(fs_read_file(&data, &len, big, 1u << 20, &err), 0);
	assert_int_equal(len, 100000);
	assert_int_equal(data[0], 'B');
	assert_int_equal(data[99999], 'B');
	free(data);
	assert_int_equal(fs_read_file(&data, &len, empty, 100, &err), 0);
	assert_int_equal(len, 0);
	free(data);
	/* st_size 0 but not empty (procfs): read and grown as before */
	assert_int_equal(fs_read_file(&data, &len, "/proc/self/status", 1u << 20, &err), 0);
	assert_true(len > 0);
	assert_non_null(memchr(data, ':', len));
	free(data);
	free(plain);
	free(big);
	free(empty);
}

static void test_util__fs_join(void **state)
{
	char *s;

	(void)state;
	s = fs_join("a/b", "c.sys");
	assert_string_equal(s, "a/b/c.sys");
	free(s);
	s = fs_join("", "c.sys"); /* the package's top directory is "" */
	assert_string_equal(s, "c.sys");
	free(s);
}

/* --- dc_map (index from keys to positions) ------------------------------ */

static void test_util__map_lookup_table(void **state)
{
	/* Keys held, then probes with what each must find: the value, or absent (SIZE_MAX). */
	static const struct {
		const char *key;
		size_t len;
	} held[] = {
		{ "x64/Foo.sys", 11 },
		{ "x86/foo.sys", 11 },
		{ "a\0b", 3 },       /* embedded NUL: "a\0b" is not "a" */
		{ "a", 1 },
		{ "", 0 },           /* the empty key is a key */
		{ "\xC3\x89.inf", 6 }, /* non-ASCII compares exactly, even ignoring case */
	};
	static const struct {
		enum dc_map_compare compare;
		const char *key;
		size_t len;
		size_t want;
	} rows[] = {
		{ DC_MAP_EXACT, "x64/Foo.sys", 11, 0 },
		{ DC_MAP_EXACT, "x64/foo.sys", 11, SIZE_MAX },
		{ DC_MAP_CASE, "X64/FOO.SYS", 11, 0 },
		{ DC_MAP_CASE, "x86/FOO.sys", 11, 1 },
		{ DC_MAP_EXACT, "a\0b", 3, 2 },
		{ DC_MAP_EXACT, "a\0c", 3, SIZE_MAX },
		{ DC_MAP_EXACT, "a", 1, 3 },
		{ DC_MAP_CASE, "A", 1, 3 },
		{ DC_MAP_EXACT, "", 0, 4 },
		{ DC_MAP_EXACT, "x64/Foo.sy", 10, SIZE_MAX }, /* a prefix is another key */
		{ DC_MAP_EXACT, "x64/Foo.sys!", 12, SIZE_MAX },
		{ DC_MAP_CASE, "\xC3\x89.INF", 6, 5 },
		{ DC_MAP_CASE, "\xC3\xA9.inf", 6, SIZE_MAX }, /* É is not é */
	};
	struct dc_error err = { 0, "" };

	(void)state;
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		struct dc_map m;
		size_t got = SIZE_MAX;
		bool found;

		dc_map_init(&m, rows[r].compare);
		for (size_t i = 0; i < sizeof(held) / sizeof(held[0]); i++)
			assert_int_equal(dc_map_add(&m, held[i].key, held[i].len, i, &err), 0);
		assert_int_equal(m.n, sizeof(held) / sizeof(held[0]));
		found = dc_map_get(&m, rows[r].key, rows[r].len, &got);
		if (found != (rows[r].want != SIZE_MAX) || (found && got != rows[r].want))
			fail_msg("row %zu ('%s'): found %d value %zu, want %zu", r, rows[r].key, found, got,
				 rows[r].want);
		dc_map_free(&m);
	}
}

static void test_util__map_first_wins_and_set_replaces(void **state)
{
	struct dc_error err = { 0, "" };
	struct dc_map m;
	size_t v = 0;

	(void)state;
	dc_map_init(&m, DC_MAP_CASE);
	assert_false(dc_map_get_str(&m, "testdrv.sys", &v)); /* empty: no table yet */
	assert_null(m.slots);
	assert_int_equal(dc_map_add_str(&m, "testdrv.sys", 7, &err), 0);
	/* The same key again, in another case: the first value stays, nothing is added. */
	assert_int_equal(dc_map_add_str(&m, "TESTDRV.SYS", 9, &err), 0);
	assert_int_equal(m.n, 1);
	assert_true(dc_map_get_str(&m, "TestDrv.Sys", &v));
	assert_int_equal(v, 7);
	/* set replaces the value of the key held; a value pointer may be NULL. */
	assert_int_equal(dc_map_set(&m, "testdrv.SYS", 11, 3, &err), 0);
	assert_true(dc_map_get_str(&m, "testdrv.sys", &v));
	assert_int_equal(v, 3);
	assert_int_equal(m.n, 1);
	assert_true(dc_map_get(&m, "TESTDRV.sys", 11, NULL));
	/* set adds a key not held. */
	assert_int_equal(dc_map_set(&m, "other.dll", 9, 4, &err), 0);
	assert_int_equal(m.n, 2);
	assert_true(dc_map_get_str(&m, "OTHER.DLL", &v));
	assert_int_equal(v, 4);
	/* free empties the map, which can be used again. */
	dc_map_free(&m);
	assert_int_equal(m.n, 0);
	assert_false(dc_map_get_str(&m, "other.dll", NULL));
	assert_int_equal(dc_map_add_str(&m, "again", 1, &err), 0);
	assert_true(dc_map_get_str(&m, "AGAIN", &v));
	assert_int_equal(v, 1);
	dc_map_free(&m);
	assert_int_equal(err.code, 0);
}

/* Many keys through several doublings: each found, with its own value; never more than half full. */
static void test_util__map_grows(void **state)
{
	enum { N = 20000 };
	struct dc_error err = { 0, "" };
	char (*keys)[32] = calloc(N, sizeof(*keys));
	unsigned char digests[64][20];
	struct dc_map m;
	size_t v;

	(void)state;
	assert_non_null(keys);
	dc_map_init(&m, DC_MAP_EXACT);
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "dir%zu/file%05zu.sys", i % 7, i);
		assert_int_equal(dc_map_add_str(&m, keys[i], i, &err), 0);
	}
	assert_int_equal(m.n, N);
	assert_true(m.cap >= 2 * (size_t)N);
	assert_int_equal(m.cap & (m.cap - 1), 0);
	for (size_t i = 0; i < N; i++) {
		assert_true(dc_map_get_str(&m, keys[i], &v));
		assert_int_equal(v, i);
	}
	assert_false(dc_map_get_str(&m, "dir0/file20000.sys", NULL));
	dc_map_free(&m);

	/* Binary keys (digests) differing in one byte, the last. */
	dc_map_init(&m, DC_MAP_EXACT);
	memset(digests, 0xA5, sizeof(digests));
	for (size_t i = 0; i < 64; i++) {
		digests[i][19] = (unsigned char)i;
		assert_int_equal(dc_map_add(&m, digests[i], 20, i, &err), 0);
	}
	for (size_t i = 0; i < 64; i++) {
		assert_true(dc_map_get(&m, digests[i], 20, &v));
		assert_int_equal(v, i);
		assert_false(dc_map_get(&m, digests[i], 19, NULL)); /* the length is part of the key */
	}
	dc_map_free(&m);
	free(keys);
}

/* The catalog fields' UTF-16 converter, converting and (out NULL) only checking. */
static void test_util__utf16_to_utf8_converts_or_checks(void **state)
{
	static const struct {
		const char *what;
		const unsigned char *p;
		size_t len;
		bool big_endian;
		const char *utf8;  /* NULL: refused with error */
		const char *error;
	} cases[] = {
		{ "LE with NUL", (const unsigned char *)"F\0i\0l\0e\0\0\0", 10, false, "File", NULL },
		{ "BE, 2- and 3-byte forms", (const unsigned char *)"\x00\xe9\x20\xac", 4, true, "\xc3\xa9\xe2\x82\xac", NULL },
		{ "surrogate pair", (const unsigned char *)"\x3d\xd8\x00\xde", 4, false, "\xf0\x9f\x98\x80", NULL },
		{ "odd length", (const unsigned char *)"A\0B", 3, false, NULL,
		  "UTF-16 text has an odd number of bytes (3)" },
		{ "lone high surrogate at the end", (const unsigned char *)"A\0\x3d\xd8", 4, false, NULL,
		  "UTF-16 text has an unpaired surrogate" },
		{ "lone low surrogate", (const unsigned char *)"\x00\xde", 2, false, NULL,
		  "UTF-16 text has an unpaired surrogate" },
		{ "after the NUL nothing counts", (const unsigned char *)"A\0\0\0\x00\xde", 6, false, "A", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dc_error err = { 0, "" }, check_err = { 0, "" };
		char *out = NULL;
		int rc = text_utf16_to_utf8(&out, cases[i].p, cases[i].len, cases[i].big_endian, &err);
		int check = text_utf16_to_utf8(NULL, cases[i].p, cases[i].len, cases[i].big_endian, &check_err);

		print_message("%s\n", cases[i].what);
		assert_int_equal(check, rc);
		if (cases[i].utf8) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].utf8);
		} else {
			assert_int_equal(rc, DC_EFORMAT);
			assert_null(out);
			assert_string_equal(err.msg, cases[i].error);
			assert_string_equal(check_err.msg, cases[i].error);
		}
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util__buf_append_stops_at_cap),
		cmocka_unit_test(test_util__buf_printf_long_and_over_cap),
		cmocka_unit_test(test_util__buf_reset_and_detach),
		cmocka_unit_test(test_util__array_grow),
		cmocka_unit_test(test_util__arena_alignment_and_copies),
		cmocka_unit_test(test_util__str_case_insensitive_compare),
		cmocka_unit_test(test_util__parse_u32),
		cmocka_unit_test(test_util__utf8_count),
		cmocka_unit_test(test_util__json_nesting_and_layout),
		cmocka_unit_test(test_util__json_escaping),
		cmocka_unit_test(test_util__json_errors_are_sticky),
		cmocka_unit_test(test_util__text_decode),
		cmocka_unit_test_setup_teardown(test_util__fs_resolve_ci, fs_setup, fs_teardown),
		cmocka_unit_test_setup_teardown(test_util__fs_list_suffix, fs_setup, fs_teardown),
		cmocka_unit_test_setup_teardown(test_util__fs_read_file_cap, fs_setup, fs_teardown),
		cmocka_unit_test_setup_teardown(test_util__fs_read_file_sized, fs_setup, fs_teardown),
		cmocka_unit_test(test_util__fs_join),
		cmocka_unit_test(test_util__map_lookup_table),
		cmocka_unit_test(test_util__map_first_wins_and_set_replaces),
		cmocka_unit_test(test_util__map_grows),
		cmocka_unit_test(test_util__utf16_to_utf8_converts_or_checks),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
