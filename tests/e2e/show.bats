#!/usr/bin/env bats
# drvcat show: what it lists for every catalog in $SHARED/samples/catalogs,
# against tools no one here wrote:
#   - `osslsigncode verify -verbose` (2.8+): every member's names, hash
#     algorithm and digest, the signer's certificate and the timestamp time;
#   - tests/tools/catmembers.py (asn1crypto): version, catalog attributes,
#     every member's tag, File, OSAttr, kind and digest;
#   - `openssl asn1parse`: list identifier and thisUpdate.
# Plus the text output, catalogs drvcat built, and malformed inputs.
# Run: DRVCAT=/tmp/cat-tests/drvcat bats tests/e2e/show.bats

load helpers
bats_require_minimum_version 1.5.0

PY=/usr/bin/python3
CATS=$SHARED/samples/catalogs
T0=1700000000 # 2023-11-14T22:13:20Z

setup() {
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	unset SOURCE_DATE_EPOCH
	# the usage line a usage error ends with: the synopsis `drvcat help show` prints
	SHOW_USAGE=$("$DRVCAT" help show | head -1)
	[[ $SHOW_USAGE == "usage: drvcat show "* ]]
}

need_py() {
	$PY -c 'import asn1crypto' 2>/dev/null ||
		skip "needs /usr/bin/python3 with asn1crypto (python3-asn1crypto)"
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

catm() { $PY "$TOOLS/catmembers.py" "$1"; }

CERT=
make_cert() {
	CERT=$BATS_FILE_TMPDIR/cs.pem
	[ -f "$CERT" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$BATS_FILE_TMPDIR/cs.key" -out "$CERT" \
		-subj "/CN=drvcat test signer" -days 2 -addext "extendedKeyUsage=codeSigning" 2>/dev/null
}

sign_cat() { # IN OUT (osslsigncode keeps the CTL bytes as they are)
	make_cert
	rm -f "$2"
	osslsigncode sign -certs "$CERT" -key "$BATS_FILE_TMPDIR/cs.key" -h sha256 -in "$1" -out "$2" >/dev/null
}

# ossl_list CAT [CAFILE]: `osslsigncode verify -verbose` parsed to JSON lines:
#   {"member": {"names": [...], "alg": "SHA256"|null, "digest": HEX|null}}  per member block
#   {"signer": {subject, issuer, serial, not_before, not_after, digest_algorithm, timestamp_time}}
# A member block lists every CAT_NAMEVALUE value as "File name:" (OSAttr
# too, in stored order, so the first one is OSAttr in some catalogs and File
# in others); names are sorted here.  Members with nothing to print (MakeCat's
# SHA-1 entries) have no block.  The exit status is ignored: without the
# issuers' roots the chain check fails, but the listing is complete.
ossl_list() {
	osslsigncode verify -verbose ${2:+-CAfile "$2"} -in "$1" 2>/dev/null | $PY -c '
import json, re, sys
from datetime import datetime
lines = sys.stdin.read().split("\n")
def iso(t):
    return datetime.strptime(t, "%b %d %H:%M:%S %Y GMT").strftime("%Y-%m-%dT%H:%M:%SZ")
if "Catalog members:" not in lines:
    sys.exit("osslsigncode listed no catalog members")
i = lines.index("Catalog members:") + 1
cur = None
while i < len(lines):
    line = lines[i]
    if line == "":
        if cur:
            cur["names"].sort()
            print(json.dumps({"member": cur}, sort_keys=True, separators=(",", ":")))
            cur = None
    elif not line.startswith("\t"):
        break
    else:
        key, _, val = line[1:].partition(": ")
        cur = cur or {"names": [], "alg": None, "digest": None}
        if key == "File name":
            cur["names"].append(val)
        elif key == "Hash algorithm":
            cur["alg"] = val
        elif key == "Message digest":
            cur["digest"] = val.strip()
        else:
            sys.exit("unexpected line in the member list: " + line)
    i += 1
# Each signature: "Signature Index: N", then "Signer'"'"'s certificate:" with
# "Signer #0:" (the signing certificate), "Message digest algorithm: X",
# and for a timestamped one "Countersignatures:" ... "Timestamp time: T".
while i < len(lines):
    if lines[i].startswith("Signature Index:"):
        s = {"timestamp_time": None}
        j = i + 1
        while j < len(lines) and not lines[j].startswith(("Signature Index:", "CAfile:")):
            # the first certificate listed is the signer'"'"'s; later ones (chains) are not
            m = re.match(r"\t\t(Subject|Issuer|Serial) *: (.*)$", lines[j])
            if m and m.group(1).lower() not in s:
                s[m.group(1).lower()] = m.group(2)
            m = re.match(r"\t\t\tnot(Before|After) : (.*)$", lines[j])
            if m and "not_" + m.group(1).lower() not in s:
                s["not_" + m.group(1).lower()] = iso(m.group(2))
            m = re.match(r"Message digest algorithm: (\w+)$", lines[j])
            if m and "digest_algorithm" not in s:
                s["digest_algorithm"] = m.group(1).lower()
            m = re.match(r"\tTimestamp time: (.*)$", lines[j])
            if m:
                s["timestamp_time"] = iso(m.group(1))
            j += 1
        print(json.dumps({"signer": s}, sort_keys=True, separators=(",", ":")))
        i = j
    else:
        i += 1
'
}

# show_list CAT: `drvcat show --json` projected onto what osslsigncode prints.
show_list() {
	"$DRVCAT" show --json "$1" | jq -c -S '
		(.members[] | {names: ([.file, .os_attr] | map(select(. != null)) | sort),
		               alg: (.digest_algorithm | if . then ascii_upcase else null end),
		               digest}
		 | select(.names != [] or .digest != null) | {member: .}),
		(.signers[] | {signer: {subject, issuer, serial, not_before, not_after,
		                        digest_algorithm, timestamp_time}})'
}

# compare_with_osslsigncode CAT [LISTED-CAT CAFILE]: drvcat show on CAT lists
# exactly what osslsigncode lists for LISTED-CAT (default CAT).
compare_with_osslsigncode() {
	local cat=$1 listed=${2:-$1} ossl ours
	ossl=$(ossl_list "$listed" "${3:-}")
	ours=$(show_list "$cat")
	[ -n "$ossl" ]
	same "members and signers (osslsigncode verify -verbose vs drvcat show)" "$ossl" "$ours"
}

# ---- 4. every sample catalog: drvcat show = osslsigncode's listing ----

@test "show vs osslsigncode: FTDI ftdibus.cat (WHQL v1, RFC 3161 timestamp)" {
	need_shared samples/catalogs/arduino-Arduino/FTDI-ftdibus
	need_osslsigncode
	need_py
	compare_with_osslsigncode "$CATS/arduino-Arduino/FTDI-ftdibus/ftdibus.cat"
	same "member blocks" 9 "$(show_list "$CATS/arduino-Arduino/FTDI-ftdibus/ftdibus.cat" | grep -c '^{"member"')"
}

@test "show vs osslsigncode: CP210x slabvcp.cat (WHQL v1, SHA-1, legacy timestamp)" {
	need_shared samples/catalogs/arduino-Arduino/CP210x_6.7.4-slabvcp
	need_osslsigncode
	need_py
	compare_with_osslsigncode "$CATS/arduino-Arduino/CP210x_6.7.4-slabvcp/slabvcp.cat"
	same "member blocks" 5 "$(show_list "$CATS/arduino-Arduino/CP210x_6.7.4-slabvcp/slabvcp.cat" | grep -c '^{"member"')"
}

@test "show vs osslsigncode: arduino.cat (Inf2Cat v1, vendor-signed, legacy timestamp)" {
	need_shared samples/catalogs/arduino-Arduino/arduino-inf2cat
	need_osslsigncode
	need_py
	compare_with_osslsigncode "$CATS/arduino-Arduino/arduino-inf2cat/arduino.cat"
	same "member blocks" 1 "$(show_list "$CATS/arduino-Arduino/arduino-inf2cat/arduino.cat" | grep -c '^{"member"')"
}

@test "show vs osslsigncode: viorng.cat (Inf2Cat v2, compat entries list names only)" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	need_osslsigncode
	need_py
	compare_with_osslsigncode "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat"
	same "member blocks" 8 "$(show_list "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat" | grep -c '^{"member"')"
}

@test "show vs osslsigncode: MakeCat unsigned.cat (v2, page hashes, CAB, base64 File) - listed after signing a copy" {
	need_shared samples/catalogs/osslsigncode/makecat-v2-testvector
	need_osslsigncode
	need_py
	local cat=$CATS/osslsigncode/makecat-v2-testvector/files/unsigned.cat serial
	# osslsigncode lists nothing for an unsigned catalog ("No signature
	# found"); signing a copy keeps the CTL, so its listing is the original's.
	sign_cat "$cat" "$W/signed.cat"
	same "catmembers.py: the copy has the same CTL" "$(catm "$cat")" "$(catm "$W/signed.cat")"
	# members: drvcat on the unsigned original, osslsigncode on the signed copy
	same "members (osslsigncode on the signed copy vs drvcat show on unsigned.cat)" \
		"$(ossl_list "$W/signed.cat" "$CERT" | grep '^{"member"')" "$(show_list "$cat")"
	same "member blocks" 7 "$(show_list "$cat" | grep -c '^{"member"')"
	same "the base64 File value osslsigncode prints" 1 \
		"$(show_list "$cat" | grep -c '"names":\["dW5zaWduZWQubXNp"\]')"
	run_drvcat show --json "$cat"
	status_is 0
	same "signers of unsigned.cat" "[]" "$(jq -c .signers <<<"$output")"
	# the signed copy: our signer, as osslsigncode and openssl see it
	compare_with_osslsigncode "$W/signed.cat" "$W/signed.cat" "$CERT"
	serial=$(openssl x509 -in "$CERT" -noout -serial | sed 's/^serial=//')
	run_drvcat show --json "$W/signed.cat"
	status_is 0
	same "signer" "/CN=drvcat test signer $serial sha256 null" \
		"$(jq -r '.signers[] | "\(.subject) \(.serial) \(.digest_algorithm) \(.timestamp)"' <<<"$output")"
}

@test "show: the timestamp kind of each signed sample (catalog-format.md section 9)" {
	need_shared samples/catalogs
	local expected actual rel
	expected=$(printf '%s\n' \
		"arduino-Arduino/FTDI-ftdibus/ftdibus.cat rfc3161 2021-07-08T14:55:22Z" \
		"arduino-Arduino/CP210x_6.7.4-slabvcp/slabvcp.cat authenticode 2016-10-27T17:04:59Z" \
		"arduino-Arduino/arduino-inf2cat/arduino.cat authenticode 2015-11-24T20:29:27Z" \
		"virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat rfc3161 2023-07-22T02:27:12Z")
	actual=$(for rel in arduino-Arduino/FTDI-ftdibus/ftdibus.cat \
		arduino-Arduino/CP210x_6.7.4-slabvcp/slabvcp.cat \
		arduino-Arduino/arduino-inf2cat/arduino.cat \
		virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat; do
		"$DRVCAT" show --json "$CATS/$rel" | jq -r --arg rel "$rel" '.signers[] | "\($rel) \(.timestamp) \(.timestamp_time)"'
	done)
	same "timestamps" "$expected" "$actual"
}

# ---- drvcat show vs catmembers.py and openssl ----

# compare_with_catmembers CAT: version, OS, HWIDs and every member (tag as
# raw hex, File, OSAttr, kind, digest) as catmembers.py reads them, and the
# list identifier and thisUpdate as openssl asn1parse prints them.
compare_with_catmembers() {
	local cat=$1 show ref id utc
	run_drvcat show --json "$cat"
	status_is 0
	show=$output
	ref=$(catm "$cat")
	# not vacuous: both read, the same number of members
	[ "$(jq '.members | length' <<<"$ref")" -gt 0 ]
	same "member count" "$(jq '.members | length' <<<"$ref")" "$(jq '.members | length' <<<"$show")"
	same version "$(jq .version <<<"$ref")" "$(jq .version <<<"$show")"
	same "OS" "$(jq -r .os <<<"$ref")" \
		"$(jq -r '[.attributes[] | select(.name == "OS") | .value] | first' <<<"$show")"
	same "HWIDs" "$(jq -r '.hwids[]' <<<"$ref")" \
		"$(jq -r '.attributes | map(select(.name | test("^HWID[0-9]+$"))) | sort_by(.name[4:] | tonumber) | .[].value' <<<"$show")"
	# drvcat shows a v1 tag as its text; catmembers gives the raw bytes in hex
	same "members" "$(jq -c '.members[] | [.tag, .file, .osattr, .kind, .digest_alg, .digest]' <<<"$ref")" \
		"$(jq -c --argjson v "$(jq .version <<<"$show")" '.members[] |
			[.tag, .file, .os_attr, .kind, .digest_algorithm, (.digest | if . then ascii_downcase else null end)]' <<<"$show" |
			$PY -c '
import json, sys
v1 = sys.argv[1] == "1"
for line in sys.stdin:
    m = json.loads(line)
    if v1:
        m[0] = (m[0] + "\0").encode("utf-16-le").hex().upper()
    print(json.dumps(m, separators=(",", ":"), ensure_ascii=False))
' "$(jq .version <<<"$show")")"
	id=$(openssl asn1parse -inform DER -in "$cat" | grep -m1 'l=  16 prim: OCTET STRING' | sed 's/.*\[HEX DUMP\]://')
	same "list identifier" "$id" "$(jq -r .list_identifier <<<"$show")"
	utc=$(openssl asn1parse -inform DER -in "$cat" | sed -n 's/^.*prim: *UTCTIME *:\([0-9]\{12\}\)Z.*$/\1/p' | head -1)
	same "thisUpdate" "20${utc:0:2}-${utc:2:2}-${utc:4:2}T${utc:6:2}:${utc:8:2}:${utc:10:2}Z" \
		"$(jq -r .this_update <<<"$show")"
}

@test "show vs catmembers.py: FTDI ftdibus.cat" {
	need_shared samples/catalogs/arduino-Arduino/FTDI-ftdibus
	need_py
	compare_with_catmembers "$CATS/arduino-Arduino/FTDI-ftdibus/ftdibus.cat"
}

@test "show vs catmembers.py: CP210x slabvcp.cat" {
	need_shared samples/catalogs/arduino-Arduino/CP210x_6.7.4-slabvcp
	need_py
	compare_with_catmembers "$CATS/arduino-Arduino/CP210x_6.7.4-slabvcp/slabvcp.cat"
}

@test "show vs catmembers.py: arduino.cat" {
	need_shared samples/catalogs/arduino-Arduino/arduino-inf2cat
	need_py
	compare_with_catmembers "$CATS/arduino-Arduino/arduino-inf2cat/arduino.cat"
}

@test "show vs catmembers.py: viorng.cat" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	need_py
	compare_with_catmembers "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat"
}

@test "show vs catmembers.py: MakeCat unsigned.cat" {
	need_shared samples/catalogs/osslsigncode/makecat-v2-testvector
	need_py
	compare_with_catmembers "$CATS/osslsigncode/makecat-v2-testvector/files/unsigned.cat"
}

@test "show: MakeCat unsigned.cat page hashes and catalog OSAttr" {
	need_shared samples/catalogs/osslsigncode/makecat-v2-testvector
	need_py
	run_drvcat show --json "$CATS/osslsigncode/makecat-v2-testvector/files/unsigned.cat"
	status_is 0
	# unsigned.exe was made with PageHashes=true (its SHA-256 entry); the CDF's CATATTR1
	same "members with page hashes" "unsigned.exe PE sha256" \
		"$(jq -r '.members[] | select(.page_hashes) | "\(.file) \(.kind) \(.digest_algorithm)"' <<<"$output")"
	same "catalog attributes" '[{"name":"OSAttr","value":"2:6.0","flags":268500993}]' \
		"$(jq -c .attributes <<<"$output")"
}

# ---- text output ----

@test "show text: viorng.cat header, attributes, members and signer lines" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	local cat=$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat
	run_drvcat show "$cat"
	status_is 0
	same stderr "" "$stderr"
	same "first 10 lines" "$(printf '%s\n' \
		"catalog:   $cat" \
		"version:   2 (SHA-256 members with SHA-1 compatibility entries)" \
		"list id:   836AF019F75F0141942E60C1D11B887B" \
		"time:      2023-07-22T01:51:58Z" \
		"attribute: OS = 8X64" \
		'attribute: HWID4 = pci\ven_1af4&dev_1044' \
		'attribute: HWID3 = pci\ven_1af4&dev_1044&subsys_11001af4&rev_01' \
		'attribute: HWID2 = pci\ven_1af4&dev_1005' \
		'attribute: HWID1 = pci\ven_1af4&dev_1005&subsys_00041af4&rev_00' \
		"members:   8")" "$(head -10 <<<"$output")"
	has_line "show" "  viorng.sys  PE  sha256 C1FF61CBDA3F676BE4B30CD901DD288E940C4F4135ACC0C1CB69DE607C2DE76C  OSAttr 2:6.2" "$output"
	has_line "show" "  viorng.sys  PE  compat tag FB97E2F5019319E23FDB30E254DF31D4549C48E5  OSAttr 2:6.2" "$output"
	has_line "show" "  viorng.inf  flat  sha256 3EEB5941EA0F6ACD3A72B154FCA93E1D66C88080ADD4DC37A1A9CBFD2519CBB9  OSAttr 2:6.2" "$output"
	has_line "show" "signer:    /O=virtio-win/OU=Dev/CN=Red Hat Inc." "$output"
	has_line "show" "  serial:  3DFEAF1B61BD1CA14E1018A382666ABC" "$output"
	has_line "show" "  timestamp: rfc3161 2023-07-22T02:27:12Z" "$output"
}

@test "show text: an unsigned catalog says so" {
	need_shared samples/catalogs/osslsigncode/makecat-v2-testvector
	run_drvcat show "$CATS/osslsigncode/makecat-v2-testvector/files/unsigned.cat"
	status_is 0
	has_line "show" "signers:   none (unsigned)" "$output"
	has_line "show" "members:   14" "$output"
	has_line "show" "attribute: OSAttr = 2:6.0" "$output"
}

# ---- catalogs drvcat built ----

@test "show: a catalog drvcat built lists what build wrote (time, attributes in order, page-hash flags)" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	need_py
	"$DRVCAT" build --os 8_X64 --page-hashes --time "$T0" --attr "Project=drvcat" \
		--out "$W/x.cat" "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng" >/dev/null
	run_drvcat show --json "$W/x.cat"
	status_is 0
	same "version, time, signers" '2 2023-11-14T22:13:20Z []' \
		"$(jq -c -r '"\(.version) \(.this_update) \(.signers)"' <<<"$output")"
	same "attributes" "$(printf '%s\n' 'Project=drvcat 268500993' 'OS=8X64 268500993' \
		'HWID4=pci\ven_1af4&dev_1044 268500993' \
		'HWID3=pci\ven_1af4&dev_1044&subsys_11001af4&rev_01 268500993' \
		'HWID2=pci\ven_1af4&dev_1005 268500993' \
		'HWID1=pci\ven_1af4&dev_1005&subsys_00041af4&rev_00 268500993')" \
		"$(jq -r '.attributes[] | "\(.name)=\(.value) \(.flags)"' <<<"$output")"
	# page hashes on the three PE files' SHA-256 entries only
	same "members with page hashes" "$(printf '%s\n' 'viorng.sys PE' 'viorngum.dll PE' 'wdfcoinstaller01011.dll PE')" \
		"$(jq -r '.members[] | select(.page_hashes) | "\(.file) \(.kind)"' <<<"$output" | sort)"
	compare_with_catmembers "$W/x.cat"
}

# ---- malformed input ----

# bad_show STATUS STDERR ARGS...
bad_show() {
	local want_status=$1 want=$2
	shift 2
	run_drvcat show "$@"
	[ "$want_status" != 2 ] || want+=$'\n'"$SHOW_USAGE"
	status_is "$want_status"
	same stderr "$want" "$stderr"
	same stdout "" "$output"
}

@test "show bad: a file that does not exist" {
	bad_show 1 "drvcat: show: $W/none.cat: cannot open: No such file or directory" "$W/none.cat"
}

@test "show bad: a directory" {
	bad_show 1 "drvcat: show: $W: is a directory, not a file" "$W"
}

@test "show bad: an empty file" {
	: >"$W/empty.cat"
	bad_show 1 "drvcat: show: reading PKCS#7 ContentInfo: $W/empty.cat: offset 0x0: expected another DER element, found the end of its container" "$W/empty.cat"
}

@test "show bad: a truncated catalog names the offset" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	head -c 1000 "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat" >"$W/trunc.cat"
	bad_show 1 "drvcat: show: reading PKCS#7 ContentInfo: $W/trunc.cat: offset 0x0: DER element of length 8108 runs past its container (996 bytes left)" --json "$W/trunc.cat"
}

@test "show bad: trailing bytes after the catalog" {
	need_shared samples/catalogs/virtio-win-pkg-scripts/Win8-amd64-viorng
	cp "$CATS/virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat" "$W/trail.cat"
	printf '\0\0' >>"$W/trail.cat"
	bad_show 1 "drvcat: show: $W/trail.cat: offset 0x1fb0: catalog file has 2 unexpected trailing bytes" "$W/trail.cat"
}

@test "show bad: an X.509 certificate is not a catalog" {
	make_cert
	openssl x509 -in "$CERT" -outform DER -out "$W/cert.der"
	bad_show 1 "drvcat: show: $W/cert.der: offset 0x4: content type: expected tag 0x06, found 0x30" "$W/cert.der"
}

@test "show bad: a PKCS#7 that is not signedData is not a catalog" {
	# ContentInfo { data (1.2.840.113549.1.7.1), [0] OCTET STRING "x" }
	printf '\x30\x12\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x01\xa0\x05\x04\x03abc' >"$W/data.p7"
	bad_show 1 "drvcat: show: $W/data.p7: offset 0x2: not a catalog: content type is not PKCS#7 signedData" "$W/data.p7"
}

@test "show bad: a PE file is not a catalog" {
	printf 'MZ' >"$W/x.sys"
	head -c 200 /dev/zero >>"$W/x.sys"
	bad_show 1 "drvcat: show: $W/x.sys: offset 0x0: PKCS#7 ContentInfo: expected tag 0x30, found 0x4d" "$W/x.sys"
}

@test "show bad: BER indefinite length" {
	printf '\x30\x80\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02\x00\x00' >"$W/ber.cat"
	bad_show 1 "drvcat: show: reading PKCS#7 ContentInfo: $W/ber.cat: offset 0x0: indefinite length (BER) is not allowed in DER" "$W/ber.cat"
}

@test "show bad: no file argument" {
	bad_show 2 "drvcat: show: missing argument"
}

@test "show bad: two file arguments" {
	bad_show 2 "drvcat: show: unexpected argument 'b.cat'" a.cat b.cat
}

@test "show bad: unknown option" {
	bad_show 2 "drvcat: show: unknown option '--text'" --text a.cat
}
