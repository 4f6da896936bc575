/*
 * test_hash.c - src/hash and the byte cursor it reads through: the
 * Authenticode PE image hash (catalog-format.md §5.2) against the reference
 * digests of real files, malformed PE images with the exact error each must
 * give, the flat hash (§5.3) and the "MZ" rule, streaming from files, and
 * the page-hash tables (§5.4).
 *
 * The malformed images are mutations of one small valid PE32+ image built
 * here byte by byte (layout in build_image); expected digests are computed
 * with OpenSSL directly over the byte ranges the spec names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/hash/hash.h"
#include "../../src/util/cursor.h"

#define IMG_MAX 0x2000
#define IMG_SIZE 0x1800u
#define NAME "t.sys"
/* Layout of the PE32+ test image (the PE32 one differs from OPT_OFF on). */
#define E_LFANEW 0x80u
#define OPT_OFF 0x98u
#define CHECKSUM_OFF (OPT_OFF + 64u)
#define SOH_OFF (OPT_OFF + 60u)
#define NRVA_OFF (OPT_OFF + 108u)
#define SECDIR_OFF (OPT_OFF + 144u)
#define SECT_OFF (OPT_OFF + 0xf0u)
#define PE32_SECDIR_OFF (OPT_OFF + 128u)

static void put16(unsigned char *p, size_t off, uint32_t v)
{
	p[off] = (unsigned char)(v & 0xff);
	p[off + 1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, size_t off, uint32_t v)
{
	put16(p, off, v & 0xffff);
	put16(p, off + 2, v >> 16);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void section(unsigned char *p, size_t at, const char *name, uint32_t va, uint32_t vsize,
		    uint32_t ptr, uint32_t size)
{
	memcpy(p + at, name, strlen(name));
	put32(p, at + 8, vsize);
	put32(p, at + 12, va);
	put32(p, at + 16, size);
	put32(p, at + 20, ptr);
	put32(p, at + 36, 0x60000020);
}

/*
 * A 0x1800-byte image: DOS header (e_lfanew 0x80), "PE\0\0", COFF header
 * (2 sections), a PE32+ optional header of 0xf0 bytes with 16 data
 * directories (PE32: 0xe0 bytes), the section table, headers padded to
 * SizeOfHeaders 0x400, then .text [0x400, 0x600) and .data [0x600, 0x1800):
 * one page and 1.125 pages.  The CheckSum is non-zero so leaving it out shows.
 */
static void build_image(unsigned char *p, bool pe32)
{
	uint16_t opt_size = pe32 ? 0xe0 : 0xf0;
	size_t sect = OPT_OFF + opt_size;

	memset(p, 0, IMG_MAX);
	p[0] = 'M';
	p[1] = 'Z';
	put32(p, 0x3c, E_LFANEW);
	memcpy(p + E_LFANEW, "PE\0\0", 4);
	put16(p, E_LFANEW + 4, pe32 ? 0x014c : 0x8664);    /* Machine */
	put16(p, E_LFANEW + 6, 2);                          /* NumberOfSections */
	put16(p, E_LFANEW + 20, opt_size);                  /* SizeOfOptionalHeader */
	put16(p, E_LFANEW + 22, 0x0022);                    /* Characteristics */
	put16(p, OPT_OFF, pe32 ? 0x10b : 0x20b);            /* Magic */
	put32(p, OPT_OFF + 32, 0x1000);                     /* SectionAlignment */
	put32(p, OPT_OFF + 36, 0x200);                      /* FileAlignment */
	put32(p, OPT_OFF + 56, 0x3000);                     /* SizeOfImage */
	put32(p, SOH_OFF, 0x400);                           /* SizeOfHeaders */
	put32(p, CHECKSUM_OFF, 0xdeadbeef);                 /* CheckSum */
	put16(p, OPT_OFF + 68, 1);                          /* Subsystem: native */
	put32(p, OPT_OFF + (pe32 ? 92 : 108), 16);          /* NumberOfRvaAndSizes */
	section(p, sect, ".text", 0x1000, 0x1f0, 0x400, 0x200);
	section(p, sect + 40, ".data", 0x2000, 0x1200, 0x600, 0x1200);
	for (size_t i = 0x400; i < IMG_SIZE; i++)
		p[i] = (unsigned char)(i * 7 + 3);
}

/* SHA-1 and SHA-256 over ranges {from, to} of p, then pad zero bytes. */
struct range {
	size_t from, to;
};

static void digest_ranges(unsigned char sha1[20], unsigned char sha256[32],
			  const unsigned char *p, const struct range *r, size_t n, size_t pad)
{
	static const unsigned char zeros[8];
	const EVP_MD *mds[2] = { EVP_sha1(), EVP_sha256() };
	unsigned char *outs[2] = { sha1, sha256 };

	assert_true(pad <= sizeof(zeros));
	for (int k = 0; k < 2; k++) {
		EVP_MD_CTX *c = EVP_MD_CTX_new();

		assert_non_null(c);
		assert_int_equal(EVP_DigestInit_ex(c, mds[k], NULL), 1);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(EVP_DigestUpdate(c, p + r[i].from, r[i].to - r[i].from), 1);
		assert_int_equal(EVP_DigestUpdate(c, zeros, pad), 1);
		assert_int_equal(EVP_DigestFinal_ex(c, outs[k], NULL), 1);
		EVP_MD_CTX_free(c);
	}
}

static void to_hex(char *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* --- the byte cursor --------------------------------------------------- */

static void test_hash__cursor_reads_little_endian_and_stops_at_the_end(void **state)
{
	static const unsigned char b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	struct dc_error err = { 0, "" };
	struct dc_cursor c;
	const unsigned char *p;
	uint64_t v64;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	(void)state;
	dc_cursor_init(&c, b, sizeof(b), 0x100, "x.bin");
	assert_int_equal(dc_cursor_u8(&c, &v8, "a", &err), 0);
	assert_int_equal(v8, 0x01);
	assert_int_equal(dc_cursor_u16(&c, &v16, "b", &err), 0);
	assert_int_equal(v16, 0x0302);
	assert_int_equal(dc_cursor_u32(&c, &v32, "c", &err), 0);
	assert_int_equal(v32, 0x07060504);
	assert_int_equal(dc_cursor_offset(&c), 0x107);
	assert_int_equal(dc_cursor_left(&c), 2);
	/* A failed read names the field and the absolute offset and does not move. */
	assert_int_equal(dc_cursor_u32(&c, &v32, "Field", &err), DC_EFORMAT);
	assert_string_equal(err.msg, "x.bin: offset 0x107: Field (0x4 bytes) is truncated: only 0x2 bytes left");
	assert_int_equal(dc_cursor_offset(&c), 0x107);
	/* n near SIZE_MAX must not wrap the bounds check. */
	assert_int_equal(dc_cursor_bytes(&c, &p, SIZE_MAX, "blob", &err), DC_EFORMAT);
	assert_int_equal(dc_cursor_skip(&c, SIZE_MAX - 1, "gap", &err), DC_EFORMAT);
	assert_int_equal(dc_cursor_bytes(&c, &p, 2, "tail", &err), 0);
	assert_int_equal(p[1], 0x09);
	assert_int_equal(dc_cursor_left(&c), 0);
	assert_int_equal(dc_cursor_seek(&c, 0, "start", &err), 0);
	assert_int_equal(dc_cursor_u64(&c, &v64, "q", &err), 0);
	assert_true(v64 == 0x0807060504030201ull);
	assert_int_equal(dc_cursor_seek(&c, sizeof(b), "end", &err), 0);
	assert_int_equal(dc_cursor_seek(&c, sizeof(b) + 1, "Thing", &err), DC_EFORMAT);
	assert_string_equal(err.msg, "x.bin: offset 0x109: Thing at 0x10a lies past the end of the data");
	assert_int_equal(dc_cursor_fail(&c, 0x42, &err, "bad %s", "value"), DC_EFORMAT);
	assert_string_equal(err.msg, "x.bin: offset 0x42: bad value");
}

/* --- (a) reference digests of real files ------------------------------- */

/*
 * $SHARED, else ../shared beside the repository (found from __FILE__, which
 * is relative to the repository when make builds the test); NULL when absent.
 */
static const char *shared_dir(char *buf, size_t n)
{
	const char *env = getenv("SHARED");
	const char *self = __FILE__, *tail = strstr(self, "tests/unit/test_hash.c");
	struct stat st;

	if (env && *env)
		snprintf(buf, n, "%s", env);
	else
		snprintf(buf, n, "%.*s../shared", tail ? (int)(tail - self) : 0, self);
	return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : NULL;
}

static void test_hash__reference_digests(void **state)
{
	char dir[1024], list[1200], line[1024];
	unsigned files = 0;
	FILE *f;

	(void)state;
	if (!shared_dir(dir, sizeof(dir))) {
		/* Not skip(): cmocka 1.1's TAP output reports a skip as "not ok". */
		print_message("# skipped: %s not found (reference material not in this clone)\n", dir);
		return;
	}
	snprintf(list, sizeof(list), "%s/samples/pe/authenticode-hashes.txt", dir);
	f = fopen(list, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[256], sha256[65], ossl[65], pesign[65], sha1[41], path[1400];
		char got1[41], got256[65];
		struct dc_error err = { 0, "" };
		struct hash_result r;

		if (line[0] == '#' || sscanf(line, "%255s %64s %64s %64s %40s", name, sha256, ossl,
					     pesign, sha1) != 5)
			continue;
		snprintf(path, sizeof(path), "%s/samples/pe/%s", dir, name);
		if (hash_file(&r, path, NULL, &err))
			fail_msg("%s: %s", name, err.msg);
		to_hex(got1, r.sha1, 20);
		to_hex(got256, r.sha256, 32);
		if (strcmp(got256, sha256) || strcmp(got1, sha1))
			fail_msg("%s: got sha256 %s sha1 %s, want %s %s", name, got256, got1, sha256,
				 sha1);
		assert_string_equal(got256, ossl); /* the padded hash is osslsigncode's */
		assert_int_equal(r.kind, HASH_PE);
		assert_int_equal(r.has_cert_table, strncmp(name, "signed/", 7) == 0);
		hash_result_free(&r);
		files++;
	}
	fclose(f);
	assert_true(files >= 25);
	print_message("# %u reference files match\n", files);
}

/* --- (b) malformed PE images ------------------------------------------- */

struct patch {
	size_t off;
	unsigned width; /* 1, 2 or 4; 0 ends the list */
	uint32_t value;
};

struct bad_pe {
	const char *what;
	bool pe32;
	size_t len; /* file size (0: the image's 0x1800); bytes past 0x1800 are zero */
	struct patch p[4]; /* ended by a zero width */
	int code;
	const char *msg;
};

#define SEC1 SECT_OFF
#define SEC2 (SECT_OFF + 40u)
#define CERT(off, size) { SECDIR_OFF, 4, off }, { SECDIR_OFF + 4, 4, size }

static const struct bad_pe bad_pes[] = {
	{ "MZ file of 10 bytes", false, 10, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0xa)" },
	{ "truncated in the DOS header", false, 0x30, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0x30)" },
	{ "truncated in e_lfanew", false, 0x3e, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0x3e)" },
	{ "truncated after the DOS header", false, 0x40, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x3c: e_lfanew 0x00000080 points past the end of the file (size 0x40)" },
	{ "MZ and 62 zero bytes", false, 0x40, { { 0x3c, 4, 0 } }, DC_EFORMAT,
	  NAME ": offset 0x3c: e_lfanew 0x00000000 points inside the 0x40-byte DOS header" },
	{ "e_lfanew inside the DOS header", false, 0, { { 0x3c, 4, 0x3c } }, DC_EFORMAT,
	  NAME ": offset 0x3c: e_lfanew 0x0000003c points inside the 0x40-byte DOS header" },
	{ "e_lfanew out of range", false, 0, { { 0x3c, 4, 0x00ffffff } }, DC_EFORMAT,
	  NAME ": offset 0x3c: e_lfanew 0x00ffffff points past the end of the file (size 0x1800)" },
	{ "e_lfanew 0xffffffff", false, 0, { { 0x3c, 4, 0xffffffff } }, DC_EFORMAT,
	  NAME ": offset 0x3c: e_lfanew 0xffffffff points past the end of the file (size 0x1800)" },
	{ "e_lfanew pointing at the end", false, 0, { { 0x3c, 4, IMG_SIZE } }, DC_EFORMAT,
	  NAME ": offset 0x3c: e_lfanew 0x00001800 points past the end of the file (size 0x1800)" },
	{ "e_lfanew 2 bytes before the end", false, 0, { { 0x3c, 4, IMG_SIZE - 2 } }, DC_EFORMAT,
	  NAME ": offset 0x17fe: PE signature (0x4 bytes) runs past the end of the file (size 0x1800)" },
	{ "truncated in the PE signature", false, 0x82, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x80: PE signature (0x4 bytes) runs past the end of the file (size 0x82)" },
	{ "wrong PE signature", false, 0, { { E_LFANEW + 1, 1, 'X' } }, DC_EFORMAT,
	  NAME ": offset 0x80: no PE signature: found 50 58 00 00, expected 50 45 00 00 (\"PE\\0\\0\")" },
	{ "truncated in the COFF header", false, 0x90, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x84: COFF file header (0x14 bytes) runs past the end of the file (size 0x90)" },
	{ "NumberOfSections 0", false, 0, { { E_LFANEW + 6, 2, 0 } }, DC_EFORMAT,
	  NAME ": offset 0x86: NumberOfSections is 0: an image has at least one section" },
	{ "NumberOfSections 65535", false, 0, { { E_LFANEW + 6, 2, 0xffff } }, DC_EFORMAT,
	  NAME ": offset 0x188: section table (65535 headers, 0x27ffd8 bytes) runs past the end of "
	  "the file (size 0x1800)" },
	{ "truncated after the COFF header", false, 0x98, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x98: optional header Magic (0x2 bytes) runs past the end of the file "
	  "(size 0x98)" },
	{ "SizeOfOptionalHeader 0", false, 0, { { E_LFANEW + 20, 2, 0 } }, DC_EFORMAT,
	  NAME ": offset 0x94: SizeOfOptionalHeader 0x0000 is too small to hold the optional header" },
	{ "SizeOfOptionalHeader too small for the security entry", false, 0,
	  { { E_LFANEW + 20, 2, 0x90 } }, DC_EFORMAT,
	  NAME ": offset 0x94: SizeOfOptionalHeader 0x0090 is too small for a PE32+ optional header "
	  "with a certificate table entry (needs at least 0x98)" },
	{ "PE32 SizeOfOptionalHeader too small", true, 0, { { E_LFANEW + 20, 2, 0x80 } }, DC_EFORMAT,
	  NAME ": offset 0x94: SizeOfOptionalHeader 0x0080 is too small for a PE32 optional header "
	  "with a certificate table entry (needs at least 0x88)" },
	{ "SizeOfOptionalHeader too large", false, 0, { { E_LFANEW + 20, 2, 0xfff0 } }, DC_EFORMAT,
	  NAME ": offset 0x108: data directories (0xff80 bytes up to SizeOfOptionalHeader 0xfff0) run "
	  "past the end of the file (size 0x1800)" },
	{ "optional header magic unknown (ROM image)", false, 0, { { OPT_OFF, 2, 0x107 } }, DC_EFORMAT,
	  NAME ": offset 0x98: optional header Magic 0x0107 is neither PE32 (0x10b) nor PE32+ (0x20b)" },
	{ "truncated in the optional header", false, 0xc0, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x98: optional header (0x70 bytes before the data directories) runs past the "
	  "end of the file (size 0xc0)" },
	{ "truncated in the data directories", false, 0x110, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x108: data directories (0x80 bytes up to SizeOfOptionalHeader 0x00f0) run "
	  "past the end of the file (size 0x110)" },
	{ "NumberOfRvaAndSizes 4", false, 0, { { NRVA_OFF, 4, 4 } }, DC_EFORMAT,
	  NAME ": offset 0x104: NumberOfRvaAndSizes 4 leaves no certificate table entry (needs at "
	  "least 5)" },
	{ "NumberOfRvaAndSizes 0xffffffff", false, 0, { { NRVA_OFF, 4, 0xffffffff } }, DC_EFORMAT,
	  NAME ": offset 0x104: NumberOfRvaAndSizes 4294967295 needs 0x7fffffff8 bytes of data "
	  "directories but SizeOfOptionalHeader 0x00f0 leaves 0x80" },
	{ "truncated in the section table", false, 0x1a0, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x188: section table (2 headers, 0x50 bytes) runs past the end of the file "
	  "(size 0x1a0)" },
	{ "truncated in section data", false, 0x1000, { { 0 } }, DC_EFORMAT,
	  NAME ": offset 0x1b0: section 2 (.data) raw data 0x00000600+0x00001200 runs past the end "
	  "of the file (size 0x1000)" },
	{ "section raw data past EOF", false, 0, { { SEC2 + 16, 4, 0x2000 } }, DC_EFORMAT,
	  NAME ": offset 0x1b0: section 2 (.data) raw data 0x00000600+0x00002000 runs past the end "
	  "of the file (size 0x1800)" },
	{ "PointerToRawData + SizeOfRawData wraps 32 bits", false, 0,
	  { { SEC1 + 20, 4, 0xfffffe00 }, { SEC1, 1, 0x01 } }, DC_EFORMAT,
	  NAME ": offset 0x188: section 1 (?text) raw data 0xfffffe00+0x00000200 runs past the end "
	  "of the file (size 0x1800)" },
	{ "certificate table overlapping the headers", false, 0x1810, { CERT(0x100, 0x1710) },
	  DC_EFORMAT,
	  NAME ": offset 0x128: certificate table at 0x00000100 overlaps the headers, which end at 0x1d8" },
	{ "certificate table starting past EOF", false, 0x1810, { CERT(0x2000, 0x10) }, DC_EFORMAT,
	  NAME ": offset 0x128: certificate table at 0x00002000 starts past the end of the file "
	  "(size 0x1810)" },
	{ "certificate table of length 0", false, 0x1810, { CERT(0x1800, 0) }, DC_EFORMAT,
	  NAME ": offset 0x12c: certificate table at 0x00001800 has size 0" },
	{ "certificate table of length 2^32-1", false, 0x1810, { CERT(0x1800, 0xffffffff) },
	  DC_EFORMAT,
	  NAME ": offset 0x12c: certificate table 0x00001800+0xffffffff ends past the end of the file "
	  "(size 0x1810)" },
	{ "certificate table not 8-aligned", false, 0x1810, { CERT(0x1804, 0xc) }, DC_EFORMAT,
	  NAME ": offset 0x128: certificate table offset 0x00001804 is not a multiple of 8" },
	{ "certificate table not the tail", false, 0x1810, { CERT(0x1800, 0x8) }, DC_EFORMAT,
	  NAME ": offset 0x128: certificate table 0x00001800+0x00000008 is not at the end of the file: "
	  "0x8 bytes follow it" },
	{ "certificate table with offset 0", false, 0x1810, { CERT(0, 0x10) }, DC_EFORMAT,
	  NAME ": offset 0x128: certificate table of 0x10 bytes has offset 0" },
	{ "section raw data inside the certificate table", false, 0x1810,
	  { CERT(0x1800, 0x10), { SEC2 + 16, 4, 0x1208 } }, DC_EFORMAT,
	  NAME ": offset 0x1b0: section 2 (.data) raw data 0x00000600+0x00001208 overlaps the "
	  "certificate table at 0x00001800" },
	{ "PE32 certificate table not the tail", true, 0x1810,
	  { { PE32_SECDIR_OFF, 4, 0x1800 }, { PE32_SECDIR_OFF + 4, 4, 0x8 } }, DC_EFORMAT,
	  NAME ": offset 0x118: certificate table 0x00001800+0x00000008 is not at the end of the file: "
	  "0x8 bytes follow it" },
};

static void apply(unsigned char *img, const struct patch *p)
{
	for (; p->width; p++) {
		if (p->width == 1)
			img[p->off] = (unsigned char)p->value;
		else if (p->width == 2)
			put16(img, p->off, p->value);
		else
			put32(img, p->off, p->value);
	}
}

static void test_hash__malformed_pe_table(void **state)
{
	unsigned char *img = malloc(IMG_MAX);

	(void)state;
	assert_non_null(img);
	assert_true(sizeof(bad_pes) / sizeof(bad_pes[0]) >= 25);
	for (size_t i = 0; i < sizeof(bad_pes) / sizeof(bad_pes[0]); i++) {
		const struct bad_pe *t = &bad_pes[i];
		struct hash_options opt = { true, 0 };
		struct dc_error err = { 0, "" };
		struct hash_result r;
		int rc;

		build_image(img, t->pe32);
		apply(img, t->p);
		rc = hash_buffer(&r, img, t->len ? t->len : IMG_SIZE, NAME, &opt, &err);
		if (rc != t->code || strcmp(err.msg, t->msg))
			fail_msg("%s: got %d \"%s\"\n  want %d \"%s\"", t->what, rc, err.msg, t->code,
				 t->msg);
		/* A failed hash leaves nothing to free and a zeroed result. */
		assert_null(r.pages_sha1.data);
		assert_int_equal(r.kind, HASH_FLAT);
	}
	free(img);
}

static void test_hash__every_truncation_fails_cleanly(void **state)
{
	unsigned char *img = malloc(IMG_MAX);
	struct hash_options opt = { true, 0 };

	(void)state;
	assert_non_null(img);
	build_image(img, false);
	/* Every proper prefix of the image that starts "MZ" is a malformed PE. */
	for (size_t len = 2; len < IMG_SIZE; len++) {
		struct dc_error err = { 0, "" };
		struct hash_result r;

		assert_int_equal(hash_buffer(&r, img, len, NAME, &opt, &err), DC_EFORMAT);
		assert_memory_equal(err.msg, NAME ": offset 0x", strlen(NAME ": offset 0x"));
	}
	free(img);
}

static void test_hash__header_byte_flips_never_crash(void **state)
{
	static const unsigned char values[] = { 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff };
	unsigned char *img = malloc(IMG_MAX);
	struct hash_options opt = { true, 0 };

	(void)state;
	assert_non_null(img);
	for (int pe32 = 0; pe32 < 2; pe32++) {
		for (size_t off = 0; off < SECT_OFF + 80; off++) {
			for (size_t v = 0; v < sizeof(values); v++) {
				struct dc_error err = { 0, "" };
				struct hash_result r;
				int rc;

				build_image(img, pe32);
				img[off] = values[v];
				rc = hash_buffer(&r, img, IMG_SIZE, NAME, &opt, &err);
				if (rc != 0 && rc != DC_EFORMAT)
					fail_msg("byte 0x%zx = 0x%02x: %d %s", off, values[v], rc, err.msg);
				hash_result_free(&r);
			}
		}
	}
	free(img);
}

/* --- the image hash itself ----------------------------------------------- */

static void check_pe_digest(const unsigned char *img, size_t len, bool pe32, size_t hash_end,
			    size_t pad)
{
	size_t secdir = pe32 ? PE32_SECDIR_OFF : SECDIR_OFF;
	struct range r[] = { { 0, CHECKSUM_OFF }, { CHECKSUM_OFF + 4, secdir },
			     { secdir + 8, hash_end } };
	unsigned char want1[20], want256[32];
	struct dc_error err = { 0, "" };
	struct hash_result res;

	digest_ranges(want1, want256, img, r, 3, pad);
	assert_int_equal(hash_buffer(&res, img, len, NAME, NULL, &err), 0);
	assert_int_equal(res.kind, HASH_PE);
	assert_int_equal(res.pe32plus, !pe32);
	assert_int_equal(res.machine, pe32 ? 0x014c : 0x8664);
	assert_int_equal(res.pad_bytes, pad);
	assert_memory_equal(res.sha1, want1, 20);
	assert_memory_equal(res.sha256, want256, 32);
	hash_result_free(&res);
}

static void test_hash__image_hash_skips_checksum_and_security_slot(void **state)
{
	unsigned char *img = malloc(IMG_MAX), first[32];
	struct hash_result r;

	(void)state;
	assert_non_null(img);
	for (int pe32 = 0; pe32 < 2; pe32++) {
		build_image(img, pe32);
		check_pe_digest(img, IMG_SIZE, pe32, IMG_SIZE, 0);
	}
	/* Neither the CheckSum nor the security slot's bytes change the hash... */
	build_image(img, false);
	assert_int_equal(hash_buffer(&r, img, IMG_SIZE, NAME, NULL, NULL), 0);
	memcpy(first, r.sha256, 32);
	put32(img, CHECKSUM_OFF, 0);
	assert_int_equal(hash_buffer(&r, img, IMG_SIZE, NAME, NULL, NULL), 0);
	assert_memory_equal(r.sha256, first, 32);
	/* ...any other byte does, gaps and section bytes alike. */
	img[0x300] ^= 1;
	assert_int_equal(hash_buffer(&r, img, IMG_SIZE, NAME, NULL, NULL), 0);
	assert_memory_not_equal(r.sha256, first, 32);
	free(img);
}

static void test_hash__unsigned_odd_size_is_zero_padded_like_the_signed_file(void **state)
{
	unsigned char *img = malloc(IMG_MAX);
	struct dc_error err = { 0, "" };
	struct hash_result odd, padded, sig;

	(void)state;
	assert_non_null(img);
	build_image(img, false);
	img[0x1800] = 0xaa; /* 3 bytes of overlay: size 0x1803, 5 bytes of padding */
	img[0x1801] = 0xbb;
	img[0x1802] = 0xcc;
	check_pe_digest(img, 0x1803, false, 0x1803, 5);
	assert_int_equal(hash_buffer(&odd, img, 0x1803, NAME, NULL, &err), 0);
	/* The same file zero-padded to 0x1808 by hand hashes the same... */
	assert_int_equal(hash_buffer(&padded, img, 0x1808, NAME, NULL, &err), 0);
	assert_int_equal(padded.pad_bytes, 0);
	assert_memory_equal(odd.sha256, padded.sha256, 32);
	assert_memory_equal(odd.sha1, padded.sha1, 20);
	/* ...and so does it with a certificate table appended (what a signer writes). */
	put32(img, SECDIR_OFF, 0x1808);
	put32(img, SECDIR_OFF + 4, 0x10);
	assert_int_equal(hash_buffer(&sig, img, 0x1818, NAME, NULL, &err), 0);
	assert_true(sig.has_cert_table);
	assert_int_equal(sig.cert_offset, 0x1808);
	assert_int_equal(sig.cert_size, 0x10);
	assert_int_equal(sig.pad_bytes, 0);
	assert_memory_equal(odd.sha256, sig.sha256, 32);
	assert_memory_equal(odd.sha1, sig.sha1, 20);
	check_pe_digest(img, 0x1818, false, 0x1808, 0);
	free(img);
}

/* --- (c) flat files and the MZ rule ---------------------------------------- */

struct flat_case {
	const char *what;
	const char *data;
	size_t len;
	int code;
	const char *sha1, *sha256, *msg;
};

/* A string literal and its length. */
#define S(x) x, sizeof(x) - 1

static const struct flat_case flat_cases[] = {
	{ "INF text with CRLF", S("[Version]\r\nSignature=\"$Windows NT$\"\r\n"), 0,
	  "124a3f9a6a375b043859eeec1ad17bf05ad741d3",
	  "a489f7522e270dbeddbbf7344dfc6cdd5644f60e6d8d82ddceaaf144c3ed15c5", NULL },
	{ "the same INF with LF differs", S("[Version]\nSignature=\"$Windows NT$\"\n"), 0, NULL,
	  "1c4d7bdc6543d2bb7538711813df83a6020669dafe0ef98fbfdf320271c5824e", NULL },
	{ "empty file", S(""), 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
	  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", NULL },
	{ "a lone M", S("M"), 0, "c63ae6dd4fc9f9dda66970e827d13f7c73fe841c",
	  "08f271887ce94707da822d5263bae19d5519cb3614e0daedc4c7ce5dab7473f1", NULL },
	{ "lower-case mz is not PE", S("mz"), 0, NULL, NULL, NULL },
	{ "ZM is not PE", S("ZM"), 0, NULL, NULL, NULL },
	{ "MZ alone is a truncated PE", S("MZ"), DC_EFORMAT, NULL, NULL,
	  "a.inf: offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0x2)" },
	{ "MZ text is a truncated PE", S("MZ is a nice prefix for an INF file"), DC_EFORMAT, NULL,
	  NULL, "a.inf: offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0x23)" },
};

static void test_hash__flat_files_and_the_mz_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(flat_cases) / sizeof(flat_cases[0]); i++) {
		const struct flat_case *t = &flat_cases[i];
		struct hash_options opt = { true, 0 };
		struct dc_error err = { 0, "" };
		unsigned char want1[20], want256[32];
		struct range all = { 0, t->len };
		char got[65];
		struct hash_result r;
		int rc = hash_buffer(&r, (const unsigned char *)t->data, t->len, "a.inf", &opt, &err);

		if (rc != t->code)
			fail_msg("%s: got %d (%s), want %d", t->what, rc, err.msg, t->code);
		if (t->msg) {
			assert_string_equal(err.msg, t->msg);
			continue;
		}
		assert_int_equal(r.kind, HASH_FLAT);
		assert_null(r.pages_sha1.data); /* page hashes are for PE only */
		digest_ranges(want1, want256, (const unsigned char *)t->data, &all, 1, 0);
		assert_memory_equal(r.sha1, want1, 20);
		assert_memory_equal(r.sha256, want256, 32);
		to_hex(got, r.sha256, 32);
		if (t->sha256)
			assert_string_equal(got, t->sha256);
		to_hex(got, r.sha1, 20);
		if (t->sha1)
			assert_string_equal(got, t->sha1);
	}
}

/* --- streaming from files ---------------------------------------------- */

static char *write_temp(const unsigned char *p, size_t n)
{
	char *path = strdup("/tmp/test_hash.XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

static void test_hash__files_stream_in_chunks(void **state)
{
	size_t big = 3 * HASH_CHUNK + 12345;
	unsigned char *data = malloc(big), *img = malloc(IMG_MAX), want1[20], want256[32];
	struct range all = { 0, big };
	struct hash_options opt = { true, 0 };
	struct dc_error err = { 0, "" };
	struct hash_result fr, br;
	char *path;

	(void)state;
	assert_non_null(data);
	assert_non_null(img);
	for (size_t i = 0; i < big; i++)
		data[i] = (unsigned char)(i ^ (i >> 8));
	path = write_temp(data, big);
	assert_int_equal(hash_file(&fr, path, &opt, &err), 0);
	digest_ranges(want1, want256, data, &all, 1, 0);
	assert_int_equal(fr.kind, HASH_FLAT);
	assert_int_equal(fr.file_size, big);
	assert_memory_equal(fr.sha1, want1, 20);
	assert_memory_equal(fr.sha256, want256, 32);
	unlink(path);
	free(path);

	/* A PE file gives what the same bytes give in memory, page tables included. */
	build_image(img, false);
	path = write_temp(img, IMG_SIZE);
	assert_int_equal(hash_file(&fr, path, &opt, &err), 0);
	assert_int_equal(hash_buffer(&br, img, IMG_SIZE, NAME, &opt, &err), 0);
	assert_memory_equal(fr.sha256, br.sha256, 32);
	assert_int_equal(fr.pages_sha256.len, br.pages_sha256.len);
	assert_memory_equal(fr.pages_sha256.data, br.pages_sha256.data, br.pages_sha256.len);
	hash_result_free(&fr);
	hash_result_free(&br);
	/* Errors from a file name the path. */
	assert_int_equal(truncate(path, 0x1a0), 0);
	assert_int_equal(hash_file(&fr, path, NULL, &err), DC_EFORMAT);
	assert_memory_equal(err.msg, path, strlen(path));
	assert_string_equal(err.msg + strlen(path), ": offset 0x188: section table (2 headers, "
			    "0x50 bytes) runs past the end of the file (size 0x1a0)");
	unlink(path);
	assert_int_equal(hash_file(&fr, path, NULL, &err), DC_EIO);
	assert_memory_equal(err.msg, path, strlen(path));
	assert_string_equal(err.msg + strlen(path), ": cannot open: No such file or directory");
	free(path);
	assert_int_equal(hash_file(&fr, "/tmp", NULL, &err), DC_EIO);
	assert_string_equal(err.msg, "/tmp: not a regular file");
	free(data);
	free(img);
}

/* --- (d) page-hash tables ---------------------------------------------- */

/* Expected digest of one page: len bytes at off, zero-filled to 4096. */
static void page_digest(unsigned char d1[20], unsigned char d256[32], const unsigned char *img,
			size_t off, size_t len)
{
	unsigned char page[HASH_PAGE_SIZE];
	struct range all = { 0, HASH_PAGE_SIZE };

	memset(page, 0, sizeof(page));
	memcpy(page, img + off, len);
	digest_ranges(d1, d256, page, &all, 1, 0);
}

static void check_record(const struct hash_page_table *t, size_t i, size_t dlen, uint32_t off,
			 const unsigned char *digest)
{
	const unsigned char *rec = t->data + i * (4 + dlen);

	assert_int_equal(get32(rec), off);
	assert_memory_equal(rec + 4, digest, dlen);
}

static void test_hash__page_table_layout(void **state)
{
	unsigned char *img = malloc(IMG_MAX), head[HASH_PAGE_SIZE], d1[20], d256[32];
	unsigned char zero[32] = { 0 };
	struct range hr[] = { { 0, CHECKSUM_OFF }, { CHECKSUM_OFF + 4, SECDIR_OFF },
			      { SECDIR_OFF + 8, HASH_PAGE_SIZE } };
	/* { offset, bytes of the page that are file data } */
	static const uint32_t pages[][2] = { { 0x400, 0x200 }, { 0x600, 0x1000 }, { 0x1600, 0x200 } };
	struct hash_options opt = { true, 0 };
	struct dc_error err = { 0, "" };
	struct hash_result r, swapped;
	unsigned char tmp[40];

	(void)state;
	assert_non_null(img);
	build_image(img, false);
	assert_int_equal(hash_buffer(&r, img, IMG_SIZE, NAME, &opt, &err), 0);
	/* header + 1 page of .text + 2 pages of .data + end marker */
	assert_int_equal(r.pages_sha1.records, 5);
	assert_int_equal(r.pages_sha1.len, 5 * 24);
	assert_int_equal(r.pages_sha256.records, 5);
	assert_int_equal(r.pages_sha256.len, 5 * 36);
	/* Record 0: headers [0, 0x400) without CheckSum and slot, zeros to 4096 - 12 bytes. */
	memset(head, 0, sizeof(head));
	memcpy(head, img, 0x400);
	digest_ranges(d1, d256, head, hr, 3, 0);
	check_record(&r.pages_sha1, 0, 20, 0, d1);
	check_record(&r.pages_sha256, 0, 32, 0, d256);
	for (size_t i = 0; i < 3; i++) {
		page_digest(d1, d256, img, pages[i][0], pages[i][1]);
		check_record(&r.pages_sha1, i + 1, 20, pages[i][0], d1);
		check_record(&r.pages_sha256, i + 1, 32, pages[i][0], d256);
	}
	check_record(&r.pages_sha1, 4, 20, IMG_SIZE, zero);
	check_record(&r.pages_sha256, 4, 32, IMG_SIZE, zero);
	/* The table's own fingerprint. */
	{
		struct range all = { 0, r.pages_sha256.len };

		digest_ranges(d1, d256, r.pages_sha256.data, &all, 1, 0);
		assert_memory_equal(r.pages_sha256.sha256, d256, 32);
	}
	/* Pages follow file order, not section-table order. */
	memcpy(tmp, img + SEC1, 40);
	memcpy(img + SEC1, img + SEC2, 40);
	memcpy(img + SEC2, tmp, 40);
	assert_int_equal(hash_buffer(&swapped, img, IMG_SIZE, NAME, &opt, &err), 0);
	assert_int_equal(swapped.pages_sha256.len, r.pages_sha256.len);
	assert_memory_equal(swapped.pages_sha256.data + 36, r.pages_sha256.data + 36,
			    r.pages_sha256.len - 36);
	hash_result_free(&swapped);
	hash_result_free(&r);

	/* Headers that do not fit one page: no page table, but the image hash still works. */
	build_image(img, false);
	put32(img, SOH_OFF, 0x1200);
	assert_int_equal(hash_buffer(&r, img, IMG_SIZE, NAME, &opt, &err), DC_EFORMAT);
	assert_string_equal(err.msg, NAME ": offset 0xd4: SizeOfHeaders 0x1200 is larger than one "
			    "page (headers end at 0x1d8, page 0x1000, hashed part ends at 0x1800): no "
			    "page hashes can be made");
	assert_int_equal(hash_buffer(&r, img, IMG_SIZE, NAME, NULL, &err), 0);
	put32(img, SOH_OFF, 0x100);
	assert_int_equal(hash_buffer(&r, img, IMG_SIZE, NAME, &opt, &err), DC_EFORMAT);
	assert_string_equal(err.msg, NAME ": offset 0xd4: SizeOfHeaders 0x100 is smaller than the "
			    "headers (headers end at 0x1d8, page 0x1000, hashed part ends at 0x1800): "
			    "no page hashes can be made");
	free(img);
}

/* The reference drivers built by tests/tools/build-driver.sh: counts and offsets (pefile). */
static void test_hash__page_tables_of_built_drivers(void **state)
{
	static const struct {
		const char *file;
		size_t records;
		uint32_t offsets[5];
	} drivers[] = {
		{ "unsigned/x64/drv-x64.sys", 4, { 0, 0x400, 0x600, 0x800 } },
		{ "unsigned/i386/drv-x86.sys", 5, { 0, 0x400, 0x600, 0x800, 0xa00 } },
		{ "unsigned/arm64/drv-arm64.sys", 4, { 0, 0x400, 0x600, 0x800 } },
	};
	char dir[1024], path[1200];

	(void)state;
	if (!shared_dir(dir, sizeof(dir))) {
		/* Not skip(): cmocka 1.1's TAP output reports a skip as "not ok". */
		print_message("# skipped: %s not found (reference material not in this clone)\n", dir);
		return;
	}
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		struct hash_options opt = { true, 0 };
		struct dc_error err = { 0, "" };
		struct hash_result r;

		snprintf(path, sizeof(path), "%s/samples/pe/%s", dir, drivers[i].file);
		if (hash_file(&r, path, &opt, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(r.pages_sha1.records, drivers[i].records);
		assert_int_equal(r.pages_sha256.records, drivers[i].records);
		for (size_t k = 0; k < drivers[i].records; k++) {
			assert_int_equal(get32(r.pages_sha1.data + k * 24), drivers[i].offsets[k]);
			assert_int_equal(get32(r.pages_sha256.data + k * 36), drivers[i].offsets[k]);
		}
		hash_result_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash__cursor_reads_little_endian_and_stops_at_the_end),
		cmocka_unit_test(test_hash__reference_digests),
		cmocka_unit_test(test_hash__malformed_pe_table),
		cmocka_unit_test(test_hash__every_truncation_fails_cleanly),
		cmocka_unit_test(test_hash__header_byte_flips_never_crash),
		cmocka_unit_test(test_hash__image_hash_skips_checksum_and_security_slot),
		cmocka_unit_test(test_hash__unsigned_odd_size_is_zero_padded_like_the_signed_file),
		cmocka_unit_test(test_hash__flat_files_and_the_mz_rule),
		cmocka_unit_test(test_hash__files_stream_in_chunks),
		cmocka_unit_test(test_hash__page_table_layout),
		cmocka_unit_test(test_hash__page_tables_of_built_drivers),
	};

	return cmocka_run_group_tests_name("hash", tests, NULL, NULL);
}
