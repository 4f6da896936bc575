/*
 * hash.c - hash_file / hash_buffer: choose PE or flat (the "MZ" rule in
 * hash.h), then stream the file once through SHA-1 and SHA-256 together.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "internal.h"

int hash_src_read(const struct hash_src *s, uint64_t off, void *buf, size_t n,
		  struct dc_error *err)
{
	unsigned char *p = buf;

	if (n > s->size || off > s->size - n)
		return dc_error_set(err, DC_EIO, "%s: read of 0x%zx bytes at 0x%" PRIx64
				    " is past the end of the file (size 0x%" PRIx64 ")", s->name, n,
				    off, s->size);
	if (n == 0)
		return 0; /* an empty file has no head to copy from */
	if (off + n <= s->head_len) {
		memcpy(buf, s->head + off, n);
		return 0;
	}
	while (n > 0) {
		ssize_t got = pread(s->fd, p, n, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return dc_error_set(err, DC_EIO, "%s: read failed at 0x%" PRIx64 ": %s",
					    s->name, off, strerror(errno));
		if (got == 0)
			return dc_error_set(err, DC_EIO, "%s: file shrank while being hashed (ends "
					    "before 0x%" PRIx64 ")", s->name, off + n);
		p += got;
		off += (uint64_t)got;
		n -= (size_t)got;
	}
	return 0;
}

/* Feeds [from, to) of the file to m in HASH_CHUNK reads through buf. */
static int stream_range(struct hash_md *m, const struct hash_src *src, uint64_t from,
			uint64_t to, unsigned char *buf, struct dc_error *err)
{
	if (from < to && from < src->head_len) {
		size_t n = (size_t)((to < src->head_len ? to : src->head_len) - from);

		if (hash_md_update(m, src->head + from, n, err))
			return err->code;
		from += n;
	}
	while (from < to) {
		size_t n = to - from < HASH_CHUNK ? (size_t)(to - from) : HASH_CHUNK;

		if (hash_src_read(src, from, buf, n, err) || hash_md_update(m, buf, n, err))
			return err->code;
		from += n;
	}
	return 0;
}

/*
 * Authenticode image hash (§5.2): [0, CheckSum), skip 4, up to the security
 * slot, skip 8, up to the certificate table or EOF; then, without a
 * certificate table, zeros up to a multiple of 8 (what Windows and
 * osslsigncode hash for an unsigned file: the signer pads the file before it
 * appends the table, so the same bytes are hashed before and after signing).
 */
static int hash_pe(struct hash_result *out, struct hash_md *m, const struct pe_layout *pe,
		   const struct hash_src *src, unsigned char *buf, struct dc_error *err)
{
	if (stream_range(m, src, 0, pe->checksum_off, buf, err) ||
	    stream_range(m, src, pe->checksum_off + 4, pe->secdir_off, buf, err) ||
	    stream_range(m, src, pe->secdir_off + 8, pe->hash_end, buf, err))
		return err->code;
	if (!pe->cert_size && src->size % 8)
		out->pad_bytes = (unsigned)(8 - src->size % 8);
	if (hash_md_zeros(m, out->pad_bytes, err))
		return err->code;
	out->kind = HASH_PE;
	out->machine = pe->machine;
	out->pe32plus = pe->pe32plus;
	out->has_cert_table = pe->cert_size != 0;
	out->cert_offset = pe->cert_off;
	out->cert_size = pe->cert_size;
	return 0;
}

static int hash_src_run(struct hash_result *out, struct hash_src *src,
			const struct hash_options *opt, struct dc_error *err)
{
	unsigned char magic[2], *buf = NULL;
	struct pe_layout pe;
	struct hash_md m;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&pe, 0, sizeof(pe));
	out->file_size = src->size;
	if ((rc = hash_md_init(&m, opt ? opt->digests : 0, err)))
		goto done;
	/* buf: the streaming chunk, then (for a file) the head. */
	if (!(buf = malloc(src->fd < 0 ? HASH_CHUNK : 2 * HASH_CHUNK))) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	if (src->fd >= 0) {
		size_t n = src->size < HASH_CHUNK ? (size_t)src->size : HASH_CHUNK;

		if ((rc = hash_src_read(src, 0, buf + HASH_CHUNK, n, err)))
			goto done;
		src->head = buf + HASH_CHUNK;
		src->head_len = n;
	}
	if (src->size >= 2 && (rc = hash_src_read(src, 0, magic, 2, err)))
		goto done;
	if (src->size >= 2 && magic[0] == 'M' && magic[1] == 'Z') {
		if ((rc = pe_parse(&pe, src, err)) || (rc = hash_pe(out, &m, &pe, src, buf, err)))
			goto done;
		if (opt && opt->page_hashes &&
		    (rc = pe_page_hashes(&out->pages_sha1, &out->pages_sha256, &pe, src, err)))
			goto done;
	} else {
		out->kind = HASH_FLAT; /* §5.3: the whole file, no padding */
		if ((rc = stream_range(&m, src, 0, src->size, buf, err)))
			goto done;
	}
	rc = hash_md_final(&m, out->sha1, out->sha256, err);
done:
	free(buf);
	hash_md_free(&m);
	pe_layout_free(&pe);
	if (rc) {
		hash_result_free(out);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

int hash_buffer(struct hash_result *out, const unsigned char *data, size_t len, const char *name,
		const struct hash_options *opt, struct dc_error *err)
{
	struct dc_error local;
	struct hash_src src = { name, len, -1, data, len };

	/* The internals may assume an error struct. */
	return hash_src_run(out, &src, opt, err ? err : &local);
}

int hash_file(struct hash_result *out, const char *path, const struct hash_options *opt,
	      struct dc_error *err)
{
	struct dc_error local;
	struct hash_src src = { path, 0, -1, NULL, 0 };
	struct stat st;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!err)
		err = &local;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; fstat below refuses it. */
	src.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (src.fd < 0)
		return dc_error_set(err, DC_EIO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(src.fd, &st) != 0) {
		rc = dc_error_set(err, DC_EIO, "%s: cannot stat: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		rc = dc_error_set(err, DC_EIO, "%s: not a regular file", path);
	} else {
		src.size = (uint64_t)st.st_size;
		rc = hash_src_run(out, &src, opt, err);
	}
	close(src.fd);
	return rc;
}

void hash_result_free(struct hash_result *r)
{
	if (!r)
		return;
	free(r->pages_sha1.data);
	free(r->pages_sha256.data);
	memset(&r->pages_sha1, 0, sizeof(r->pages_sha1));
	memset(&r->pages_sha256, 0, sizeof(r->pages_sha256));
}

const char *hash_machine_name(uint16_t machine)
{
	/* IMAGE_FILE_MACHINE_* (PE/COFF §3.3.1). */
	switch (machine) {
	case 0x014c: return "x86";
	case 0x8664: return "amd64";
	case 0xaa64: return "arm64";
	case 0xa641: return "arm64ec";
	case 0xa64e: return "arm64x";
	case 0x01c4: return "arm";
	case 0x01c2: return "thumb";
	case 0x0200: return "ia64";
	case 0x0ebc: return "ebc";
	case 0x5032: return "riscv32";
	case 0x5064: return "riscv64";
	case 0x6264: return "loongarch64";
	default: return "unknown";
	}
}
