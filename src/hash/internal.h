/*
 * internal.h - shared by the files of src/hash only: the byte source (a file
 * descriptor or a memory buffer behind one read-at call, so tests and the
 * real files run the same code), the SHA-1 + SHA-256 digest pair, and the
 * parsed PE layout.
 */
#ifndef DRVCAT_HASH_INTERNAL_H
#define DRVCAT_HASH_INTERNAL_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/error.h"

/* --- byte source (hash.c) ------------------------------------------------ */

struct hash_src {
	const char *name;           /* for messages */
	uint64_t size;              /* taken once, at open */
	int fd;                     /* -1 for a memory source */
	/*
	 * The file's first head_len bytes, read once: a small driver file is
	 * then one read, not one per header structure (a package can hold
	 * thousands).  A memory source is all head.
	 */
	const unsigned char *head;
	size_t head_len;
};

/*
 * Reads exactly n bytes at off (from the head when it holds them).  Callers check off + n <= size first (with a
 * format error naming the structure); a short read here means the file
 * changed under us and is DC_EIO.
 */
int hash_src_read(const struct hash_src *s, uint64_t off, void *buf, size_t n,
		  struct dc_error *err);

/* --- SHA-1 + SHA-256 computed side by side (digest.c) --------------------- */

enum { HASH_SHA1, HASH_SHA256, HASH_NALGS };

struct hash_md {
	const EVP_MD *md[HASH_NALGS]; /* fetched once per process (digest.c), not owned */
	EVP_MD_CTX *ctx[HASH_NALGS];
	unsigned want;  /* HASH_WANT_* bits: the digests computed; the others stay zero */
};

/* Fetches the wanted digests (HASH_WANT_*, 0 = both) and starts them; hash_md_free even on failure. */
int hash_md_init(struct hash_md *m, unsigned want, struct dc_error *err);
/* Starts both digests over (for one page after another). */
int hash_md_restart(struct hash_md *m, struct dc_error *err);
int hash_md_update(struct hash_md *m, const void *data, size_t n, struct dc_error *err);
/* Feeds n zero bytes. */
int hash_md_zeros(struct hash_md *m, uint64_t n, struct dc_error *err);
int hash_md_final(struct hash_md *m, unsigned char sha1[20], unsigned char sha256[32],
		  struct dc_error *err);
void hash_md_free(struct hash_md *m);

/* DC_ECRYPTO "what failed: <first OpenSSL error>", draining OpenSSL's queue. */
int hash_crypto_error(struct dc_error *err, const char *what);

/* --- PE layout (pe.c) ---------------------------------------------------- */

struct pe_section {
	uint32_t raw_ptr, raw_size; /* PointerToRawData, SizeOfRawData */
	uint32_t index;             /* position in the section table */
};

struct pe_layout {
	uint16_t machine;
	bool pe32plus;
	uint32_t size_of_headers;   /* optional header SizeOfHeaders */
	uint64_t size_of_headers_off; /* its file offset, for messages */
	uint64_t checksum_off;      /* file offset of the 4-byte CheckSum */
	uint64_t secdir_off;        /* file offset of the 8-byte security slot */
	uint64_t headers_end;       /* end of the section table */
	uint32_t cert_off, cert_size; /* both 0 without a certificate table */
	uint64_t hash_end;          /* cert_off, or the file size */
	struct pe_section *sections; /* those with raw data, in table order */
	size_t nsections;
};

/* Parses and checks the headers of src (which starts with "MZ"). */
int pe_parse(struct pe_layout *pe, const struct hash_src *src, struct dc_error *err);
void pe_layout_free(struct pe_layout *pe);

/* Builds both page-hash tables (pagehash.c, §5.4). */
int pe_page_hashes(struct hash_page_table *t1, struct hash_page_table *t256,
		   const struct pe_layout *pe, const struct hash_src *src, struct dc_error *err);

#endif
