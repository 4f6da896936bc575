/*
 * rules.c - the rule table.  DC-INF-001 to DC-INF-045 follow the curated
 * list of inf-format.md §4.4 number for number; DC-INF-046 onward are the
 * rules added since.  Severities per mode are the /k /u /w columns of §4.3
 * for the InfVerif code a rule mirrors, or the §4.4 "severity to use".
 */
#include <stdio.h>
#include <string.h>

#include "../util/str.h"
#include "internal.h"

#define E REPORT_ERROR
#define W REPORT_WARNING
#define I REPORT_INFO
#define O CHECK_OFF

const struct check_rule check_rule_table[R_COUNT] = {
	{ "DC-INF-001", "encoding", "InfVerif 1003", { E, E, E },
	  "file is not ANSI or UTF-16 (UTF-8 with a byte-order mark, or undecodable)",
	  "Save the file as UTF-16LE with a byte-order mark." },
	{ "DC-INF-002", "syntax", "InfVerif 1002", { E, E, E },
	  "hard syntax error: section header without ']' or with an empty name",
	  "Close the section header with ']' and give it a name." },
	{ "DC-INF-003", "version-signature", "InfVerif 1001", { E, E, E },
	  "[Version] missing, or Signature not \"$Windows NT$\" / \"$Chicago$\"",
	  "Add [Version] with Signature = \"$Windows NT$\"." },
	{ "DC-INF-004", "class", "InfVerif 1010, 1234, 1280, 1281, 1286", { E, E, E },
	  "Class/ClassGuid missing, malformed, too long, or not matching for a system class",
	  "Set Class and ClassGuid to a matching pair (the system class's, or your own braced GUID)." },
	{ "DC-INF-005", "provider", "InfVerif 1234, 1204", { E, E, E },
	  "Provider missing or empty, or naming Microsoft",
	  "Set Provider to your company name through a %string% token." },
	{ "DC-INF-006", "driverver-format", "InfVerif 1217, 1218, Inf2Cat 22.9.6", { E, E, E },
	  "DriverVer missing, or not mm/dd/yyyy,w.x.y.z with four parts below 65535, or 0.0.0.0",
	  "Write DriverVer = mm/dd/yyyy,w.x.y.z (stampinf writes it for you)." },
	{ "DC-INF-007", "driverver-future", "Inf2Cat 22.9.7", { E, E, E },
	  "DriverVer date later than today's date in UTC",
	  "Set the DriverVer date to the current UTC date or earlier." },
	{ "DC-INF-008", "catalogfile", "InfVerif 1233, 1214, Inf2Cat 22.9.4", { E, E, E },
	  "no CatalogFile, or one that is not a bare name.cat, or decorated names repeated",
	  "Add CatalogFile = name.cat to [Version] (a plain file name, unique per decoration)." },
	{ "DC-INF-009", "catalog-for-arch", "Inf2Cat 22.9.4", { E, E, E },
	  "an architecture the INF serves (or --os requests) has no applicable CatalogFile",
	  "Add CatalogFile or CatalogFile.NT<arch> for that architecture." },
	{ "DC-INF-010", "pnplockdown", "InfVerif 1324", { W, W, E },
	  "[Version] lacks PnpLockdown=1",
	  "Add PnpLockdown = 1 to [Version]." },
	{ "DC-INF-011", "duplicate-section", "InfVerif 1209", { E, E, E },
	  "the same section header appears more than once (Windows merges them)",
	  "Merge the lines of both sections under one header." },
	{ "DC-INF-012", "text-before-section", "SYNTAX (Wine rejects it)", { W, W, W },
	  "non-comment text before the first section header",
	  "Delete the text or turn it into a ';' comment." },
	{ "DC-INF-013", "undefined-string", "InfVerif 1235", { E, E, E },
	  "%token% not defined in [Strings]",
	  "Define the token in [Strings], or write a literal percent sign as %%." },
	{ "DC-INF-014", "strings-locale-keys", "InfVerif 1295", { E, E, E },
	  "a [Strings.LLLL] section defines a different set of keys than [Strings]",
	  "Define the same keys in [Strings] and every [Strings.LLLL] section." },
	{ "DC-INF-015", "unstamped-template", "InfVerif 1274", { E, E, E },
	  "$ARCH$ or another stampinf token left in an .inf",
	  "Run stampinf on the .inx (or replace the token by hand)." },
	{ "DC-INF-016", "manufacturer-models", "InfVerif 1011", { E, E, E },
	  "[Manufacturer] entry names no models section",
	  "Write the entry as %Mfg% = ModelsSection, NT<arch>." },
	{ "DC-INF-017", "targetos", "InfVerif 1287, 1288", { E, E, E },
	  "TargetOSVersion decoration malformed, or a build number below 10.0 / 14310",
	  "Write the decoration as NT<arch>[.major[.minor[.type[.suite[.build]]]]] with builds only on 10.0 and >= 14310." },
	{ "DC-INF-018", "models-missing", "InfVerif 1203", { E, E, E },
	  "a models section named by [Manufacturer] does not exist",
	  "Add the models section, or remove its decoration from [Manufacturer]." },
	{ "DC-INF-019", "models-arch", "InfVerif 2010", { W, W, W },
	  "a [Manufacturer] entry has no architecture-decorated models section (x86 only)",
	  "Decorate the models section with NT<arch> (e.g. NTamd64) for every architecture you support." },
	{ "DC-INF-020", "models-entry", "InfVerif 1271", { E, E, E },
	  "a models entry lacks its install section or a hardware id",
	  "Write each device as %Desc% = InstallSection, HardwareId[, CompatibleId...]." },
	{ "DC-INF-021", "install-missing", "InfVerif 1261, 1203", { E, E, E },
	  "a device's install section does not exist for an architecture its models section serves",
	  "Add [Install.NT<arch>] (or [Install.NT] / [Install]) for that architecture." },
	{ "DC-INF-022", "services", "InfVerif 1296", { E, E, E },
	  "a device install section has no .Services section with AddService",
	  "Add [Install.NT<arch>.Services] with AddService for the function driver (or AddService = ,2 for none)." },
	{ "DC-INF-023", "addservice-section", "InfVerif 2006, 1272", { E, E, E },
	  "AddService names a service-install section that is missing (or gives one to a NULL service)",
	  "Define the service-install section AddService names." },
	{ "DC-INF-024", "section-undefined", "InfVerif 1203, 1005", { E, E, E },
	  "a directive names a section that is not defined, or names none",
	  "Define the section or correct the name in the directive." },
	{ "DC-INF-025", "copyfiles", "COPYFILES, DESTDIRS", { E, E, E },
	  "CopyFiles copies an INF file, or a CopyFiles=@file has no DefaultDestDir",
	  "Use CopyINF for INF files, and give @file copies a DefaultDestDir." },
	{ "DC-INF-026", "destinationdirs-missing", "InfVerif 1275", { E, E, E },
	  "a CopyFiles/DelFiles/RenFiles list has no [DestinationDirs] entry (and no DefaultDestDir)",
	  "Add the list to [DestinationDirs] (e.g. List = 13), or a DefaultDestDir." },
	{ "DC-INF-027", "dirid", "InfVerif 1241, 1242, 1243", { E, E, E },
	  "a [DestinationDirs] DIRID is not a number, unknown, or user-defined",
	  "Use a numeric system DIRID such as 13 (driver store) or 11 (System32)." },
	{ "DC-INF-028", "sourcedisksfiles-missing", "InfVerif 1230, Inf2Cat 22.9.10", { E, E, E },
	  "a copied file has no [SourceDisksFiles(.arch)] entry for an architecture",
	  "List the file in [SourceDisksFiles] (or [SourceDisksFiles.<arch>])." },
	{ "DC-INF-029", "source-file-name", "SDF, InfVerif 1231, 1213", { E, E, E },
	  "a SourceDisksFiles name or CopyFiles=@file uses %token%, a compressed name (*.sy_), or a .cat file",
	  "List the real, uncompressed file name literally, and never the catalog." },
	{ "DC-INF-030", "disk-id", "InfVerif 1273, 1008", { E, E, E },
	  "a [SourceDisksFiles] disk id is missing, not a number, or not in [SourceDisksNames(.arch)]",
	  "Give the file a disk id that [SourceDisksNames] lists." },
	{ "DC-INF-031", "source-path", "InfVerif 1015, 1016", { E, E, E },
	  "a SourceDisksNames path or SourceDisksFiles subdirectory is absolute, unresolved, or leaves the package",
	  "Write the path relative to the INF's directory, without drive letters or '..' above the package." },
	{ "DC-INF-032", "source-file-missing", "Inf2Cat 22.9.1", { E, E, E },
	  "a copied file is not in the package where SourceDisksNames/SourceDisksFiles say",
	  "Put the file where the INF says, or correct the SourceDisksNames path / SourceDisksFiles subdirectory." },
	{ "DC-INF-033", "dirid13-copy", "InfVerif 1100", { E, E, E },
	  "a copy to DIRID 13 renames the file, or its subdirectory differs from SourceDisksFiles",
	  "Copy to DIRID 13 under the source name and the same subdirectory as in [SourceDisksFiles]." },
	{ "DC-INF-034", "same-destination", "InfVerif 1330", { E, E, E },
	  "two different source files are copied to the same destination file",
	  "Give each source file its own destination name or directory." },
	{ "DC-INF-035", "sdn-sdf-pair", "SDN, SDF", { E, E, E },
	  "[SourceDisksFiles] without [SourceDisksNames], or the reverse",
	  "Give the INF both [SourceDisksNames] and [SourceDisksFiles] (or neither)." },
	{ "DC-INF-036", "section-kinds", "InfVerif 1205", { W, W, W },
	  "one section is named by two different kinds of directive (e.g. CopyFiles and DelFiles)",
	  "Use a separate section for each directive kind." },
	{ "DC-INF-037", "section-unreferenced", "InfVerif 2083", { W, W, W },
	  "a section is defined but nothing in the INF refers to it",
	  "Delete the section, or reference it from the directive that should use it." },
	{ "DC-INF-038", "include-needs", "InfVerif 1319, 2651, 1202", { E, E, E },
	  "Needs naming a section of another INF without an Include in the same section, or Include not a plain .inf name",
	  "Pair each Needs with Include = <system>.inf in the same section." },
	{ "DC-INF-039", "extension-id", "InfVerif 1380, 1381", { E, E, E },
	  "Class=Extension without a braced-GUID ExtensionId",
	  "Add ExtensionId = {GUID} to [Version] (a new GUID for each extension)." },
	{ "DC-INF-040", "defaultinstall-arch", "InfVerif 1421, 1423", { E, E, E },
	  "[DefaultInstall] without an architecture-decorated variant",
	  "Rename the section [DefaultInstall.NT<arch>] (e.g. DefaultInstall.NTamd64)." },
	{ "DC-INF-041", "copyinf", "InfVerif 1110, COPYINF", { E, E, E },
	  "CopyINF names a file that is not an .inf or does not exist relative to the INF",
	  "Name only .inf files that ship in the package, relative to this INF." },
	{ "DC-INF-042", "unreferenced-file", "Inf2Cat 22.9.8 (context)", { I, I, I },
	  "a file in the package folder is not referenced by any INF (not catalogued)",
	  "Remove the file from the package or copy it through the INF." },
	{ "DC-INF-043", "protected-file", "Inf2Cat 22.9.8", { W, W, W },
	  "a package file has the name of a protected Windows file",
	  "Do not ship or copy Windows' own files; rely on the inbox copy (Include/Needs)." },
	{ "DC-INF-044", "too-many-fields", "InfVerif 1201", { W, W, W },
	  "an entry has more fields than its directive takes (the extra ones are ignored)",
	  "Remove the extra fields, or quote a value that contains commas." },
	{ "DC-INF-045", "ansi-non-ascii", "GUIDE (INTL)", { W, W, W },
	  "non-ASCII text in an ANSI (or BOM-less UTF-8) INF: its meaning depends on the system code page",
	  "Save the file as UTF-16LE with a byte-order mark." },
	{ "DC-INF-046", "servicebinary-dirid", "InfVerif 2085", { E, E, E },
	  "ServiceBinary is not expressed under a %DIRID%",
	  "Write ServiceBinary = %13%\\driver.sys (or another %dirid%\\path)." },
	{ "DC-INF-047", "servicebinary-copied", "InfVerif 2084", { W, W, E },
	  "ServiceBinary names a file this INF does not copy",
	  "Copy the service binary with CopyFiles, or use Include/Needs for an inbox service." },
	{ "DC-INF-048", "hardware-id", "MODELS (device identification strings)", { E, E, E },
	  "a hardware or compatible id is malformed (spaces, control characters, > 200 characters, bad PCI/USB fields)",
	  "Write the id as the bus reports it, e.g. PCI\\VEN_1234&DEV_5678 or USB\\VID_1234&PID_5678." },
	{ "DC-INF-049", "models-for-os", "Inf2Cat (no installable section)", { E, E, E },
	  "no models (or DefaultInstall) section applies to an --os target",
	  "Add a models decoration for that target, or drop the target from --os." },
	{ "DC-INF-050", "sdf-never-copied", "inf-format.md §2.3", { W, W, W },
	  "a [SourceDisksFiles] entry is never copied by any CopyFiles (not catalogued, not installed)",
	  "Copy the file through CopyFiles, or drop it from [SourceDisksFiles]." },
	{ "DC-INF-051", "registry-non-hkr", "InfVerif 1304", { W, E, O },
	  "a registry operation on a root other than HKR",
	  "Keep device and service state under HKR." },
	{ "DC-INF-052", "isolation-registry", "InfVerif 1320, 1321", { O, O, E },
	  "driver package isolation: registry key or value outside HKR",
	  "Write only under HKR; state outside it needs a documented isolation-compliant directive." },
	{ "DC-INF-053", "isolation-dirid", "InfVerif 1322", { O, O, E },
	  "driver package isolation: a file is copied to a DIRID other than 13",
	  "Copy files to DIRID 13 and run them from the driver store." },
	{ "DC-INF-054", "deprecated-dirid", "InfVerif 1340", { O, O, E },
	  "driver package isolation: ServiceBinary under a DIRID other than 13",
	  "Point ServiceBinary at %13%\\<file> and copy the file to DIRID 13." },
	{ "DC-INF-055", "utf16-no-bom", "InfVerif 1003", { W, W, W },
	  "UTF-16LE file without a byte-order mark (detected heuristically)",
	  "Save the file as UTF-16LE with a byte-order mark." },
	{ "DC-INF-056", "unclosed-quote", "SYNTAX", { W, W, W },
	  "a quoted string is not closed before the end of the line",
	  "Close the quoted string on the same line." },
	{ "DC-INF-057", "field-limit", "SYNTAX, InfVerif 1286", { E, E, E },
	  "a field or section name is longer than Windows allows (4095 / 255 characters)",
	  "Shorten the value or section name." },
	{ "DC-INF-058", "catalogfile-decoration", "VERSION", { W, W, W },
	  "a CatalogFile decoration Windows does not know",
	  "Use CatalogFile.NT, .NTx86, .NTamd64, .NTarm, .NTarm64 or .NTia64." },
	{ "DC-INF-059", "version-key-repeated", "InfVerif 1088", { E, E, E },
	  "a single-valued [Version] key is given more than once (only the first counts)",
	  "Keep one line for each [Version] key." },
	{ "DC-INF-060", "copyfiles-ignored", "InfVerif 1290", { E, E, E },
	  "CopyFiles in a section where Windows does not process it (.HW, .Services, .Wdf, ...)",
	  "Move the CopyFiles directive to the DDInstall section." },
	{ "DC-INF-061", "featurescore", "InfVerif 1245", { E, E, E },
	  "FeatureScore is not a one-byte value",
	  "Write FeatureScore as a hexadecimal value from 0x00 to 0xFF." },
	{ "DC-INF-062", "assocservice", "InfVerif 1211", { E, E, E },
	  "more than one AddService in a section carries SPSVCINST_ASSOCSERVICE (0x2)",
	  "Mark only the function driver's AddService with flag 0x2." },
};

const struct check_rule *check_rules(size_t *n)
{
	*n = R_COUNT;
	return check_rule_table;
}

const struct check_rule *check_rule_find(const char *code)
{
	for (size_t i = 0; i < R_COUNT; i++)
		if (dc_strcaseeq(check_rule_table[i].code, code))
			return &check_rule_table[i];
	return NULL;
}

void check_rule_case_name(const struct check_rule *r, char *out, size_t n)
{
	snprintf(out, n, "%s %s", r->code, r->name);
}

static const char *const mode_names[CHECK_MODE_COUNT] = { "driver", "universal", "windows" };

const char *check_mode_name(enum check_mode m)
{
	return (unsigned)m < CHECK_MODE_COUNT ? mode_names[m] : "";
}

bool check_mode_parse(const char *s, enum check_mode *out)
{
	for (int m = 0; m < CHECK_MODE_COUNT; m++)
		if (!strcmp(s, mode_names[m])) {
			*out = (enum check_mode)m;
			return true;
		}
	return false;
}
