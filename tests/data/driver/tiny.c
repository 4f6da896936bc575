/*
 * Minimal Windows kernel-mode driver used as a catalog member in tests.
 * Built by tests/tools/build-driver.sh with clang + lld-link: no WDK headers,
 * no CRT, no imports. It is never loaded, it only has to be a real driver PE
 * with .text, .rdata and .data sections whose bytes depend on DRIVER_NAME.
 */

#ifndef DRIVER_NAME
#define DRIVER_NAME "tiny"
#endif

/* NTAPI: DriverEntry is __stdcall on x86 (decorated _DriverEntry@8); other
 * architectures have a single calling convention. */
#if defined(_M_IX86)
#define NTAPI __stdcall
#else
#define NTAPI
#endif

typedef long NTSTATUS;
#define STATUS_SUCCESS ((NTSTATUS)0)

/* volatile so the optimiser keeps the string in .rdata instead of folding it
 * into immediates: the name must show up as bytes in the image. */
static const volatile char driver_name[] = DRIVER_NAME;
static const unsigned int mix_table[8] = {
	0x811c9dc5u, 0x01000193u, 0x9e3779b9u, 0x85ebca6bu,
	0xc2b2ae35u, 0x27d4eb2fu, 0x165667b1u, 0xd3a2646cu,
};
static volatile unsigned int driver_state = 1; /* initialised => .data */

__attribute__((noinline)) static unsigned int name_hash(unsigned int seed)
{
	unsigned int h = seed;

	for (unsigned int i = 0; driver_name[i] != '\0'; i++)
		h = (h ^ (unsigned char)driver_name[i]) * mix_table[h & 7];
	return h;
}

NTSTATUS NTAPI DriverEntry(void *DriverObject, void *RegistryPath)
{
	(void)RegistryPath;
	/* Seed from an argument so name_hash cannot be evaluated at compile time. */
	driver_state = name_hash((unsigned int)(__UINTPTR_TYPE__)DriverObject);
	return STATUS_SUCCESS;
}
