/*
 * pe.c - PE/COFF header parsing for the Authenticode image hash
 * (catalog-format.md §5.2).  Field offsets are those of the Microsoft PE
 * Format specification ("PE/COFF" below: §3.1 MS-DOS Stub, §3.3 COFF File
 * Header, §3.4 Optional Header, §3.4.3 Optional Header Data Directories, §4
 * Section Table, and "The Attribute Certificate Table (Image Only)").
 *
 * Every structure is read from the file into a small buffer only after
 * checking that the file holds it (message naming the structure and its
 * offset), then its fields are taken through a dc_cursor.  Offsets are
 * uint64_t so sums of 32-bit fields cannot wrap.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/cursor.h"
#include "hash.h"
#include "internal.h"

/* MS-DOS header (IMAGE_DOS_HEADER): 64 bytes, e_lfanew at 0x3c (PE/COFF §3.1). */
#define DOS_HEADER_SIZE 0x40u
#define DOS_E_LFANEW 0x3cu
/* "PE\0\0" at e_lfanew, then the COFF file header (PE/COFF §3.3). */
#define PE_SIGNATURE_SIZE 4u
#define COFF_HEADER_SIZE 20u
#define COFF_MACHINE 0u
#define COFF_NUMBER_OF_SECTIONS 2u
#define COFF_SIZE_OF_OPTIONAL_HEADER 16u
/* Optional header (PE/COFF §3.4), offsets from its start. */
#define OPT_MAGIC 0u
#define OPT_MAGIC_PE32 0x10bu
#define OPT_MAGIC_PE32PLUS 0x20bu
#define OPT_SIZE_OF_HEADERS 60u
#define OPT_CHECKSUM 64u
#define OPT32_NUMBER_OF_RVA_AND_SIZES 92u
#define OPT32_DATA_DIRECTORIES 96u
#define OPT64_NUMBER_OF_RVA_AND_SIZES 108u
#define OPT64_DATA_DIRECTORIES 112u
#define DATA_DIRECTORY_SIZE 8u
/* IMAGE_DIRECTORY_ENTRY_SECURITY, the Certificate Table: a file offset, not an RVA. */
#define DIR_SECURITY 4u
#define DIR_MIN_COUNT (DIR_SECURITY + 1u)
/* Largest prefix of the optional header we read: PE32+ through the security slot. */
#define OPT_PREFIX_MAX (OPT64_DATA_DIRECTORIES + DIR_MIN_COUNT * DATA_DIRECTORY_SIZE)
/* Section header (PE/COFF §4). */
#define SECTION_HEADER_SIZE 40u
#define SECTION_NAME_SIZE 8u
#define SECTION_SIZE_OF_RAW_DATA 16u
#define SECTION_POINTER_TO_RAW_DATA 20u
/* Attribute certificate entries are quadword aligned (PE/COFF, Attribute Certificate Table). */
#define CERT_ALIGN 8u

static int bad(const struct hash_src *src, uint64_t off, struct dc_error *err, const char *fmt,
	       ...) DC_PRINTF(4, 5);

static int bad(const struct hash_src *src, uint64_t off, struct dc_error *err, const char *fmt,
	       ...)
{
	char why[DC_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%" PRIx64 ": %s", src->name, off, why);
}

/* Reads n bytes of structure what at off into buf, unless the file ends first. */
static int read_struct(struct dc_cursor *c, unsigned char *buf, const struct hash_src *src,
		       uint64_t off, size_t n, const char *what, struct dc_error *err)
{
	if (n > src->size || off > src->size - n)
		return bad(src, off, err,
			   "%s (0x%zx bytes) runs past the end of the file (size 0x%" PRIx64 ")", what,
			   n, src->size);
	if (hash_src_read(src, off, buf, n, err))
		return DC_EIO;
	dc_cursor_init(c, buf, n, off, src->name);
	return 0;
}

/* Returns e_lfanew, checked to point inside the file past the DOS header. */
static int parse_dos(uint64_t *e_lfanew, const struct hash_src *src, struct dc_error *err)
{
	unsigned char buf[DOS_HEADER_SIZE];
	struct dc_cursor c;
	uint32_t v;

	if (read_struct(&c, buf, src, 0, sizeof(buf), "DOS header", err) ||
	    dc_cursor_seek(&c, DOS_E_LFANEW, "e_lfanew", err) ||
	    dc_cursor_u32(&c, &v, "e_lfanew", err))
		return err->code;
	if (v < DOS_HEADER_SIZE)
		return bad(src, DOS_E_LFANEW, err, "e_lfanew 0x%08" PRIx32
			   " points inside the 0x%x-byte DOS header", v, DOS_HEADER_SIZE);
	if (v >= src->size)
		return bad(src, DOS_E_LFANEW, err, "e_lfanew 0x%08" PRIx32
			   " points past the end of the file (size 0x%" PRIx64 ")", v, src->size);
	*e_lfanew = v;
	return 0;
}

/* The signature and COFF header; returns the optional header's offset and size. */
static int parse_coff(struct pe_layout *pe, uint64_t *opt_off, uint16_t *opt_size,
		      uint16_t *nsections, const struct hash_src *src, uint64_t at,
		      struct dc_error *err)
{
	unsigned char sig[PE_SIGNATURE_SIZE], coff[COFF_HEADER_SIZE];
	const unsigned char *s;
	struct dc_cursor c;

	if (read_struct(&c, sig, src, at, sizeof(sig), "PE signature", err) ||
	    dc_cursor_bytes(&c, &s, PE_SIGNATURE_SIZE, "PE signature", err))
		return err->code;
	if (s[0] != 'P' || s[1] != 'E' || s[2] != 0 || s[3] != 0)
		return bad(src, at, err, "no PE signature: found %02x %02x %02x %02x, expected "
			   "50 45 00 00 (\"PE\\0\\0\")", s[0], s[1], s[2], s[3]);
	at += PE_SIGNATURE_SIZE;
	if (read_struct(&c, coff, src, at, sizeof(coff), "COFF file header", err) ||
	    dc_cursor_seek(&c, COFF_MACHINE, "Machine", err) ||
	    dc_cursor_u16(&c, &pe->machine, "Machine", err) ||
	    dc_cursor_seek(&c, COFF_NUMBER_OF_SECTIONS, "NumberOfSections", err) ||
	    dc_cursor_u16(&c, nsections, "NumberOfSections", err) ||
	    dc_cursor_seek(&c, COFF_SIZE_OF_OPTIONAL_HEADER, "SizeOfOptionalHeader", err) ||
	    dc_cursor_u16(&c, opt_size, "SizeOfOptionalHeader", err))
		return err->code;
	if (*nsections == 0)
		return bad(src, at + COFF_NUMBER_OF_SECTIONS, err,
			   "NumberOfSections is 0: an image has at least one section");
	*opt_off = at + COFF_HEADER_SIZE;
	return 0;
}

/*
 * The optional header: magic, SizeOfHeaders, where CheckSum and the security
 * slot are, and the slot's value.  The whole declared header must be in the
 * file; only the prefix through the security slot is read.
 */
static int parse_optional(struct pe_layout *pe, uint32_t *cert_off, uint32_t *cert_size,
			  const struct hash_src *src, uint64_t at, uint16_t opt_size,
			  struct dc_error *err)
{
	unsigned char buf[OPT_PREFIX_MAX];
	uint32_t dirs_off, nrva_off, nrva;
	uint64_t avail = src->size - at, dirs_need;
	uint16_t magic;
	struct dc_cursor c;

	if (opt_size < 2)
		return bad(src, at - COFF_HEADER_SIZE + COFF_SIZE_OF_OPTIONAL_HEADER, err,
			   "SizeOfOptionalHeader 0x%04x is too small to hold the optional header",
			   opt_size);
	if (read_struct(&c, buf, src, at, 2, "optional header Magic", err) ||
	    dc_cursor_u16(&c, &magic, "Magic", err))
		return err->code;
	if (magic != OPT_MAGIC_PE32 && magic != OPT_MAGIC_PE32PLUS)
		return bad(src, at + OPT_MAGIC, err, "optional header Magic 0x%04x is neither PE32 "
			   "(0x10b) nor PE32+ (0x20b)", magic);
	pe->pe32plus = magic == OPT_MAGIC_PE32PLUS;
	dirs_off = pe->pe32plus ? OPT64_DATA_DIRECTORIES : OPT32_DATA_DIRECTORIES;
	nrva_off = pe->pe32plus ? OPT64_NUMBER_OF_RVA_AND_SIZES : OPT32_NUMBER_OF_RVA_AND_SIZES;
	if (opt_size < dirs_off + DIR_MIN_COUNT * DATA_DIRECTORY_SIZE)
		return bad(src, at - COFF_HEADER_SIZE + COFF_SIZE_OF_OPTIONAL_HEADER, err,
			   "SizeOfOptionalHeader 0x%04x is too small for a %s optional header with "
			   "a certificate table entry (needs at least 0x%x)", opt_size,
			   pe->pe32plus ? "PE32+" : "PE32",
			   dirs_off + DIR_MIN_COUNT * DATA_DIRECTORY_SIZE);
	if (avail < dirs_off)
		return bad(src, at, err, "optional header (0x%x bytes before the data directories) "
			   "runs past the end of the file (size 0x%" PRIx64 ")", dirs_off, src->size);
	if (read_struct(&c, buf, src, at, dirs_off, "optional header", err) ||
	    dc_cursor_seek(&c, nrva_off, "NumberOfRvaAndSizes", err) ||
	    dc_cursor_u32(&c, &nrva, "NumberOfRvaAndSizes", err))
		return err->code;
	if (nrva < DIR_MIN_COUNT)
		return bad(src, at + nrva_off, err, "NumberOfRvaAndSizes %" PRIu32 " leaves no "
			   "certificate table entry (needs at least %u)", nrva, DIR_MIN_COUNT);
	dirs_need = (uint64_t)nrva * DATA_DIRECTORY_SIZE;
	if (dirs_need > (uint64_t)opt_size - dirs_off)
		return bad(src, at + nrva_off, err, "NumberOfRvaAndSizes %" PRIu32 " needs 0x%"
			   PRIx64 " bytes of data directories but SizeOfOptionalHeader 0x%04x "
			   "leaves 0x%x", nrva, dirs_need, opt_size, opt_size - dirs_off);
	if (avail < opt_size)
		return bad(src, at + dirs_off, err, "data directories (0x%x bytes up to "
			   "SizeOfOptionalHeader 0x%04x) run past the end of the file (size 0x%"
			   PRIx64 ")", opt_size - dirs_off, opt_size, src->size);
	/* Now read through the security slot (it is inside opt_size, checked above). */
	if (read_struct(&c, buf, src, at, dirs_off + DIR_MIN_COUNT * DATA_DIRECTORY_SIZE,
			"optional header", err) ||
	    dc_cursor_seek(&c, OPT_SIZE_OF_HEADERS, "SizeOfHeaders", err) ||
	    dc_cursor_u32(&c, &pe->size_of_headers, "SizeOfHeaders", err) ||
	    dc_cursor_seek(&c, dirs_off + DIR_SECURITY * DATA_DIRECTORY_SIZE,
			   "certificate table entry", err) ||
	    dc_cursor_u32(&c, cert_off, "certificate table offset", err) ||
	    dc_cursor_u32(&c, cert_size, "certificate table size", err))
		return err->code;
	pe->size_of_headers_off = at + OPT_SIZE_OF_HEADERS;
	pe->checksum_off = at + OPT_CHECKSUM;
	pe->secdir_off = at + dirs_off + DIR_SECURITY * DATA_DIRECTORY_SIZE;
	return 0;
}

/*
 * The certificate table must be exactly the file's tail (what osslsigncode
 * requires since MS12-024: "signature should be last part of file"), with a
 * non-zero size; we also require the quadword alignment PE/COFF asks for
 * and that it starts after the headers, so the hashed ranges are well formed.
 */
static int check_cert(struct pe_layout *pe, const struct hash_src *src, uint32_t off,
		      uint32_t size, struct dc_error *err)
{
	uint64_t end = (uint64_t)off + size, at = pe->secdir_off;

	if (off == 0 && size == 0) {
		pe->hash_end = src->size;
		return 0;
	}
	if (size == 0)
		return bad(src, at + 4, err, "certificate table at 0x%08" PRIx32 " has size 0", off);
	if (off == 0)
		return bad(src, at, err, "certificate table of 0x%" PRIx32 " bytes has offset 0", size);
	if (off % CERT_ALIGN)
		return bad(src, at, err, "certificate table offset 0x%08" PRIx32
			   " is not a multiple of 8", off);
	if (off < pe->headers_end)
		return bad(src, at, err, "certificate table at 0x%08" PRIx32 " overlaps the headers, "
			   "which end at 0x%" PRIx64, off, pe->headers_end);
	if (off >= src->size)
		return bad(src, at, err, "certificate table at 0x%08" PRIx32 " starts past the end "
			   "of the file (size 0x%" PRIx64 ")", off, src->size);
	if (end > src->size)
		return bad(src, at + 4, err, "certificate table 0x%08" PRIx32 "+0x%08" PRIx32
			   " ends past the end of the file (size 0x%" PRIx64 ")", off, size, src->size);
	if (end < src->size)
		return bad(src, at, err, "certificate table 0x%08" PRIx32 "+0x%08" PRIx32 " is not at "
			   "the end of the file: 0x%" PRIx64 " bytes follow it", off, size,
			   src->size - end);
	pe->cert_off = off;
	pe->cert_size = size;
	pe->hash_end = off;
	return 0;
}

/* A section name for messages: up to 8 bytes, printable ASCII, '?' otherwise. */
static void section_name(char out[SECTION_NAME_SIZE + 1], const unsigned char *raw)
{
	size_t i;

	for (i = 0; i < SECTION_NAME_SIZE && raw[i]; i++)
		out[i] = raw[i] >= 0x20 && raw[i] < 0x7f ? (char)raw[i] : '?';
	out[i] = '\0';
}

/* Keeps the sections with raw data; each must lie inside the hashed part of the file. */
static int parse_sections(struct pe_layout *pe, const unsigned char *table, uint16_t n,
			  uint64_t at, const struct hash_src *src, struct dc_error *err)
{
	struct dc_cursor c;

	dc_cursor_init(&c, table, (size_t)n * SECTION_HEADER_SIZE, at, src->name);
	pe->sections = calloc(n, sizeof(*pe->sections));
	if (!pe->sections)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++) {
		size_t base = (size_t)i * SECTION_HEADER_SIZE;
		const unsigned char *raw_name;
		uint32_t size, ptr;
		uint64_t end;
		char name[SECTION_NAME_SIZE + 1];

		if (dc_cursor_seek(&c, base, "section header", err) ||
		    dc_cursor_bytes(&c, &raw_name, SECTION_NAME_SIZE, "section Name", err) ||
		    dc_cursor_seek(&c, base + SECTION_SIZE_OF_RAW_DATA, "SizeOfRawData", err) ||
		    dc_cursor_u32(&c, &size, "SizeOfRawData", err) ||
		    dc_cursor_seek(&c, base + SECTION_POINTER_TO_RAW_DATA, "PointerToRawData", err) ||
		    dc_cursor_u32(&c, &ptr, "PointerToRawData", err))
			return err->code;
		if (size == 0)
			continue;
		section_name(name, raw_name);
		end = (uint64_t)ptr + size;
		if (end > src->size)
			return bad(src, at + base, err, "section %" PRIu32 " (%s) raw data 0x%08" PRIx32
				   "+0x%08" PRIx32 " runs past the end of the file (size 0x%" PRIx64 ")",
				   i + 1, name, ptr, size, src->size);
		if (end > pe->hash_end)
			return bad(src, at + base, err, "section %" PRIu32 " (%s) raw data 0x%08" PRIx32
				   "+0x%08" PRIx32 " overlaps the certificate table at 0x%08" PRIx32,
				   i + 1, name, ptr, size, pe->cert_off);
		pe->sections[pe->nsections].raw_ptr = ptr;
		pe->sections[pe->nsections].raw_size = size;
		pe->sections[pe->nsections].index = i;
		pe->nsections++;
	}
	return 0;
}

int pe_parse(struct pe_layout *pe, const struct hash_src *src, struct dc_error *err)
{
	unsigned char *table = NULL;
	uint64_t e_lfanew = 0, opt_off = 0, table_off;
	uint32_t cert_off = 0, cert_size = 0;
	uint16_t opt_size = 0, nsections = 0;
	size_t table_len;
	struct dc_cursor c;
	int rc;

	memset(pe, 0, sizeof(*pe));
	/* Every PE offset field is 32 bits: nothing past 4 GiB can be addressed or signed. */
	if (src->size > UINT32_MAX)
		return bad(src, 0, err, "a PE image cannot be larger than 4 GiB (size 0x%" PRIx64 ")",
			   src->size);
	if ((rc = parse_dos(&e_lfanew, src, err)) ||
	    (rc = parse_coff(pe, &opt_off, &opt_size, &nsections, src, e_lfanew, err)) ||
	    (rc = parse_optional(pe, &cert_off, &cert_size, src, opt_off, opt_size, err)))
		goto done;
	table_off = opt_off + opt_size;
	table_len = (size_t)nsections * SECTION_HEADER_SIZE; /* at most 65535 * 40 */
	pe->headers_end = table_off + table_len;
	if (table_len > src->size || table_off > src->size - table_len) {
		rc = bad(src, table_off, err, "section table (%u headers, 0x%zx bytes) runs past the "
			 "end of the file (size 0x%" PRIx64 ")", nsections, table_len, src->size);
		goto done;
	}
	if (!(table = malloc(table_len))) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = read_struct(&c, table, src, table_off, table_len, "section table", err)) ||
	    (rc = check_cert(pe, src, cert_off, cert_size, err)) ||
	    (rc = parse_sections(pe, table, nsections, table_off, src, err)))
		goto done;
done:
	free(table);
	if (rc)
		pe_layout_free(pe);
	return rc;
}

void pe_layout_free(struct pe_layout *pe)
{
	if (!pe)
		return;
	free(pe->sections);
	pe->sections = NULL;
	pe->nsections = 0;
}
