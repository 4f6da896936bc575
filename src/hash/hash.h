/*
 * hash.h - the digests a catalog member holds for a file (catalog-format.md
 * §5.2-§5.4): the Authenticode image hash of a PE file, the plain hash of
 * anything else, and optionally the PE page-hash tables.
 *
 * Which hash: a file whose first two bytes are "MZ" is a PE image and must
 * parse as one (a malformed or truncated "MZ" file is DC_EFORMAT, never
 * silently flat-hashed: a catalog built from it would not verify on
 * Windows).  Every other file, including an empty one, gets the flat hash.
 *
 * PE rules (see pe.c for the details and the spec citations):
 *  - the image hash covers the file except the optional header's CheckSum
 *    and the security data-directory slot, up to the attribute certificate
 *    table (or EOF); an image without a certificate table whose size is not
 *    a multiple of 8 is hashed with zero padding up to the next multiple of 8;
 *  - the certificate table (security slot: file offset + size) is accepted
 *    only as the 8-aligned tail of the file, after the headers and every
 *    section's raw data, with a non-zero size (both fields zero: no table);
 *  - hashing is linear, as Windows, osslsigncode and Wine do: sections that
 *    overlap or leave gaps change nothing (gap bytes are hashed like any
 *    other); a section's raw data must lie inside the hashed part of the file;
 *  - the headers must be whole: e_lfanew past the DOS header, optional header
 *    magic 0x10b or 0x20b, at least 5 data directories that fit in
 *    SizeOfOptionalHeader, at least one section, the section table in the file.
 * What we accept is a subset of what osslsigncode accepts (it also takes
 * unaligned or header-overlapping certificate tables, sections past EOF, no
 * sections), and for all of it osslsigncode computes the same digest.
 *
 * I/O is streamed in HASH_CHUNK-byte reads; only the headers (at most about
 * 2.7 MB for 65535 section headers) and the page tables are held in memory.
 * Errors: DC_EIO (open/read), DC_EFORMAT ("name: offset 0x..: why"),
 * DC_ECRYPTO (OpenSSL, with its error queue in the message), DC_ENOMEM.
 */
#ifndef DRVCAT_HASH_HASH_H
#define DRVCAT_HASH_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

#define HASH_CHUNK ((size_t)64 * 1024)
#define HASH_PAGE_SIZE 4096u
/* Page-hash records per table at most (a 4 GiB image needs 2^20). */
#define HASH_MAX_PAGE_RECORDS ((size_t)1 << 21)

enum hash_kind { HASH_FLAT, HASH_PE };

/*
 * A page-hash table (§5.4): records of { uint32 LE file offset, digest },
 * exactly as it is embedded in SpcPeImageData.  records * (4 + digest
 * length) == len.  sha1/sha256 fingerprint the table bytes themselves (for
 * display and comparison; no catalog field holds them).
 */
struct hash_page_table {
	unsigned char *data;
	size_t len;
	size_t records;
	unsigned char sha1[20], sha256[32];
};

struct hash_result {
	enum hash_kind kind;
	unsigned char sha1[20], sha256[32]; /* Authenticode image hash for PE, plain file hash otherwise */
	uint64_t file_size;
	uint16_t machine;   /* PE only: COFF Machine (IMAGE_FILE_MACHINE_*) */
	bool pe32plus;      /* PE only: optional header magic 0x20b */
	bool has_cert_table;                     /* PE with an attribute certificate table */
	uint32_t cert_offset, cert_size;         /* its security-slot values, when present */
	unsigned pad_bytes;                      /* zero bytes appended to the hash (0-7) */
	struct hash_page_table pages_sha1, pages_sha256; /* only when asked, PE only */
};

#define HASH_WANT_SHA1 1u
#define HASH_WANT_SHA256 2u

struct hash_options {
	bool page_hashes; /* also compute the SHA-1 and SHA-256 page-hash tables */
	/*
	 * HASH_WANT_* bits: the file digests to compute (0 = both).  A v1
	 * catalog needs only SHA-1 and a v2 check only SHA-256: skipping the
	 * other halves the work.  Digests not computed are left zero.
	 */
	unsigned digests;
};

/*
 * Hashes the file at path.  On success *out is filled (free its tables with
 * hash_result_free); on failure *out is zeroed and err says why, naming path.
 * opt may be NULL (no page hashes).
 */
int hash_file(struct hash_result *out, const char *path, const struct hash_options *opt,
	      struct dc_error *err);

/* The same over len bytes in memory, called name in messages (tests, fuzzing). */
int hash_buffer(struct hash_result *out, const unsigned char *data, size_t len, const char *name,
		const struct hash_options *opt, struct dc_error *err);

/* Frees the page tables; r may be NULL. */
void hash_result_free(struct hash_result *r);

/* Short name of a COFF Machine value ("amd64", "x86", "arm64", ...), or "unknown". */
const char *hash_machine_name(uint16_t machine);

#endif
