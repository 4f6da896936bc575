/*
 * pagehash.c - PE page-hash tables (catalog-format.md §5.4; what MakeCat
 * PageHashes=true, Inf2Cat /pageHashes and osslsigncode -ph embed in
 * SpcPeImageData).  Records are { uint32 LE file offset, digest }:
 *   - offset 0: the headers [0, SizeOfHeaders) without CheckSum and the
 *     security slot, then zeros, HASH_PAGE_SIZE - 12 bytes hashed in all;
 *   - for each section with raw data, by PointerToRawData (table order for
 *     ties), one record per page of its raw data, the last page zero-filled;
 *   - the offset just past the last section's raw data with an all-zero digest.
 * The page is 4096 bytes, the Windows page size (RELIC, reproduced against
 * MakeCat output).  osslsigncode uses SectionAlignment instead and walks
 * sections in table order; both agree for images with 4 KiB section alignment
 * and a sorted section table, which is what linkers produce.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "internal.h"

#define SHA1_LEN 20u
#define SHA256_LEN 32u
#define RECORD_OFFSET_SIZE 4u

/* Appends { off, digest } to t, which has room (counted beforehand). */
static void put_record(struct hash_page_table *t, uint32_t off, const unsigned char *digest,
		       size_t dlen)
{
	unsigned char *p = t->data + t->len;

	p[0] = (unsigned char)(off & 0xff);
	p[1] = (unsigned char)((off >> 8) & 0xff);
	p[2] = (unsigned char)((off >> 16) & 0xff);
	p[3] = (unsigned char)((off >> 24) & 0xff);
	memcpy(p + RECORD_OFFSET_SIZE, digest, dlen);
	t->len += RECORD_OFFSET_SIZE + dlen;
	t->records++;
}

static int finish_page(struct hash_page_table *t1, struct hash_page_table *t256,
		       struct hash_md *m, uint32_t off, struct dc_error *err)
{
	unsigned char d1[SHA1_LEN], d256[SHA256_LEN];

	if (hash_md_final(m, d1, d256, err))
		return err->code;
	put_record(t1, off, d1, sizeof(d1));
	put_record(t256, off, d256, sizeof(d256));
	return 0;
}

/* The table's own SHA-1 and SHA-256. */
static int fingerprint(struct hash_page_table *t, struct hash_md *m, struct dc_error *err)
{
	if (hash_md_restart(m, err) || hash_md_update(m, t->data, t->len, err))
		return err->code;
	return hash_md_final(m, t->sha1, t->sha256, err);
}

static int by_raw_ptr(const void *a, const void *b)
{
	const struct pe_section *x = a, *y = b;

	if (x->raw_ptr != y->raw_ptr)
		return x->raw_ptr < y->raw_ptr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The header page needs SizeOfHeaders to cover the section table and fit in one page. */
static int check_headers(const struct pe_layout *pe, const struct hash_src *src,
			 struct dc_error *err)
{
	uint32_t soh = pe->size_of_headers;
	const char *why = NULL;

	if (soh < pe->headers_end)
		why = "is smaller than the headers";
	else if (soh > HASH_PAGE_SIZE)
		why = "is larger than one page";
	else if (soh > pe->hash_end)
		why = "runs past the hashed part of the file";
	if (!why)
		return 0;
	return dc_error_set(err, DC_EFORMAT, "%s: offset 0x%" PRIx64 ": SizeOfHeaders 0x%" PRIx32
			    " %s (headers end at 0x%" PRIx64 ", page 0x%x, hashed part ends at 0x%"
			    PRIx64 "): no page hashes can be made", src->name,
			    pe->size_of_headers_off, soh, why, pe->headers_end, HASH_PAGE_SIZE,
			    pe->hash_end);
}

static int alloc_table(struct hash_page_table *t, size_t records, size_t dlen,
		       struct dc_error *err)
{
	t->data = malloc(records * (RECORD_OFFSET_SIZE + dlen)); /* records is capped */
	t->len = 0;
	t->records = 0;
	return t->data ? 0 : dc_error_set(err, DC_ENOMEM, "out of memory");
}

static int header_page(struct hash_page_table *t1, struct hash_page_table *t256,
		       struct hash_md *m, unsigned char *page, const struct pe_layout *pe,
		       const struct hash_src *src, struct dc_error *err)
{
	size_t soh = pe->size_of_headers, ck = (size_t)pe->checksum_off, sd = (size_t)pe->secdir_off;

	if (hash_src_read(src, 0, page, soh, err) || hash_md_restart(m, err) ||
	    hash_md_update(m, page, ck, err) ||
	    hash_md_update(m, page + ck + 4, sd - (ck + 4), err) ||
	    hash_md_update(m, page + sd + 8, soh - (sd + 8), err) ||
	    hash_md_zeros(m, HASH_PAGE_SIZE - soh, err))
		return err->code;
	return finish_page(t1, t256, m, 0, err);
}

int pe_page_hashes(struct hash_page_table *t1, struct hash_page_table *t256,
		   const struct pe_layout *pe, const struct hash_src *src, struct dc_error *err)
{
	unsigned char *page = NULL;
	struct pe_section *sorted = NULL;
	unsigned char zero[SHA256_LEN] = { 0 };
	uint64_t records = 2, last = 0; /* the header page and the end marker */
	struct hash_md m;
	int rc;

	memset(&m, 0, sizeof(m));
	memset(t1, 0, sizeof(*t1));
	memset(t256, 0, sizeof(*t256));
	if ((rc = check_headers(pe, src, err)))
		return rc;
	for (size_t i = 0; i < pe->nsections; i++)
		records += (pe->sections[i].raw_size + (uint64_t)HASH_PAGE_SIZE - 1) / HASH_PAGE_SIZE;
	if (records > HASH_MAX_PAGE_RECORDS)
		return dc_error_set(err, DC_ENOMEM, "%s: the page-hash table would have %" PRIu64
				    " records, over the limit of %zu", src->name, records,
				    HASH_MAX_PAGE_RECORDS);
	if ((rc = alloc_table(t1, (size_t)records, SHA1_LEN, err)) ||
	    (rc = alloc_table(t256, (size_t)records, SHA256_LEN, err)))
		goto done;
	page = malloc(HASH_PAGE_SIZE);
	sorted = malloc((pe->nsections ? pe->nsections : 1) * sizeof(*sorted));
	if (!page || !sorted) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	if (pe->nsections)
		memcpy(sorted, pe->sections, pe->nsections * sizeof(*sorted));
	qsort(sorted, pe->nsections, sizeof(*sorted), by_raw_ptr);
	if ((rc = hash_md_init(&m, 0, err)) ||
	    (rc = header_page(t1, t256, &m, page, pe, src, err)))
		goto done;
	for (size_t i = 0; i < pe->nsections; i++) {
		const struct pe_section *s = &sorted[i];

		/* pe_parse checked raw_ptr + raw_size <= file size <= 4 GiB: no wrap below. */
		for (uint64_t at = 0; at < s->raw_size; at += HASH_PAGE_SIZE) {
			size_t n = s->raw_size - at < HASH_PAGE_SIZE ? (size_t)(s->raw_size - at)
								   : HASH_PAGE_SIZE;
			uint32_t off = (uint32_t)(s->raw_ptr + at);

			if ((rc = hash_src_read(src, off, page, n, err)) ||
			    (rc = hash_md_restart(&m, err)) ||
			    (rc = hash_md_update(&m, page, n, err)) ||
			    (rc = hash_md_zeros(&m, HASH_PAGE_SIZE - n, err)) ||
			    (rc = finish_page(t1, t256, &m, off, err)))
				goto done;
		}
		last = (uint64_t)s->raw_ptr + s->raw_size;
	}
	put_record(t1, (uint32_t)last, zero, SHA1_LEN);
	put_record(t256, (uint32_t)last, zero, SHA256_LEN);
	if ((rc = fingerprint(t1, &m, err)) || (rc = fingerprint(t256, &m, err)))
		goto done;
done:
	hash_md_free(&m);
	free(page);
	free(sorted);
	if (rc) {
		free(t1->data);
		free(t256->data);
		memset(t1, 0, sizeof(*t1));
		memset(t256, 0, sizeof(*t256));
	}
	return rc;
}
