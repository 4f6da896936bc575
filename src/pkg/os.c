#include "os.h"

#include <stdlib.h>
#include <string.h>

#include "../util/str.h"

#define W PKG_WORKSTATION
#define S PKG_SERVER
#define X86 INF_ARCH_X86
#define X64 INF_ARCH_AMD64
#define IA64 INF_ARCH_IA64
#define ARM INF_ARCH_ARM
#define A64 INF_ARCH_ARM64

/*
 * Builds are the first release of each id (10240 = Windows 10 1507).
 * XP x64 shares the Server 2003 kernel (5.2) but Inf2Cat lists 5.1 for it
 * as well (catalog-format.md §4.3).
 * Tokens: catalog-format.md §4.3; Windows 10+ follows the observed pattern
 * [Server]_v100[_X64|_ARM64][_<release>], release = RS1..RS5, 19H1, Vb, or
 * the Windows 11 / Server 2022+ version.
 */
static const struct pkg_os table[] = {
	{ "2000", X86, 5, 0, 2195, W, "2:5.00", "2000", NULL, true },
	{ "XP_X86", X86, 5, 1, 2600, W, "2:5.1", "XPX86", NULL, true },
	{ "XP_X64", X64, 5, 2, 3790, W, "2:5.1,2:5.2", "XPX64", NULL, true },
	{ "Server2003_X86", X86, 5, 2, 3790, S, "2:5.2", "Server2003X86", NULL, true },
	{ "Server2003_X64", X64, 5, 2, 3790, S, "2:5.2", "Server2003X64", NULL, true },
	{ "Server2003_IA64", IA64, 5, 2, 3790, S, "2:5.2", "Server2003IA64", NULL, true },
	{ "Vista_X86", X86, 6, 0, 6000, W, "2:6.0", "VistaX86", NULL, true },
	{ "Vista_X64", X64, 6, 0, 6000, W, "2:6.0", "VistaX64", NULL, true },
	{ "Server2008_X86", X86, 6, 0, 6001, S, "2:6.0", "Server2008X86", NULL, true },
	{ "Server2008_X64", X64, 6, 0, 6001, S, "2:6.0", "Server2008X64", NULL, true },
	{ "Server2008_IA64", IA64, 6, 0, 6001, S, "2:6.0", "Server2008IA64", NULL, true },
	{ "7_X86", X86, 6, 1, 7600, W, "2:6.1", "7X86", NULL, true },
	{ "7_X64", X64, 6, 1, 7600, W, "2:6.1", "7X64", NULL, true },
	{ "Server2008R2_X64", X64, 6, 1, 7600, S, "2:6.1", "Server2008R2X64", NULL, true },
	{ "Server2008R2_IA64", IA64, 6, 1, 7600, S, "2:6.1", "Server2008R2IA64", NULL, true },
	{ "8_X86", X86, 6, 2, 9200, W, "2:6.2", "8X86", NULL, true },
	{ "8_X64", X64, 6, 2, 9200, W, "2:6.2", "8X64", NULL, true },
	{ "8_ARM", ARM, 6, 2, 9200, W, "2:6.2", "8ARM", NULL, true },
	{ "Server8_X64", X64, 6, 2, 9200, S, "2:6.2", "Server2012X64", NULL, true },
	{ "6_3_X86", X86, 6, 3, 9600, W, "2:6.3", "_v63", NULL, true },
	{ "6_3_X64", X64, 6, 3, 9600, W, "2:6.3", "_v63_X64", NULL, true },
	{ "6_3_ARM", ARM, 6, 3, 9600, W, "2:6.3", "_v63_ARM", NULL, true },
	{ "Server6_3_X64", X64, 6, 3, 9600, S, "2:6.3", "_v63_Server_X64", NULL, true },
	{ "10_X86", X86, 10, 0, 10240, W, "2:10.0", "_v100", "10X86", false },
	{ "10_X64", X64, 10, 0, 10240, W, "2:10.0", "_v100_X64", "10X64", false },
	{ "Server10_X64", X64, 10, 0, 14393, S, "2:10.0", "Server_v100_X64", NULL, false },
	{ "Server10_ARM64", A64, 10, 0, 14393, S, "2:10.0", "Server_v100_ARM64", NULL, false },
	{ "10_AU_X86", X86, 10, 0, 14393, W, "2:10.0", "_v100_RS1", NULL, false },
	{ "10_AU_X64", X64, 10, 0, 14393, W, "2:10.0", "_v100_X64_RS1", NULL, false },
	{ "Server2016_X64", X64, 10, 0, 14393, S, "2:10.0", "Server_v100_X64_RS1", NULL, false },
	{ "10_RS2_X86", X86, 10, 0, 15063, W, "2:10.0", "_v100_RS2", NULL, false },
	{ "10_RS2_X64", X64, 10, 0, 15063, W, "2:10.0", "_v100_X64_RS2", NULL, false },
	{ "10_RS3_X86", X86, 10, 0, 16299, W, "2:10.0", "_v100_RS3", NULL, false },
	{ "10_RS3_X64", X64, 10, 0, 16299, W, "2:10.0", "_v100_X64_RS3", NULL, false },
	{ "10_RS3_ARM64", A64, 10, 0, 16299, W, "2:10.0", "_v100_ARM64_RS3", NULL, false },
	{ "10_RS4_X86", X86, 10, 0, 17134, W, "2:10.0", "_v100_RS4", NULL, false },
	{ "10_RS4_X64", X64, 10, 0, 17134, W, "2:10.0", "_v100_X64_RS4", NULL, false },
	{ "10_RS4_ARM64", A64, 10, 0, 17134, W, "2:10.0", "_v100_ARM64_RS4", NULL, false },
	{ "10_RS5_X86", X86, 10, 0, 17763, W, "2:10.0", "_v100_RS5", NULL, false },
	{ "10_RS5_X64", X64, 10, 0, 17763, W, "2:10.0", "_v100_X64_RS5", NULL, false },
	{ "10_RS5_ARM64", A64, 10, 0, 17763, W, "2:10.0", "_v100_ARM64_RS5", NULL, false },
	{ "ServerRS5_X64", X64, 10, 0, 17763, S, "2:10.0", "Server_v100_X64_RS5", NULL, false },
	{ "ServerRS5_ARM64", A64, 10, 0, 17763, S, "2:10.0", "Server_v100_ARM64_RS5", NULL, false },
	{ "10_19H1_X86", X86, 10, 0, 18362, W, "2:10.0", "_v100_19H1", NULL, false },
	{ "10_19H1_X64", X64, 10, 0, 18362, W, "2:10.0", "_v100_X64_19H1", NULL, false },
	{ "10_19H1_ARM64", A64, 10, 0, 18362, W, "2:10.0", "_v100_ARM64_19H1", NULL, false },
	{ "10_VB_X86", X86, 10, 0, 19041, W, "2:10.0", "_v100_Vb", NULL, false },
	{ "10_VB_X64", X64, 10, 0, 19041, W, "2:10.0", "_v100_X64_Vb", NULL, false },
	{ "10_VB_ARM64", A64, 10, 0, 19041, W, "2:10.0", "_v100_ARM64_Vb", NULL, false },
	{ "ServerFE_X64", X64, 10, 0, 20348, S, "2:10.0", "Server_v100_X64_21H2", NULL, false },
	{ "ServerFE_ARM64", A64, 10, 0, 20348, S, "2:10.0", "Server_v100_ARM64_21H2", NULL, false },
	{ "10_CO_X64", X64, 10, 0, 22000, W, "2:10.0", "_v100_X64_21H2", NULL, false },
	{ "10_CO_ARM64", A64, 10, 0, 22000, W, "2:10.0", "_v100_ARM64_21H2", NULL, false },
	{ "10_NI_X64", X64, 10, 0, 22621, W, "2:10.0", "_v100_X64_22H2", NULL, false },
	{ "10_NI_ARM64", A64, 10, 0, 22621, W, "2:10.0", "_v100_ARM64_22H2", NULL, false },
	{ "10_GE_X64", X64, 10, 0, 26100, W, "2:10.0", "_v100_X64_24H2", NULL, false },
	{ "10_GE_ARM64", A64, 10, 0, 26100, W, "2:10.0", "_v100_ARM64_24H2", NULL, false },
	{ "Server2025_X64", X64, 10, 0, 26100, S, "2:10.0", "Server_v100_X64_24H2", NULL, false },
	{ "Server2025_ARM64", A64, 10, 0, 26100, S, "2:10.0", "Server_v100_ARM64_24H2", NULL, false },
	{ "10_25H2_X64", X64, 10, 0, 26200, W, "2:10.0", "_v100_X64_25H2", NULL, false },
	{ "10_25H2_ARM64", A64, 10, 0, 26200, W, "2:10.0", "_v100_ARM64_25H2", NULL, false },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

const struct pkg_os *pkg_os_table(size_t *n)
{
	*n = NTABLE;
	return table;
}

const struct pkg_os *pkg_os_find(const char *id)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (dc_strcaseeq(table[i].id, id))
			return &table[i];
	return NULL;
}

const struct pkg_os *pkg_os_from_token(const char *token)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (dc_strcaseeq(table[i].token, token) ||
		    (table[i].legacy_token && dc_strcaseeq(table[i].legacy_token, token)))
			return &table[i];
	return NULL;
}

int pkg_os_parse_list(const struct pkg_os ***out, size_t *n, const char *list,
		      struct dc_error *err)
{
	bool chosen[NTABLE] = { false };
	const char *p = list;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	while (*p) {
		char id[64];
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const struct pkg_os *os;

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(id))
			return dc_error_set(err, DC_EUSAGE, "--os has an empty or overlong identifier in '%s'",
					    list);
		memcpy(id, p, len);
		id[len] = '\0';
		os = pkg_os_find(id);
		if (!os)
			return dc_error_set(err, DC_EUSAGE, "unknown operating system identifier '%s'", id);
		if (chosen[os - table])
			return dc_error_set(err, DC_EUSAGE, "operating system identifier '%s' given twice", id);
		chosen[os - table] = true;
		count++;
		p = comma ? comma + 1 : p + strlen(p);
		if (comma && !*p)
			return dc_error_set(err, DC_EUSAGE, "--os list '%s' ends with a comma", list);
	}
	if (!count)
		return dc_error_set(err, DC_EUSAGE, "--os needs at least one identifier");
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return dc_error_set(err, DC_ENOMEM, "out of memory");
	for (size_t i = 0; i < NTABLE; i++)
		if (chosen[i])
			(*out)[(*n)++] = &table[i];
	return 0;
}

bool pkg_os_accepts(const struct pkg_os *os, const struct inf_targetos *t, bool ignore_build)
{
	if (!t->valid)
		return false;
	/* An arch-less decoration (NT, NT.5.1) applies to every architecture (§2.5 rule 3). */
	if (t->arch != INF_ARCH_NONE && t->arch != os->arch)
		return false;
	if (t->has_version) {
		if (t->major > os->major || (t->major == os->major && t->minor > os->minor))
			return false;
		/* A build number only gates within the same major.minor (TARGETOS). */
		if (!ignore_build && t->build && t->major == os->major && t->minor == os->minor &&
		    t->build > os->build)
			return false;
	}
	/* Product type 1 = workstation; 2 (domain controller) and 3 = server. */
	if (t->product_type && (t->product_type == 1) != (os->product == PKG_WORKSTATION))
		return false;
	return true;
}
