#!/usr/bin/python3
"""genpkg.py - write a synthetic Windows driver package for bench/run.

usage: genpkg.py OUTDIR --list FILE --bytes N --files N [--min-size B --max-size B] [--seed S]

OUTDIR receives bench.inf and the member files in four subdirectories (amd64,
arm64, x86, data).  Half the files are PE images (.sys, .dll, .exe) written
here from the PE/COFF specification, the rest flat data files.  The INF
(CatalogFile, SourceDisksNames/Files, a Models section for
NTamd64.10.0...16299, one CopyFiles list per subdirectory) names every file,
so `drvcat build --os 10_RS3_X64` takes all of them.  --list FILE (outside
OUTDIR, or verify would call it a stray) receives the members, INF included,
relative to OUTDIR, one per line: the exact file set the openssl reference
runs hash.

Sizes: without --min-size/--max-size, log-uniform over three decades scaled
so the package totals --bytes (a few large images, many small files, as in
real graphics and network packages); with them, uniform in [min, max].

PE images follow what drvcat's strict parser accepts (src/hash/hash.h) and
what link.exe writes: "MZ" + DOS stub, e_lfanew 0x80, COFF header, a PE32+
(amd64, arm64) or PE32 (x86) optional header with 16 data directories,
SizeOfHeaders 0x400, FileAlignment 0x200, SectionAlignment 0x1000, and
.text/.rdata/.data/.pdata/(PAGE/INIT for drivers, .rsrc for user mode)/.reloc
with SizeOfRawData and PointerToRawData multiples of 0x200.  About 1 in 10
carries an odd-length overlay (hashed with zero padding to 8 bytes) and 1 in
20 a WIN_CERTIFICATE tail (an already signed third-party binary).  Content
comes from a seeded random pool, so a given seed always gives the same
package, and every file is distinct (drvcat merges members of equal content).
"""
import argparse
import math
import os
import random
import struct
import sys

FILE_ALIGN = 0x200
SECT_ALIGN = 0x1000
HEADERS = 0x400
E_LFANEW = 0x80
POOL_SIZE = 64 << 20

# The DOS stub link.exe writes (PE/COFF §3.1): code that prints the message.
DOS_STUB = (bytes.fromhex("0e1fba0e00b409cd21b8014ccd21") +
            b"This program cannot be run in DOS mode.\r\r\n$" + b"\0" * 7)

# (name, characteristics, share of the raw data); IMAGE_SCN_* (PE/COFF §4.1).
CODE, IDATA, UDATA = 0x20, 0x40, 0x80
R, W, X, DISC = 0x40000000, 0x80000000, 0x20000000, 0x02000000
SECTIONS_SYS = [(".text", CODE | X | R, 0.46), (".rdata", IDATA | R, 0.16),
                (".data", IDATA | R | W, 0.07), (".pdata", IDATA | R, 0.04),
                ("PAGE", CODE | X | R, 0.20), ("INIT", CODE | X | R | DISC, 0.05),
                (".reloc", IDATA | R | DISC, 0.02)]
SECTIONS_USER = [(".text", CODE | X | R, 0.52), (".rdata", IDATA | R, 0.20),
                 (".data", IDATA | R | W, 0.08), (".pdata", IDATA | R, 0.05),
                 (".rsrc", IDATA | R, 0.13), (".reloc", IDATA | R | DISC, 0.02)]

# (subdir, machine, PE32+?, share of the PE files)
ARCHES = [("amd64", 0x8664, True, 0.70), ("arm64", 0xAA64, True, 0.15),
          ("x86", 0x014C, False, 0.15)]
FLAT_EXT = [".bin", ".dat", ".fw", ".xml", ".txt", ".json"]


def pick_arch(r):
    for sub, machine, plus, share in ARCHES:
        if r < share:
            return sub, machine, plus
        r -= share
    return ARCHES[-1][:3]


def align(n, a):
    return (n + a - 1) // a * a


class Pool:
    """Seeded pseudo-random bytes; slices at random offsets make each file distinct."""

    def __init__(self, rng):
        self.data = memoryview(rng.randbytes(POOL_SIZE))
        self.rng = rng

    def write(self, f, n):
        while n > 0:
            off = self.rng.randrange(0, POOL_SIZE - 4096)
            k = min(n, POOL_SIZE - off)
            f.write(self.data[off:off + k])
            n -= k


def pdata_table(n, base_rva):
    """RUNTIME_FUNCTION entries (begin, end, unwind RVA), ascending, as .pdata holds."""
    out = bytearray()
    rva = base_rva
    for i in range(n // 12):
        out += struct.pack("<III", rva, rva + 0x40 + (i * 7) % 0x200, 0x3000 + (i * 8) % 0x1000)
        rva += 0x40 + (i * 7) % 0x200 + 0x10
    return bytes(out) + b"\0" * (n - len(out))


def reloc_table(n, first_page):
    """Base relocation blocks: page RVA, block size, IMAGE_REL_BASED_DIR64 entries."""
    out = bytearray()
    page = first_page
    while len(out) + 8 + 2 * 16 <= n:
        out += struct.pack("<II", page, 8 + 2 * 16)
        out += b"".join(struct.pack("<H", (0xA << 12) | (k * 0xF0)) for k in range(16))
        page += 0x1000
    return bytes(out) + b"\0" * (n - len(out))


# Computed once (every image's .text starts at RVA 0x1000); a section takes a prefix.
PDATA = pdata_table(1 << 20, SECT_ALIGN)
RELOC = reloc_table(1 << 18, SECT_ALIGN)


def pe_layout(size, kind, plus):
    """Sections for a PE of about size bytes: [(name, chars, raw_size)]."""
    table = SECTIONS_SYS if kind == "sys" else SECTIONS_USER
    if not plus:   # x86 has no .pdata (exception data lives on the stack)
        table = [t for t in table if t[0] != ".pdata"]
    blocks = max(1, (size - HEADERS) // FILE_ALIGN)
    # Small images keep the first few sections plus .reloc, each at least one block.
    if blocks < len(table):
        table = table[:max(1, blocks - 1)] + ([table[-1]] if blocks > 1 else [])
    raw = [max(1, int(blocks * share)) for _, _, share in table]
    raw[0] += blocks - sum(raw)          # .text takes the rounding
    if raw[0] < 1:                       # too many minimum blocks: shrink the largest others
        for i in sorted(range(1, len(raw)), key=lambda i: -raw[i]):
            while raw[0] < 1 and raw[i] > 1:
                raw[i] -= 1
                raw[0] += 1
    return [(name, ch, r * FILE_ALIGN) for (name, ch, _), r in zip(table, raw)]


def write_pe(path, size, kind, machine, plus, index, rng, pool):
    sections = pe_layout(size, kind, plus)
    # Virtual layout: each section at the next SectionAlignment boundary.
    rva, ptr, sect = SECT_ALIGN, HEADERS, []
    for name, ch, raw in sections:
        vsize = raw - rng.randrange(0, FILE_ALIGN)
        if name == ".data":
            vsize = raw + rng.randrange(0, 4) * SECT_ALIGN   # zero-filled tail (.bss)
        sect.append((name, ch, raw, ptr, rva, vsize))
        rva += align(vsize, SECT_ALIGN)
        ptr += raw
    size_of_image = rva

    def find(name):
        for s in sect:
            if s[0] == name:
                return s
        return None

    size_code = sum(s[2] for s in sect if s[1] & CODE)
    size_idata = sum(s[2] for s in sect if s[1] & IDATA)
    text = sect[0]
    entry = text[4] + rng.randrange(0, max(16, min(text[5], 0x10000)) // 16) * 16
    dirs = [(0, 0)] * 16
    rdata, pdata, reloc, rsrc = find(".rdata"), find(".pdata"), find(".reloc"), find(".rsrc")
    if rdata:
        if kind == "dll":
            dirs[0] = (rdata[4] + 0x100, 0x80)                 # export
        dirs[1] = (rdata[4] + 0x200, 0x28)                     # import
        dirs[6] = (rdata[4] + 0x40, 0x38)                      # debug (2 entries)
        dirs[10] = (rdata[4] + 0x300, 0x140 if plus else 0xC0)  # load config
        dirs[12] = (rdata[4], 0x40)                            # IAT
    if pdata and plus:
        dirs[3] = (pdata[4], pdata[5] // 12 * 12)              # exception
    if rsrc:
        dirs[2] = (rsrc[4], rsrc[5])
    if reloc:
        dirs[5] = (reloc[4], reloc[5])

    overlay = rng.randrange(1, 512) if index % 10 == 3 else 0
    cert = (align(rng.randrange(0x600, 0x2800), 8) if index % 20 == 7 else 0)
    end = ptr + overlay
    if cert:
        end = align(end, 8)   # PE/COFF: the attribute certificate table is 8-aligned
    # COFF characteristics: EXECUTABLE_IMAGE, LARGE_ADDRESS_AWARE (PE32+) or 32BIT_MACHINE, DLL.
    chars = 0x0002 | (0x0020 if plus else 0x0100) | (0x2000 if kind == "dll" else 0)
    subsystem = {"sys": 1, "dll": 2, "exe": 3}[kind]
    # DllCharacteristics: HIGH_ENTROPY_VA (PE32+), DYNAMIC_BASE, NX_COMPAT, GUARD_CF.
    dllch = (0x0020 if plus else 0) | 0x0040 | 0x0100 | 0x4000
    image_base = (0x140000000 if kind != "dll" else 0x180000000) if plus else 0x10000

    h = bytearray(HEADERS)
    h[0:2] = b"MZ"
    struct.pack_into("<HHHHHHHHHHHHH", h, 2, 0x90, 3, 0, 4, 0, 0xFFFF, 0, 0xB8, 0, 0, 0, 0x40, 0)
    struct.pack_into("<I", h, 0x3C, E_LFANEW)
    h[0x40:0x40 + len(DOS_STUB)] = DOS_STUB
    o = E_LFANEW
    h[o:o + 4] = b"PE\0\0"
    opt_size = 0xF0 if plus else 0xE0
    struct.pack_into("<HHIIIHH", h, o + 4, machine, len(sect), 0x5F000000 + index * 977, 0, 0,
                     opt_size, chars)
    o += 24
    if plus:
        struct.pack_into("<HBBIIIII", h, o, 0x20B, 14, 38, size_code, size_idata, 0, entry,
                         text[4])
        struct.pack_into("<Q", h, o + 24, image_base)
        p = o + 32
    else:
        data_rva = (find(".data") or text)[4]
        struct.pack_into("<HBBIIIIIII", h, o, 0x10B, 14, 38, size_code, size_idata, 0, entry,
                         text[4], data_rva, image_base)
        p = o + 32
    struct.pack_into("<IIHHHHHHIIIIHH", h, p, SECT_ALIGN, FILE_ALIGN, 10, 0, 10, 0, 10, 0, 0,
                     size_of_image, HEADERS, rng.randrange(1, 1 << 24), subsystem, dllch)
    p += 40
    if plus:
        struct.pack_into("<QQQQII", h, p, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
        p += 40
    else:
        struct.pack_into("<IIIIII", h, p, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
        p += 24
    if cert:
        dirs[4] = (end, cert)   # the security slot holds a file offset, not an RVA
    for rva_, sz in dirs:
        struct.pack_into("<II", h, p, rva_, sz)
        p += 8
    assert p == o + opt_size
    for name, ch, raw, ptr_, rva_, vsize in sect:
        struct.pack_into("<8sIIIIIIHHI", h, p, name.encode(), vsize, rva_, raw, ptr_, 0, 0, 0, 0, ch)
        p += 40
    assert p <= HEADERS

    with open(path, "wb") as f:
        f.write(h)
        for name, ch, raw, ptr_, rva_, vsize in sect:
            tag = b"%s:%08d:%s\0" % (os.path.basename(path).encode(), index, name.encode())
            if name == ".pdata":
                n = min(raw, len(PDATA))
                f.write(PDATA[:n])
                pool.write(f, raw - n)
            elif name == ".reloc":
                n = min(raw, len(RELOC))
                f.write(RELOC[:n])
                pool.write(f, raw - n)
            elif name == ".data":
                z = raw // 4                           # initialised data: partly zero
                f.write(tag)
                pool.write(f, raw - len(tag) - z)
                f.write(b"\0" * z)
            else:
                f.write(tag)
                pool.write(f, raw - len(tag))
        if overlay:
            pool.write(f, overlay)
        if cert:
            f.write(b"\0" * (end - f.tell()))
            # WIN_CERTIFICATE: dwLength, wRevision 0x0200, wCertificateType PKCS_SIGNED_DATA.
            f.write(struct.pack("<IHH", cert, 0x0200, 0x0002))
            pool.write(f, cert - 8)
    return os.path.getsize(path)


def write_flat(path, size, index, pool):
    with open(path, "wb") as f:
        tag = b"# bench data file %08d\n" % index   # never "MZ": stays a flat member
        f.write(tag[:size])
        pool.write(f, max(0, size - len(tag)))
    return os.path.getsize(path)


def sizes_for(rng, n, total, lo, hi):
    if lo is not None:
        return [rng.randint(lo, hi) for _ in range(n)]
    w = [math.exp(rng.uniform(0, math.log(1000))) for _ in range(n)]
    scale = total / sum(w)
    s = [max(2048, int(x * scale)) for x in w]
    s[s.index(max(s))] += total - sum(s)     # the largest file takes the rounding
    return s


INF_HEAD = """\
; bench.inf - synthetic driver package written by drvcat's bench/genpkg.py
; ({nfiles} files, {nbytes} bytes, seed {seed}).  Not a real driver.

[Version]
Signature   = "$WINDOWS NT$"
Class       = Net
ClassGuid   = {{4d36e972-e325-11ce-bfc1-08002be10318}}
Provider    = %ProviderName%
CatalogFile = bench.cat
DriverVer   = 01/15/2026,10.4.1.2
PnpLockdown = 1

[DestinationDirs]
DefaultDestDir = 13

[SourceDisksNames]
1 = %DiskName%,,,\\amd64
2 = %DiskName%,,,\\arm64
3 = %DiskName%,,,\\x86
4 = %DiskName%,,,\\data

[Manufacturer]
%ManufacturerName% = Bench, NTamd64.10.0...16299

[Bench.NTamd64.10.0...16299]
%DeviceDesc% = Bench_Device, PCI\\VEN_1AF4&DEV_1041&SUBSYS_11001AF4
%DeviceDesc% = Bench_Device, PCI\\VEN_1AF4&DEV_1000

[Bench_Device.NT]
CopyFiles = Bench_amd64, Bench_arm64, Bench_x86, Bench_data

[Bench_Device.NT.Services]
AddService = BenchDrv, 0x00000002, Bench_Service

[Bench_Service]
DisplayName   = %ServiceDesc%
ServiceType   = 1
StartType     = 3
ErrorControl  = 1
ServiceBinary = %13%\\{service}
"""

INF_TAIL = """
[Strings]
ProviderName     = "drvcat bench"
ManufacturerName = "drvcat bench"
DiskName         = "drvcat bench disk"
DeviceDesc       = "drvcat bench synthetic device"
ServiceDesc      = "drvcat bench synthetic service"
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--list", required=True, help="write the member list here")
    ap.add_argument("--bytes", type=int, required=True, help="total size of the member files")
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--min-size", type=int)
    ap.add_argument("--max-size", type=int)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if (a.min_size is None) != (a.max_size is None):
        ap.error("--min-size and --max-size go together")
    rng = random.Random(a.seed)
    pool = Pool(rng)
    sizes = sizes_for(rng, a.files, a.bytes, a.min_size, a.max_size)
    disk = {"amd64": 1, "arm64": 2, "x86": 3, "data": 4}
    lists = {k: [] for k in disk}
    members, total = [], 0
    for sub in disk:
        os.makedirs(os.path.join(a.outdir, sub), exist_ok=True)
    for i, size in enumerate(sizes):
        if i % 2 == 0:   # PE image
            sub, machine, plus = pick_arch(rng.random())
            kind = ("sys", "dll", "dll", "exe")[(i // 2) % 4]
            if size < HEADERS + FILE_ALIGN:
                size = HEADERS + FILE_ALIGN
            name = "bench%05d.%s" % (i, kind)
            total += write_pe(os.path.join(a.outdir, sub, name), size, kind, machine, plus, i,
                              rng, pool)
        else:
            sub = "data"
            name = "bench%05d%s" % (i, FLAT_EXT[(i // 2) % len(FLAT_EXT)])
            total += write_flat(os.path.join(a.outdir, sub, name), size, i, pool)
        lists[sub].append(name)
        members.append(sub + "/" + name)
    service = (lists["amd64"] or ["none.sys"])[0]
    with open(os.path.join(a.outdir, "bench.inf"), "w", newline="\r\n") as f:
        f.write(INF_HEAD.format(nfiles=a.files, nbytes=total, seed=a.seed, service=service))
        f.write("\n[SourceDisksFiles]\n")
        for sub, names in lists.items():
            for name in names:
                f.write("%s = %d\n" % (name, disk[sub]))
        for sub, names in lists.items():
            f.write("\n[Bench_%s]\n" % sub)
            for name in names:
                f.write(name + "\n")
        f.write(INF_TAIL)
    with open(a.list, "w") as f:
        f.write("bench.inf\n")
        for m in members:
            f.write(m + "\n")
    print("%s: %d files + INF, %d bytes" % (a.outdir, a.files, total))


if __name__ == "__main__":
    sys.exit(main())
