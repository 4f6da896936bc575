#!/usr/bin/env python3
"""mk-check-cases.py - writes the `drvcat check` rule tests under tests/data/check/.

Every rule DC-INF-NNN gets a directory with
  pos.inf    base.inf with one small edit that triggers the rule
  neg.inf    base.inf, or the same feature written correctly: the rule stays silent
  args       extra drvcat check arguments (optional; pos.args / neg.args when
             they differ; --now is always given)
  files/     extra package files beside the INF (optional)
The exact finding each pos.inf must produce is in DC-INF-NNN/expected; that
file is written by hand (after reading the finding against the INF), never by
this script.  tests/e2e/check.bats runs the cases.

Usage: tests/tools/mk-check-cases.py   (rewrites pos.inf, neg.inf, args, files/)
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "check")
BASE = open(os.path.join(DATA, "base.inf"), encoding="ascii").read()


def sub(text, old, new, count=1):
    """Replaces old (which must occur) by new."""
    if old not in text:
        sys.exit(f"mk-check-cases: '{old}' not in the text")
    return text.replace(old, new, count)


def add_after(text, line, *new):
    """Inserts lines after the line that equals `line`."""
    return sub(text, line + "\n", line + "\n" + "".join(n + "\n" for n in new))


def append(text, *lines):
    return text + "\n" + "".join(n + "\n" for n in lines)


def strings(text, *lines):
    """Adds lines to [Strings] (the last section of base.inf)."""
    return text + "".join(n + "\n" for n in lines)


def utf16(text, bom=True):
    data = text.replace("\n", "\r\n").encode("utf-16-le")
    return (b"\xff\xfe" + data) if bom else data


B = BASE
CASES = {}


def case(code, pos, neg=B, args="", files=None):
    CASES[code] = (pos, neg, args, files or {})


# DC-INF-001 encoding: UTF-8 with a BOM is not ANSI or UTF-16 (InfVerif 1003)
case("DC-INF-001", b"\xef\xbb\xbf" + B.encode(), utf16(B))
# DC-INF-002 syntax: a section header without ']'
case("DC-INF-002", append(B, "[Unclosed"))
# DC-INF-003 Signature
case("DC-INF-003", sub(B, '"$Windows NT$"', '"$Windows 95$"'), sub(B, '"$Windows NT$"', '"$Chicago$"'))
# DC-INF-004 the System class's GUID under another class name
case("DC-INF-004",
     sub(B, "{78A1C341-4539-11D3-B88D-00C04FAD5171}", "{4d36e97d-e325-11ce-bfc1-08002be10318}"),
     sub(sub(B, "{78A1C341-4539-11D3-B88D-00C04FAD5171}", "{4d36e97d-e325-11ce-bfc1-08002be10318}"),
         "Class       = Sample", "Class       = System"))
# DC-INF-005 Provider naming Microsoft
case("DC-INF-005", sub(B, "Provider    = %Mfg%", "Provider    = Microsoft"))
# DC-INF-006 DriverVer written in a dd.mm.yyyy locale (the classic 22.9.6)
case("DC-INF-006", sub(B, "06/21/2024,1.2.3.4", "21.06.2024,1.2.3.4"), sub(B, "06/21/2024", "06-21-2024"))
# DC-INF-007 DriverVer dated tomorrow in UTC: --now is 2026-01-01 20:00 UTC, already
# 2026-01-02 for a build machine east of UTC+4
case("DC-INF-007", sub(B, "06/21/2024", "01/02/2026"), sub(B, "06/21/2024", "01/01/2026"))
# DC-INF-008 CatalogFile with a directory
case("DC-INF-008", sub(B, "CatalogFile = base.cat", "CatalogFile = sub\\base.cat"),
     sub(B, "CatalogFile = base.cat", "CatalogFile.NTamd64 = base.cat"))
# DC-INF-009 only an x86 catalog for an amd64-only INF
case("DC-INF-009", sub(B, "CatalogFile = base.cat", "CatalogFile.NTx86 = base.cat"),
     sub(B, "CatalogFile = base.cat", "CatalogFile.NTamd64 = base.cat"))
# DC-INF-010 no PnpLockdown
case("DC-INF-010", sub(B, "PnpLockdown = 1\n", ""))
# DC-INF-011 [DestinationDirs] declared twice
case("DC-INF-011", append(B, "[DestinationDirs]", "Inst.Copy = 13"))
# DC-INF-012 text before the first section
case("DC-INF-012", "Drvcat example driver\n" + B)
# DC-INF-013 an undefined %token%
case("DC-INF-013", sub(B, "DisplayName   = %Dev%", "DisplayName   = %DevName%"))
# DC-INF-014 [Strings.0407] without one of the keys of [Strings]
case("DC-INF-014",
     append(B, "[Strings.0407]", 'Mfg  = "Beispiel GmbH"', 'Dev  = "Basisgeraet"'),
     append(B, "[Strings.0407]", 'Mfg  = "Beispiel GmbH"', 'Dev  = "Basisgeraet"', 'Disk = "Basisdiskette"'))
# DC-INF-015 a stampinf token left in an .inf
case("DC-INF-015", add_after(B, "AddReg = Inst.HwReg", "", "[Inst.NTamd64.Wdf]", "KmdfLibraryVersion = $KMDFVERSION$"),
     add_after(B, "AddReg = Inst.HwReg", "", "[Inst.NTamd64.Wdf]", "KmdfLibraryVersion = 1.15"))
# DC-INF-016 a [Manufacturer] entry without a models section
case("DC-INF-016", strings(add_after(B, "%Mfg% = Models, NTamd64", "%Mfg2% ="), 'Mfg2 = "Other Corp"'))
# DC-INF-017 product type 4 does not exist (1 workstation, 2 DC, 3 server)
case("DC-INF-017", sub(B, "%Mfg% = Models, NTamd64", "%Mfg% = Models, NTamd64, NTamd64.10.0.4"),
     sub(sub(B, "%Mfg% = Models, NTamd64", "%Mfg% = Models, NTamd64.10.0...16299"),
         "[Models.NTamd64]", "[Models.NTamd64.10.0...16299]"))
# DC-INF-018 a decoration whose models section is missing
case("DC-INF-018", sub(B, "%Mfg% = Models, NTamd64", "%Mfg% = Models, NTamd64, NTarm64"))
# DC-INF-019 undecorated models: x86 only
X86 = B.replace("NTamd64", "NTx86")
case("DC-INF-019", sub(sub(X86, "%Mfg% = Models, NTx86", "%Mfg% = Models"), "[Models.NTx86]", "[Models]"), X86)
# DC-INF-020 a device without a hardware id
case("DC-INF-020", sub(B, "%Dev% = Inst, Root\\DrvcatBase", "%Dev% = Inst"))
# DC-INF-021 a device whose install section does not exist
case("DC-INF-021", strings(add_after(B, "%Dev% = Inst, Root\\DrvcatBase", "%Dev2% = Missing, Root\\DrvcatBase2"),
                           'Dev2 = "Second Device"'))
# DC-INF-022 a .Services section without AddService
case("DC-INF-022", sub(B, "AddService = DrvcatBase, 0x00000002, Base.Service", "DelService = OldService"))
# DC-INF-023 AddService naming a service-install section that does not exist
case("DC-INF-023", sub(B, "0x00000002, Base.Service", "0x00000002, Missing.Service"))
# DC-INF-024 AddReg naming a section that does not exist
case("DC-INF-024", add_after(B, "CopyFiles = Inst.Copy", "AddReg = Missing.Reg"))
# DC-INF-025 CopyFiles=@file without DefaultDestDir
case("DC-INF-025",
     sub(sub(B, "CopyFiles = Inst.Copy", "CopyFiles = Inst.Copy, @base.sys"), "DefaultDestDir = 13", "Inst.Copy = 13"),
     sub(sub(B, "CopyFiles = Inst.Copy", "CopyFiles = @base.sys"), "[Inst.Copy]\nbase.sys\n\n", ""))
# DC-INF-026 a file list without [DestinationDirs] entry or DefaultDestDir
case("DC-INF-026", sub(B, "DefaultDestDir = 13", "Other.Copy = 13"), sub(B, "DefaultDestDir = 13", "Inst.Copy = 13"))
# DC-INF-027 a DIRID written as %13%
case("DC-INF-027", sub(B, "DefaultDestDir = 13", "DefaultDestDir = %13%"))
# DC-INF-028 base.sys listed for x86 only, copied on amd64
case("DC-INF-028", sub(B, "[SourceDisksFiles]", "[SourceDisksFiles.x86]"),
     sub(B, "[SourceDisksFiles]", "[SourceDisksFiles.amd64]"))
# DC-INF-029 a %token% as a SourceDisksFiles name
case("DC-INF-029", strings(sub(B, "base.sys = 1", "%File% = 1"), 'File = "base.sys"'))
# DC-INF-030 a disk id SourceDisksNames does not list ("01" and "1" are the same disk)
case("DC-INF-030", sub(B, "base.sys = 1", "base.sys = 2"), sub(B, "base.sys = 1", "base.sys = 01"))
# DC-INF-031 a SourceDisksNames path that leaves the package
case("DC-INF-031", sub(B, "1 = %Disk%", "1 = %Disk%,,,..\\outside"), sub(B, "1 = %Disk%", "1 = %Disk%,,,\\"))
# DC-INF-032 base.sys expected in x64\, which the package lacks
case("DC-INF-032", sub(B, "base.sys = 1", "base.sys = 1,x64"))
# DC-INF-033 renamed on its way to the driver store (DIRID 13); fine to DIRID 12
REN = sub(sub(B, "[Inst.Copy]\nbase.sys", "[Inst.Copy]\nrenamed.sys, base.sys"), "%13%\\base.sys", "%13%\\renamed.sys")
case("DC-INF-033", REN, sub(sub(REN, "DefaultDestDir = 13", "DefaultDestDir = 12"), "%13%\\renamed.sys", "%12%\\renamed.sys"))
# DC-INF-034 two different sources installed as base.sys
TWO = sub(sub(B, "DefaultDestDir = 13", "DefaultDestDir = 12"), "base.sys = 1", "base.sys = 1\nother.sys = 1")
case("DC-INF-034", sub(TWO, "[Inst.Copy]\nbase.sys", "[Inst.Copy]\nbase.sys\nbase.sys, other.sys"),
     sub(TWO, "[Inst.Copy]\nbase.sys", "[Inst.Copy]\nbase.sys\nother.sys"), files={"other.sys": b"other payload\n"})
# DC-INF-035 [SourceDisksFiles] without [SourceDisksNames]
case("DC-INF-035", sub(B, "[SourceDisksNames]\n1 = %Disk%\n\n", ""))
# DC-INF-036 one section used by AddReg and DelReg
case("DC-INF-036", add_after(B, "AddReg = Inst.HwReg", "DelReg = Inst.HwReg"))
# DC-INF-037 a section nothing refers to
case("DC-INF-037", append(B, "[Unused.Reg]", "HKR,,Unused,0x00010001,1"))
# DC-INF-038 Needs without Include
case("DC-INF-038", add_after(B, "CopyFiles = Inst.Copy", "Needs = WinUsb.NT"),
     add_after(B, "CopyFiles = Inst.Copy", "Include = winusb.inf", "Needs = WinUsb.NT"))
# DC-INF-039 an extension INF without ExtensionId
EXT = sub(sub(B, "Class       = Sample", "Class       = Extension"),
          "{78A1C341-4539-11D3-B88D-00C04FAD5171}", "{e2f84ce7-8efa-411c-aa69-97454ca4cb57}")
case("DC-INF-039", EXT, add_after(EXT, "PnpLockdown = 1", "ExtensionId = {3c4e0b0a-8f0e-4a3d-9c1e-5d7a2b6f4e10}"))
# DC-INF-040 [DefaultInstall] without an architecture
case("DC-INF-040", append(B, "[DefaultInstall]", "CopyFiles = Inst.Copy"),
     append(B, "[DefaultInstall.NTamd64]", "CopyFiles = Inst.Copy"))
# DC-INF-041 CopyINF naming an INF the package lacks
case("DC-INF-041", add_after(B, "CopyFiles = Inst.Copy", "CopyINF = other.inf"),
     add_after(B, "CopyFiles = Inst.Copy", "CopyINF = other.inf"), files={"neg:other.inf": BASE.encode()})
# DC-INF-042 a file in the package no INF references
case("DC-INF-042", B, files={"pos:stray.bin": b"not referenced\n"})
# DC-INF-043 the package copies a protected Windows file
case("DC-INF-043", sub(sub(B, "[Inst.Copy]\nbase.sys", "[Inst.Copy]\nbase.sys\nusbser.sys"), "base.sys = 1", "base.sys = 1\nusbser.sys = 1"),
     files={"pos:usbser.sys": b"stand-in\n"})
# DC-INF-044 DriverVer with a third field
case("DC-INF-044", sub(B, "06/21/2024,1.2.3.4", "06/21/2024,1.2.3.4,beta"))
# DC-INF-045 a Windows-1252 (c) in an ANSI file; the same text in UTF-16LE is fine
CP = sub(B, 'Dev  = "Base Device"', 'Dev  = "Base Device \u00a9"')
case("DC-INF-045", CP.encode("cp1252"), utf16(CP))
# DC-INF-046 ServiceBinary as an absolute path
case("DC-INF-046", sub(B, "%13%\\base.sys", "C:\\Windows\\System32\\drivers\\base.sys"))
# DC-INF-047 ServiceBinary naming a file nothing copies
case("DC-INF-047", sub(B, "%13%\\base.sys", "%13%\\missing.sys"))
# DC-INF-048 a PCI vendor id that is not hexadecimal
case("DC-INF-048", sub(B, "Root\\DrvcatBase", "PCI\\VEN_12G4&DEV_5678"),
     sub(B, "Root\\DrvcatBase", "PCI\\VEN_1234&DEV_5678&SUBSYS_00011234&REV_01"))
# DC-INF-049 --os asks for x86, the INF serves amd64 only
case("DC-INF-049", B, B, args=("--os 10_X86", "--os 10_X64"))
# DC-INF-050 a SourceDisksFiles entry nothing copies
case("DC-INF-050", sub(B, "base.sys = 1", "base.sys = 1\nextra.sys = 1"))
# DC-INF-051 HKLM written by a device AddReg (universal: error; driver: warning)
HKLM = add_after(B, "HKR,,Example,0x00010001,1", "HKLM,Software\\Drvcat,Value,0x00010001,1")
case("DC-INF-051", HKLM)
# DC-INF-052 the same under driver package isolation
case("DC-INF-052", HKLM, B, args="--mode windows")
# DC-INF-053 files copied to DIRID 12 under isolation
case("DC-INF-053", sub(B, "DefaultDestDir = 13", "DefaultDestDir = 12"), B, args="--mode windows")
# DC-INF-054 ServiceBinary under DIRID 12 under isolation
case("DC-INF-054", sub(B, "%13%\\base.sys", "%12%\\base.sys"), B, args="--mode windows")
# DC-INF-055 UTF-16LE without a byte-order mark
case("DC-INF-055", utf16(B, bom=False), utf16(B))
# DC-INF-056 a quoted string not closed on its line
case("DC-INF-056", sub(B, 'Disk = "Base Disk"', 'Disk = "Base Disk'))
# DC-INF-057 a field longer than 4095 characters
case("DC-INF-057", add_after(B, "HKR,,Example,0x00010001,1", 'HKR,,Long,,"' + "x" * 4100 + '"'))
# DC-INF-058 CatalogFile.NTx64 is not a decoration Windows knows
case("DC-INF-058", add_after(B, "CatalogFile = base.cat", "CatalogFile.NTx64 = base64.cat"),
     add_after(B, "CatalogFile = base.cat", "CatalogFile.NTamd64 = base64.cat"))
# DC-INF-059 PnpLockdown given twice
case("DC-INF-059", add_after(B, "PnpLockdown = 1", "PnpLockdown = 1"))
# DC-INF-060 CopyFiles in a .HW section
case("DC-INF-060", add_after(B, "AddReg = Inst.HwReg", "CopyFiles = Inst.Copy"))
# DC-INF-061 FeatureScore above one byte (FE without 0x is fine: display INFs write it so)
case("DC-INF-061", add_after(B, "CopyFiles = Inst.Copy", "FeatureScore = 0x100"),
     add_after(B, "CopyFiles = Inst.Copy", "FeatureScore = FE"))
# DC-INF-062 two AddService lines marked as the function driver (0x2)
case("DC-INF-062", add_after(B, "AddService = DrvcatBase, 0x00000002, Base.Service", "AddService = Helper, 0x00000002, Base.Service"),
     add_after(B, "AddService = DrvcatBase, 0x00000002, Base.Service", "AddService = Helper, 0x00000000, Base.Service"))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("ascii"))


def main():
    for code, (pos, neg, args, files) in sorted(CASES.items()):
        d = os.path.join(DATA, code)
        os.makedirs(d, exist_ok=True)
        write(os.path.join(d, "pos.inf"), pos)
        write(os.path.join(d, "neg.inf"), neg)
        for name in ("args", "pos.args", "neg.args"):
            if os.path.exists(os.path.join(d, name)):
                os.remove(os.path.join(d, name))
        if isinstance(args, tuple):  # different arguments for pos.inf and neg.inf
            write(os.path.join(d, "pos.args"), args[0] + "\n")
            write(os.path.join(d, "neg.args"), args[1] + "\n")
        elif args:
            write(os.path.join(d, "args"), args + "\n")
        if os.path.isdir(os.path.join(d, "files")):
            shutil.rmtree(os.path.join(d, "files"))
        for name, data in files.items():
            # "pos:name" / "neg:name": only beside that INF; plain names beside both
            which, _, base = name.rpartition(":")
            sub_dir = os.path.join(d, "files", which or "both")
            os.makedirs(sub_dir, exist_ok=True)
            write(os.path.join(sub_dir, base), data)
    print(f"{len(CASES)} rule cases written under {os.path.relpath(DATA)}")


if __name__ == "__main__":
    main()
