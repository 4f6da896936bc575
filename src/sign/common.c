/* common.c - OpenSSL error text, secret buffers, times and digests for src/sign. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "internal.h"

void sign_ossl_detail(char *out, size_t n)
{
	unsigned long e;
	const char *data = NULL;
	int flags = 0;
	bool first = true;

	out[0] = '\0';
	/* The first error is the root cause; drain the rest so none leaks into a later call. */
	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		const char *reason = ERR_reason_error_string(e);

		if (!first)
			continue;
		first = false;
		/* data belongs to the queue: format it now, before the next call. */
		if (!reason)
			snprintf(out, n, "error %lX", e);
		else if ((flags & ERR_TXT_STRING) && data && *data)
			snprintf(out, n, "%s (%s)", reason, data);
		else
			snprintf(out, n, "%s", reason);
	}
}

int sign_ossl_error(struct dc_error *err, int code, const char *fmt, ...)
{
	char msg[DC_ERROR_MSG_MAX], detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sign_ossl_detail(detail, sizeof(detail));
	if (detail[0])
		return dc_error_set(err, code, "%s: %s", msg, detail);
	return dc_error_set(err, code, "%s", msg);
}

void sign_free_secret(void *p, size_t n)
{
	if (p)
		OPENSSL_cleanse(p, n);
	free(p);
}

int64_t sign_time_epoch(const ASN1_TIME *t)
{
	ASN1_TIME *epoch = ASN1_TIME_set(NULL, 0);
	int days = 0, secs = 0;
	int64_t v = 0;

	/* timegm is neither C11 nor POSIX; OpenSSL's day arithmetic is portable. */
	if (epoch && t && ASN1_TIME_diff(&days, &secs, epoch, t) == 1)
		v = (int64_t)days * 86400 + secs;
	ASN1_TIME_free(epoch);
	return v;
}

bool sign_digest_known(const char *name)
{
	return name && (!strcmp(name, "sha256") || !strcmp(name, "sha384") ||
			!strcmp(name, "sha512") || !strcmp(name, "sha1"));
}

int sign_md_fetch(EVP_MD **md, const char *name, const char *what, struct dc_error *err)
{
	*md = NULL;
	if (!name)
		name = "sha256";
	if (!sign_digest_known(name))
		return dc_error_set(err, DC_EUSAGE, "%s '%s': use sha256, sha384, sha512 or sha1", what,
				    name);
	if (!(*md = EVP_MD_fetch(NULL, name, NULL)))
		return sign_ossl_error(err, DC_ECRYPTO, "%s %s is not available", what, name);
	return 0;
}

void sign_name_text(char *out, size_t n, const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	/* "CN=Contoso Test, O=Contoso, C=US": the order and syntax --subject takes. */
	unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
			      (ASN1_STRFLGS_RFC2253 & ~(unsigned long)ASN1_STRFLGS_ESC_MSB);
	char *p = NULL;
	long len;

	out[0] = '\0';
	if (b && X509_NAME_print_ex(b, name, 0, flags) >= 0 && (len = BIO_get_mem_data(b, &p)) > 0)
		snprintf(out, n, "%.*s", (int)(len > INT32_MAX ? INT32_MAX : len), p);
	BIO_free(b);
}

void sign_time_text(char *out, size_t n, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, n, "%lld", (long long)t);
}
