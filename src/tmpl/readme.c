/*
 * readme.c - the README.md of a new package (what is in it, the next steps
 * with drvcat, test signing on a Windows machine, release signing) and the
 * README.txt placeholder in each architecture directory.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *arch_title(enum tmpl_arch a)
{
	return a == TMPL_ARCH_AMD64 ? "x64 (amd64)" : "ARM64";
}

/* The file stem `drvcat cert --test` derives from "CN=NAME Test" (src/sign/cert.c). */
static void cert_stem(char *out, size_t n, const char *name)
{
	size_t w = 0;

	for (const char *p = name; *p && w + 6 < n; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[w++] = c;
		else if (w > 0 && out[w - 1] != '-')
			out[w++] = '-';
	}
	while (w > 0 && out[w - 1] == '-')
		w--;
	snprintf(out + w, n - w, "%stest", w ? "-" : "");
}

static const char *binary_inf(const struct tmpl_readme *r)
{
	return r->kind->infs[1].template && r->kind->infs[1].has_binary ? r->infs[1] : r->infs[0];
}

int tmpl_readme_arch(struct dc_buf *out, const struct tmpl_readme *r, enum tmpl_arch a, struct dc_error *err)
{
	const char *arch = tmpl_arch_name(a);

	return dc_buf_printf(out, err,
			     "Put %s here: the %s build of %s's %s.\n"
			     "\n"
			     "%s finds it through [SourceDisksNames.%s] (this directory, \\%s)\n"
			     "and [SourceDisksFiles]; `drvcat build` hashes it into %s.\n"
			     "Delete this README.txt once the binary is here: files the INF does not\n"
			     "name are not part of the driver package (`drvcat check` lists them as\n"
			     "DC-INF-042 notes).\n",
			     r->binary, arch_title(a), r->name, r->kind->binary_what, binary_inf(r), arch, arch,
			     r->kind->infs[1].template && r->kind->infs[1].has_binary ? r->cats[1] : r->cats[0]);
}

static int kind_notes(struct dc_buf *b, const struct tmpl_readme *r, struct dc_error *err)
{
	const char *k = r->kind->name;

	if (!strcmp(k, "kmdf"))
		return dc_buf_printf(b, err,
				     "   `KmdfLibraryVersion = 1.15` in `[%s_Wdf]` is the lowest KMDF version the\n"
				     "   driver needs (what stampinf writes for `$KMDFVERSION$`); raise it if you build\n"
				     "   against a newer KMDF.  `drvcat new kmdf --class HIDClass` (or another system\n"
				     "   setup class) files the device under that class instead of System.\n",
				     r->name);
	if (!strcmp(k, "umdf"))
		return dc_buf_printf(b, err,
				     "   The device's kernel part is WUDFRd, the UMDF reflector: `Include = WUDFRD.inf`\n"
				     "   with `Needs = WUDFRD.NT`, `.NT.HW` and `.NT.Services` pull it in from Windows.\n"
				     "   `UmdfLibraryVersion = 2.15.0` in `[%s_UmdfService]` is the lowest UMDF\n"
				     "   version the driver needs (stampinf's `$UMDFVERSION$`); raise it if you build\n"
				     "   against a newer UMDF.\n",
				     r->name);
	if (!strcmp(k, "filter"))
		return dc_buf_printf(b, err,
				     "   This is an extension INF (`Class = Extension`): the device keeps its own\n"
				     "   driver package, and this one adds %s as a filter with `AddFilter` in\n"
				     "   `[%s_Filter.NT.Filters]` (`FilterPosition`; Windows 10 1903, build 18362, and\n"
				     "   later).  Keep `ExtensionId` the same in every version of this extension\n"
				     "   (`drvcat new ... --extension-id GUID` does): a new GUID is a new extension.\n",
				     r->name, r->name);
	if (!strcmp(k, "extension"))
		return dc_buf_printf(b, err,
				     "   %s is an extension INF (`Class = Extension`) for the device: it sets an\n"
				     "   example value under HKR (change or delete `[%s_Extension_AddReg]`) and\n"
				     "   creates a software component, a child device with the hardware id\n"
				     "   `SWC\\%s`.  %s installs on that component: it copies %s\n"
				     "   to the driver store and runs it with `AddSoftware` (SoftwareType 1, with the\n"
				     "   device instance id as argument).  Keep `ExtensionId` the same in every\n"
				     "   version (`--extension-id GUID`): a new GUID is a new extension.\n",
				     r->infs[0], r->name, r->component_id, r->infs[1], r->binary);
	if (!strcmp(k, "minifilter"))
		return dc_buf_printf(b, err,
				     "   The altitude %s (load order group \"%s\") is a placeholder:\n"
				     "   Microsoft allocates minifilter altitudes (search for \"minifilter altitude\n"
				     "   request\"); put yours in `Instance1.Altitude` in `[Strings]`.  The service\n"
				     "   runs from the driver store (`ServiceBinary = %%13%%\\%s`) with its instance\n"
				     "   settings under `Parameters\\`.  Microsoft's minifilter samples install that\n"
				     "   way only on build 25952 and later and keep a DIRID 12 install in separate\n"
				     "   sections for older Windows.\n",
				     r->altitude, r->group, r->binary);
	return dc_buf_printf(b, err,
			     "   A primitive driver installs without a device (Windows 10 1903 and later):\n"
			     "   `[DefaultInstall.NT<arch>]` copies %s to the driver store and adds the\n"
			     "   service %s (demand start).  There is no `[DefaultUninstall]`: removing the\n"
			     "   driver package (`pnputil /delete-driver`) undoes the install.\n",
			     r->binary, r->name);
}

static int install_notes(struct dc_buf *b, const struct tmpl_readme *r, struct dc_error *err)
{
	const char *k = r->kind->name;
	const char *id = r->nhwids ? r->hwids[0] : "";

	if (!strcmp(k, "minifilter"))
		return dc_buf_printf(b, err,
				     "    pnputil /add-driver %s /install\n"
				     "    fltmc load %s\n"
				     "    fltmc\n",
				     r->infs[0], r->name);
	if (!strcmp(k, "primitive"))
		return dc_buf_printf(b, err,
				     "    pnputil /add-driver %s /install\n"
				     "    sc start %s\n",
				     r->infs[0], r->name);
	if (!strcmp(k, "extension"))
		return dc_buf_printf(b, err,
				     "    pnputil /add-driver %s /install\n"
				     "    pnputil /add-driver %s /install\n"
				     "\n"
				     "The extension applies to a device with the hardware id %s that already\n"
				     "has its base driver; the component device appears under it.\n",
				     r->infs[0], r->infs[1], id);
	if (dc_buf_printf(b, err, "    pnputil /add-driver %s /install\n\n", r->infs[0]))
		return DC_ENOMEM;
	if (!strcmp(k, "filter"))
		return dc_buf_printf(b, err,
				     "The filter loads when a device with the hardware id %s restarts\n"
				     "(`pnputil /restart-device \"<device instance id>\"`, or a reboot).\n",
				     id);
	return dc_buf_printf(b, err,
			     "The driver installs on a device with the hardware id %s.  A root-enumerated\n"
			     "id (`Root\\...`) has no device until you create one, e.g. with the WDK's\n"
			     "`devcon install %s %s`.\n",
			     id, r->infs[0], id);
}

int tmpl_readme_package(struct dc_buf *b, const struct tmpl_readme *r, struct dc_error *err)
{
	char stem[64];
	int rc;

	cert_stem(stem, sizeof(stem), r->name);
	rc = dc_buf_printf(b, err,
			   "# %s: %s\n"
			   "\n"
			   "A Windows driver package skeleton made by `drvcat new %s`.  With the binaries\n"
			   "in place it passes `drvcat check`, builds, signs and installs as it is.\n"
			   "\n"
			   "## What is here\n"
			   "\n",
			   r->name, r->kind->summary, r->kind->name);
	for (size_t i = 0; !rc && i < r->ninfs; i++)
		rc = dc_buf_printf(b, err, "- `%s`: the INF%s; its catalog will be `%s`.\n", r->infs[i],
				   r->ninfs > 1 ? (i ? " for the software component" : " for the device")
						: "",
				   r->cats[i]);
	for (int a = 0; !rc && a < TMPL_ARCH_COUNT; a++)
		if (r->arch_mask & (1u << a))
			rc = dc_buf_printf(b, err, "- `%s/`: for the %s build of `%s` (see `%s/README.txt`).\n",
					   tmpl_arch_name((enum tmpl_arch)a), arch_title((enum tmpl_arch)a),
					   r->binary, tmpl_arch_name((enum tmpl_arch)a));
	if (!rc)
		rc = dc_buf_printf(b, err,
				   "- `README.md`: this file.\n"
				   "\n"
				   "The INF follows the universal (DCH) rules that InfVerif's /w mode checks:\n"
				   "every file goes to the driver store (DIRID 13) and runs from there, registry\n"
				   "writes stay under HKR, and `PnpLockdown = 1`.  `DriverVer` holds the UTC date\n"
				   "the package was made and the version you gave (`--version`); raise the\n"
				   "version with every release.\n");
	if (!rc && r->kind->min_build)
		rc = dc_buf_printf(b, err,
				   "`[Manufacturer]` targets NT<arch>.10.0...%u: Windows 10 build %u and later.\n",
				   r->kind->min_build, r->kind->min_build);
	if (!rc)
		rc = dc_buf_puts(b,
				 "\n"
				 "## Next steps\n"
				 "\n"
				 "Run these in this directory.\n"
				 "\n"
				 "1. Build the driver for each architecture and copy it here, replacing the\n"
				 "   README.txt placeholders:\n"
				 "\n",
				 err);
	for (int a = 0; !rc && a < TMPL_ARCH_COUNT; a++)
		if (r->arch_mask & (1u << a))
			rc = dc_buf_printf(b, err, "       cp <%s build>/%s %s/ && rm %s/README.txt\n",
					   arch_title((enum tmpl_arch)a), r->binary, tmpl_arch_name((enum tmpl_arch)a),
					   tmpl_arch_name((enum tmpl_arch)a));
	if (!rc)
		rc = dc_buf_puts(b,
				 r->kind->min_build
					 ? "\n"
					   "2. Review the INF: the provider and manufacturer name (`ProviderName` and\n"
					   "   `ManufacturerName` in `[Strings]`) and the descriptions shown to users.\n"
					 : "\n"
					   "2. Review the INF: the provider name (`ProviderName` in `[Strings]`) and\n"
					   "   the descriptions shown to users.\n",
				 err);
	if (!rc)
		rc = kind_notes(b, r, err);
	if (!rc)
		rc = dc_buf_printf(b, err,
				   "\n"
				   "3. Check the package as InfVerif (/w: driver package isolation) and Inf2Cat\n"
				   "   would:\n"
				   "\n"
				   "       drvcat check --mode windows .\n"
				   "\n"
				   "   README.md is not part of the driver package (no INF names it): `drvcat\n"
				   "   check` notes it (DC-INF-042) and `drvcat verify` warns about it.  Move it\n"
				   "   out or delete it before you ship the package.\n"
				   "\n"
				   "4. See what the catalog covers, and make it:\n"
				   "\n"
				   "       drvcat files .\n"
				   "       drvcat build %s.\n",
				   r->kind->min_build ? "" : "--catalog-version 2 ");
	if (!rc && !r->kind->min_build)
		rc = dc_buf_puts(b,
				 "\n"
				 "   Without [Manufacturer] the INF does not say which Windows it needs, so\n"
				 "   drvcat (like Inf2Cat given such a list) would target every Windows back to\n"
				 "   XP and write SHA-1 members only; `--catalog-version 2` adds the SHA-256\n"
				 "   members (or give `--os` with the Windows versions you support: primitive\n"
				 "   drivers need Windows 10 1903, 10_19H1_X64, or later).\n",
				 err);
	if (!rc)
		rc = dc_buf_printf(b, err,
				   "\n"
				   "5. Test-sign it and verify the result (keep the key out of the package):\n"
				   "\n"
				   "       drvcat cert --test --subject \"CN=%s Test\" --out-dir ../certs\n",
				   r->name);
	for (size_t i = 0; !rc && i < r->ninfs; i++)
		rc = dc_buf_printf(b, err, "       drvcat sign --cert ../certs/%s.pem --key ../certs/%s.key %s\n",
				   stem, stem, r->cats[i]);
	if (!rc)
		rc = dc_buf_printf(b, err,
				   "       drvcat verify --trust ../certs/%s.pem .\n"
				   "\n"
				   "## Installing on a test machine\n"
				   "\n"
				   "On a Windows test machine or VM, in an elevated command prompt: trust the test\n"
				   "certificate (copy ../certs/%s.cer over), turn test signing on (Secure Boot\n"
				   "must be off) and reboot.\n"
				   "\n"
				   "    certutil -addstore Root %s.cer\n"
				   "    certutil -addstore TrustedPublisher %s.cer\n"
				   "    bcdedit /set testsigning on\n"
				   "\n"
				   "Then copy this directory over and install the package from it:\n"
				   "\n",
				   stem, stem, stem, stem);
	if (!rc)
		rc = install_notes(b, r, err);
	if (!rc)
		rc = dc_buf_puts(b,
				 "\n"
				 "## Release signing\n"
				 "\n"
				 "A test signature works only on machines set up as above.  Windows 10 and\n"
				 "later load a kernel-mode driver on ordinary machines only when Microsoft\n"
				 "signed it: submit the package through the Partner Center hardware program,\n"
				 "either for attestation signing (a CAB of the package signed with your EV\n"
				 "code-signing certificate; `drvcat cert --csr` makes the key and the request\n"
				 "for one) or for WHQL certification with HLK test results.  Microsoft returns\n"
				 "the package with its own catalog signature; `drvcat verify` checks it like\n"
				 "any other.\n",
				 err);
	return rc;
}
