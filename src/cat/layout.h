/*
 * layout.h - a catalog checked without building its model: for callers that
 * only need to know that a file is a well-formed catalog and where its parts
 * are (drvcat sign and timestamp, which copy the CTL unchanged).
 *
 * cat_read_layout walks the file exactly as cat_read_buffer (cat.h) does and
 * fails on exactly the same inputs with the same message, but keeps no
 * member or attribute and decodes no string (UTF-16 text is only checked):
 * on a catalog of 20,000 members it allocates nothing per member.
 */
#ifndef DRVCAT_CAT_LAYOUT_H
#define DRVCAT_CAT_LAYOUT_H

#include <stddef.h>

#include "../util/error.h"

struct cat_layout {
	unsigned version;        /* 1 (SHA-1 members) or 2 (SHA-256 + SHA-1 compat) */
	size_t nmembers;         /* trusted subjects */
	size_t nattrs;           /* catalog-level name/value attributes */
	size_t nsigners, ncerts; /* SignerInfos and certificates of the current signature */
	/* SignedData.contentInfo, header included: SEQUENCE { OID szOID_CTL, [0] CTL } (§1) */
	size_t content_offset, content_len;
	/* The CTL's content octets, without its header: what messageDigest covers (§6) */
	size_t ctl_body_offset, ctl_body_len;
};

/*
 * Checks data[0..len) as a catalog (name for messages) and fills *out.
 * 0, or DC_EFORMAT / DC_ENOMEM with the message cat_read_buffer would give.
 */
int cat_read_layout(struct cat_layout *out, const unsigned char *data, size_t len,
		    const char *name, struct dc_error *err);

#endif
