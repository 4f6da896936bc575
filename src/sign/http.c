/*
 * http.c - one HTTP POST with OpenSSL's own client (OSSL_HTTP_transfer):
 * enough for an RFC 3161 server, with an overall timeout and a response cap.
 * A proxy named by http_proxy (and not excluded by no_proxy) is used as
 * OpenSSL's client uses it.
 *
 * Only http:// is offered: OpenSSL's client needs the caller to build TLS,
 * which would pull libssl in for little gain: a timestamp reply is signed,
 * and timestamp servers are commonly reached over plain http.  OpenSSL reports failures through its error
 * queue; they are turned into one line that says what the server did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/httperr.h>

#include "internal.h"

/* A timestamp reply is a few KiB; a megabyte means something else answered. */
#define HTTP_RESP_MAX (1024u * 1024u)

/* Value of key in OpenSSL's "code=500, reason=Internal Server Error" error data. */
static void data_field(char *out, size_t n, const char *data, const char *key)
{
	const char *p = data ? strstr(data, key) : NULL;
	size_t len;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	len = strcspn(p, ",");
	snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), p);
}

/* The error queue after a failed connect: the system's reason when there is one. */
static int connect_error(const char *url, struct dc_error *err)
{
	unsigned long e;
	const char *data;
	int flags, sys_errno = 0;
	char first[256] = "";

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		if (ERR_GET_LIB(e) == ERR_LIB_SYS && !sys_errno)
			sys_errno = ERR_GET_REASON(e);
		/* The data (e.g. getaddrinfo's text) says more than the reason code. */
		if (!first[0])
			snprintf(first, sizeof(first), "%s",
				 (flags & ERR_TXT_STRING) && data && *data ? data
				 : ERR_reason_error_string(e)		 ? ERR_reason_error_string(e)
									 : "?");
	}
	if (sys_errno)
		return dc_error_set(err, DC_EIO, "timestamp server %s: cannot connect: %s", url,
				    strerror(sys_errno));
	return dc_error_set(err, DC_EIO, "timestamp server %s: cannot connect: %s", url,
			    first[0] ? first : "no detail from OpenSSL");
}

/* Turns the error queue after a failed transfer into one message. */
static int transfer_error(const char *url, int timeout, struct dc_error *err)
{
	unsigned long e;
	const char *data;
	int flags;
	int sys_errno = 0;
	char a[128] = "", b[128] = "", first[256] = "";
	int kind = 0; /* 1 HTTP status, 2 content type, 3 no content type, 4 timeout, 5 not DER */

	while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
		int lib = ERR_GET_LIB(e), reason = ERR_GET_REASON(e);

		if (!(flags & ERR_TXT_STRING))
			data = NULL;
		if (!first[0])
			snprintf(first, sizeof(first), "%s", ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?");
		if (lib == ERR_LIB_SYS && !sys_errno)
			sys_errno = reason;
		if (lib == ERR_LIB_HTTP && reason == HTTP_R_RECEIVED_ERROR && !kind) {
			kind = 1;
			data_field(a, sizeof(a), data, "code=");
			data_field(b, sizeof(b), data, "reason=");
		} else if (lib == ERR_LIB_HTTP && reason == HTTP_R_UNEXPECTED_CONTENT_TYPE && !kind) {
			kind = 2;
			data_field(a, sizeof(a), data, "expected=");
			data_field(b, sizeof(b), data, "actual=");
		} else if (lib == ERR_LIB_HTTP && reason == HTTP_R_MISSING_CONTENT_TYPE && !kind) {
			kind = 3;
		} else if (((lib == ERR_LIB_HTTP && reason == HTTP_R_RETRY_TIMEOUT) ||
			    (lib == ERR_LIB_BIO && reason == BIO_R_TRANSFER_TIMEOUT) ||
			    (lib == ERR_LIB_BIO && reason == BIO_R_CONNECT_TIMEOUT)) && !kind) {
			kind = 4;
		} else if (lib == ERR_LIB_HTTP && !kind &&
			   (reason == HTTP_R_MISSING_ASN1_ENCODING || reason == HTTP_R_ERROR_PARSING_ASN1_LENGTH ||
			    reason == HTTP_R_ASN1_LEN_EXCEEDS_MAX_RESP_LEN)) {
			kind = 5;
		}
	}
	switch (kind) {
	case 1:
		return dc_error_set(err, DC_EIO, "timestamp server %s answered HTTP %s%s%s%s", url, a,
				    b[0] ? " (" : "", b, b[0] ? ")" : "");
	case 2:
		return dc_error_set(err, DC_EFORMAT,
				    "timestamp server %s answered with content type %s, not %s", url, b, a);
	case 3:
		return dc_error_set(err, DC_EFORMAT, "timestamp server %s answered without a content type",
				    url);
	case 4:
		return dc_error_set(err, DC_EIO, "timestamp server %s: no answer within %d s", url, timeout);
	case 5:
		return dc_error_set(err, DC_EFORMAT,
				    "timestamp server %s: the reply is not an RFC 3161 TimeStampResp", url);
	default:
		break;
	}
	if (sys_errno)
		return dc_error_set(err, DC_EIO, "timestamp server %s: cannot connect: %s", url,
				    strerror(sys_errno));
	return dc_error_set(err, DC_EIO, "timestamp server %s: request failed: %s", url,
			    first[0] ? first : "no detail from OpenSSL");
}

/*
 * Connects first, by hand: OSSL_HTTP_transfer retries a refused connection
 * until the timeout and then only says "connect timeout", while a TSA that
 * is down should be reported at once and as what it is.
 */
static int connect_server(BIO **out, const char *host, const char *port, const char *url,
			  int timeout, struct dc_error *err)
{
	time_t deadline = time(NULL) + timeout;
	BIO *b = BIO_new_connect(host);
	long r;

	*out = NULL;
	if (!b || !BIO_set_conn_port(b, port) || BIO_set_nbio(b, 1) != 1) {
		BIO_free_all(b);
		return sign_ossl_error(err, DC_ENOMEM, "timestamp server %s: cannot set up the connection", url);
	}
	while ((r = BIO_do_connect(b)) <= 0) {
		if (!BIO_should_retry(b)) {
			int rc = connect_error(url, err);

			BIO_free_all(b);
			return rc;
		}
		ERR_clear_error();
		if ((r = (long)BIO_wait(b, deadline, 100)) <= 0) {
			BIO_free_all(b);
			ERR_clear_error();
			return r == 0 ? dc_error_set(err, DC_EIO, "timestamp server %s: no answer within %d s",
						     url, timeout)
				      : dc_error_set(err, DC_EIO, "timestamp server %s: cannot connect", url);
		}
	}
	*out = b;
	return 0;
}

static int read_all(unsigned char **out, size_t *len, BIO *b, const char *url,
		    struct dc_error *err)
{
	unsigned char *buf = NULL;
	size_t used = 0, cap = 0;
	int n;

	for (;;) {
		if (used == cap) {
			unsigned char *grown;

			if (cap >= HTTP_RESP_MAX) {
				free(buf);
				return dc_error_set(err, DC_ENOMEM, "timestamp server %s: reply over %u bytes",
						    url, HTTP_RESP_MAX);
			}
			cap = cap ? cap * 2 : 16384;
			if (!(grown = realloc(buf, cap))) {
				free(buf);
				return dc_error_set(err, DC_ENOMEM, "out of memory");
			}
			buf = grown;
		}
		n = BIO_read(b, buf + used, (int)(cap - used));
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	*out = buf;
	*len = used;
	return 0;
}

int http_post(unsigned char **resp, size_t *resp_len, const char *url, const char *content_type,
	      const char *expect_type, const unsigned char *body, size_t n, int timeout,
	      struct dc_error *err)
{
	char *host = NULL, *port = NULL, *path = NULL, *query = NULL, *full = NULL;
	int use_ssl = 0, rc = 0;
	BIO *req = NULL, *rsp = NULL, *conn = NULL;

	*resp = NULL;
	*resp_len = 0;
	ERR_clear_error();
	if (!OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, &query, NULL)) {
		ERR_clear_error();
		return dc_error_set(err, DC_EUSAGE, "timestamp server '%s': not an http:// URL", url);
	}
	if (use_ssl) {
		rc = dc_error_set(err, DC_EUSAGE,
				  "timestamp server %s: https is not supported; use the server's http:// URL "
				  "(timestamp replies are signed)", url);
		goto done;
	}
	if (query && !*query) {
		OPENSSL_free(query);
		query = NULL;
	}
	if (!(full = malloc(strlen(path) + (query ? strlen(query) + 1 : 0) + 1))) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	strcpy(full, path);
	if (query) {
		strcat(full, "?");
		strcat(full, query);
	}
	if (n > INT32_MAX || !(req = BIO_new_mem_buf(body, (int)n))) {
		rc = dc_error_set(err, DC_ENOMEM, "out of memory");
		goto done;
	}
	/* Through a proxy, OpenSSL's client connects; else we do, for clear errors. */
	if (!OSSL_HTTP_adapt_proxy(NULL, NULL, host, 0) &&
	    (rc = connect_server(&conn, host, port, url, timeout, err)))
		goto done;
	/* expect_asn1 = 1: the body is read whole into memory (else OpenSSL hands back
	 * the non-blocking connection to stream from); the caller parses it. */
	rsp = OSSL_HTTP_transfer(NULL, host, port, full, 0, NULL, NULL, conn, NULL, NULL, NULL, 0, NULL,
				 content_type, req, expect_type, 1, HTTP_RESP_MAX, timeout, 0);
	if (!rsp)
		rc = transfer_error(url, timeout, err);
	else
		rc = read_all(resp, resp_len, rsp, url, err);
done:
	BIO_free_all(rsp);
	BIO_free_all(conn);
	BIO_free(req);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	OPENSSL_free(query);
	free(full);
	return rc;
}
