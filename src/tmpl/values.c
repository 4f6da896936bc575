/*
 * values.c - checking what `drvcat new` puts into an INF.  Names and ids are
 * inserted unquoted (file names, section names, Models entries), so they are
 * restricted to characters that mean nothing to the INF lexer (SYNTAX:
 * ',' ';' '"' '%' '=' and a final '\' do); free text is inserted as a
 * quoted string (STRINGS).  Messages name the option and the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/str.h"
#include "tmpl.h"

#define NAME_MAX_CHARS 31   /* UmdfService names (WDF); also fits every other use */
#define HWID_MAX_CHARS 200  /* device identification strings (MODELS) */
#define PROVIDER_MAX_CHARS 255 /* LINE_LEN - 1 (VERSION) */

static bool is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* MS-DOS device names: no file may be called this, whatever its extension. */
static const char *const dos_devices[] = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };

/*
 * Drivers and services Windows ships: a package with the same name would
 * replace the inbox service (AddService) or be flagged as redistributing a
 * protected file (Inf2Cat 22.9.8).  A curated list, not every inbox name.
 */
static const char *const inbox_names[] = {
	"acpi",	    "afd",	"ataport",  "battc",	"beep",	    "bthport",	"bthusb",   "cdrom",
	"classpnp", "cng",	"disk",	    "dxgkrnl",	"fastfat",  "fltmgr",	"hal",	    "hdaudbus",
	"hidclass", "hidparse", "hidusb",   "i8042prt", "kbdclass", "kbdhid",	"ks",	    "ksecdd",
	"modem",    "mouclass", "mouhid",   "msisadrv", "ndis",	    "netio",	"npfs",	    "ntfs",
	"ntoskrnl", "null",	"partmgr",  "pci",	"pdc",	    "portcls",	"refs",	    "rfcomm",
	"scsiport", "serenum",	"serial",   "spaceport","storport", "stream",	"swenum",   "tcpip",
	"umbus",    "usbaudio", "usbccgp",  "usbd",	"usbehci",  "usbhub",	"usbhub3",  "usbport",
	"usbser",   "usbstor",	"usbvideo", "usbxhci",	"vdrvroot", "videoprt", "volmgr",   "volsnap",
	"wdf01000", "wdfldr",	"win32k",   "winusb",	"wmilib",   "wudfpf",	"wudfrd",   "wudfsvc",
};

int tmpl_check_name(const char *name, struct dc_error *err)
{
	size_t n = strlen(name);

	if (!n)
		return dc_error_set(err, DC_EUSAGE, "--name is empty");
	for (size_t i = 0; i < n; i++)
		if (!is_alpha(name[i]) && !is_digit(name[i]) && name[i] != '_' && name[i] != '-')
			return dc_error_set(err, DC_EUSAGE,
					    "--name '%s' contains '%c': use letters, digits, '_' and '-' (it names the driver file, the service and INF sections)",
					    name, name[i] == ' ' || (name[i] > 0x20 && name[i] < 0x7f) ? name[i] : '?');
	if (!is_alpha(name[0]))
		return dc_error_set(err, DC_EUSAGE, "--name '%s' must start with a letter", name);
	if (n > NAME_MAX_CHARS)
		return dc_error_set(err, DC_EUSAGE,
				    "--name '%s' is %zu characters long; at most %d (the limit for UMDF service names)",
				    name, n, NAME_MAX_CHARS);
	for (size_t i = 0; i < sizeof(dos_devices) / sizeof(dos_devices[0]); i++)
		if (dc_strcaseeq(name, dos_devices[i]))
			return dc_error_set(err, DC_EUSAGE,
					    "--name '%s' is a reserved Windows device name", name);
	if ((n == 4 && (dc_has_prefix_ci(name, "COM") || dc_has_prefix_ci(name, "LPT")) &&
	     is_digit(name[3])))
		return dc_error_set(err, DC_EUSAGE, "--name '%s' is a reserved Windows device name", name);
	for (size_t i = 0; i < sizeof(inbox_names) / sizeof(inbox_names[0]); i++)
		if (dc_strcaseeq(name, inbox_names[i]))
			return dc_error_set(err, DC_EUSAGE,
					    "--name '%s' is the name of a Windows inbox driver or service; choose a name of your own",
					    name);
	return 0;
}

/* Fields of PCI\ and USB\ ids and their hex lengths (MODELS, device identification strings). */
static const struct {
	const char *bus, *name;
	size_t len[3];
} id_fields[] = {
	{ "PCI", "VEN", { 4 } },     { "PCI", "DEV", { 4 } },	   { "PCI", "SUBSYS", { 8 } },
	{ "PCI", "REV", { 2 } },     { "PCI", "CC", { 2, 4, 6 } }, { "USB", "VID", { 4 } },
	{ "USB", "PID", { 4 } },     { "USB", "REV", { 4 } },	   { "USB", "MI", { 2 } },
	{ "USB", "Class", { 2 } },   { "USB", "SubClass", { 2 } }, { "USB", "Prot", { 2 } },
};

/* PCI\VEN_xxxx&DEV_xxxx... and USB\VID_xxxx&PID_xxxx...: the fields' hex lengths. */
static int check_bus_fields(const char *id, size_t bus_len, struct dc_error *err)
{
	for (const char *p = id + bus_len + 1; *p;) {
		size_t part = strcspn(p, "&\\");
		const char *us = memchr(p, '_', part);

		for (size_t k = 0; us && k < sizeof(id_fields) / sizeof(id_fields[0]); k++) {
			size_t nl = (size_t)(us - p), vl = part - nl - 1;
			bool ok = false;

			if (bus_len != strlen(id_fields[k].bus) || !dc_strncaseeq(id, id_fields[k].bus, bus_len) ||
			    nl != strlen(id_fields[k].name) || !dc_strncaseeq(p, id_fields[k].name, nl))
				continue;
			for (size_t j = 0; j < 3 && id_fields[k].len[j]; j++) {
				bool hex = true;

				for (size_t h = 0; h < vl; h++)
					hex &= is_hex(us[1 + h]);
				ok |= hex && vl == id_fields[k].len[j];
			}
			if (!ok)
				return dc_error_set(err, DC_EUSAGE,
						    "--hwid '%s': %.*s is not %zu hexadecimal digits after %s_", id,
						    (int)part, p, id_fields[k].len[0], id_fields[k].name);
		}
		p += part;
		if (!*p)
			break;
		p++;
	}
	return 0;
}

int tmpl_check_hwid(const char *id, struct dc_error *err)
{
	size_t n = strlen(id), bus;

	if (!n)
		return dc_error_set(err, DC_EUSAGE, "--hwid is empty");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)id[i];

		if (c == ' ')
			return dc_error_set(err, DC_EUSAGE, "--hwid '%s' contains a space; hardware ids never do", id);
		if (c < 0x20 || c == 0x7f)
			return dc_error_set(err, DC_EUSAGE, "--hwid contains a control character");
		if (c >= 0x80)
			return dc_error_set(err, DC_EUSAGE, "--hwid '%s' contains a non-ASCII character", id);
		if (strchr(",;\"%=", c))
			return dc_error_set(err, DC_EUSAGE,
					    "--hwid '%s' contains '%c', which hardware ids never contain%s", id, c,
					    c == ',' ? " (give each id its own --hwid)" : "");
	}
	if (n > HWID_MAX_CHARS)
		return dc_error_set(err, DC_EUSAGE,
				    "--hwid '%.40s...' is %zu characters long; device ids have at most %d", id, n,
				    HWID_MAX_CHARS);
	bus = strcspn(id, "\\");
	if (!id[bus])
		return dc_error_set(err, DC_EUSAGE,
				    "--hwid '%s' is not a hardware id: expected BUS\\ID, e.g. PCI\\VEN_1234&DEV_5678, USB\\VID_1234&PID_5678 or Root\\%s",
				    id, id);
	if (!bus)
		return dc_error_set(err, DC_EUSAGE, "--hwid '%s' has no bus name before '\\'", id);
	for (size_t i = 0; i < bus; i++)
		if (!is_alpha(id[i]) && !is_digit(id[i]) && !strchr("_-{}", id[i]))
			return dc_error_set(err, DC_EUSAGE,
					    "--hwid '%s': the bus name '%.*s' contains '%c' (letters, digits, '_', '-', '{' and '}' only)",
					    id, (int)bus, id, id[i]);
	if (id[n - 1] == '\\')
		return dc_error_set(err, DC_EUSAGE,
				    "--hwid '%s' ends with '\\' (an INF reads that as a line continuation)", id);
	if (strstr(id, "\\\\"))
		return dc_error_set(err, DC_EUSAGE, "--hwid '%s' has an empty part between two '\\'", id);
	return check_bus_fields(id, bus, err);
}

/* Length of the UTF-8 sequence at s (strict: no overlong forms, surrogates or > U+10FFFF), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned long cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

int tmpl_check_text(const char *opt, const char *s, size_t max_chars, struct dc_error *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0, n = strlen(s);

	if (!n || strspn(s, " \t") == n)
		return dc_error_set(err, DC_EUSAGE, "%s is empty", opt);
	if (s[0] == ' ' || s[n - 1] == ' ')
		return dc_error_set(err, DC_EUSAGE, "%s '%s' has leading or trailing spaces", opt, s);
	while (*p) {
		size_t k = utf8_seq(p);

		if (!k)
			return dc_error_set(err, DC_EUSAGE, "%s is not valid UTF-8 text", opt);
		if (*p < 0x20 || *p == 0x7f)
			return dc_error_set(err, DC_EUSAGE, "%s contains a control character", opt);
		if (*p == '%')
			return dc_error_set(err, DC_EUSAGE,
					    "%s '%s' contains '%%', which an INF reads as a %%strkey%% token", opt, s);
		p += k;
		chars++;
	}
	if (chars > max_chars)
		return dc_error_set(err, DC_EUSAGE, "%s is %zu characters long; at most %zu", opt, chars,
				    max_chars);
	return 0;
}

int tmpl_check_provider(const char *s, struct dc_error *err)
{
	int rc = tmpl_check_text("--provider", s, PROVIDER_MAX_CHARS, err);

	if (!rc && dc_has_prefix_ci(s, "Microsoft"))
		return dc_error_set(err, DC_EUSAGE,
				    "--provider '%s' names Microsoft; only Microsoft's own INFs may (InfVerif 1204)", s);
	return rc;
}

int tmpl_check_version(const char *s, struct dc_error *err)
{
	const char *p = s;
	bool zero = true;

	for (int part = 0; part < 4; part++) {
		unsigned long v = 0;
		size_t digits = 0;

		while (is_digit(*p) && digits < 6) {
			v = v * 10 + (unsigned long)(*p++ - '0');
			digits++;
		}
		if (!digits || digits > 5 || (part < 3 ? *p != '.' : *p != '\0'))
			return dc_error_set(err, DC_EUSAGE,
					    "--version '%s' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'", s);
		if (v > 65534)
			return dc_error_set(err, DC_EUSAGE,
					    "--version '%s': each part must be at most 65534 (DriverVer)", s);
		zero &= v == 0;
		if (part < 3)
			p++;
	}
	if (zero)
		return dc_error_set(err, DC_EUSAGE, "--version 0.0.0.0 is not a valid DriverVer version");
	return 0;
}

int tmpl_check_guid(const char *opt, const char *s, struct dc_error *err)
{
	static const char shape[] = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
	bool ok = strlen(s) == sizeof(shape) - 1;

	for (size_t i = 0; ok && shape[i]; i++)
		ok = shape[i] == 'x' ? is_hex(s[i]) : s[i] == shape[i];
	if (!ok)
		return dc_error_set(err, DC_EUSAGE,
				    "%s '%s' is not a braced GUID such as {3f2504e0-4f89-41d3-9a0c-0305e82c3301}", opt, s);
	return 0;
}

char *tmpl_quote_text(const char *s)
{
	size_t n = 2, k = 0;
	char *q;

	for (const char *p = s; *p; p++)
		n += *p == '"' ? 2 : 1;
	if (!(q = malloc(n + 1)))
		return NULL;
	q[k++] = '"';
	for (const char *p = s; *p; p++) {
		q[k++] = *p;
		if (*p == '"')
			q[k++] = '"';
	}
	q[k++] = '"';
	q[k] = '\0';
	return q;
}

const char *tmpl_arch_name(enum tmpl_arch a)
{
	return a == TMPL_ARCH_AMD64 ? "amd64" : "arm64";
}

int tmpl_parse_arches(const char *s, unsigned *mask, struct dc_error *err)
{
	*mask = 0;
	for (const char *p = s;;) {
		size_t n = strcspn(p, ",");
		int a = -1;

		for (int k = 0; k < TMPL_ARCH_COUNT; k++)
			if (n == strlen(tmpl_arch_name((enum tmpl_arch)k)) &&
			    dc_strncaseeq(p, tmpl_arch_name((enum tmpl_arch)k), n))
				a = k;
		if (!n)
			return dc_error_set(err, DC_EUSAGE, "--arch '%s' has an empty item", s);
		if (a < 0)
			return dc_error_set(err, DC_EUSAGE,
					    "--arch: unknown architecture '%.*s' (want amd64, arm64 or amd64,arm64)",
					    (int)n, p);
		if (*mask & (1u << a))
			return dc_error_set(err, DC_EUSAGE, "--arch '%s' names %s twice", s,
					    tmpl_arch_name((enum tmpl_arch)a));
		*mask |= 1u << a;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int tmpl_random_guid(char out[39], struct dc_error *err)
{
	unsigned char b[16];
	size_t got = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return dc_error_set(err, DC_EIO, "/dev/urandom: %s", strerror(errno));
	while (got < sizeof(b)) {
		ssize_t r = read(fd, b + got, sizeof(b) - got);

		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			close(fd);
			return dc_error_set(err, DC_EIO, "/dev/urandom: %s", strerror(e));
		}
		got += (size_t)r;
	}
	close(fd);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 (RFC 4122 section 4.4) */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10x */
	snprintf(out, 39, "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}
