#!/usr/bin/env bats
# drvcat verify of a package directory: which package walks it makes and how
# often it reads each catalog (src/verify/package.c).  A verify needs the files
# the INFs reference for the targets checked (--os, else the OSes the catalogs
# name) and, for the stray check, the files they reference for any OS.  It
# skips a second walk when the result would be the same; these tests hold the
# results to those of the plain rule:
#   - without --os, the checks equal those of --os <the catalog's OSes>
#     (the "os" coverage checks aside), with the catalog made for every OS the
#     INF serves (one walk) or for fewer (two);
#   - a file another architecture copies is no stray, a file nothing copies is;
#   - a file reached only by the lenient 10.0 build rule of an explicit --os
#     is checked as a member, and is still unreferenced for the every-OS rule;
#   - each INF is read once per walk made and each catalog once (strace).
# Packages are tests/data/pkgs/testdrv with flat-hashed stand-in drivers,
# built and signed by drvcat itself with a test certificate.

load helpers
load lib
bats_require_minimum_version 1.5.0

DRVCAT=$(readlink -f "$DRVCAT") # the tests cd into their work directory
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

T0=1700000000 # 2023-11-14 22:13:20 UTC: catalog time
STRAY='no INF references this file, so no catalog covers it and Windows will not install it [unreferenced-file]'

setup_file() {
	export FX=$BATS_FILE_TMPDIR/fx
	mkdir -p "$FX"
	unset DRVCAT_OS SOURCE_DATE_EPOCH NO_COLOR
	"$DRVCAT" cert --test --out-dir "$FX/cert" --subject "CN=walks test" --days 3650 >/dev/null 2>&1 || return 1
	# One "now" for every run, inside the certificate's validity: reports compare equal.
	export AT=$(($(date +%s) + 86400))
	cp -r "$DATA/pkgs/testdrv" "$FX/src"
	for a in x86 amd64 arm64; do
		printf 'stand-in driver for %s\n' "$a" >"$FX/src/$a/testdrv.sys"
	done
}

# walks_pkg NAME [BUILD-OPTIONS...]: a copy of the package in ./NAME with a signed catalog.
walks_pkg() {
	local name=$1
	shift
	cp -r "$FX/src" "$name"
	"$DRVCAT" build --quiet --time "$T0" "$@" "$name" >/dev/null || return 1
	"$DRVCAT" sign --cert "$FX/cert/walks-test.pem" --key "$FX/cert/walks-test.key" \
		"$name/testdrv.cat" >/dev/null 2>&1 || return 1
}

# verify_json ARGS...: the report's checks, the "os" coverage checks left out, one per line.
verify_json() {
	"$DRVCAT" verify --integrity-only --at "$AT" --format json "$@" |
		jq -c '.checks[] | select(.group != "os")'
}

setup() {
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	cd "$W" || return 1
}

@test "without --os, catalog made for every OS the INF serves: the checks of --os with those OSes" {
	need_jq
	local os
	walks_pkg pkg
	echo stray >pkg/amd64/stray.bin
	echo changed >>pkg/x86/testdrv.dat
	os=$("$DRVCAT" files pkg | sed -n 's/^testdrv\.cat: .*; os: //p')
	[ -n "$os" ] || { echo "drvcat files names no OS" >&2; return 1; }
	run_drvcat verify --integrity-only --at "$AT" pkg
	expect_status 1
	expect_line stdout "amd64/stray.bin: warning: $STRAY" "$output"
	expect_line stdout "x86/testdrv.dat: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	expect_equal "checks without --os and with --os $os" "$(verify_json --os "$os" pkg)" "$(verify_json pkg)"
}

@test "without --os, catalog made for 10_X64 only: the checks of --os 10_X64" {
	need_jq
	walks_pkg pkg --os 10_X64
	echo stray >pkg/stray.bin
	echo changed >>pkg/amd64/testdrv.dat
	run_drvcat verify --integrity-only --at "$AT" pkg
	expect_status 1
	expect_line stdout "stray.bin: warning: $STRAY" "$output"
	expect_line stdout "amd64/testdrv.dat: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	# the x86 and ARM64 files are referenced, for other OSes: no stray
	expect_no_match stdout '^(x86|arm64)/.*unreferenced-file' "$output"
	expect_equal "checks without --os and with --os 10_X64" "$(verify_json --os 10_X64 pkg)" "$(verify_json pkg)"
}

@test "--os 10_X64: files only other architectures copy are no strays; a file nothing copies is" {
	walks_pkg pkg --os 10_X64
	run_drvcat verify --integrity-only --at "$AT" --os 10_X64 pkg
	expect_status 0
	expect_no_match stdout 'unreferenced-file' "$output"
	expect_line stdout "drvcat verify: pkg: 6 checks, 0 failed, 0 errors, 0 warnings" "$output"
	mkdir pkg/extra
	echo stray >pkg/extra/Other.DLL
	echo docs >pkg/README.txt # documentation needs no catalog
	run_drvcat verify --integrity-only --at "$AT" --os 10_X64 pkg
	expect_status 0
	expect_line stdout "extra/Other.DLL: warning: $STRAY" "$output"
	expect_line stdout "drvcat verify: pkg: 7 checks, 0 failed, 0 errors, 1 warnings" "$output"
}

@test "--os 10_X64 with Models gated above every known build: the gated file is a member and no stray" {
	# The lenient 10.0 rule (an explicit 10.0 target reads Models gated at a
	# later build) reaches gated.sys; no OS of drvcat's table reaches it, so
	# the every-OS walk of the stray check does not.  The INF references it
	# and the catalog covers it: it is no stray (it once was reported as one).
	mkdir -p pkg/amd64
	cat >pkg/len.inf <<'EOF'
[Version]
Signature = "$WINDOWS NT$"
Class = System
ClassGuid = {4d36e97d-e325-11ce-bfc1-08002be10318}
Provider = %P%
CatalogFile = len.cat
DriverVer = 11/20/2026,1.0.0.0
PnpLockdown = 1
[DestinationDirs]
DefaultDestDir = 13
[SourceDisksNames.amd64]
1 = %P%,,,\amd64
[SourceDisksFiles]
gated.sys = 1
[Manufacturer]
%P% = Std, NTamd64.10.0...99999
[Std.NTamd64.10.0...99999]
%D% = Dev, Root\Len
[Dev.NT]
CopyFiles = F
[F]
gated.sys
[Dev.NT.Services]
AddService = Len, 2, Svc
[Svc]
ServiceType = 1
StartType = 3
ErrorControl = 1
ServiceBinary = %13%\gated.sys
[Strings]
P = "Prov"
D = "Dev"
EOF
	echo gated >pkg/amd64/gated.sys
	"$DRVCAT" build --quiet --time "$T0" --os 10_X64 pkg >/dev/null
	"$DRVCAT" sign --cert "$FX/cert/walks-test.pem" --key "$FX/cert/walks-test.key" pkg/len.cat >/dev/null 2>&1
	run_drvcat verify --integrity-only --at "$AT" --os 10_X64 --format json pkg
	expect_status 0
	expect_equal "members checked" '["amd64/gated.sys","len.inf"]' \
		"$(jqo -c '[.checks[] | select(.group == "members") | .name] | sort')"
	expect_equal "unreferenced files" '[]' \
		"$(jqo -c '[.checks[] | select(.group == "package") | .findings[] | select(.code == "unreferenced-file") | .file]')"
}

# reads ARGS...: "CATALOG-OPENS INF-PARSES" for drvcat ARGS (any thread).  A
# walk that parses the INF opens it, the hashing opens it and every other
# member: parses are the INF's opens less those of a member the walk only
# lists (amd64/testdrv.dat).
reads() {
	strace -f -qq -e trace=openat -o "$W/trace" "$DRVCAT" "$@" >/dev/null 2>&1
	echo "$(grep -c '/testdrv\.cat"' "$W/trace") $(($(grep -c '/testdrv\.inf"' "$W/trace") - $(grep -c '/amd64/testdrv\.dat"' "$W/trace")))"
}

@test "each catalog is read once and each INF parsed once, however many walks verify makes" {
	command -v strace >/dev/null && strace -qq -o /dev/null true 2>/dev/null || skip "needs a working strace"
	walks_pkg all
	walks_pkg x64 --os 10_X64
	# Catalog made for every OS, no --os: one walk serves both.
	expect_equal "all: catalog reads, INF parses" "1 1" "$(reads verify --integrity-only --at "$AT" all)"
	# Catalog for fewer OSes: a walk for every OS (strays), a walk for 10_X64
	# (the checks); the second takes the first's parsed INF over.
	expect_equal "x64: catalog reads, INF parses" "1 1" "$(reads verify --integrity-only --at "$AT" x64)"
	# --os with files outside its members: the every-OS walk decides which are strays.
	expect_equal "x64 --os 10_X64: catalog reads, INF parses" "1 1" "$(reads verify --integrity-only --at "$AT" --os 10_X64 x64)"
	# --os whose members are every file of the package: no stray is possible, one walk.
	rm -r x64/x86 x64/arm64
	expect_equal "x64 alone, --os 10_X64: catalog reads, INF parses" "1 1" "$(reads verify --integrity-only --at "$AT" --os 10_X64 x64)"
}