#!/usr/bin/env bats
# drvcat files against real Inf2Cat/WHQL catalogs ($SHARED/samples/catalogs):
# tests/tools/compare-members.py reads each catalog independently of drvcat,
# runs drvcat files with the catalog's own OS attribute as --os, and checks
# that the members (one per distinct content, named by installed name) agree.
# The expected "ok" lines come from the catalogs (member count with a digest,
# OS attribute mapped to /os ids), see $SHARED/samples/catalogs/README.md.

load helpers
load lib

setup() {
	need_shared samples/catalogs
	[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3 (Debian python3-asn1crypto)"
	/usr/bin/python3 -c 'import asn1crypto' 2>/dev/null ||
		skip "needs asn1crypto for /usr/bin/python3 (Debian python3-asn1crypto)"
	CATS=$SHARED/samples/catalogs
}

# compare PKG CAT: runs compare-members.py on $CATS/PKG and its catalog.
compare() {
	run /usr/bin/python3 "$TOOLS/compare-members.py" "$DRVCAT" "$CATS/$1" "$CATS/$1/$2"
}

@test "samples: FTDI ftdibus (WHQL, x86+amd64, CopyFiles rename) matches ftdibus.cat" {
	compare arduino-Arduino/FTDI-ftdibus ftdibus.cat
	expect_status 0
	expect_stdout "ok 9 members, os 7_X86,7_X64,Server2008R2_X64,8_X86,8_X64,6_3_X86,6_3_X64,Server6_3_X64,10_VB_X86,10_VB_X64"
}

@test "samples: Silicon Labs CP210x slabvcp (WHQL, x86+x64 subdirectories, WDF co-installer) matches slabvcp.cat" {
	compare arduino-Arduino/CP210x_6.7.4-slabvcp slabvcp.cat
	expect_status 0
	expect_stdout "ok 5 members, os 7_X86,7_X64,8_X86,8_X64,6_3_X86,6_3_X64,10_X86,10_X64"
}

@test "samples: arduino.inf (Inf2Cat, INF-only package) matches arduino.cat" {
	compare arduino-Arduino/arduino-inf2cat arduino.cat
	expect_status 0
	expect_stdout "ok 1 members, os XP_X86,XP_X64,Vista_X86,Vista_X64,7_X86,7_X64,8_X86,8_X64,6_3_X86,6_3_X64,10_X86,10_X64"
}

@test "samples: virtio viorng Win8 amd64 (Inf2Cat /os:8_X64, dual-digest) matches viorng.cat" {
	compare virtio-win-pkg-scripts/Win8-amd64-viorng viorng.cat
	expect_status 0
	expect_stdout "ok 4 members, os 8_X64"
}
