/*
 * r_package.c - the package folder as Inf2Cat sees it (inf-format.md §2.1,
 * §4.2 22.9.8): Inf2Cat walks every file under /driver:, warns when a file
 * has the name of a protected Windows file, and leaves files no INF
 * references out of the catalog.
 */
#include <stdlib.h>
#include <string.h>

#include "../pkg/pkg.h"
#include "../util/fs.h"
#include "../util/str.h"
#include "internal.h"

#define MAX_DEPTH 8

/*
 * Inbox binaries vendors have been caught redistributing.  Inf2Cat reads the
 * full list from WindowsProtectedFiles.xml, which is not public; this is a
 * curated subset (never a redistributable such as WdfCoInstaller*.dll).
 */
static const char *const protected_names[] = {
	"acpi.sys",	    "advapi32.dll",  "ataport.sys",   "battc.sys",    "bthport.sys",
	"bthusb.sys",	    "cdrom.sys",     "cfgmgr32.dll",  "classpnp.sys", "comctl32.dll",
	"comdlg32.dll",	    "disk.sys",	     "drmk.sys",      "dxgkrnl.sys",  "fltmgr.sys",
	"gdi32.dll",	    "hal.dll",	     "hid.dll",	      "hidclass.sys", "hidparse.sys",
	"hidusb.sys",	    "i8042prt.sys",  "kbdclass.sys",  "kernel32.dll", "kernelbase.dll",
	"ks.sys",	    "ksproxy.ax",    "mfc42.dll",     "modem.sys",    "mouclass.sys",
	"msports.dll",	    "msvcp60.dll",   "msvcrt.dll",    "ndis.sys",     "netio.sys",
	"newdev.dll",	    "ntdll.dll",     "ntoskrnl.exe",  "ole32.dll",    "oleaut32.dll",
	"pci.sys",	    "portcls.sys",   "rfcomm.sys",    "rpcrt4.dll",   "scsiport.sys",
	"serenum.sys",	    "serial.sys",    "setupapi.dll",  "shell32.dll",  "shlwapi.dll",
	"storport.sys",	    "stream.sys",    "tcpip.sys",     "umbus.sys",    "usbaudio.sys",
	"usbccgp.sys",	    "usbd.sys",	     "usbhub.sys",    "usbport.sys",  "usbser.sys",
	"usbstor.sys",	    "usbvideo.sys",  "user32.dll",    "videoprt.sys", "wdf01000.sys",
	"wdfldr.sys",	    "wdmaud.drv",    "win32k.sys",    "winspool.drv", "winusb.dll",
	"winusb.sys",	    "wmilib.sys",    "ws2_32.dll",    "wudfpf.sys",   "wudfrd.sys",
};

static const char *base_name(const char *path)
{
	const char *b = path + strlen(path);

	while (b > path && b[-1] != '/' && b[-1] != '\\')
		b--;
	return b;
}

bool check_protected_name(const char *name)
{
	const char *b = base_name(name);

	for (size_t i = 0; i < sizeof(protected_names) / sizeof(protected_names[0]); i++)
		if (dc_strcaseeq(b, protected_names[i]))
			return true;
	return false;
}

int check_rules_package(struct check_ctx *c)
{
	for (size_t i = 0; i < c->m.ncopies; i++) {
		const struct check_copy *cp = &c->m.copies[i];
		const char *name = check_protected_name(cp->dest) ? cp->dest : cp->src;

		if (check_protected_name(name))
			check_add(c, R_PROTECTED_FILE, cp->line, NULL,
				  "'%s' has the name of a protected Windows file; Inf2Cat reports a possible redistribution violation (22.9.8)",
				  base_name(name));
	}
	return c->rc;
}

static bool referenced(struct check_ctx *const *infs, size_t n, const char *rel)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < infs[i]->nreferenced; k++)
			if (!strcmp(infs[i]->referenced[k], rel))
				return true;
	return false;
}

/* The INF whose directory holds rel most closely (Inf2Cat's /driver: for it). */
static struct check_ctx *owner(struct check_ctx *const *infs, size_t n, const char *rel)
{
	struct check_ctx *best = infs[0];
	size_t best_len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(infs[i]->inf_dir);

		if (len > best_len && !strncmp(rel, infs[i]->inf_dir, len) && rel[len] == '/') {
			best = infs[i];
			best_len = len;
		}
	}
	return best;
}

int check_package_files(struct check_ctx *const *infs, size_t ninfs)
{
	char **files = NULL;
	size_t nfiles = 0;
	int rc;

	if (!ninfs)
		return 0;
	rc = fs_list_suffix(&files, &nfiles, infs[0]->root, "", MAX_DEPTH, infs[0]->err);
	for (size_t i = 0; !rc && i < nfiles; i++) {
		const char *rel = files[i];
		struct check_ctx *c;

		if (dc_has_suffix_ci(rel, ".inf") || dc_has_suffix_ci(rel, ".inx") ||
		    dc_has_suffix_ci(rel, ".cat") || pkg_is_documentation(rel) ||
		    referenced(infs, ninfs, rel))
			continue;
		c = owner(infs, ninfs, rel);
		rc = check_add_file(c, R_UNREFERENCED_FILE, rel, 0, NULL,
				    "no INF references this file, so it is not installed and not in the catalog");
		if (!rc && check_protected_name(rel))
			rc = check_add_file(c, R_PROTECTED_FILE, rel, 0, NULL,
					    "the package holds '%s', the name of a protected Windows file (not copied by the INF); Inf2Cat warns of a possible redistribution violation (22.9.8)",
					    base_name(rel));
	}
	fs_list_free(files, nfiles);
	return rc;
}
