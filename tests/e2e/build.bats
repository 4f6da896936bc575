#!/usr/bin/env bats
# drvcat build: the catalogs it writes, judged by tools no one here wrote.
#   1. Real packages ($SHARED/samples/catalogs): rebuilt with the targets of
#      their real Inf2Cat/WHQL catalog, compared with it through
#      tests/tools/catmembers.py (asn1crypto): members, kinds, version, HWIDs,
#      OS targets, OSAttr.
#   2. Test drivers built here (x86, x64, arm64), catalog signed by
#      osslsigncode, each driver verified against it with
#      `osslsigncode verify -catalog` (v1, v2, with and without page hashes);
#      a tampered driver fails.
#   3. `openssl asn1parse` shape of the viorng rebuild = the real viorng.cat.
#   5. Reproducibility: --time / SOURCE_DATE_EPOCH give identical bytes; a
#      one-byte change to a member changes exactly that member's entries.
#   6. Bad inputs: exact exit status and stderr, and nothing written.
# Run: DRVCAT=/tmp/cat-tests/drvcat bats tests/e2e/build.bats

load helpers
bats_require_minimum_version 1.5.0

PY=/usr/bin/python3
CATS=$SHARED/samples/catalogs
T0=1700000000 # 2023-11-14T22:13:20Z
# Targets for the test-driver package (tests/data/pkgs/testdrv), one per architecture.
TESTDRV_OS=10_X86,10_X64,10_RS3_ARM64


setup() {
	# A subdirectory: bats keeps its own files (run --separate-stderr) in
	# BATS_TEST_TMPDIR, and the bad-input checks compare everything under $W.
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	unset SOURCE_DATE_EPOCH
	# the usage line a usage error ends with: the synopsis `drvcat help build` prints
	BUILD_USAGE=$("$DRVCAT" help build | head -1)
	[[ $BUILD_USAGE == "usage: drvcat build "* ]]
	# the start of every broken-PE message in the bad-input table
	HASHING="drvcat: build: testdrv.cat: while hashing amd64/testdrv.sys: $W/pkg/amd64/testdrv.sys"
}

# ---- tools ----

need_py() {
	$PY -c 'import asn1crypto, pefile' 2>/dev/null ||
		skip "needs /usr/bin/python3 with asn1crypto and pefile (python3-asn1crypto python3-pefile)"
	command -v jq >/dev/null || skip "needs jq"
}

need_osslsigncode() {
	local v major minor
	command -v osslsigncode >/dev/null || skip "needs osslsigncode 2.8+ (catalog support)"
	v=$(osslsigncode --version | sed -n '1s/^osslsigncode \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	read -r major minor <<<"$v"
	[ "${major:-0}" -gt 2 ] || { [ "${major:-0}" -eq 2 ] && [ "${minor:-0}" -ge 8 ]; } ||
		skip "osslsigncode $major.$minor cannot read catalogs (needs 2.8+)"
}

need_clang() {
	if ! command -v clang >/dev/null || ! command -v lld-link >/dev/null; then
		skip "needs clang and lld-link to build test drivers"
	fi
}

catm() { # CAT: catmembers.py JSON
	$PY "$TOOLS/catmembers.py" "$1"
}

# os_ids CAT: the catalog's OS tokens as Inf2Cat /os ids (compare-members.py's
# table, independent of src/pkg/os.c), comma-separated, in catalog order.
os_ids() {
	$PY - "$1" "$TOOLS" <<'EOF'
import importlib.util, json, subprocess, sys
cat, tools = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location('compare_members', tools + '/compare-members.py')
cm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cm)
info = json.loads(subprocess.run(['/usr/bin/python3', tools + '/catmembers.py', cat],
                                 check=True, capture_output=True, text=True).stdout)
print(','.join(cm.TOKENS[t] for t in info['os'].split(',')))
EOF
}

# cat_attrs CAT: the catalog attributes in stored order, "name=value" per line,
# read with catmembers.py's asn1crypto classes.
cat_attrs() {
	$PY - "$1" "$TOOLS" <<'EOF'
import sys
sys.path.insert(0, sys.argv[2])
import catmembers as cm
outer = cm.ContentInfo.load(open(sys.argv[1], 'rb').read(), strict=True)
ctl = outer['content']['content_info']['content']
for ext in ctl['extensions'] or []:
    print('%s=%s' % cm.name_value(cm.NameValue.load(ext['extn_value'].native, strict=True)))
EOF
}

# The parts of a catalog a rebuild must reproduce (catmembers.py JSON on stdin).
canon_indirect() { # members with indirect data: (file, digest_alg, digest), sorted
	jq -c '[.members[] | select(.digest != null) | [.file, .digest_alg, .digest]] | sort | .[]'
}
canon_compat() { # v2 SHA-1 compatibility members: (tag, file), sorted
	jq -c '[.members[] | select(.digest == null) | [.tag, .file]] | sort | .[]'
}
canon_kinds() { # every member: (tag, kind), sorted
	jq -c '[.members[] | [.tag, .kind]] | sort | .[]'
}

# ---- 1. real packages rebuilt like their real catalog ----

# rebuild_real REL STDOUT-LINE: builds $CATS/REL with the /os ids of its real
# catalog into $W/x.cat and compares everything but HWIDs and OSAttr (the
# callers check those, since two packages have explained differences there).
rebuild_real() {
	local rel=$1 real
	need_shared "samples/catalogs/$rel"
	need_py
	real=$(echo "$CATS/$rel"/*.cat)
	run_drvcat build --os "$(os_ids "$real")" --time "$T0" --out "$W/x.cat" "$CATS/$rel"
	status_is 0
	same stdout "$2 -> $W/x.cat" "$output"
	catm "$real" >"$W/real.json"
	catm "$W/x.cat" >"$W/ours.json"
	# not vacuous: both read, the same number of members, one kind line each
	[ "$(jq '.members | length' "$W/real.json")" -gt 0 ]
	same "member count" "$(jq '.members | length' "$W/real.json")" "$(jq '.members | length' "$W/ours.json")"
	same "kind lines" "$(jq '.members | length' "$W/real.json")" "$(canon_kinds <"$W/ours.json" | wc -l)"
	same "catalog version" "$(jq .version "$W/real.json")" "$(jq .version "$W/ours.json")"
	same "members with indirect data (file, digest_alg, digest)" \
		"$(canon_indirect <"$W/real.json")" "$(canon_indirect <"$W/ours.json")"
	same "SHA-1 compatibility members (tag, file)" \
		"$(canon_compat <"$W/real.json")" "$(canon_compat <"$W/ours.json")"
	same "member kinds (tag, kind)" "$(canon_kinds <"$W/real.json")" "$(canon_kinds <"$W/ours.json")"
	same "OS targets as /os ids" "$(os_ids "$real" | tr , '\n' | sort)" \
		"$(os_ids "$W/x.cat" | tr , '\n' | sort)"
}

hwids_of() { jq -r '.hwids[]' "$1"; }
osattrs_of() { jq -r '[.members[].osattr] | unique | .[]' "$1"; }

@test "build real: FTDI ftdibus (WHQL v1, 8 PE + INF) matches ftdibus.cat" {
	rebuild_real arduino-Arduino/FTDI-ftdibus \
		"ftdibus.cat: catalog v1, 9 files, 9 members, 10 OS targets"
	# Known, explained difference: the WHQL catalog also lists the 25 HWIDs of
	# ftdiport.inf (FTDI's port driver, submitted together with ftdibus.inf but
	# not part of this sample package) after ftdibus.inf's 80.  drvcat's HWIDs
	# must be exactly the first 80, and the rest exactly these 25.
	local extra
	extra=$(printf '%s\n' 'ftdibus\comport&vid_0403&pid_'{6001,6010,6011,6014,6015,6031,6032,6033,6034,6035,6036,6037,6038,6039,603a,6040,6041,6042,6043,6044,6045,6047,6048,6049,0000})
	same "HWIDs (the catalog's first 80)" "$(jq -r '.hwids[0:80][]' "$W/real.json")" "$(hwids_of "$W/ours.json")"
	same "the catalog's HWIDs after the first 80 (ftdiport.inf)" "$extra" "$(jq -r '.hwids[80:][]' "$W/real.json")"
	same "member OSAttr" "$(osattrs_of "$W/real.json")" "$(osattrs_of "$W/ours.json")"
	same "member OSAttr value" "2:6.1,2:6.2,2:6.3,2:10.0" "$(osattrs_of "$W/ours.json")"
	same stderr "" "$stderr"
}

@test "build real: CP210x 6.7.4 slabvcp (WHQL v1, _v100 tokens) matches slabvcp.cat" {
	rebuild_real arduino-Arduino/CP210x_6.7.4-slabvcp \
		"slabvcp.cat: catalog v1, 5 files, 5 members, 8 OS targets"
	same "HWIDs" "$(hwids_of "$W/real.json")" "$(hwids_of "$W/ours.json")"
	same "HWID count" 14 "$(jq '.hwids | length' "$W/ours.json")"
	same "OS attribute (same tokens, drvcat writes the later _v100 form)" \
		"$(jq -r .os "$W/real.json")" "$(jq -r .os "$W/ours.json")"
	same "member OSAttr" "$(osattrs_of "$W/real.json")" "$(osattrs_of "$W/ours.json")"
	same stderr "" "$stderr"
}

@test "build real: arduino.inf (Inf2Cat v1, INF only, 10X64 era) matches arduino.cat" {
	rebuild_real arduino-Arduino/arduino-inf2cat \
		"arduino.cat: catalog v1, 1 file, 1 member, 12 OS targets"
	same "HWIDs" "$(hwids_of "$W/real.json")" "$(hwids_of "$W/ours.json")"
	same "HWID count" 31 "$(jq '.hwids | length' "$W/ours.json")"
	# Inf2Cat of 2015 wrote Windows 10 as 10X86/10X64 with OSAttr 2:6.4; drvcat
	# writes the later _v100/_v100_X64 and 2:10.0 (catalog-format.md §4.3).
	same "OS attribute" "XPX86,XPX64,VistaX86,VistaX64,7X86,7X64,8X86,8X64,_v63,_v63_X64,_v100,_v100_X64" \
		"$(jq -r .os "$W/ours.json")"
	same "member OSAttr (2:6.4 -> 2:10.0)" "$(osattrs_of "$W/real.json" | sed 's/2:6\.4$/2:10.0/')" \
		"$(osattrs_of "$W/ours.json")"
	# The INF copies from [FakeModemCopyFileSection], which lives in the
	# Include-d inbox mdmcpq.inf, not in the package.
	same stderr "$CATS/arduino-Arduino/arduino-inf2cat/arduino.inf:186: warning: CopyFiles names section [FakeModemCopyFileSection], which is not defined; nothing is copied from it" "$stderr"
}

@test "build real: virtio viorng Win8 x64 (Inf2Cat v2, SHA-256 + SHA-1 compat) matches viorng.cat" {
	rebuild_real virtio-win-pkg-scripts/Win8-amd64-viorng \
		"viorng.cat: catalog v2, 4 files, 8 members, 1 OS target"
	same "HWIDs" "$(hwids_of "$W/real.json")" "$(hwids_of "$W/ours.json")"
	same "OS attribute" "8X64" "$(jq -r .os "$W/ours.json")"
	same "member OSAttr" "$(osattrs_of "$W/real.json")" "$(osattrs_of "$W/ours.json")"
	same "member OSAttr value" "2:6.2" "$(osattrs_of "$W/ours.json")"
	same "compatibility members" 4 "$(jq '[.members[] | select(.digest == null)] | length' "$W/ours.json")"
	same stderr "" "$stderr"
}

@test "build real: without --os, viorng gets the v2 catalog Inf2Cat chose for its Win8 targets" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	need_py
	run_drvcat build --time "$T0" --out "$W/x.cat" "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng"
	status_is 0
	catm "$W/x.cat" >"$W/ours.json"
	catm "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat" >"$W/real.json"
	same "catalog version" 2 "$(jq .version "$W/ours.json")"
	same "members with indirect data" "$(canon_indirect <"$W/real.json")" "$(canon_indirect <"$W/ours.json")"
}

# ---- 2. test drivers, signed by osslsigncode, verified per driver ----

# Builds the three drivers once per file (deterministic: /Brepro).
drivers() {
	local d=$BATS_FILE_TMPDIR/drv a
	for a in x86 amd64 arm64; do
		[ -f "$d/$a/testdrv.sys" ] && continue
		mkdir -p "$d/$a"
		"$TOOLS/build-driver.sh" "$a" "$d/$a/testdrv.sys" "testdrv_$a" || return 1
	done
}

# testdrv_pkg DIR: the fixture package with freshly built drivers.
testdrv_pkg() {
	drivers
	cp -r "$DATA/pkgs/testdrv" "$1"
	local a
	for a in x86 amd64 arm64; do cp "$BATS_FILE_TMPDIR/drv/$a/testdrv.sys" "$1/$a/"; done
}

# A throwaway self-signed code-signing certificate, once per file.
CERT=
make_cert() {
	CERT=$BATS_FILE_TMPDIR/cs.pem
	[ -f "$CERT" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$BATS_FILE_TMPDIR/cs.key" -out "$CERT" \
		-subj "/CN=drvcat test signer" -days 2 -addext "extendedKeyUsage=codeSigning" 2>/dev/null
}

sign_cat() { # IN OUT
	make_cert
	rm -f "$2"
	osslsigncode sign -certs "$CERT" -key "$BATS_FILE_TMPDIR/cs.key" -h sha256 -in "$1" -out "$2" >/dev/null
}

flip_byte() { # FILE OFFSET: xor one byte with 0x01
	$PY - "$1" "$2" <<'EOF'
import sys
path, off = sys.argv[1], int(sys.argv[2])
data = bytearray(open(path, 'rb').read())
data[off] ^= 0x01
open(path, 'wb').write(data)
EOF
}

# verify_drivers VERSION [--page-hashes]
verify_drivers() {
	local v=$1 a size members
	local ph=(${2:+"$2"}) # optional --page-hashes
	need_osslsigncode
	need_clang
	testdrv_pkg "$W/pkg"
	run_drvcat build --os "$TESTDRV_OS" --catalog-version "$v" "${ph[@]}" --time "$T0" --out "$W/u.cat" "$W/pkg"
	status_is 0
	members=$([ "$v" = 2 ] && echo 10 || echo 5)
	same stdout "testdrv.cat: catalog v$v, 5 files, $members members, 3 OS targets -> $W/u.cat" "$output"
	sign_cat "$W/u.cat" "$W/s.cat"
	for a in x86 amd64 arm64; do
		run osslsigncode verify -CAfile "$CERT" -catalog "$W/s.cat" -in "$W/pkg/$a/testdrv.sys"
		status_is 0
		has_line "osslsigncode verify ($a)" "Succeeded" "$output"
		has_line "osslsigncode verify ($a)" "Signature verification: ok" "$output"
		if [ ${#ph[@]} -gt 0 ]; then
			has_line "osslsigncode verify ($a)" \
				"Page hash algorithm  : $([ "$v" = 2 ] && echo SHA256 || echo SHA1)" "$output"
			same "page hash in the catalog vs recomputed ($a)" \
				"$(sed -n 's/^Page hash            : //p' <<<"$output")" \
				"$(sed -n 's/^Calculated page hash : //p' <<<"$output")"
			[ -n "$(sed -n 's/^Page hash            : //p' <<<"$output")" ]
		else
			if grep -q 'Page hash' <<<"$output"; then
				echo "unexpected page hashes without --page-hashes ($a)" >&2
				return 1
			fi
		fi
		# one byte flipped near the end (inside the last section): not a member
		cp "$W/pkg/$a/testdrv.sys" "$W/tampered.sys"
		size=$(stat -c %s "$W/tampered.sys")
		flip_byte "$W/tampered.sys" $((size - 16))
		run osslsigncode verify -CAfile "$CERT" -catalog "$W/s.cat" -in "$W/tampered.sys"
		status_is 1
		has_line "osslsigncode verify (tampered $a)" "Catalog verification: failed" "$output"
		has_line "osslsigncode verify (tampered $a)" "Failed" "$output"
	done
}

@test "build drivers: v1 catalog signed by osslsigncode verifies the x86, x64 and arm64 drivers; tampered fails" {
	verify_drivers 1
}

@test "build drivers: v2 catalog signed by osslsigncode verifies the x86, x64 and arm64 drivers; tampered fails" {
	verify_drivers 2
}

@test "build drivers: v1 with --page-hashes: osslsigncode recomputes the SHA-1 page hashes of each driver" {
	verify_drivers 1 --page-hashes
}

@test "build drivers: v2 with --page-hashes: osslsigncode recomputes the SHA-256 page hashes of each driver" {
	verify_drivers 2 --page-hashes
}

# The test-driver catalog's contents, read with catmembers.py.
testdrv_contents() { # VERSION
	local v=$1 j
	need_clang
	need_py
	testdrv_pkg "$W/pkg"
	run_drvcat build --os "$TESTDRV_OS" --catalog-version "$v" --time "$T0" "$W/pkg"
	status_is 0
	# no --out: the catalog goes beside the INF that names it
	same stdout "testdrv.cat: catalog v$v, 5 files, $([ "$v" = 2 ] && echo 10 || echo 5) members, 3 OS targets -> $W/pkg/testdrv.cat" "$output"
	j=$(catm "$W/pkg/testdrv.cat")
	same version "$v" "$(jq .version <<<"$j")"
	same "OS attribute" "_v100,_v100_X64,_v100_ARM64_RS3" "$(jq -r .os <<<"$j")"
	same HWIDs 'root\drvcattestdrv' "$(jq -r '.hwids[]' <<<"$j")"
	same "member OSAttr" "2:10.0" "$(jq -r '[.members[].osattr] | unique | .[]' <<<"$j")"
	# one name, three architectures, three contents: three members named testdrv.sys
	same "testdrv.sys members (kind, distinct digests)" "PE 3" \
		"$(jq -r '[.members[] | select(.file == "testdrv.sys" and .digest != null)] | "\(map(.kind) | unique | join(",")) \(map(.digest) | unique | length)"' <<<"$j")"
	# testdrv.dat: the same bytes for every architecture, so one member, flat
	local alg sum
	alg=$([ "$v" = 2 ] && echo sha256 || echo sha1)
	sum=$("${alg}sum" "$W/pkg/x86/testdrv.dat" | cut -d' ' -f1)
	same "testdrv.dat member" "flat $alg $sum" \
		"$(jq -r '.members[] | select(.file == "testdrv.dat" and .digest != null) | "\(.kind) \(.digest_alg) \(.digest)"' <<<"$j")"
	sum=$("${alg}sum" "$W/pkg/testdrv.inf" | cut -d' ' -f1)
	same "testdrv.inf member" "flat $alg $sum" \
		"$(jq -r '.members[] | select(.file == "testdrv.inf" and .digest != null) | "\(.kind) \(.digest_alg) \(.digest)"' <<<"$j")"
	if [ "$v" = 2 ]; then
		# the compatibility member of the .dat is tagged with its plain SHA-1
		sum=$(sha1sum "$W/pkg/x86/testdrv.dat" | cut -d' ' -f1)
		same "testdrv.dat compatibility member" "${sum^^} flat" \
			"$(jq -r '.members[] | select(.file == "testdrv.dat" and .digest == null) | "\(.tag) \(.kind)"' <<<"$j")"
	fi
}

@test "build drivers: v1 contents: 3 testdrv.sys members (one per arch), 1 shared .dat, the INF, OS and HWID" {
	testdrv_contents 1
}

@test "build drivers: v2 contents: each file twice (SHA-256 + SHA-1 compat), same names" {
	testdrv_contents 2
}

@test "build drivers: --os picks the architectures; --attr adds catalog attributes before OS and HWIDs" {
	need_clang
	need_py
	testdrv_pkg "$W/pkg"
	run_drvcat build --os 10_X64 --time "$T0" --attr "Zeta=1" --attr "Alpha=two words" \
		--out "$W/x.cat" "$W/pkg"
	status_is 0
	same stdout "testdrv.cat: catalog v2, 3 files, 6 members, 1 OS target -> $W/x.cat" "$output"
	same "catalog attributes in stored order" "$(printf '%s\n' 'Zeta=1' 'Alpha=two words' \
		'OS=_v100_X64' 'HWID1=root\drvcattestdrv')" "$(cat_attrs "$W/x.cat")"
	same "the one driver" "$(sha256sum <"$W/pkg/amd64/testdrv.dat" | cut -d' ' -f1)" \
		"$(catm "$W/x.cat" | jq -r '.members[] | select(.file == "testdrv.dat" and .digest != null) | .digest')"
}

@test "build drivers: two INFs, two catalogs: --out-dir writes both, --inf selects one for --out" {
	need_clang
	need_py
	testdrv_pkg "$W/pkg"
	sed 's/^CatalogFile = testdrv.cat/CatalogFile = other.cat/; s/Root\\DrvcatTestDrv/Root\\DrvcatOther/' \
		"$W/pkg/testdrv.inf" >"$W/pkg/other.inf"
	mkdir "$W/out"
	run_drvcat build --os 10_X64 --time "$T0" --out-dir "$W/out" "$W/pkg"
	status_is 0
	same stdout "$(printf '%s\n' \
		"other.cat: catalog v2, 3 files, 6 members, 1 OS target -> $W/out/other.cat" \
		"testdrv.cat: catalog v2, 3 files, 6 members, 1 OS target -> $W/out/testdrv.cat")" \
		"$(sort <<<"$output")"
	same "other.cat HWIDs" 'root\drvcatother' "$(catm "$W/out/other.cat" | jq -r '.hwids[]')"
	same "testdrv.cat HWIDs" 'root\drvcattestdrv' "$(catm "$W/out/testdrv.cat" | jq -r '.hwids[]')"
	run_drvcat build --os 10_X64 --time "$T0" --inf other.inf --out "$W/one.cat" "$W/pkg"
	status_is 0
	same stdout "other.cat: catalog v2, 3 files, 6 members, 1 OS target -> $W/one.cat" "$output"
	cmp "$W/one.cat" "$W/out/other.cat"
}

# ---- 3. DER shape of the viorng rebuild ----

# shape CAT: `openssl asn1parse -i` up to the end of the CTL, one "depth type"
# per line: lengths, offsets and primitive values dropped, OIDs kept (they
# name what each part is, and a rebuild must use the same ones).
shape() {
	openssl asn1parse -inform DER -i -in "$1" | awk '
	function field(name,   m) {
		match($0, "(^|[ :])" name "= *[0-9]+")
		m = substr($0, RSTART, RLENGTH)
		sub(/^[ :]*[a-z]+= */, "", m)
		return m + 0
	}
	{
		off = $1; sub(/:.*/, "", off); off += 0
		if (end && off >= end) exit
		d = field("d"); hl = field("hl"); l = field("l")
		# the CTL: the SEQUENCE inside the [0] after the szOID_CTL content type
		if (state == 2 && $0 ~ /cons: *SEQUENCE/) { end = off + hl + l; state = 0 }
		if (state == 1 && $0 ~ /cont \[ 0 \]/) state = 2
		if ($0 ~ /OBJECT *:1\.3\.6\.1\.4\.1\.311\.10\.1 *$/) state = 1
		t = $0; sub(/^.*(prim|cons): */, "", t); sub(/ *\[HEX DUMP\].*$/, "", t)
		if (t !~ /^OBJECT/) sub(/ *:.*$/, "", t)
		gsub(/ +/, " ", t); sub(/ $/, "", t)
		print d, t
	}'
}

@test "build shape: asn1parse of the viorng rebuild has the real viorng.cat's shape up to the end of the CTL" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	need_osslsigncode
	local real=$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat
	run_drvcat build --os 8_X64 --time "$T0" --out "$W/u.cat" "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng"
	status_is 0
	# The real catalog is signed (SHA-256): its SignedData lists that digest
	# algorithm.  Sign the rebuild the same way; signing keeps the CTL as is.
	sign_cat "$W/u.cat" "$W/s.cat"
	same "CTL after signing" "$(shape "$W/u.cat" | sed -n '/OBJECT :1.3.6.1.4.1.311.10.1/,$p')" \
		"$(shape "$W/s.cat" | sed -n '/OBJECT :1.3.6.1.4.1.311.10.1/,$p')"
	shape "$real" >"$W/real.shape"
	shape "$W/s.cat" >"$W/ours.shape"
	# sanity: the CTL was found and ends with the last HWID attribute
	same "real shape length" 267 "$(wc -l <"$W/real.shape")"
	same "asn1parse shape" "$(cat "$W/real.shape")" "$(cat "$W/ours.shape")"
}

# ---- 5. reproducibility ----

@test "build reproducible: same --time twice is byte-identical; SOURCE_DATE_EPOCH the same; --time wins" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	local pkg=$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng
	run_drvcat build --time "$T0" --out "$W/a.cat" "$pkg"
	status_is 0
	run_drvcat build --time "$T0" --out "$W/b.cat" "$pkg"
	status_is 0
	cmp "$W/a.cat" "$W/b.cat"
	SOURCE_DATE_EPOCH=$T0 run_drvcat build --out "$W/c.cat" "$pkg"
	status_is 0
	SOURCE_DATE_EPOCH=$T0 run_drvcat build --out "$W/d.cat" "$pkg"
	status_is 0
	cmp "$W/c.cat" "$W/d.cat"
	cmp "$W/a.cat" "$W/c.cat"
	SOURCE_DATE_EPOCH=1600000000 run_drvcat build --time "$T0" --out "$W/e.cat" "$pkg"
	status_is 0
	cmp "$W/a.cat" "$W/e.cat"
	# the time is the CTL thisUpdate (UTCTime), read by openssl
	same "thisUpdate" "UTCTIME :231114221320Z" \
		"$(openssl asn1parse -inform DER -in "$W/a.cat" | sed -n 's/^.*prim: *\(UTCTIME *:.*\)$/\1/p' | sed 's/  */ /' | head -1)"
}

@test "build reproducible: a different --time changes the bytes (thisUpdate and the derived list identifier)" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	local pkg=$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng
	run_drvcat build --time "$T0" --out "$W/a.cat" "$pkg"
	status_is 0
	run_drvcat build --time $((T0 + 1)) --out "$W/b.cat" "$pkg"
	status_is 0
	run cmp -s "$W/a.cat" "$W/b.cat"
	status_is 1
	same "thisUpdate" "UTCTIME :231114221321Z" \
		"$(openssl asn1parse -inform DER -in "$W/b.cat" | sed -n 's/^.*prim: *\(UTCTIME *:.*\)$/\1/p' | sed 's/  */ /' | head -1)"
	# the list identifiers (first 16-byte OCTET STRING of the CTL) differ too
	local ida idb
	ida=$(openssl asn1parse -inform DER -in "$W/a.cat" | grep -m1 'l=  16 prim: OCTET STRING')
	idb=$(openssl asn1parse -inform DER -in "$W/b.cat" | grep -m1 'l=  16 prim: OCTET STRING')
	[ -n "$ida" ] && [ "${ida##*:}" != "${idb##*:}" ]
}

@test "build reproducible: without --time or SOURCE_DATE_EPOCH the time is now" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	local before after t
	before=$(date -u +%s)
	run_drvcat build --out "$W/a.cat" "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng"
	status_is 0
	after=$(date -u +%s)
	t=$(openssl asn1parse -inform DER -in "$W/a.cat" | sed -n 's/^.*prim: *UTCTIME *:\([0-9]\{12\}\)Z.*$/\1/p' | head -1)
	t=$(date -u -d "20${t:0:2}-${t:2:2}-${t:4:2} ${t:6:2}:${t:8:2}:${t:10:2}" +%s)
	[ "$t" -ge "$before" ] && [ "$t" -le "$after" ]
}

# flip_member FILE: one byte changed where the member hash sees it: in a PE,
# 16 bytes into the first section's raw data (before any certificate table);
# in an INF, the case of the first letter of the first comment.
flip_member() {
	$PY - "$1" <<'EOF'
import re, sys
path = sys.argv[1]
data = bytearray(open(path, 'rb').read())
if data[:2] == b'MZ':
    import pefile
    pe = pefile.PE(data=bytes(data), fast_load=True)
    off = next(s.PointerToRawData for s in pe.sections if s.SizeOfRawData) + 16
    data[off] ^= 0x01
else:
    off = re.search(rb';[^\r\n]*?[A-Za-z]', data).end() - 1
    data[off] ^= 0x20
open(path, 'wb').write(data)
EOF
}

# one_byte_each REL VERSION-ENTRIES: for each member file of a copy of the
# package, change one byte, rebuild, and compare catmembers output: exactly
# the ENTRIES entries of that file change (1 in v1; 2 in v2: SHA-256 + compat).
one_byte_each() {
	local rel=$1 k=$2 f name os
	need_shared "samples/catalogs/$rel"
	need_py
	os=$(os_ids "$CATS/$rel"/*.cat)
	cp -r "$CATS/$rel" "$W/pkg"
	rm -f "$W/pkg"/*.cat
	run_drvcat build --os "$os" --time "$T0" --out "$W/before.cat" "$W/pkg"
	status_is 0
	catm "$W/before.cat" | jq -c '.members[]' | sort >"$W/before.txt"
	[ -s "$W/before.txt" ]
	same "members before" "$(catm "$W/before.cat" | jq '.members | length')" "$(wc -l <"$W/before.txt")"
	while IFS= read -r f; do
		cp -r "$W/pkg" "$W/mod"
		flip_member "$W/mod/$f"
		run_drvcat build --os "$os" --time "$T0" --out "$W/after.cat" "$W/mod"
		status_is 0
		catm "$W/after.cat" | jq -c '.members[]' | sort >"$W/after.txt"
		same "members after changing $f" "$(wc -l <"$W/before.txt")" "$(wc -l <"$W/after.txt")"
		name=$(basename "$f" | tr '[:upper:]' '[:lower:]')
		# gone: the old entries of that file; new: its new entries; nothing else
		same "entries gone after changing $f" "$k $name" \
			"$(comm -23 "$W/before.txt" "$W/after.txt" | jq -rs '"\(length) \(map(.file) | unique | join(","))"')"
		same "entries new after changing $f" "$k $name" \
			"$(comm -13 "$W/before.txt" "$W/after.txt" | jq -rs '"\(length) \(map(.file) | unique | join(","))"')"
		same "OS and HWIDs after changing $f" "$(catm "$W/before.cat" | jq -c '[.os, .hwids, .version]')" \
			"$(catm "$W/after.cat" | jq -c '[.os, .hwids, .version]')"
		rm -rf "$W/mod"
	done < <(cd "$W/pkg" && find . -type f ! -name '*.cat' | sed 's|^\./||' | sort)
}

@test "build reproducible: a one-byte change to any viorng file changes exactly its two v2 entries" {
	one_byte_each virtio-win-pkg-scripts/Win8-amd64-viorng 2
}

@test "build reproducible: a one-byte change to any CP210x file changes exactly its v1 entry" {
	one_byte_each arduino-Arduino/CP210x_6.7.4-slabvcp 1
}

# ---- 6. bad inputs ----

# mkpe VARIANT OUT: a minimal PE32+ image (DOS header, e_lfanew 0x40, one
# 0x200-byte .text section at 0x200, SizeOfHeaders 0x200, file size 0x400),
# or that image broken in one way.
mkpe() {
	$PY - "$1" "$2" <<'EOF'
import struct, sys
variant, out = sys.argv[1], sys.argv[2]
LFANEW = 0x40
OPT = LFANEW + 4 + 20        # optional header, 0xf0 bytes (PE32+)
SECT = OPT + 0xf0            # section table at 0x148
def image(nsect=1, lfanew=LFANEW, magic=0x20b, raw_size=0x200, cert=(0, 0), sig=b'PE\0\0'):
    b = bytearray(0x400)
    b[0:2] = b'MZ'
    struct.pack_into('<I', b, 0x3c, lfanew)
    b[LFANEW:LFANEW + 4] = sig
    # COFF: Machine amd64, NumberOfSections, ..., SizeOfOptionalHeader, Characteristics
    struct.pack_into('<HHIIIHH', b, LFANEW + 4, 0x8664, nsect, 0, 0, 0, 0xf0, 0x22)
    struct.pack_into('<H', b, OPT, magic)
    struct.pack_into('<I', b, OPT + 16, 0x1000)     # AddressOfEntryPoint
    struct.pack_into('<I', b, OPT + 32, 0x1000)     # SectionAlignment
    struct.pack_into('<I', b, OPT + 36, 0x200)      # FileAlignment
    struct.pack_into('<I', b, OPT + 56, 0x2000)     # SizeOfImage
    struct.pack_into('<I', b, OPT + 60, 0x200)      # SizeOfHeaders
    struct.pack_into('<H', b, OPT + 68, 1)          # Subsystem: native
    struct.pack_into('<I', b, OPT + 108, 16)        # NumberOfRvaAndSizes
    struct.pack_into('<II', b, OPT + 112 + 4 * 8, *cert)  # certificate table entry
    b[SECT:SECT + 8] = b'.text\0\0\0'
    struct.pack_into('<IIII', b, SECT + 8, 0x200, 0x1000, raw_size, 0x200)
    struct.pack_into('<I', b, SECT + 36, 0x60000020)
    b[0x200:0x210] = b'\xc3' * 16
    return b
data = {
    'ok': lambda: image(),
    'mz-only': lambda: b'MZ',
    'truncated': lambda: image()[:0x30],
    'lfanew-inside-dos': lambda: image(lfanew=0x20),
    'lfanew-past-eof': lambda: image(lfanew=0x1000),
    'no-pe-signature': lambda: image(sig=b'NE\0\0'),
    'bad-magic': lambda: image(magic=0x107),
    'no-sections': lambda: image(nsect=0),
    'section-table-past-eof': lambda: image(nsect=100),
    'section-past-eof': lambda: image(raw_size=0x1000),
    'cert-past-eof': lambda: image(cert=(0x3f8, 0x100)),
    'cert-starts-past-eof': lambda: image(cert=(0x800, 0x10)),
    'cert-not-at-end': lambda: image(cert=(0x3f0, 8)),
    'cert-unaligned': lambda: image(cert=(0x3fc, 4)),
}[variant]()
open(out, 'wb').write(data)
EOF
}

# fixture NAME: in $W, the package pkg/ (tests/data/pkgs/testdrv with the
# minimal PE as every testdrv.sys), a pre-existing pkg/testdrv.cat and
# out/x.cat, then NAME's change.
fixture() {
	local a
	mkdir -p "$W/out"
	cp -r "$DATA/pkgs/testdrv" "$W/pkg"
	for a in x86 amd64 arm64; do mkpe ok "$W/pkg/$a/testdrv.sys"; done
	printf 'pre-existing catalog\n' >"$W/pkg/testdrv.cat"
	printf 'pre-existing output\n' >"$W/out/x.cat"
	case $1 in
	pkg) ;;
	pe-*) mkpe "${1#pe-}" "$W/pkg/amd64/testdrv.sys" ;;
	dangling) rm "$W/pkg/amd64/testdrv.sys" && ln -s nowhere.sys "$W/pkg/amd64/testdrv.sys" ;;
	dir-member) rm "$W/pkg/amd64/testdrv.sys" && mkdir "$W/pkg/amd64/testdrv.sys" ;;
	unreadable) chmod 000 "$W/pkg/amd64/testdrv.sys" ;;
	missing) rm "$W/pkg/amd64/testdrv.sys" ;;
	no-catalogfile) sed -i '/^CatalogFile/d' "$W/pkg/testdrv.inf" ;;
	two-cats) sed 's/^CatalogFile = testdrv.cat/CatalogFile = zzz.cat/' "$W/pkg/testdrv.inf" >"$W/pkg/zzz.inf" ;;
	two-cats-dir) # the second catalog's destination is a directory: its write fails
		sed 's/^CatalogFile = testdrv.cat/CatalogFile = zzz.cat/' "$W/pkg/testdrv.inf" >"$W/pkg/zzz.inf"
		mkdir "$W/pkg/zzz.cat" ;;
	empty) mkdir "$W/empty" ;;
	afile) printf 'not a directory\n' >"$W/afile" ;;
	*) echo "unknown fixture $1" >&2; return 1 ;;
	esac
}

# Every file (with its hash) and every directory and link under $W.
snapshot() {
	(cd "$W" && find . -type f -readable -print0 | sort -z | xargs -0 -r sha256sum &&
		find . \( ! -type f -o ! -readable \) | sort)
}

# bad FIXTURE STATUS STDERR ARGS...: `drvcat build ARGS` run in $W exits
# STATUS with exactly STDERR (plus the usage line for status 2), prints
# nothing on stdout, and leaves every file as it was: no catalog, no
# temporary file, pre-existing catalogs byte-identical.
bad() {
	local fx=$1 want_status=$2 want=$3 before after
	shift 3
	fixture "$fx"
	before=$(snapshot)
	cd "$W" || return 1
	run_drvcat build "$@"
	[ "$want_status" != 2 ] || want+=$'\n'"$BUILD_USAGE"
	after=$(snapshot)
	same "files under the test directory (sha256, then directories and links)" "$before" "$after"
	same "temporary files" "" "$(find "$W" -name '*.tmp.*')"
	status_is "$want_status"
	same stderr "$want" "$stderr"
	same stdout "" "$output"
}

PROBLEM=$'\ndrvcat: build: 1 problem in the package; no catalog written'

@test "build bad: (control) the bad-input fixture itself builds" {
	fixture pkg
	cd "$W" || return 1
	run_drvcat build --os "$TESTDRV_OS" --time "$T0" pkg
	status_is 0
	same stdout "testdrv.cat: catalog v2, 3 files, 6 members, 3 OS targets -> $W/pkg/testdrv.cat" "$output"
	same stderr "" "$stderr"
}

@test "build bad: PE 'MZ' and nothing else" {
	bad pe-mz-only 1 "$HASHING: offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0x2)" --time "$T0" pkg
}

@test "build bad: PE truncated inside the DOS header" {
	bad pe-truncated 1 "$HASHING: offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0x30)" --time "$T0" pkg
}

@test "build bad: PE e_lfanew inside the DOS header" {
	bad pe-lfanew-inside-dos 1 "$HASHING: offset 0x3c: e_lfanew 0x00000020 points inside the 0x40-byte DOS header" --time "$T0" pkg
}

@test "build bad: PE e_lfanew past EOF" {
	bad pe-lfanew-past-eof 1 "$HASHING: offset 0x3c: e_lfanew 0x00001000 points past the end of the file (size 0x400)" --time "$T0" pkg
}

@test "build bad: PE without the PE signature" {
	bad pe-no-pe-signature 1 "$HASHING: offset 0x40: no PE signature: found 4e 45 00 00, expected 50 45 00 00 (\"PE\\0\\0\")" --time "$T0" pkg
}

@test "build bad: PE optional header magic neither PE32 nor PE32+" {
	bad pe-bad-magic 1 "$HASHING: offset 0x58: optional header Magic 0x0107 is neither PE32 (0x10b) nor PE32+ (0x20b)" --time "$T0" pkg
}

@test "build bad: PE with no sections" {
	bad pe-no-sections 1 "$HASHING: offset 0x46: NumberOfSections is 0: an image has at least one section" --time "$T0" pkg
}

@test "build bad: PE section table past EOF" {
	bad pe-section-table-past-eof 1 "$HASHING: offset 0x148: section table (100 headers, 0xfa0 bytes) runs past the end of the file (size 0x400)" --time "$T0" pkg
}

@test "build bad: PE section raw data past EOF" {
	bad pe-section-past-eof 1 "$HASHING: offset 0x148: section 1 (.text) raw data 0x00000200+0x00001000 runs past the end of the file (size 0x400)" --time "$T0" pkg
}

@test "build bad: PE certificate table past EOF" {
	bad pe-cert-past-eof 1 "$HASHING: offset 0xec: certificate table 0x000003f8+0x00000100 ends past the end of the file (size 0x400)" --time "$T0" pkg
}

@test "build bad: PE certificate table starting past EOF" {
	bad pe-cert-starts-past-eof 1 "$HASHING: offset 0xe8: certificate table at 0x00000800 starts past the end of the file (size 0x400)" --time "$T0" pkg
}

@test "build bad: PE certificate table not at the end of the file" {
	bad pe-cert-not-at-end 1 "$HASHING: offset 0xe8: certificate table 0x000003f0+0x00000008 is not at the end of the file: 0x8 bytes follow it" --time "$T0" pkg
}

@test "build bad: PE certificate table not 8-aligned" {
	bad pe-cert-unaligned 1 "$HASHING: offset 0xe8: certificate table offset 0x000003fc is not a multiple of 8" --time "$T0" pkg
}

@test "build bad: member is a dangling symlink (root reads anything, so not chmod 000)" {
	bad dangling 1 "pkg/testdrv.inf:52: error: 'testdrv.sys' copied by [TestDrv_CopyFiles] for amd64 is missing: 'amd64/testdrv.sys' is a dangling symbolic link (source from [SourceDisksNames.amd64] disk 1 path '\\amd64')$PROBLEM" --time "$T0" pkg
}

@test "build bad: an unreadable member (chmod 000)" {
	[ "$(id -u)" != 0 ] || skip "root reads a chmod 000 file; the dangling-symlink and directory rows stand in for it"
	bad unreadable 1 "$HASHING: cannot open: Permission denied" --time "$T0" pkg
}

@test "build bad: a directory named like a member" {
	bad dir-member 1 "pkg/testdrv.inf:52: error: 'testdrv.sys' copied by [TestDrv_CopyFiles] for amd64 is missing: 'amd64/testdrv.sys' is a directory, not a regular file (source from [SourceDisksNames.amd64] disk 1 path '\\amd64')$PROBLEM" --time "$T0" pkg
}

@test "build bad: a member file missing" {
	bad missing 1 "pkg/testdrv.inf:52: error: 'testdrv.sys' copied by [TestDrv_CopyFiles] for amd64 is missing: no file 'testdrv.sys' in package directory 'amd64/' (source from [SourceDisksNames.amd64] disk 1 path '\\amd64')$PROBLEM" --time "$T0" pkg
}

@test "build bad: INF without CatalogFile" {
	bad no-catalogfile 1 "pkg/testdrv.inf: error: [Version] has no CatalogFile entry, so Windows treats the package as unsigned and no catalog can be made for it$PROBLEM" --time "$T0" pkg
}

@test "build bad: --out with two catalogs" {
	bad two-cats 2 "drvcat: build: the package has 2 catalogs; use --out-dir, not --out" --time "$T0" --out out/x.cat pkg
}

@test "build bad: --out and --out-dir together" {
	bad pkg 2 "drvcat: build: --out and --out-dir exclude each other" --time "$T0" --out out/x.cat --out-dir out pkg
}

@test "build bad: a second catalog that cannot be written leaves the first catalog untouched" {
	# drvcat help build: "any problem leaves existing catalogs untouched"
	bad two-cats-dir 1 "drvcat: build: $W/pkg/zzz.cat: cannot replace it: Is a directory" --time "$T0" pkg
}

@test "build bad: a file in place of --out-dir" {
	bad afile 1 "drvcat: build: afile/testdrv.cat: cannot create a temporary file beside it: Not a directory" --time "$T0" --out-dir afile pkg
}

@test "build bad: --out-dir that does not exist" {
	bad pkg 1 "drvcat: build: nodir/testdrv.cat: cannot create a temporary file beside it: No such file or directory" --time "$T0" --out-dir nodir pkg
}

@test "build bad: --out in a directory that does not exist" {
	bad pkg 1 "drvcat: build: nodir/x.cat: cannot create a temporary file beside it: No such file or directory" --time "$T0" --out nodir/x.cat pkg
}

@test "build bad: --out naming a directory" {
	bad pkg 1 "drvcat: build: out: cannot replace it: Is a directory" --time "$T0" --out out pkg
}

@test "build bad: --catalog-version 3" {
	bad pkg 2 "drvcat: build: --catalog-version takes 1 or 2" --time "$T0" --catalog-version 3 pkg
}

@test "build bad: --catalog-version 0" {
	bad pkg 2 "drvcat: build: --catalog-version takes 1 or 2" --time "$T0" --catalog-version 0 pkg
}

@test "build bad: --time abc" {
	bad pkg 2 "drvcat: build: --time 'abc' is not a time in seconds since 1970 (1980 to 9999)" --time abc pkg
}

@test "build bad: --time negative" {
	bad pkg 2 "drvcat: build: --time '-5' is not a time in seconds since 1970 (1980 to 9999)" --time -5 pkg
}

@test "build bad: --time 0" {
	bad pkg 2 "drvcat: build: --time '0' is not a time in seconds since 1970 (1980 to 9999)" --time 0 pkg
}

@test "build bad: --time with trailing garbage" {
	bad pkg 2 "drvcat: build: --time '1700000000x' is not a time in seconds since 1970 (1980 to 9999)" --time 1700000000x pkg
}

@test "build bad: --time past 9999" {
	bad pkg 2 "drvcat: build: --time '253402300800' is not a time in seconds since 1970 (1980 to 9999)" --time 253402300800 pkg
}

@test "build bad: SOURCE_DATE_EPOCH abc" {
	SOURCE_DATE_EPOCH=abc bad pkg 2 "drvcat: build: SOURCE_DATE_EPOCH 'abc' is not a time in seconds since 1970 (1980 to 9999)" pkg
}

@test "build bad: --attr without '='" {
	bad pkg 2 "drvcat: build: --attr takes NAME=VALUE, got 'foo'" --time "$T0" --attr foo pkg
}

@test "build bad: --attr with an empty name" {
	bad pkg 2 "drvcat: build: --attr takes NAME=VALUE, got '=x'" --time "$T0" --attr =x pkg
}

@test "build bad: --attr OS=x" {
	bad pkg 2 "drvcat: build: --attr OS: drvcat writes OS and HWIDn itself" --time "$T0" --attr OS=x pkg
}

@test "build bad: --attr hwid1=x" {
	bad pkg 2 "drvcat: build: --attr hwid1: drvcat writes OS and HWIDn itself" --time "$T0" --attr hwid1=x pkg
}

@test "build bad: unknown --os id" {
	bad pkg 2 "drvcat: build: unknown operating system identifier 'Bogus_X64'" --time "$T0" --os 10_X64,Bogus_X64 pkg
}

@test "build bad: --os list ending with a comma" {
	bad pkg 2 "drvcat: build: --os list '10_X64,' ends with a comma" --time "$T0" --os 10_X64, pkg
}

@test "build bad: --os id given twice" {
	bad pkg 2 "drvcat: build: operating system identifier '10_x64' given twice" --time "$T0" --os 10_X64,10_x64 pkg
}

@test "build bad: --inf naming no INF of the package" {
	bad pkg 1 "drvcat: build: pkg: no INF named 'nope.inf' in the package" --time "$T0" --inf nope.inf pkg
}

@test "build bad: PKGDIR that does not exist" {
	bad pkg 1 "drvcat: build: nopkg: cannot open package directory: No such file or directory" --time "$T0" nopkg
}

@test "build bad: PKGDIR without an INF" {
	bad empty 1 "drvcat: build: empty: no .inf file in the package directory" --time "$T0" empty
}

@test "build bad: PKGDIR that is a file" {
	bad pkg 1 "drvcat: build: $W/pkg/testdrv.inf: cannot read directory: Not a directory" --time "$T0" pkg/testdrv.inf
}

@test "build bad: no PKGDIR" {
	bad pkg 2 "drvcat: build: missing argument" --time "$T0"
}

@test "build bad: two PKGDIRs" {
	bad pkg 2 "drvcat: build: unexpected argument 'extra'" --time "$T0" pkg extra
}

@test "build bad: unknown option" {
	bad pkg 2 "drvcat: build: unknown option '--bogus'" --bogus pkg
}

@test "build bad: --page-hashes takes no value" {
	bad pkg 2 "drvcat: build: option '--page-hashes' takes no value" --page-hashes=1 pkg
}
