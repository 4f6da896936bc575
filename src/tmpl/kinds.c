/*
 * kinds.c - the package kinds `drvcat new` knows and the setup classes
 * --class may name.  Each kind's INFs are inf-templates/<kind>/NAME.inf.in.
 *
 * Minimum builds (TargetOSVersion decorations, TARGETOS): 16299 (Windows 10
 * 1709) is where DIRID 13 for driver files begins (InfVerif 1199) and the
 * first ARM64 release; AddFilter in DDInstall.Filters needs 18362 (Windows
 * 10 1903, INF DDInstall.Filters section).  Primitive drivers (1903 and
 * later, "Creating a primitive driver") have no Models sections to decorate.
 */
#include <string.h>

#include "../util/str.h"
#include "internal.h"

static const struct tmpl_kind kinds[] = {
	{ "kmdf", "KMDF function driver for a device (.sys)",
	  TMPL_TAKES_HWID | TMPL_TAKES_CLASS, ".sys", "kernel-mode driver", 16299, "System",
	  { { "kmdf/kmdf.inf.in", "", true }, { NULL, NULL, false } } },
	{ "umdf", "UMDF 2 function driver for a device (.dll, hosted by WUDFRd)",
	  TMPL_TAKES_HWID | TMPL_TAKES_CLASS, ".dll", "user-mode (UMDF 2) driver DLL", 16299, "System",
	  { { "umdf/umdf.inf.in", "", true }, { NULL, NULL, false } } },
	{ "filter", "KMDF upper or lower filter added to a device by an extension INF (--filter upper|lower)",
	  TMPL_TAKES_HWID | TMPL_TAKES_FILTER | TMPL_TAKES_EXTENSION_ID, ".sys", "kernel-mode filter driver",
	  18362, "Extension",
	  { { "filter/filter.inf.in", "", true }, { NULL, NULL, false } } },
	{ "extension", "extension INF for a device plus the software component it adds (.exe)",
	  TMPL_TAKES_HWID | TMPL_TAKES_EXTENSION_ID, ".exe", "component's user-mode program", 16299,
	  "Extension",
	  { { "extension/extension.inf.in", "", false },
	    { "extension/component.inf.in", "_component", true } } },
	{ "minifilter", "file-system minifilter, installed as a primitive driver (.sys)",
	  TMPL_TAKES_FSCLASS | TMPL_TAKES_ALTITUDE, ".sys", "file-system minifilter driver", 0,
	  "ActivityMonitor",
	  { { "minifilter/minifilter.inf.in", "", true }, { NULL, NULL, false } } },
	{ "primitive", "primitive driver: a kernel service installed without a device (DefaultInstall)",
	  TMPL_TAKES_CLASS, ".sys", "kernel-mode driver", 0, "System",
	  { { "primitive/primitive.inf.in", "", true }, { NULL, NULL, false } } },
};

const struct tmpl_kind *tmpl_kinds(size_t *n)
{
	*n = sizeof(kinds) / sizeof(kinds[0]);
	return kinds;
}

const struct tmpl_kind *tmpl_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].name, name))
			return &kinds[i];
	return NULL;
}

/* System-defined device setup classes (devguid.h); Extension is chosen by kind, never by --class. */
static const struct tmpl_class device_classes[] = {
	{ "1394", "{6bdd1fc1-810f-11d0-bec7-08002be2092f}", NULL, 0, 0 },
	{ "AudioEndpoint", "{c166523c-fe0c-4a94-a586-f1a80cfbbf3e}", NULL, 0, 0 },
	{ "Battery", "{72631e54-78a4-11d0-bcf7-00aa00b7b32a}", NULL, 0, 0 },
	{ "Biometric", "{53d29ef7-377c-4d14-864b-eb3a85769359}", NULL, 0, 0 },
	{ "Bluetooth", "{e0cbf06c-cd8b-4647-bb8a-263b43f0f974}", NULL, 0, 0 },
	{ "Camera", "{ca3e7ab9-b4c3-4ae6-8251-579ef933890f}", NULL, 0, 0 },
	{ "CDROM", "{4d36e965-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Computer", "{4d36e966-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "DiskDrive", "{4d36e967-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Display", "{4d36e968-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "FDC", "{4d36e969-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "FloppyDisk", "{4d36e980-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "HDC", "{4d36e96a-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "HIDClass", "{745a17a0-74d3-11d0-b6fe-00a0c90f57da}", NULL, 0, 0 },
	{ "Image", "{6bdd1fc6-810f-11d0-bec7-08002be2092f}", NULL, 0, 0 },
	{ "Infrared", "{6bdd1fc5-810f-11d0-bec7-08002be2092f}", NULL, 0, 0 },
	{ "Keyboard", "{4d36e96b-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "LegacyDriver", "{8ecc055d-047f-11d1-a537-0000f8753ed1}", NULL, 0, 0 },
	{ "MEDIA", "{4d36e96c-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Modem", "{4d36e96d-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Monitor", "{4d36e96e-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Mouse", "{4d36e96f-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "MTD", "{4d36e970-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "MultiFunction", "{4d36e971-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "MultiPortSerial", "{50906cb8-ba12-11d1-bf5d-0000f805f530}", NULL, 0, 0 },
	{ "Net", "{4d36e972-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "NetClient", "{4d36e973-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "NetService", "{4d36e974-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "NetTrans", "{4d36e975-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "PCMCIA", "{4d36e977-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Ports", "{4d36e978-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Printer", "{4d36e979-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Processor", "{50127dc3-0f36-415e-a6cc-4cb3be910b65}", NULL, 0, 0 },
	{ "SCSIAdapter", "{4d36e97b-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "Sensor", "{5175d334-c371-4806-b3ba-71fd53c9258d}", NULL, 0, 0 },
	{ "SmartCardReader", "{50dd5230-ba8a-11d1-bf5d-0000f805f530}", NULL, 0, 0 },
	{ "SoftwareComponent", "{5c4c3332-344d-483c-8739-259e934c9cc8}", NULL, 0, 0 },
	{ "System", "{4d36e97d-e325-11ce-bfc1-08002be10318}", NULL, 0, 0 },
	{ "USB", "{36fc9e60-c465-11cf-8056-444553540000}", NULL, 0, 0 },
	{ "Volume", "{71a27cdd-812a-11d0-bec7-08002be2092f}", NULL, 0, 0 },
};

/*
 * File system filter classes with their load order groups and altitude
 * ranges ("File System Filter Driver Classes and Class GUIDs", "Load order
 * groups and altitudes for minifilter drivers").  The groups reserved for
 * Microsoft and those without a setup class are left out.
 */
static const struct tmpl_class fs_classes[] = {
	{ "ActivityMonitor", "{b86dff51-a31e-4bac-b3cf-e8cfe75c9fc2}", "FSFilter Activity Monitor", 360000, 389999 },
	{ "Undelete", "{fe8f1572-c67a-48c0-bbac-0b5c6d66cafb}", "FSFilter Undelete", 340000, 349999 },
	{ "AntiVirus", "{b1d1a169-c54f-4379-81db-bee7d88d7454}", "FSFilter Anti-Virus", 320000, 329999 },
	{ "Replication", "{48d3ebc4-4cf8-48ff-b869-9c68ad42eb9f}", "FSFilter Replication", 300000, 309999 },
	{ "ContinuousBackup", "{71aa14f8-6fad-4622-ad77-92bb9d7e6947}", "FSFilter Continuous Backup", 280000, 289999 },
	{ "ContentScreener", "{3e3f0674-c83c-4558-bb26-9820e1eba5c5}", "FSFilter Content Screener", 260000, 269999 },
	{ "QuotaManagement", "{8503c911-a6c7-4919-8f79-5028f5866b0c}", "FSFilter Quota Management", 240000, 249999 },
	{ "CFSMetaDataServer", "{cdcf0939-b75b-4630-bf76-80f7ba655884}", "FSFilter Cluster File System", 200000, 209999 },
	{ "HSM", "{d546500a-2aeb-45f6-9482-f4b1799c3177}", "FSFilter HSM", 180000, 189999 },
	{ "Compression", "{f3586baf-b5aa-49b5-8d6c-0569284c639f}", "FSFilter Compression", 160000, 169999 },
	{ "Encryption", "{a0a701c0-a511-42ff-aa6c-06dc0395576f}", "FSFilter Encryption", 140000, 149999 },
	{ "PhysicalQuotaManagement", "{6a0a8e78-bba6-4fc4-a709-1e33cd09d67e}", "FSFilter Physical Quota Management", 120000, 129999 },
	{ "OpenFileBackup", "{f8ecafa6-66d1-41a5-899b-66585d7216b7}", "FSFilter Open File", 100000, 109999 },
	{ "SecurityEnhancer", "{d02bc3da-0c8e-4945-9bd5-f1883c226c8c}", "FSFilter Security Enhancer", 80000, 89999 },
	{ "CopyProtection", "{89786ff1-9c12-402f-9c9e-17753c7f4375}", "FSFilter Copy Protection", 60000, 69999 },
};

static const struct tmpl_class extension_class = { "Extension", "{e2f84ce7-8efa-411c-aa69-97454ca4cb57}",
						   NULL, 0, 0 };

static const struct tmpl_class *find_in(const struct tmpl_class *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (dc_strcaseeq(t[i].name, name))
			return &t[i];
	return NULL;
}

const struct tmpl_class *tmpl_class_find(const struct tmpl_kind *k, const char *name)
{
	if (k->takes & TMPL_TAKES_FSCLASS)
		return find_in(fs_classes, sizeof(fs_classes) / sizeof(fs_classes[0]), name);
	if (dc_strcaseeq(name, extension_class.name))
		return (k->takes & TMPL_TAKES_CLASS) ? NULL : &extension_class;
	return find_in(device_classes, sizeof(device_classes) / sizeof(device_classes[0]), name);
}

const struct tmpl_class *tmpl_class_table(const struct tmpl_kind *k, size_t *n)
{
	if (k->takes & TMPL_TAKES_FSCLASS) {
		*n = sizeof(fs_classes) / sizeof(fs_classes[0]);
		return fs_classes;
	}
	*n = sizeof(device_classes) / sizeof(device_classes[0]);
	return device_classes;
}
