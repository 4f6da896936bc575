#!/usr/bin/env bats
# drvcat hash: Authenticode image hashes and page-hash tables of drivers built
# at test time, checked against osslsigncode (which no one here wrote):
#   - the "Calculated message digest" osslsigncode prints for a signed file;
#   - the page-hash table osslsigncode -ph embeds in SpcPeImageData;
#   - the reference digests in $SHARED/samples/pe/authenticode-hashes.txt.
# Run: DRVCAT=/tmp/hash-build/drvcat bats tests/e2e/hash.bats

load helpers
bats_require_minimum_version 1.5.0

PY=/usr/bin/python3

# drvcat hash ARGS with stdout in $output and stderr in $stderr.  (helpers.bash's
# run_drvcat redirects stderr outside bats' run, which already merged it into
# $output, so its $stderr is always empty.)
run_hash() {
	run --separate-stderr "$DRVCAT" hash "$@"
}

setup() {
	command -v osslsigncode >/dev/null || skip "osslsigncode not installed"
	command -v clang >/dev/null && command -v lld-link >/dev/null ||
		skip "clang and lld-link are needed to build test drivers"
	W=$BATS_TEST_TMPDIR
}

# A throwaway self-signed code-signing certificate in $W/cs.{pem,key}.
make_cert() {
	[ -f "$W/cs.pem" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/cs.key" -out "$W/cs.pem" \
		-subj "/CN=drvcat test signer" -days 2 2>/dev/null
}

# sign IN OUT [osslsigncode options...]: osslsigncode refuses to overwrite OUT.
sign() {
	local in=$1 out=$2
	shift 2
	make_cert
	rm -f "$out"
	osslsigncode sign -certs "$W/cs.pem" -key "$W/cs.key" "$@" -in "$in" -out "$out" >/dev/null
}

# osslsigncode's "Calculated message digest" of a signed file, lower case.
ossl_digest() {
	osslsigncode verify -in "$1" 2>/dev/null |
		sed -n 's/^Calculated message digest *: *\([0-9A-Fa-f]*\).*/\1/p' | head -1 |
		tr 'A-F' 'a-f'
}

# drvcat_field FILE KEY [--page-hashes]: one top-level JSON field of drvcat hash --json.
drvcat_field() {
	local file=$1 key=$2
	shift 2
	"$DRVCAT" hash --json "$@" "$file" |
		$PY -c "import json,sys; print(json.load(sys.stdin)['files'][0]['$key'])"
}

# drvcat_table FILE ALG: the page-hash table (hex) for sha1 or sha256.
drvcat_table() {
	"$DRVCAT" hash --json --page-hashes "$1" |
		$PY -c "import json,sys; print(json.load(sys.stdin)['files'][0]['page_hashes']['$2']['table'])"
}

# embedded_table FILE: "OID HEX" of the page-hash table in FILE's Authenticode signature:
# WIN_CERTIFICATE -> PKCS#7 -> SpcIndirectDataContent -> SpcPeImageData -> file [0]
# SpcLink -> moniker [1] SpcSerializedObject -> serializedData =
# SET { SEQUENCE { OID 1.3.6.1.4.1.311.2.3.1|.2, SET { OCTET STRING table } } }.
embedded_table() {
	$PY - "$1" <<'EOF'
import struct, sys
from asn1crypto import cms, core, parser

def kids(data):
    out = []
    while data:
        cls, method, tag, header, body, trailer = parser.parse(data)
        out.append((cls, tag, body))
        data = data[len(header) + len(body) + len(trailer):]
    return out

def one(data, cls, tag):
    (c, t, body), = kids(data)
    assert (c, t) == (cls, tag), ((c, t), (cls, tag))
    return body

f = open(sys.argv[1], 'rb').read()
opt = struct.unpack_from('<I', f, 0x3c)[0] + 24
slot = opt + (144 if struct.unpack_from('<H', f, opt)[0] == 0x20b else 128)
off, size = struct.unpack_from('<II', f, slot)
length, revision, ctype = struct.unpack_from('<IHH', f, off)
assert ctype == 2, 'not WIN_CERT_TYPE_PKCS_SIGNED_DATA'
eci = cms.ContentInfo.load(f[off + 8:off + length])['content']['encap_content_info']
assert eci['content_type'].dotted == '1.3.6.1.4.1.311.2.1.4'       # SPC_INDIRECT_DATA
idc = one(one(eci['content'].dump(), 2, 0), 0, 16)                 # [0] EXPLICIT SEQUENCE
data = kids(idc)[0]                                                # SpcAttributeTypeAndOptionalValue
oid, value = kids(data[2])
assert core.ObjectIdentifier.load(parser.emit(0, 0, 6, oid[2])).dotted == '1.3.6.1.4.1.311.2.1.15'
flags, file0 = kids(value[2])                                      # SpcPeImageData
assert file0[:2] == (2, 0)                                         # file [0] EXPLICIT SpcLink
(cls, tag, moniker), = kids(file0[2])
assert (cls, tag) == (2, 1)                                        # moniker [1] IMPLICIT
class_id, serialized = kids(moniker)
assert class_id[2].hex() == 'a6b586d5b4a12466ae05a217da8e60d6'
attr = one(one(serialized[2], 0, 17), 0, 16)                      # SET { SEQUENCE {
ph_oid, ph_set = kids(attr)
print(core.ObjectIdentifier.load(parser.emit(0, 0, 6, ph_oid[2])).dotted,
      one(ph_set[2], 0, 4).hex())                                 # SET { OCTET STRING } }
EOF
}

@test "hash: signed drivers give osslsigncode's calculated digest, and so do the unsigned ones" {
	for arch in amd64 x86 arm64; do
		"$TOOLS/build-driver.sh" $arch "$W/u-$arch.sys" hashtest
		for alg in sha256 sha1; do
			sign "$W/u-$arch.sys" "$W/s-$arch-$alg.sys" -h $alg
			want=$(ossl_digest "$W/s-$arch-$alg.sys")
			[ ${#want} -eq $([ $alg = sha1 ] && echo 40 || echo 64) ]
			got_signed=$(drvcat_field "$W/s-$arch-$alg.sys" $alg)
			got_unsigned=$(drvcat_field "$W/u-$arch.sys" $alg)
			echo "$arch $alg: osslsigncode $want, drvcat signed $got_signed unsigned $got_unsigned"
			[ "$got_signed" = "$want" ]
			# The image hash leaves the signature out: the unsigned file hashes the same.
			[ "$got_unsigned" = "$want" ]
		done
		[ "$(drvcat_field "$W/s-$arch-sha256.sys" certificate_table)" != None ]
		[ "$(drvcat_field "$W/u-$arch.sys" certificate_table)" = None ]
	done
}

@test "hash: an unsigned file whose size is not a multiple of 8 is hashed with zero padding" {
	"$TOOLS/build-driver.sh" amd64 "$W/u.sys" padtest
	cp "$W/u.sys" "$W/u3.sys"
	printf 'abc' >>"$W/u3.sys" # an overlay: size % 8 == 3
	sign "$W/u3.sys" "$W/s3.sys" -h sha256
	want=$(ossl_digest "$W/s3.sys")
	run_hash --json "$W/u3.sys" "$W/s3.sys"
	[ "$status" -eq 0 ]
	echo "$output"
	got=$(echo "$output" | $PY -c "import json,sys; print(' '.join(f['sha256'] + ':' + str(f['padding']) for f in json.load(sys.stdin)['files']))")
	# osslsigncode pads the file to a multiple of 8 before appending the signature, so
	# the signed file's digest is the padded hash of the unsigned one.
	[ "$got" = "$want:5 $want:0" ]
	# Without the padding the digest differs (what pesign -h computes).
	unpadded=$($PY - "$W/u3.sys" <<'EOF'
import hashlib, struct, sys
f = open(sys.argv[1], 'rb').read()
opt = struct.unpack_from('<I', f, 0x3c)[0] + 24
ck, slot = opt + 64, opt + 144
print(hashlib.sha256(f[:ck] + f[ck + 4:slot] + f[slot + 8:]).hexdigest())
EOF
)
	[ "$unpadded" != "$want" ]
	[ "$($PY -c "
import hashlib, struct, sys
f = open('$W/u3.sys', 'rb').read() + bytes(5)
opt = struct.unpack_from('<I', f, 0x3c)[0] + 24
ck, slot = opt + 64, opt + 144
print(hashlib.sha256(f[:ck] + f[ck + 4:slot] + f[slot + 8:]).hexdigest())")" = "$want" ]
}

@test "hash --page-hashes: tables equal the ones osslsigncode -ph embeds, byte for byte" {
	for arch in amd64 x86 arm64; do
		"$TOOLS/build-driver.sh" $arch "$W/u-$arch.sys" pagetest
		for alg in sha256 sha1; do
			sign "$W/u-$arch.sys" "$W/p-$arch-$alg.sys" -h $alg -ph
			embedded=$(embedded_table "$W/p-$arch-$alg.sys")
			oid=${embedded%% *}
			[ "$oid" = "1.3.6.1.4.1.311.2.3.$([ $alg = sha1 ] && echo 1 || echo 2)" ]
			mine=$(drvcat_table "$W/u-$arch.sys" $alg)
			mine_signed=$(drvcat_table "$W/p-$arch-$alg.sys" $alg)
			echo "$arch $alg: osslsigncode ${embedded#* }"
			echo "$arch $alg: drvcat       $mine"
			[ "${embedded#* }" = "$mine" ]
			[ "$mine_signed" = "$mine" ]
		done
	done
	# Record counts: the text output and the JSON fields agree with the embedded table.
	table=$(embedded_table "$W/p-x86-sha1.sys")
	table=${table#* }
	n=$(( ${#table} / 48 )) # 24-byte records, 2 hex digits a byte
	[ $(( ${#table} % 48 )) -eq 0 ] && [ "$n" -ge 4 ]
	run_hash --page-hashes "$W/u-x86.sys"
	[ "$status" -eq 0 ]
	[[ "$output" == *"  sha1 page hashes: $n records"* ]]
	[[ "$output" == *"  sha256 page hashes: $n records"* ]]
	[ "$(drvcat_field "$W/u-x86.sys" page_hashes --page-hashes | $PY -c "
import ast,sys; d = ast.literal_eval(sys.stdin.read())
print(d['sha1']['records'], d['sha1']['record_size'], d['sha256']['records'], d['sha256']['record_size'])")" = "$n 24 $n 36" ]
}

@test "hash: reference digests of the shared PE samples" {
	need_shared samples/pe
	list=$SHARED/samples/pe/authenticode-hashes.txt
	files=()
	while read -r name sha256 ossl pesign sha1; do
		[[ $name == \#* ]] && continue
		files+=("$SHARED/samples/pe/$name")
	done <"$list"
	[ ${#files[@]} -ge 25 ]
	run_hash --json "${files[@]}"
	[ "$status" -eq 0 ]
	echo "$output" | $PY -c "
import json, sys
want = {}
for line in open('$list'):
    if not line.startswith('#') and line.strip():
        name, sha256, ossl, pesign, sha1 = line.split()
        want['$SHARED/samples/pe/' + name] = (sha256, sha1)
bad = 0
for f in json.load(sys.stdin)['files']:
    if (f['sha256'], f['sha1']) != want[f['path']]:
        print('MISMATCH', f['path'], f['sha256'], f['sha1']); bad += 1
print(len(want), 'files,', bad, 'mismatches')
sys.exit(1 if bad else 0)"
}

@test "hash: text output for a PE and a flat file" {
	"$TOOLS/build-driver.sh" amd64 "$W/d.sys" texttest
	printf '[Version]\r\nSignature="$Windows NT$"\r\n' >"$W/d.inf"
	run_hash "$W/d.sys" "$W/d.inf"
	[ "$status" -eq 0 ]
	echo "$output"
	sha256=$(drvcat_field "$W/d.sys" sha256)
	[ "${lines[0]}" = "$W/d.sys: PE32+ amd64 (machine 0x8664), no certificate table" ]
	[ "${lines[2]}" = "  sha256  $sha256" ]
	[ "${lines[3]}" = "$W/d.inf: flat" ]
	[ "${lines[4]}" = "  sha1    124a3f9a6a375b043859eeec1ad17bf05ad741d3" ]
	[ "${lines[5]}" = "  sha256  a489f7522e270dbeddbbf7344dfc6cdd5644f60e6d8d82ddceaaf144c3ed15c5" ]
	[ "$stderr" = "" ]
}

@test "hash: every bad file is reported, the good ones still hashed, exit 1" {
	"$TOOLS/build-driver.sh" amd64 "$W/good.sys" goodtest
	head -c 200 "$W/good.sys" >"$W/short.sys"
	printf 'MZ' >"$W/mz.bin"
	run_hash "$W/short.sys" "$W/missing.sys" "$W/good.sys" "$W/mz.bin"
	[ "$status" -eq 1 ]
	echo "$stderr"
	[ "$(echo "$stderr" | wc -l)" -eq 3 ]
	[[ "$stderr" == *"drvcat: hash: $W/short.sys: offset 0x"*"runs past the end of the file (size 0xc8)"* ]]
	[[ "$stderr" == *"drvcat: hash: $W/missing.sys: cannot open: No such file or directory"* ]]
	[[ "$stderr" == *"drvcat: hash: $W/mz.bin: offset 0x0: DOS header (0x40 bytes) runs past the end of the file (size 0x2)"* ]]
	[ "${lines[0]}" = "$W/good.sys: PE32+ amd64 (machine 0x8664), no certificate table" ]
	# JSON keeps one entry per file, errors included.
	run_hash --json "$W/short.sys" "$W/good.sys"
	[ "$status" -eq 1 ]
	echo "$output" | $PY -c "
import json, sys
f = json.load(sys.stdin)['files']
assert 'error' in f[0] and f[0]['error'].startswith('$W/short.sys: offset 0x'), f[0]
assert f[1]['kind'] == 'PE' and len(f[1]['sha256']) == 64, f[1]"
}

@test "hash: forged signed files (data after the signature, table size past EOF) are rejected" {
	"$TOOLS/build-driver.sh" amd64 "$W/u.sys" forgetest
	sign "$W/u.sys" "$W/s.sys" -h sha256
	cp "$W/s.sys" "$W/tail.sys"
	printf 'appended' >>"$W/tail.sys"
	run_hash "$W/tail.sys"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "drvcat: hash: $W/tail.sys: offset 0x"*": certificate table 0x"*" is not at the end of the file: 0x8 bytes follow it" ]]
	run osslsigncode verify -in "$W/tail.sys"
	[ "$status" -ne 0 ]
	[[ "$output" == *"signature not at the end of the file"* ]]
	# The table's size field grown past EOF.
	cp "$W/s.sys" "$W/big.sys"
	$PY - "$W/big.sys" <<'EOF'
import struct, sys
f = bytearray(open(sys.argv[1], 'rb').read())
slot = struct.unpack_from('<I', f, 0x3c)[0] + 24 + 144
off, size = struct.unpack_from('<II', f, slot)
struct.pack_into('<I', f, slot + 4, 0xffffffff)
open(sys.argv[1], 'wb').write(f)
EOF
	run_hash "$W/big.sys"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"+0xffffffff ends past the end of the file"* ]]
}

@test "hash: usage errors exit 2" {
	run_hash
	[ "$status" -eq 2 ]
	[[ "$stderr" == "drvcat: hash: missing argument"* ]]
	run_hash --page-hash x.sys
	[ "$status" -eq 2 ]
	[[ "$stderr" == "drvcat: hash: unknown option '--page-hash'"* ]]
	run "$DRVCAT" help hash
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: drvcat hash [--page-hashes] [--json] FILE..."* ]]
}
