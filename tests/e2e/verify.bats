#!/usr/bin/env bats
# drvcat verify: the acceptance list of issue 5, judged with tools no one here
# wrote (openssl, osslsigncode, Python's hashlib; helpers in verify-helpers.bash).
#   1. Every real package in $SHARED/samples/catalogs verifies clean against
#      the certificates it carries, at a time inside its signer's validity.
#   2. Tampering with a package drvcat builds and the test signs (with
#      osslsigncode and with drvcat sign): one byte of each driver, of the INF,
#      of a flat file, of the CTL, of the signature value; a removed member, an
#      unreferenced file, an INF that references a new file.  Each is reported
#      naming the file, with its code, expected/found and Windows error; exit 1.
#   3. Signature failures, each with its own finding: untrusted root, wrong
#      EKU, expired signer (and the same one accepted with a timestamp made
#      while it was valid), untrusted TSA, different content, missing
#      intermediate, --integrity-only.
#   4. --file (the INF included), --os coverage, JSON (jq), JUnit (xmllint
#      --schema tests/data/junit.xsd), --report, no ANSI escapes without a TTY
#      or with NO_COLOR.
# A small PKI is made at test time with `openssl ca` (explicit validity
# windows); nothing secret is committed.
# Run: DRVCAT=/tmp/vt-build/drvcat bats tests/e2e/verify.bats

load helpers
load lib
load verify-helpers
bats_require_minimum_version 1.5.0

DRVCAT=$(readlink -f "$DRVCAT") # the tests cd into their work directory
# With an ASan/UBSan build, a sanitizer report aborts (exit 134) instead of
# exiting 1, which the failure cases expect anyway (tests/check.sh does the same).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

T0=1700000000 # 2023-11-14 22:13:20 UTC: catalog time; --at after CN=vt expired signer expired
T0_TEXT="2023-11-14 22:13:20 UTC"
TS_VALID=1622505600 # 2021-06-01 00:00:00 UTC: CN=vt expired signer was valid
TS_VALID_TEXT="2021-06-01 00:00:00 UTC"
OS_LIST=10_X86,10_X64,10_RS3_ARM64
FILES=(testdrv.inf x86/testdrv.sys x86/testdrv.dat amd64/testdrv.sys amd64/testdrv.dat arm64/testdrv.sys arm64/testdrv.dat)
E024B='0xE000024B ("The hash for the file is not present in the specified catalog file")'
BAD_DIGEST='0x80096010 (TRUST_E_BAD_DIGEST)'
CHAIN_OK='/CN=vt signer <- /CN=vt intermediate <- /CN=vt root'

# ---- fixtures, made once per file ----

# Variables that would supply options (README "Environment") or redirect HTTP.
VH_ENV_UNSET="DRVCAT_OS DRVCAT_KEY DRVCAT_CERT DRVCAT_PASS_FILE DRVCAT_TIMESTAMP_URL SOURCE_DATE_EPOCH NO_COLOR http_proxy HTTP_PROXY no_proxy NO_PROXY"

setup_file() {
	export F=$BATS_FILE_TMPDIR/fix
	mkdir -p "$F"
	unset $VH_ENV_UNSET
	command -v clang >/dev/null && command -v lld-link >/dev/null || return 0
	command -v osslsigncode >/dev/null || return 0
	# osslsigncode reads and signs catalogs from 2.8 on (oracles.md).
	printf '%s\n2.8\n' "$(osslsigncode --version | sed -n '1s/^osslsigncode \([0-9.]*\).*/\1/p')" |
		sort -V -C -r || return 0
	local p=$F/pki
	# The package: tests/data/pkgs/testdrv with x86, x64 and ARM64 drivers; two
	# unsigned catalogs that differ only in their time (a donor CTL for splicing).
	cp -r "$DATA/pkgs/testdrv" "$F/pkg"
	for a in x86 amd64 arm64; do
		"$TOOLS/build-driver.sh" "$a" "$F/pkg/$a/testdrv.sys" "testdrv_$a" || return 1
	done
	"$DRVCAT" build --quiet --os "$OS_LIST" --time "$T0" --out "$F/u.cat" "$F/pkg" >/dev/null || return 1
	"$DRVCAT" build --quiet --os "$OS_LIST" --time "$((T0 + 1))" --out "$F/u2.cat" "$F/pkg" >/dev/null || return 1
	vh_pki "$p" || return 1
	# osslsigncode: the signer, catalogs each carrying one defect.
	mkdir -p "$F/oss" "$F/drv"
	vh_oss_sign "$F/u.cat" "$F/oss/good.cat" cs "$p/chain.pem" &&
	vh_oss_sign "$F/u.cat" "$F/oss/leaf.cat" cs "" &&
	vh_oss_sign "$F/u.cat" "$F/oss/web.cat" web "$p/chain.pem" &&
	vh_oss_sign "$F/u.cat" "$F/oss/old.cat" old "$p/chain.pem" &&
	vh_oss_sign "$F/u.cat" "$F/oss/old-ts.cat" old "$p/chain.pem" "$TS_VALID" &&
	vh_oss_sign "$F/u.cat" "$F/oss/old-late-ts.cat" old "$p/chain.pem" "$T0" || return 1
	# drvcat sign, when this build has it: the same set, and an RFC 3161
	# timestamp from tests/tools/tsa.py.
	if "$DRVCAT" sign --help >/dev/null 2>&1; then
		vh_drv_sign "$F/u.cat" "$F/drv/good.cat" cs "$p/int.pem" "$p/root.pem" &&
		vh_drv_sign "$F/u.cat" "$F/drv/leaf.cat" cs &&
		vh_drv_sign "$F/u.cat" "$F/drv/web.cat" web "$p/int.pem" "$p/root.pem" &&
		vh_drv_sign "$F/u.cat" "$F/drv/old.cat" old "$p/int.pem" "$p/root.pem" || return 1
		touch "$F/drv/ok"
		if [ -f "$TOOLS/tsa.py" ] && vh_start_tsa "$F/tsa"; then
			"$DRVCAT" sign --cert "$p/cs.pem" --key "$p/cs.key" --chain "$p/int.pem" \
				--chain "$p/root.pem" --timestamp "http://127.0.0.1:$(cat "$F/tsa/port")/ok" \
				--out "$F/drv/ts.cat" "$F/u.cat" >/dev/null 2>&1 || return 1
		fi
	fi
	touch "$F/ready"
}

teardown_file() {
	[ -f "$F/tsa/pid" ] && kill "$(cat "$F/tsa/pid")" 2>/dev/null
	return 0
}

setup() {
	[ -f "$F/ready" ] || skip "needs clang, lld-link and osslsigncode >= 2.8 to build and sign the test package"
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	cd "$W" || return 1
	unset $VH_ENV_UNSET
}

# need_drv_sign: skips when this build's drvcat sign does not work yet.
need_drv_sign() {
	[ -f "$F/drv/ok" ] || skip "drvcat sign --help fails in this build: the drvcat-signed cases cannot run"
}

# ---- the fixtures, judged by osslsigncode (so a drvcat error below is drvcat's) ----

@test "fixtures: osslsigncode verifies both signed catalogs and finds every driver in them" {
	local signers=(oss)
	[ -f "$F/drv/ok" ] && signers+=(drv)
	for s in "${signers[@]}"; do
		run osslsigncode verify -CAfile "$F/pki/root.pem" -in "$F/$s/good.cat"
		expect_status 0
		for a in x86 amd64 arm64; do
			run osslsigncode verify -CAfile "$F/pki/root.pem" -catalog "$F/$s/good.cat" -in "$F/pkg/$a/testdrv.sys"
			expect_status 0
			# the Python Authenticode oracle used below agrees with osslsigncode
			expect_equal "$a Authenticode SHA-256" "$(vh_oss_digest "$F/$s/good.cat" "$F/pkg/$a/testdrv.sys")" \
				"$(vh_authenticode "$F/pkg/$a/testdrv.sys")"
		done
	done
}

@test "a package built by drvcat and signed by osslsigncode verifies clean" {
	vh_pkg pkg "$F/oss/good.cat"
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 0
	expect_match stdout '^testdrv\.cat: info: signed by /CN=vt signer; chain valid at [0-9-]+ [0-9:]+ UTC \[signature-ok\]$' "$output"
	expect_line stdout "    found:    $CHAIN_OK" "$output"
	expect_line stdout "drvcat verify: pkg: 9 checks, 0 failed, 0 errors, 0 warnings" "$output"
	expect_stderr ""
}

@test "a package built and signed by drvcat verifies clean" {
	need_drv_sign
	vh_pkg pkg "$F/drv/good.cat"
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 0
	expect_match stdout '^testdrv\.cat: info: signed by /CN=vt signer; chain valid at [0-9-]+ [0-9:]+ UTC \[signature-ok\]$' "$output"
	expect_line stdout "    found:    $CHAIN_OK" "$output"
	expect_line stdout "drvcat verify: pkg: 9 checks, 0 failed, 0 errors, 0 warnings" "$output"
}

# ---- 1. real packages ----

# sample_clean DIR: DIR (under samples/catalogs) verifies with --trust = the
# certificates its catalog carries and --at = the middle of its signer's validity.
sample_clean() {
	need_shared "samples/catalogs/$1"
	local dir=$SHARED/samples/catalogs/$1 cat name subject nb na
	cat=$(ls "$dir"/*.cat)
	name=$(basename "$cat")
	vh_signer_cert "$cat" "$W"
	subject=$(openssl x509 -in "$W/signer.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
	nb=$(vh_cert_time "$W/signer.pem" startdate)
	na=$(vh_cert_time "$W/signer.pem" enddate)
	run_drvcat verify --trust "$W/certs.pem" --at "$(((nb + na) / 2))" "$dir"
	expect_status 0
	expect_no_match stdout ': error: ' "$output"
	expect_match stdout "^drvcat verify: .*: [0-9]+ checks, 0 failed, 0 errors, [0-9]+ warnings$" "$output"
	# the signer drvcat names is the one the SignerInfo names
	expect_equal "signature-ok line" 1 "$(printf '%s\n' "$output" |
		grep -cF -- "$name: info: signed by $subject; chain valid at ")"
	# every member was checked, and passed
	run_drvcat verify --trust "$W/certs.pem" --at "$(((nb + na) / 2))" --format json "$dir"
	expect_status 0
	expect_equal "errors" 0 "$(jqo .summary.errors)"
	expect_equal "member checks failed" 0 "$(jqo '[.checks[] | select(.group == "members" and .passed == false)] | length')"
	[ "$(jqo '[.checks[] | select(.group == "members")] | length')" -ge 1 ] ||
		{ echo "no member was checked" >&2; return 1; }
}

@test "real package FTDI-ftdibus (WHQL, RFC 3161) verifies clean against its own certificates" {
	sample_clean arduino-Arduino/FTDI-ftdibus
}

@test "real package CP210x slabvcp (WHQL, countersignature) verifies clean against its own certificates" {
	sample_clean arduino-Arduino/CP210x_6.7.4-slabvcp
}

@test "real package arduino-inf2cat (GlobalSign, countersignature) verifies clean against its own certificates" {
	sample_clean arduino-Arduino/arduino-inf2cat
}

@test "real package virtio Win8-amd64-viorng (self-signed, RFC 3161) verifies clean against its own certificate" {
	sample_clean virtio-win-pkg-scripts/Win8-amd64-viorng
}

# sample_timestamped DIR: trusting the timestamp token's certificates too, the
# chain is checked at the token's genTime (read with openssl cms), with no --at.
sample_timestamped() {
	need_shared "samples/catalogs/$1"
	local dir=$SHARED/samples/catalogs/$1 cat name subject when
	cat=$(ls "$dir"/*.cat)
	name=$(basename "$cat")
	vh_signer_cert "$cat" "$W"
	vh_token_certs "$cat" "$W/token-certs.pem"
	cat "$W/certs.pem" "$W/token-certs.pem" >"$W/trust.pem"
	subject=$(openssl x509 -in "$W/signer.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
	when=$(vh_token_time "$cat")
	run_drvcat verify --trust "$W/trust.pem" "$dir"
	expect_status 0
	expect_line stdout "$name: info: signed by $subject; chain valid at $when (the time of its RFC 3161 timestamp) [signature-ok]" "$output"
	expect_no_match stdout 'timestamp-untrusted|: error: ' "$output"
}

@test "real package FTDI-ftdibus: with its TSA's certificates trusted, the chain is checked at the timestamp" {
	sample_timestamped arduino-Arduino/FTDI-ftdibus
}

@test "real package viorng: with its TSA's certificates trusted, the chain is checked at the timestamp" {
	sample_timestamped virtio-win-pkg-scripts/Win8-amd64-viorng
}

@test "real package FTDI-ftdibus with one byte of amd64/ftdibus.sys changed: member-digest naming it" {
	need_shared samples/catalogs/arduino-Arduino/FTDI-ftdibus
	cp -r "$SHARED/samples/catalogs/arduino-Arduino/FTDI-ftdibus" ftdi
	vh_signer_cert ftdi/ftdibus.cat "$W"
	vh_flip ftdi/amd64/ftdibus.sys $((0x60)) # inside the DOS stub's message: hashed, harmless
	run_drvcat verify --trust "$W/certs.pem" --at 1625000000 ftdi
	expect_status 1
	expect_line stdout "amd64/ftdibus.sys: error: the file's digest is not in ftdibus.cat [member-digest]" "$output"
	expect_match stdout "^    expected: ftdibus\.cat's member 'ftdibus\.sys' has sha1 [0-9a-f]{40}$" "$output"
	expect_line stdout "    found:    Authenticode SHA-1 $(vh_authenticode ftdi/amd64/ftdibus.sys sha1)" "$output"
	expect_line stdout "    Windows:  $E024B" "$output"
	expect_count stdout ': error: ' 1 "$output"
}

# ---- 2. tamper tests on a package drvcat builds ----

# tamper_member SIGNER FILE OFFSET|mid: one byte of FILE flipped; exactly one
# error, naming FILE, with the digest the catalog holds and the one found.
tamper_member() {
	local signer=$1 rel=$2 where=$3 f name kind alg before after
	vh_pkg pkg "$F/$signer/good.cat"
	f=pkg/$rel
	name=$(basename "$rel")
	if [ "${rel##*.}" = sys ]; then
		kind=Authenticode
		before=$(vh_authenticode "$f")
	else
		kind=flat
		before=$(vh_sha256 "$f")
	fi
	[ "$where" = mid ] && where=$(($(stat -c %s "$f") / 2))
	vh_flip "$f" "$where"
	if [ "$kind" = Authenticode ]; then
		after=$(vh_authenticode "$f")
		# the independent judge agrees the file is no longer in the catalog
		run osslsigncode verify -CAfile "$F/pki/root.pem" -catalog pkg/testdrv.cat -in "$f"
		expect_status 1
	else
		after=$(vh_sha256 "$f")
	fi
	[ "$before" != "$after" ] || { echo "the flip did not change the digest" >&2; return 1; }
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	expect_line stdout "$rel: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	expect_line stdout "    expected: testdrv.cat's member '$name' has sha256 $before" "$output"
	expect_line stdout "    found:    $kind SHA-256 $after" "$output"
	expect_line stdout "    Windows:  $E024B" "$output"
	expect_count stdout ': error: ' 1 "$output"
	expect_match stdout '^testdrv\.cat: info: signed by /CN=vt signer; chain valid at .* \[signature-ok\]$' "$output"
	expect_line stdout "drvcat verify: pkg: 9 checks, 1 failed, 1 errors, 0 warnings" "$output"
}

@test "tamper: one byte of x86/testdrv.sys -> member-digest, expected/found, 0xE000024B" {
	tamper_member oss x86/testdrv.sys mid
}

@test "tamper: one byte of amd64/testdrv.sys -> member-digest, expected/found, 0xE000024B" {
	tamper_member oss amd64/testdrv.sys mid
}

@test "tamper: one byte of arm64/testdrv.sys -> member-digest, expected/found, 0xE000024B" {
	tamper_member oss arm64/testdrv.sys mid
}

@test "tamper: one byte of the INF (in a comment) -> member-digest naming testdrv.inf" {
	local off
	off=$(grep -b -m1 '^;.\{10,\}' "$F/pkg/testdrv.inf" | cut -d: -f1)
	tamper_member oss testdrv.inf "$((off + 5))"
}

@test "tamper: one byte of the flat file x86/testdrv.dat -> member-digest naming it" {
	tamper_member oss x86/testdrv.dat mid
}

@test "tamper (drvcat sign): one byte of amd64/testdrv.sys -> member-digest naming it" {
	need_drv_sign
	tamper_member drv amd64/testdrv.sys mid
}

# tamper_ctl SIGNER: one byte of the CTL's listIdentifier (signed content, no member).
tamper_ctl() {
	vh_pkg pkg "$F/$1/good.cat"
	vh_flip pkg/testdrv.cat "$(vh_der ctl-byte pkg/testdrv.cat)"
	run osslsigncode verify -CAfile "$F/pki/root.pem" -in pkg/testdrv.cat
	expect_status 1
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	expect_line stdout "testdrv.cat: error: the signature is over different content: the CTL's digest does not match the signed messageDigest [content-digest]" "$output"
	expect_line stdout "    Windows:  $BAD_DIGEST" "$output"
	expect_count stdout ': error: ' 1 "$output"
	expect_no_match stdout 'signature-ok' "$output"
	expect_line stdout "drvcat verify: pkg: 9 checks, 1 failed, 1 errors, 0 warnings" "$output"
}

@test "tamper: one byte of the CTL (osslsigncode-signed) -> content-digest on testdrv.cat" {
	tamper_ctl oss
}

@test "tamper: one byte of the CTL (drvcat-signed) -> content-digest on testdrv.cat" {
	need_drv_sign
	tamper_ctl drv
}

# tamper_sig SIGNER: one byte of the signature value.
tamper_sig() {
	vh_pkg pkg "$F/$1/good.cat"
	vh_flip pkg/testdrv.cat "$(vh_der sig-byte pkg/testdrv.cat)"
	run osslsigncode verify -CAfile "$F/pki/root.pem" -in pkg/testdrv.cat
	expect_status 1
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	expect_match stdout '^testdrv\.cat: error: the signature does not verify: .+ \[signature-invalid\]$' "$output"
	expect_line stdout "    Windows:  $BAD_DIGEST" "$output"
	expect_count stdout ': error: ' 1 "$output"
	expect_no_match stdout 'signature-ok' "$output"
	expect_line stdout "drvcat verify: pkg: 9 checks, 1 failed, 1 errors, 0 warnings" "$output"
}

@test "tamper: one byte of the signature value (osslsigncode-signed) -> signature-invalid" {
	tamper_sig oss
}

@test "tamper: one byte of the signature value (drvcat-signed) -> signature-invalid" {
	need_drv_sign
	tamper_sig drv
}

@test "tamper: a removed member file (arm64/testdrv.sys) is reported naming it" {
	local line
	vh_pkg pkg "$F/oss/good.cat"
	rm pkg/arm64/testdrv.sys
	line=$(vh_copyfiles_line pkg/testdrv.inf)
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	expect_line stdout "testdrv.inf:$line: error: 'testdrv.sys' copied by [TestDrv_CopyFiles] for arm64 is missing: no file 'testdrv.sys' in package directory 'arm64/' (source from [SourceDisksNames.arm64] disk 1 path '\\arm64') [package-walk]" "$output"
	expect_count stdout ': error: ' 1 "$output"
}

@test "tamper: an added file no INF references -> unreferenced-file warning naming it" {
	vh_pkg pkg "$F/oss/good.cat"
	echo extra >pkg/x86/extra.txt
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	# a stray file does not stop Windows installing the package: a warning
	expect_status 0
	expect_line stdout "x86/extra.txt: warning: no INF references this file, so no catalog covers it and Windows will not install it [unreferenced-file]" "$output"
	expect_line stdout "drvcat verify: pkg: 10 checks, 0 failed, 0 errors, 1 warnings" "$output"
}

@test "tamper: the INF edited to copy a new file -> the INF and each copy of the new file are reported" {
	local inf_before new
	vh_pkg pkg "$F/oss/good.cat"
	inf_before=$(vh_sha256 pkg/testdrv.inf)
	sed -i 's/^testdrv\.dat = 1$/&\nextra.dat = 1/; s/^testdrv\.dat$/&\nextra.dat/' pkg/testdrv.inf
	expect_equal "extra.dat lines in the INF" 2 "$(grep -c '^extra\.dat' pkg/testdrv.inf)"
	for a in x86 amd64 arm64; do echo "new file" >"pkg/$a/extra.dat"; done
	new=$(vh_sha256 pkg/x86/extra.dat)
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	for a in x86 amd64 arm64; do
		expect_line stdout "$a/extra.dat: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	done
	expect_count stdout "^    expected: a member of testdrv.cat with the file's digest \(no member is named 'extra\.dat'\)$" 3 "$output"
	expect_count stdout "^    found:    flat SHA-256 $new$" 3 "$output"
	expect_line stdout "testdrv.inf: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	expect_line stdout "    expected: testdrv.cat's member 'testdrv.inf' has sha256 $inf_before" "$output"
	expect_line stdout "    found:    flat SHA-256 $(vh_sha256 pkg/testdrv.inf)" "$output"
	expect_count stdout ': error: ' 4 "$output"
	expect_line stdout "drvcat verify: pkg: 12 checks, 4 failed, 4 errors, 0 warnings" "$output"
}

@test "tamper: the INF edited to stop copying a file the catalog lists -> member-unreferenced naming it" {
	local inf_signed
	# the catalog is made (and signed) for the package with extra.dat copied ...
	cp -r "$F/pkg" big
	sed -i 's/^testdrv\.dat = 1$/&\nextra.dat = 1/; s/^testdrv\.dat$/&\nextra.dat/' big/testdrv.inf
	for a in x86 amd64 arm64; do echo "new file" >"big/$a/extra.dat"; done
	"$DRVCAT" build --quiet --os "$OS_LIST" --time "$T0" --out big.cat big >/dev/null
	vh_oss_sign big.cat big-signed.cat cs "$F/pki/chain.pem"
	inf_signed=$(vh_sha256 big/testdrv.inf)
	# ... and checked against the package whose INF does not copy it
	vh_pkg pkg big-signed.cat
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	expect_line stdout "testdrv.cat: warning: the catalog lists 'extra.dat' (sha256 $(vh_sha256 big/x86/extra.dat | tr a-f A-F)), which no INF of the package references for these targets [member-unreferenced]" "$output"
	expect_line stdout "testdrv.inf: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	expect_line stdout "    expected: testdrv.cat's member 'testdrv.inf' has sha256 $inf_signed" "$output"
	expect_count stdout ': error: ' 1 "$output"
	expect_line stdout "drvcat verify: pkg: 10 checks, 1 failed, 1 errors, 1 warnings" "$output"
}

@test "every problem is reported before exit 1: two tampered files and an untrusted root" {
	vh_pkg pkg "$F/oss/good.cat"
	vh_flip pkg/x86/testdrv.sys 1280
	vh_flip pkg/arm64/testdrv.dat 3
	run_drvcat verify pkg
	expect_status 1
	expect_line stdout "testdrv.cat: error: the signer chain of /CN=vt signer ends in /CN=vt root, which is not a trusted root [untrusted-root]" "$output"
	expect_line stdout "x86/testdrv.sys: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	expect_line stdout "arm64/testdrv.dat: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	expect_count stdout ': error: ' 3 "$output"
	expect_line stdout "drvcat verify: pkg: 9 checks, 3 failed, 3 errors, 0 warnings" "$output"
}

@test "the catalog the INF names is missing -> catalog-missing, 0xE000022F" {
	vh_pkg pkg "$F/oss/good.cat"
	rm pkg/testdrv.cat
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	expect_match stdout "^testdrv\.cat: error: testdrv\.inf names this catalog, which cannot be read: .*/pkg/testdrv\.cat: cannot open: No such file or directory \[catalog-missing\]$" "$output"
	expect_line stdout "    Windows:  0xE000022F (the INF's catalog is missing)" "$output"
}

@test "an unsigned catalog -> unsigned, 0x800B0100" {
	vh_pkg pkg "$F/u.cat"
	run_drvcat verify --trust "$F/pki/root.pem" pkg
	expect_status 1
	expect_line stdout "testdrv.cat: error: the catalog is not signed [unsigned]" "$output"
	expect_line stdout "    Windows:  0x800B0100 (TRUST_E_NOSIGNATURE); 0xE0000247 where code integrity is enforced" "$output"
	expect_count stdout ': error: ' 1 "$output"
}

# ---- 3. signature failures, each with its own finding (catalog mode: s.cat) ----

# verify_cat SIGNER NAME ARGS...: copies $F/SIGNER/NAME.cat to s.cat and verifies it.
verify_cat() {
	local signer=$1 name=$2
	shift 2
	cp "$F/$signer/$name.cat" s.cat
	run_drvcat verify "$@" s.cat
}

untrusted_root() { # SIGNER ARGS...
	verify_cat "$1" good "${@:2}"
	expect_status 1
	expect_line stdout "s.cat: error: the signer chain of /CN=vt signer ends in /CN=vt root, which is not a trusted root [untrusted-root]" "$output"
	expect_line stdout "    Windows:  0x800B0109 (CERT_E_UNTRUSTEDROOT)" "$output"
	expect_line stdout "drvcat verify: s.cat: 1 checks, 1 failed, 1 errors, 0 warnings" "$output"
	# the control: the right root accepts it
	verify_cat "$1" good --trust "$F/pki/root.pem"
	expect_status 0
}

@test "untrusted root: no --trust (osslsigncode-signed) -> untrusted-root, 0x800B0109" {
	untrusted_root oss
}

@test "untrusted root: no --trust (drvcat-signed) -> untrusted-root, 0x800B0109" {
	need_drv_sign
	untrusted_root drv
}

@test "untrusted root: --trust a different root (osslsigncode-signed) -> untrusted-root, 0x800B0109" {
	untrusted_root oss --trust "$F/pki/other.pem"
}

@test "untrusted root: --trust a different root (drvcat-signed) -> untrusted-root, 0x800B0109" {
	need_drv_sign
	untrusted_root drv --trust "$F/pki/other.pem"
}

wrong_eku() { # SIGNER
	verify_cat "$1" web --trust "$F/pki/root.pem"
	expect_status 1
	expect_line stdout "s.cat: error: the signer certificate is not for code signing: its extended key usage lacks codeSigning [signer-eku]" "$output"
	expect_line stdout "    Windows:  0x800B0110 (CERT_E_WRONG_USAGE)" "$output"
	# a signature Windows rejects is not also reported as good
	expect_no_match stdout '\[signature-ok\]' "$output"
	expect_line stdout "drvcat verify: s.cat: 1 checks, 1 failed, 1 errors, 0 warnings" "$output"
}

@test "wrong EKU: serverAuth-only signer (osslsigncode-signed) -> signer-eku, 0x800B0110" {
	wrong_eku oss
}

@test "wrong EKU: serverAuth-only signer (drvcat-signed) -> signer-eku, 0x800B0110" {
	need_drv_sign
	wrong_eku drv
}

expired() { # SIGNER
	verify_cat "$1" old --trust "$F/pki/root.pem" --at "$T0"
	expect_status 1
	expect_line stdout "s.cat: error: a certificate of the signer chain of /CN=vt expired signer is not valid at $T0_TEXT and the catalog has no timestamp [signer-expired]" "$output"
	expect_line stdout "    Windows:  0x800B0101 (CERT_E_EXPIRED)" "$output"
	expect_line stdout "drvcat verify: s.cat: 1 checks, 1 failed, 1 errors, 0 warnings" "$output"
	# the control: --at inside its validity accepts it
	verify_cat "$1" old --trust "$F/pki/root.pem" --at "$TS_VALID"
	expect_status 0
	expect_line stdout "s.cat: info: signed by /CN=vt expired signer; chain valid at $TS_VALID_TEXT [signature-ok]" "$output"
}

@test "expired signer without timestamp (osslsigncode-signed) -> signer-expired, 0x800B0101" {
	expired oss
}

@test "expired signer without timestamp (drvcat-signed) -> signer-expired, 0x800B0101" {
	need_drv_sign
	expired drv
}

@test "expired signer ACCEPTED with an RFC 3161 timestamp made while it was valid" {
	expect_equal "token genTime (openssl cms)" "$TS_VALID_TEXT" "$(vh_token_time "$F/oss/old-ts.cat")"
	run osslsigncode verify -CAfile "$F/pki/root.pem" -TSA-CAfile "$F/pki/tsaroot.pem" -in "$F/oss/old-ts.cat"
	expect_line osslsigncode "Timestamp Server Signature verification: ok" "$output"
	verify_cat oss old-ts --trust "$F/pki/root.pem" --trust "$F/pki/tsaroot.pem" --at "$T0"
	expect_status 0
	expect_line stdout "s.cat: info: signed by /CN=vt expired signer; chain valid at $TS_VALID_TEXT (the time of its RFC 3161 timestamp) [signature-ok]" "$output"
	expect_line stdout "drvcat verify: s.cat: 1 checks, 0 failed, 0 errors, 0 warnings" "$output"
	expect_stderr ""
}

@test "expired signer with a timestamp made after it expired is rejected, whatever --at says" {
	expect_equal "token genTime (openssl cms)" "$T0_TEXT" "$(vh_token_time "$F/oss/old-late-ts.cat")"
	verify_cat oss old-late-ts --trust "$F/pki/root.pem" --trust "$F/pki/tsaroot.pem" --at "$TS_VALID"
	expect_status 1
	expect_match stdout "^s\.cat: error: a certificate of the signer chain of /CN=vt expired signer is not valid at $T0_TEXT.* \[signer-expired\]$" "$output"
	expect_line stdout "    Windows:  0x800B0101 (CERT_E_EXPIRED)" "$output"
	expect_no_match stdout 'signature-ok|timestamp-untrusted' "$output"
}

@test "timestamp from an untrusted TSA: timestamp-untrusted warning, then the expired signer fails" {
	verify_cat oss old-ts --trust "$F/pki/root.pem" --at "$T0"
	expect_status 1
	expect_line stdout "s.cat: warning: the RFC 3161 timestamp is not trusted: the timestamp authority's certificate does not chain to a trusted root (self-signed certificate in certificate chain); certificate validity is checked at $T0_TEXT instead [timestamp-untrusted]" "$output"
	expect_line stdout "s.cat: error: a certificate of the signer chain of /CN=vt expired signer is not valid at $T0_TEXT; the timestamp does not verify: the timestamp authority's certificate does not chain to a trusted root (self-signed certificate in certificate chain) [signer-expired]" "$output"
	expect_line stdout "    Windows:  0x800B0101 (CERT_E_EXPIRED)" "$output"
	expect_line stdout "drvcat verify: s.cat: 1 checks, 1 failed, 1 errors, 1 warnings" "$output"
	# a different TSA root is no better
	verify_cat oss old-ts --trust "$F/pki/root.pem" --trust "$F/pki/other.pem" --at "$T0"
	expect_status 1
	expect_match stdout '\[timestamp-untrusted\]$' "$output"
	expect_match stdout '\[signer-expired\]$' "$output"
}

@test "drvcat sign --timestamp (local TSA): the chain is checked at the timestamp, not at --at" {
	need_drv_sign
	[ -f "$F/drv/ts.cat" ] || skip "tests/tools/tsa.py is missing or did not start"
	local when late
	when=$(vh_token_time "$F/drv/ts.cat")
	late=2200000000 # 2039-09-18: CN=vt signer (until 2038) has expired
	verify_cat drv ts --trust "$F/pki/root.pem" --trust "$F/pki/tsaroot.pem" --at "$late"
	expect_status 0
	expect_line stdout "s.cat: info: signed by /CN=vt signer; chain valid at $when (the time of its RFC 3161 timestamp) [signature-ok]" "$output"
	# without the TSA's root the timestamp does not count
	verify_cat drv ts --trust "$F/pki/root.pem" --at "$late"
	expect_status 1
	expect_match stdout '^s\.cat: warning: the RFC 3161 timestamp is not trusted: .* \[timestamp-untrusted\]$' "$output"
	expect_match stdout "^s\.cat: error: a certificate of the signer chain of /CN=vt signer is not valid at $(date -u -d "@$late" '+%Y-%m-%d %H:%M:%S UTC'); .* \[signer-expired\]$" "$output"
}

different_content() { # SIGNER: its signature over the CTL of a catalog built a second later
	vh_der splice "$F/$1/good.cat" "$F/u2.cat" s.cat
	run_drvcat verify --trust "$F/pki/root.pem" s.cat
	expect_status 1
	expect_line stdout "s.cat: error: the signature is over different content: the CTL's digest does not match the signed messageDigest [content-digest]" "$output"
	expect_line stdout "    Windows:  $BAD_DIGEST" "$output"
	expect_no_match stdout 'signature-ok' "$output"
}

@test "signature over different content (osslsigncode-signed, CTL of another build) -> content-digest" {
	different_content oss
}

@test "signature over different content (drvcat-signed, CTL of another build) -> content-digest" {
	need_drv_sign
	different_content drv
}

missing_intermediate() { # SIGNER
	verify_cat "$1" leaf --trust "$F/pki/root.pem"
	expect_status 1
	expect_line stdout "s.cat: error: the signer chain of /CN=vt signer stops at /CN=vt signer: the certificate of its issuer is neither in the catalog nor trusted [chain-incomplete]" "$output"
	expect_line stdout "    Windows:  0x800B010A (CERT_E_CHAINING)" "$output"
	expect_line stdout "drvcat verify: s.cat: 1 checks, 1 failed, 1 errors, 0 warnings" "$output"
	# the control: the intermediate given as a trust anchor completes it
	verify_cat "$1" leaf --trust "$F/pki/root.pem" --trust "$F/pki/int.pem"
	expect_status 0
}

@test "chain missing an intermediate (osslsigncode-signed, leaf only) -> chain-incomplete, 0x800B010A" {
	missing_intermediate oss
}

@test "chain missing an intermediate (drvcat-signed, leaf only) -> chain-incomplete, 0x800B010A" {
	need_drv_sign
	missing_intermediate drv
}

integrity_only() { # SIGNER
	verify_cat "$1" good --integrity-only
	expect_status 0
	expect_match stdout '^s\.cat: info: signed by /CN=vt signer; chain valid at .* \[signature-ok\]$' "$output"
	expect_line stdout "note: --integrity-only: the signer chain was checked for consistency, not for ending at a trusted root" "$output"
	expect_line stdout "drvcat verify: s.cat: 1 checks, 0 failed, 0 errors, 0 warnings" "$output"
	verify_cat "$1" good --integrity-only --format json
	expect_equal "JSON notes" '["--integrity-only: the signer chain was checked for consistency, not for ending at a trusted root"]' \
		"$(jqo -c .notes)"
}

@test "--integrity-only accepts an untrusted root (osslsigncode-signed) and says so in the report" {
	integrity_only oss
}

@test "--integrity-only accepts an untrusted root (drvcat-signed) and says so in the report" {
	need_drv_sign
	integrity_only drv
}

@test "--integrity-only still prints the whole signer chain the catalog carries" {
	verify_cat oss good --integrity-only
	expect_status 0
	expect_line stdout "    found:    $CHAIN_OK" "$output"
}

@test "--integrity-only still catches a bad signature, a wrong EKU and an expired signer" {
	cp "$F/oss/good.cat" s.cat
	vh_flip s.cat "$(vh_der sig-byte s.cat)"
	run_drvcat verify --integrity-only s.cat
	expect_status 1
	expect_match stdout '\[signature-invalid\]$' "$output"
	verify_cat oss web --integrity-only
	expect_status 1
	expect_line stdout "s.cat: error: the signer certificate is not for code signing: its extended key usage lacks codeSigning [signer-eku]" "$output"
	verify_cat oss old --integrity-only --at "$T0"
	expect_status 1
	expect_line stdout "s.cat: error: a certificate of the signer chain of /CN=vt expired signer is not valid at $T0_TEXT and the catalog has no timestamp [signer-expired]" "$output"
}

# ---- 4. --file, --os, report formats ----

@test "--file: every member, the INF included, checks against FILE.cat" {
	local args=()
	cp "$F/oss/good.cat" s.cat
	for f in "${FILES[@]}"; do args+=(--file "$F/pkg/$f"); done
	run_drvcat verify --trust "$F/pki/root.pem" "${args[@]}" --format json s.cat
	expect_status 0
	expect_equal "files checked" "$(printf '%s\n' "${FILES[@]}" | sed "s|^|$F/pkg/|" | sort)" \
		"$(jqo '.checks[] | select(.group == "files") | .name' | sort)"
	expect_equal "failed" 0 "$(jqo .summary.failed)"
}

@test "--file: a changed INF is reported naming it, with expected and found" {
	cp "$F/oss/good.cat" s.cat
	cp "$F/pkg/testdrv.inf" testdrv.inf
	echo "; one more line" >>testdrv.inf
	run_drvcat verify --trust "$F/pki/root.pem" --file testdrv.inf --file "$F/pkg/x86/testdrv.sys" s.cat
	expect_status 1
	expect_line stdout "testdrv.inf: error: the file's digest is not in s.cat [member-digest]" "$output"
	expect_line stdout "    expected: s.cat's member 'testdrv.inf' has sha256 $(vh_sha256 "$F/pkg/testdrv.inf")" "$output"
	expect_line stdout "    found:    flat SHA-256 $(vh_sha256 testdrv.inf)" "$output"
	expect_line stdout "    Windows:  $E024B" "$output"
	expect_count stdout ': error: ' 1 "$output"
	expect_line stdout "drvcat verify: s.cat: 3 checks, 1 failed, 1 errors, 0 warnings" "$output"
}

@test "--file: a changed driver is reported naming it, with its Authenticode digest" {
	cp "$F/oss/good.cat" s.cat
	cp "$F/pkg/arm64/testdrv.sys" drv.sys
	vh_flip drv.sys 1280
	run_drvcat verify --trust "$F/pki/root.pem" --file drv.sys s.cat
	expect_status 1
	expect_line stdout "drv.sys: error: the file's digest is not in s.cat [member-digest]" "$output"
	expect_line stdout "    expected: a member of s.cat with the file's digest (no member is named 'drv.sys')" "$output"
	expect_line stdout "    found:    Authenticode SHA-256 $(vh_authenticode drv.sys)" "$output"
	expect_line stdout "    Windows:  $E024B" "$output"
}

@test "--file with a package directory is a usage error" {
	vh_pkg pkg "$F/oss/good.cat"
	run_drvcat verify --file pkg/testdrv.inf pkg
	expect_status 2
	expect_equal "first stderr line" "drvcat: verify: --file goes with FILE.cat; a package directory is checked whole" \
		"$(printf '%s\n' "$stderr" | head -1)"
	expect_equal stdout "" "$output"
}

@test "--at that is not a number is a usage error" {
	cp "$F/oss/good.cat" s.cat
	run_drvcat verify --at yesterday s.cat
	expect_status 2
	expect_equal "first stderr line" "drvcat: verify: --at 'yesterday' is not a time in seconds since 1970" \
		"$(printf '%s\n' "$stderr" | head -1)"
}

@test "--os not covered by the catalog -> os-not-covered (catalog and package)" {
	verify_cat oss good --trust "$F/pki/root.pem" --os 6_3_X64
	expect_status 1
	expect_line stdout "s.cat: error: the catalog's OS attribute does not name 6_3_X64 [os-not-covered]" "$output"
	expect_line stdout "    expected: _v63_X64" "$output"
	expect_line stdout "    found:    _v100,_v100_X64,_v100_ARM64_RS3" "$output"
	vh_pkg pkg "$F/oss/good.cat"
	run_drvcat verify --trust "$F/pki/root.pem" --os 6_3_X64 pkg
	expect_status 1
	expect_line stdout "testdrv.cat: error: the catalog's OS attribute does not name 6_3_X64 [os-not-covered]" "$output"
}

@test "--os covered by the catalog passes (catalog and package)" {
	verify_cat oss good --trust "$F/pki/root.pem" --os 10_X64
	expect_status 0
	vh_pkg pkg "$F/oss/good.cat"
	run_drvcat verify --trust "$F/pki/root.pem" --os "$OS_LIST" pkg
	expect_status 0
	expect_no_match stdout 'os-not-covered|osattr-not-covered' "$output"
}

@test "--format json: parses with jq and has the documented keys and values" {
	need_jq
	vh_pkg pkg "$F/oss/good.cat"
	vh_flip pkg/amd64/testdrv.sys 1280
	run_drvcat verify --trust "$F/pki/root.pem" --format json pkg
	expect_status 1
	printf '%s' "$output" | jq -e . >/dev/null || { echo "not JSON: $output" >&2; return 1; }
	expect_equal "top-level keys" '["checks","notes","schema_version","summary","target","tool"]' "$(jqo -c 'keys')"
	expect_equal "schema_version tool target" "1 drvcat verify pkg" "$(jqo '"\(.schema_version) \(.tool) \(.target)"')"
	expect_equal "summary" '{"checks":9,"errors":1,"failed":1,"infos":1,"warnings":0}' "$(jqo -c '.summary | to_entries | sort_by(.key) | from_entries')"
	expect_equal "notes" '[]' "$(jqo -c .notes)"
	expect_equal "check keys" '["findings","group","name","passed"]' "$(jqo -c '[.checks[] | keys] | unique | .[]')"
	expect_equal "finding keys" '["code","expected","file","fix","found","line","message","mirrors","severity","windows_error"]' \
		"$(jqo -c '[.checks[].findings[] | keys] | unique | .[]')"
	expect_equal "member checks" "$(printf '%s\n' "${FILES[@]}" | sort)" \
		"$(jqo '.checks[] | select(.group == "members") | .name' | sort)"
	expect_equal "failed checks" "members amd64/testdrv.sys" "$(jqo '.checks[] | select(.passed == false) | "\(.group) \(.name)"')"
	local f='.checks[] | select(.name == "amd64/testdrv.sys") | .findings[0]'
	expect_equal "severity code file line" "error member-digest amd64/testdrv.sys null" \
		"$(jqo "$f | \"\(.severity) \(.code) \(.file) \(.line)\"")"
	expect_equal "found" "Authenticode SHA-256 $(vh_authenticode pkg/amd64/testdrv.sys)" "$(jqo "$f | .found")"
	expect_equal "windows_error" "$E024B" "$(jqo "$f | .windows_error")"
	expect_equal "signature finding" "info signature-ok $CHAIN_OK" \
		"$(jqo '.checks[] | select(.group == "signature") | .findings[0] | "\(.severity) \(.code) \(.found)"')"
}

# junit_valid FILE: validates against tests/data/junit.xsd.
junit_valid() {
	[ -f "$DATA/junit.xsd" ] || skip "tests/data/junit.xsd is missing: cannot validate JUnit output"
	run xmllint --noout --schema "$DATA/junit.xsd" "$1"
	expect_status 0
}

@test "--format junit: validates against the JUnit schema, one testcase per checked file" {
	vh_pkg pkg "$F/oss/good.cat"
	run_drvcat verify --trust "$F/pki/root.pem" --format junit pkg
	expect_status 0
	printf '%s' "$output" >ok.xml
	junit_valid ok.xml
	expect_equal "testcases" 9 "$(xmllint --xpath 'count(//testcase)' ok.xml)"
	expect_equal "failures" 0 "$(xmllint --xpath 'string(/testsuites/@failures)' ok.xml)"
	expect_equal "member testcases" "$(printf '%s\n' "${FILES[@]}" | sort)" \
		"$(xmllint --xpath '//testcase[@classname="members"]/@name' ok.xml | sed 's/^ *name="\(.*\)"$/\1/' | sort)"
	# a failing package: the failure sits in the tampered file's testcase
	vh_flip pkg/x86/testdrv.sys 1280
	run_drvcat verify --trust "$F/pki/root.pem" --format junit pkg
	expect_status 1
	printf '%s' "$output" >bad.xml
	junit_valid bad.xml
	expect_equal "failures" 1 "$(xmllint --xpath 'string(/testsuites/@failures)' bad.xml)"
	expect_equal "failure type" member-digest \
		"$(xmllint --xpath 'string(//testcase[@classname="members"][@name="x86/testdrv.sys"]/failure/@type)' bad.xml)"
	expect_equal "failure message" "the file's digest is not in testdrv.cat" \
		"$(xmllint --xpath 'string(//testcase[@name="x86/testdrv.sys"]/failure/@message)' bad.xml)"
	expect_equal "failing testcases" 1 "$(xmllint --xpath 'count(//testcase[failure])' bad.xml)"
}

@test "--format junit with --file: one testcase per --file, and one for the signature" {
	local args=()
	cp "$F/oss/good.cat" s.cat
	for f in "${FILES[@]}"; do args+=(--file "$F/pkg/$f"); done
	run_drvcat verify --trust "$F/pki/root.pem" "${args[@]}" --format junit s.cat
	expect_status 0
	printf '%s' "$output" >f.xml
	junit_valid f.xml
	expect_equal "file testcases" "${#FILES[@]}" "$(xmllint --xpath 'count(//testcase[@classname="files"])' f.xml)"
	expect_equal "testcases" "$((${#FILES[@]} + 1))" "$(xmllint --xpath 'count(//testcase)' f.xml)"
}

@test "--report FILE writes the chosen format to FILE and prints the text report" {
	need_jq
	vh_pkg pkg "$F/oss/good.cat"
	vh_flip pkg/x86/testdrv.dat 3
	run_drvcat verify --trust "$F/pki/root.pem" --format json --report r.json pkg
	expect_status 1
	expect_line stdout "x86/testdrv.dat: error: the file's digest is not in testdrv.cat [member-digest]" "$output"
	expect_line stdout "drvcat verify: pkg: 9 checks, 1 failed, 1 errors, 0 warnings" "$output"
	jq -e . r.json >/dev/null || { echo "r.json is not JSON" >&2; return 1; }
	expect_equal "r.json failed check" "members x86/testdrv.dat" \
		"$(jq -r '.checks[] | select(.passed == false) | "\(.group) \(.name)"' r.json)"
	run_drvcat verify --trust "$F/pki/root.pem" --format junit --report r.xml pkg
	expect_status 1
	expect_line stdout "drvcat verify: pkg: 9 checks, 1 failed, 1 errors, 0 warnings" "$output"
	expect_no_match stdout '^<' "$output"
	junit_valid r.xml
	expect_equal "r.xml failures" 1 "$(xmllint --xpath 'string(/testsuites/@failures)' r.xml)"
}

# on_tty ENV... -- ARGS: runs drvcat verify ARGS on a pseudo-terminal (script).
on_tty() {
	local envs=() cmd
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	cmd=$(printf '%q ' env "${envs[@]}" "$DRVCAT" verify "$@")
	run script -qec "$cmd" /dev/null
}

@test "text output: colored on a TTY, no ANSI escapes with NO_COLOR or without a TTY" {
	command -v script >/dev/null || skip "needs script(1) for a pseudo-terminal"
	cp "$F/oss/good.cat" s.cat
	# the control: a TTY without NO_COLOR gets colors
	on_tty -u NO_COLOR -- s.cat
	expect_match "TTY output" $'\033\\[' "$output"
	on_tty NO_COLOR=1 -- s.cat
	expect_match "TTY output with NO_COLOR" 'untrusted-root' "$output"
	expect_no_match "TTY output with NO_COLOR" $'\033' "$output"
	run_drvcat verify s.cat
	expect_status 1
	expect_no_match "piped output" $'\033' "$output"
	run_drvcat verify --format json s.cat
	expect_no_match "piped JSON" $'\033' "$output"
}
