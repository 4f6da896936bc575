/* cmd_explain.c - "drvcat explain CODE": what a Windows driver install or signing error means. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

struct explanation {
	const char *codes;   /* spellings, '|'-separated, matched case-insensitively */
	const char *title;
	const char *meaning;
	const char *finder;  /* the drvcat command that finds the cause */
};

/* In our own words; the facts are from the shared research notes (anchors.md, inf-format.md). */
static const struct explanation table[] = {
	{ "0xE000024B|0x800F024B|E000024B|800F024B|ERROR_FILE_HASH_NOT_IN_CATALOG",
	  "The hash for the file is not present in the specified catalog file",
	  "A file of the package (the INF itself or a file its CopyFiles directives copy) has a digest\n"
	  "that no member of the package's catalog holds: the file changed after the catalog was made,\n"
	  "the catalog was made from other files (another architecture, another build), or the catalog\n"
	  "never listed it (a file added to the INF later).",
	  "drvcat verify PKGDIR names every such file with the digest it has and the one the catalog\n"
	  "holds; drvcat build PKGDIR makes a new catalog (then sign it again)." },
	{ "0x800B0109|800B0109|CERT_E_UNTRUSTEDROOT",
	  "A certificate chain processed, but terminated in a root certificate which is not trusted",
	  "The catalog's signer chain ends at a root the machine does not trust: typically a test\n"
	  "certificate that was not added to Trusted Root Certification Authorities (and, for\n"
	  "installation without a prompt, to Trusted Publishers).",
	  "drvcat verify --trust ROOT.cer PKGDIR shows the chain and where it ends; drvcat cert --test\n"
	  "prints the certutil commands that add a test root on Windows." },
	{ "0x800B0100|800B0100|TRUST_E_NOSIGNATURE",
	  "No signature was present in the subject",
	  "The catalog is not signed, its signature was removed or damaged, or (for an embedded\n"
	  "signature) the file carries none.  Windows also reports it for catalogs signed without a\n"
	  "timestamp once the signing certificate has expired.",
	  "drvcat show FILE.cat lists the signers; drvcat verify PKGDIR reports an unsigned catalog;\n"
	  "drvcat sign signs it." },
	{ "0xE0000247|E0000247|ERROR_DRIVER_STORE_ADD_FAILED",
	  "A problem was encountered while attempting to add the driver to the store",
	  "Seen when the package's catalog has no valid signature while code integrity is enforced, so\n"
	  "the Driver Store refuses to stage it.",
	  "drvcat verify PKGDIR: look at the signature findings." },
	{ "0xE0000242|E0000242|ERROR_AUTHENTICODE_TRUST_NOT_ESTABLISHED",
	  "The publisher of an Authenticode signed catalog has not yet been established as trusted",
	  "The catalog verifies, but its publisher is not in Trusted Publishers, and the installation\n"
	  "ran where Windows could not ask the user (a silent or service install).",
	  "drvcat verify --trust ROOT.cer PKGDIR confirms the signature; add the signer certificate to\n"
	  "Trusted Publishers on the target machine." },
	{ "0xE0000243|E0000243|ERROR_AUTHENTICODE_PUBLISHER_NOT_TRUSTED",
	  "The publisher of an Authenticode signed catalog was not trusted",
	  "The catalog is signed, but the user or a policy declined to trust its publisher.",
	  "drvcat verify PKGDIR shows who signed it." },
	{ "0xE000022F|E000022F|ERROR_NO_CATALOG_FOR_OEM_INF",
	  "The third-party INF does not contain digital signature information",
	  "The INF has no CatalogFile entry in [Version], or the catalog it names is not next to it:\n"
	  "Windows treats the package as unsigned.",
	  "drvcat files PKGDIR and drvcat verify PKGDIR report a missing CatalogFile or catalog;\n"
	  "drvcat check reports the INF rule." },
	{ "0x800B010A|800B010A|CERT_E_CHAINING",
	  "A certificate chain could not be built to a trusted root authority",
	  "An intermediate certificate between the signer and its root is neither in the catalog nor\n"
	  "on the machine.",
	  "drvcat verify PKGDIR says where the chain stops; sign again with drvcat sign --chain\n"
	  "INTERMEDIATES.pem so the catalog carries them." },
	{ "0x800B0101|800B0101|CERT_E_EXPIRED",
	  "A required certificate is not within its validity period",
	  "The signer certificate (or one above it) has expired and the signature has no valid\n"
	  "timestamp proving it was made while the certificate was valid.",
	  "drvcat verify PKGDIR tells whether a timestamp is present and valid; drvcat sign --timestamp\n"
	  "URL adds one when signing." },
	{ "0x800B0110|800B0110|CERT_E_WRONG_USAGE",
	  "The certificate is not valid for the requested usage",
	  "The signer certificate's extended key usage does not include code signing.",
	  "drvcat verify PKGDIR reports it; drvcat cert --test makes a certificate with the right usage." },
	{ "0x80096010|80096010|TRUST_E_BAD_DIGEST",
	  "The digital signature of the object did not verify",
	  "The catalog was changed after it was signed (its member list no longer matches the signed\n"
	  "digest) or the signature bytes were damaged.",
	  "drvcat verify FILE.cat; rebuild with drvcat build and sign again." },
	{ "22.9.1",
	  "Inf2Cat: file missing or cannot be decompressed from source media",
	  "A file a CopyFiles directive copies does not exist where SourceDisksNames, SourceDisksFiles\n"
	  "and the INF's directory say it is, for the architecture being catalogued.",
	  "drvcat files PKGDIR names the file, the INF line and the directory it looked in." },
	{ "22.9.4",
	  "Inf2Cat: missing CatalogFile entry for an architecture",
	  "An /os identifier targets an architecture for which [Version] has no CatalogFile,\n"
	  "CatalogFile.NT or CatalogFile.NT<arch> entry.",
	  "drvcat files --os LIST PKGDIR reports it; drvcat check reports the INF rule." },
	{ "22.9.6",
	  "Inf2Cat: DriverVer missing or in the wrong format",
	  "DriverVer must be mm/dd/yyyy,w.x.y.z; locale-formatted dates (dd.mm.yyyy) are a common cause.",
	  "drvcat inf FILE.inf and drvcat check report the exact field." },
	{ "22.9.7",
	  "Inf2Cat: DriverVer set to a date in the future",
	  "Inf2Cat compares DriverVer's date with today's date in UTC (unless /uselocaltime): a date\n"
	  "stamped in local time east of UTC is \"in the future\" until UTC midnight.",
	  "drvcat check reports it, comparing in UTC as Inf2Cat does." },
	{ "22.9.8",
	  "Inf2Cat: possible Windows file redistribution violation",
	  "A file in the package has the name of a file Windows protects.",
	  "drvcat check lists files of the package that no INF references." },
	{ "22.9.10",
	  "Inf2Cat: file missing from [SourceDisksFiles]",
	  "A file a CopyFiles directive copies has no entry in [SourceDisksFiles] or\n"
	  "[SourceDisksFiles.<arch>], so Windows cannot find its source.",
	  "drvcat files PKGDIR reports the file and the INF line." },
	{ "52|Code 52|CM_PROB_UNSIGNED_DRIVER",
	  "Device Manager Code 52: Windows cannot verify the digital signature for the drivers",
	  "Code integrity refused a driver image: it is unsigned, its catalog does not cover it, or the\n"
	  "signature is not one this Windows accepts for kernel code (since Windows 10 1607 with Secure\n"
	  "Boot on, new kernel drivers need a Microsoft signature; test signing needs TESTSIGNING on).",
	  "drvcat verify PKGDIR checks the catalog side: every file covered and the signature valid." },
};

static bool matches(const char *codes, const char *code)
{
	char want[64];
	const char *p = codes;

	snprintf(want, sizeof(want), "%s", code);
	while (*p) {
		size_t n = strcspn(p, "|");

		if (strlen(want) == n && !strncasecmp(p, want, n))
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

static int cmd_explain(const struct cli_args *a)
{
	if (a->npos == 0) {
		for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
			size_t n = strcspn(table[i].codes, "|");

			printf("%-12.*s %s\n", (int)n, table[i].codes, table[i].title);
		}
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!matches(table[i].codes, a->pos[0]))
			continue;
		printf("%s: %s\n\n%s\n\nFinding the cause:\n%s\n", a->pos[0], table[i].title,
		       table[i].meaning, table[i].finder);
		return EXIT_OK;
	}
	return cli_fail(a, EXIT_FAIL, "no explanation for '%s'; 'drvcat explain' lists the codes it knows",
			a->pos[0]);
}

const struct cli_cmd cmd_explain_def = {
	"explain",
	"[CODE]",
	"explain a Windows driver-install or signing error code (0xE000024B, 0x800B0109, Inf2Cat 22.9.x, ...) and which drvcat command finds its cause",
	"Without CODE, lists every code drvcat can explain.  Codes are matched\n"
	"case-insensitively, with or without 0x, and by their symbolic names.\n",
	0, 1, NULL, cmd_explain,
};
