/* digest.c - SHA-1 and SHA-256 side by side over one stream (OpenSSL 3 EVP). */
#include <openssl/err.h>
#include <pthread.h>
#include <string.h>

#include "hash.h"
#include "internal.h"

static const char *const alg_names[HASH_NALGS] = { "SHA1", "SHA256" };

/*
 * The digest implementations, fetched once per process: EVP_MD_fetch looks
 * through OpenSSL's provider store under a lock, which showed at 3 % of
 * verifying 10,000 small files.  Never freed: they live as long as OpenSSL.
 */
static EVP_MD *fetched_md[HASH_NALGS];
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_mds(void)
{
	for (int i = 0; i < HASH_NALGS; i++)
		fetched_md[i] = EVP_MD_fetch(NULL, alg_names[i], NULL);
}

int hash_crypto_error(struct dc_error *err, const char *what)
{
	char detail[256] = "no detail from OpenSSL";
	unsigned long e, first = 0;

	/* Keep the first (root-cause) error, drain the rest so none leaks to a later call. */
	while ((e = ERR_get_error()) != 0)
		if (!first)
			first = e;
	if (first)
		ERR_error_string_n(first, detail, sizeof(detail));
	return dc_error_set(err, DC_ECRYPTO, "%s failed: %s", what, detail);
}

/* Whether digest i is computed. */
static int wanted(const struct hash_md *m, int i)
{
	return (m->want >> i) & 1u;
}

int hash_md_init(struct hash_md *m, unsigned want, struct dc_error *err)
{
	memset(m, 0, sizeof(*m));
	/* HASH_WANT_SHA1 is bit HASH_SHA1, HASH_WANT_SHA256 bit HASH_SHA256. */
	m->want = want ? want : (HASH_WANT_SHA1 | HASH_WANT_SHA256);
	if (pthread_once(&fetch_once, fetch_mds) != 0)
		return dc_error_set(err, DC_ECRYPTO, "fetching the digest implementations failed");
	for (int i = 0; i < HASH_NALGS; i++) {
		if (!wanted(m, i))
			continue;
		if (!(m->md[i] = fetched_md[i]))
			return hash_crypto_error(err, alg_names[i]);
		if (!(m->ctx[i] = EVP_MD_CTX_new()))
			return hash_crypto_error(err, "EVP_MD_CTX_new");
		if (EVP_DigestInit_ex2(m->ctx[i], m->md[i], NULL) != 1)
			return hash_crypto_error(err, "EVP_DigestInit_ex2");
	}
	return 0;
}

int hash_md_restart(struct hash_md *m, struct dc_error *err)
{
	for (int i = 0; i < HASH_NALGS; i++)
		if (wanted(m, i) && EVP_DigestInit_ex2(m->ctx[i], m->md[i], NULL) != 1)
			return hash_crypto_error(err, "EVP_DigestInit_ex2");
	return 0;
}

int hash_md_update(struct hash_md *m, const void *data, size_t n, struct dc_error *err)
{
	for (int i = 0; i < HASH_NALGS; i++)
		if (wanted(m, i) && EVP_DigestUpdate(m->ctx[i], data, n) != 1)
			return hash_crypto_error(err, "EVP_DigestUpdate");
	return 0;
}

int hash_md_zeros(struct hash_md *m, uint64_t n, struct dc_error *err)
{
	static const unsigned char zeros[HASH_PAGE_SIZE];

	while (n > 0) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);

		if (hash_md_update(m, zeros, k, err))
			return DC_ECRYPTO;
		n -= k;
	}
	return 0;
}

int hash_md_final(struct hash_md *m, unsigned char sha1[20], unsigned char sha256[32],
		  struct dc_error *err)
{
	unsigned char *out[HASH_NALGS] = { sha1, sha256 };
	const unsigned want[HASH_NALGS] = { 20, 32 };

	for (int i = 0; i < HASH_NALGS; i++) {
		unsigned len = 0;

		if (!wanted(m, i)) {
			memset(out[i], 0, want[i]);
			continue;
		}
		if (EVP_DigestFinal_ex(m->ctx[i], out[i], &len) != 1)
			return hash_crypto_error(err, "EVP_DigestFinal_ex");
		if (len != want[i])
			return dc_error_set(err, DC_ECRYPTO, "%s gave a %u-byte digest, expected %u",
					    alg_names[i], len, want[i]);
	}
	return 0;
}

void hash_md_free(struct hash_md *m)
{
	for (int i = 0; i < HASH_NALGS; i++) {
		EVP_MD_CTX_free(m->ctx[i]);
		m->ctx[i] = NULL;
		m->md[i] = NULL;
	}
}
