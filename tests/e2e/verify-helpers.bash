# verify-helpers.bash - fixtures and independent oracles for tests/e2e/verify.bats.
# Nothing here uses drvcat: certificates come from `openssl ca`, signatures
# from osslsigncode, digests from Python's hashlib, DER offsets from a plain
# DER walk.  Load after helpers and lib.

VH_PY=/usr/bin/python3 # the Debian interpreter (oracles.md)

# vh_flip FILE OFFSET: XORs the byte at OFFSET with 0xff, in place.
vh_flip() {
	$VH_PY - "$1" "$2" <<'EOF'
import sys
path, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(path, "rb").read())
assert 0 <= off < len(b), "offset %d outside %s (%d bytes)" % (off, path, len(b))
b[off] ^= 0xFF
open(path, "wb").write(b)
EOF
}

# vh_der WHAT CAT [ARGS]: a plain DER walk over a signed catalog
# (ContentInfo -> SignedData -> contentInfo [0] CTL, signerInfos).
#   ctl-byte CAT        offset of the middle byte of the CTL's listIdentifier
#                       (OCTET STRING, the CTL's 2nd field): inside the signed
#                       content, outside every member
#   sig-byte CAT        offset of the middle byte of the first SignerInfo's
#                       signature value
#   splice CAT DONOR OUT  CAT with its CTL replaced by DONOR's (same length):
#                       a signature over different content
#   gentime TOKEN.der   (not a catalog) the TSTInfo genTime of an RFC 3161
#                       token given as its TSTInfo DER, as "YYYY-MM-DD HH:MM:SS UTC"
vh_der() {
	$VH_PY - "$@" <<'EOF'
import sys

def header(b, off):
    first = b[off + 1]
    if first < 0x80:
        return 2, first
    n = first & 0x7F
    return 2 + n, int.from_bytes(b[off + 2:off + 2 + n], "big")

def children(b, off):
    hl, ln = header(b, off)
    p, end, out = off + hl, off + hl + ln, []
    while p < end:
        out.append(p)
        chl, cln = header(b, p)
        p += chl + cln
    return out

def ctl(b):
    signed = children(b, children(b, 0)[1])[0]
    parts = children(b, signed)
    c = children(b, children(b, parts[2])[1])[0]
    assert b[c] == 0x30, "CTL is not a SEQUENCE"
    return c, parts

what = sys.argv[1]
b = open(sys.argv[2], "rb").read()
if what == "ctl-byte":
    c, _ = ctl(b)
    li = children(b, c)[1]
    assert b[li] == 0x04, "listIdentifier is not an OCTET STRING"
    hl, ln = header(b, li)
    print(li + hl + ln // 2)
elif what == "sig-byte":
    _, parts = ctl(b)
    signer = children(b, parts[-1])[0]
    value = [f for f in children(b, signer) if b[f] == 0x04][0]
    hl, ln = header(b, value)
    print(value + hl + ln // 2)
elif what == "splice":
    donor = open(sys.argv[3], "rb").read()
    c, _ = ctl(b)
    d, _ = ctl(donor)
    ca, cb = sum(header(b, c)), sum(header(donor, d))
    assert ca == cb, "CTLs differ in length (%d, %d)" % (ca, cb)
    assert b[c:c + ca] != donor[d:d + cb], "the donor's CTL is the same"
    open(sys.argv[4], "wb").write(b[:c] + donor[d:d + cb] + b[c + ca:])
elif what == "gentime":
    # TSTInfo: version, policy, messageImprint, serialNumber, genTime (GeneralizedTime)
    t = [f for f in children(b, 0) if b[f] == 0x18][0]
    hl, ln = header(b, t)
    s = b[t + hl:t + hl + ln].decode()
    print("%s-%s-%s %s:%s:%s UTC" % (s[0:4], s[4:6], s[6:8], s[8:10], s[10:12], s[12:14]))
EOF
}

# vh_authenticode FILE [sha256|sha1]: the Authenticode digest of a PE file,
# lower-case hex, by the rule in oracles.md: the whole file except the
# CheckSum (4 bytes) and the security data-directory entry (8 bytes), up to
# the certificate table; an unsigned file is zero-padded to a multiple of 8.
vh_authenticode() {
	$VH_PY - "$1" "${2:-sha256}" <<'EOF'
import hashlib, sys
b = open(sys.argv[1], "rb").read()
le = lambda o, n: int.from_bytes(b[o:o + n], "little")
opt = le(0x3C, 4) + 24                              # PE signature (4) + COFF header (20)
checksum = opt + 64
dirs = opt + (96 if le(opt, 2) == 0x10B else 112)  # PE32 / PE32+
security = dirs + 4 * 8                             # data directory 4
cert_off = le(security, 4)
end = cert_off if cert_off else len(b)
data = b[:checksum] + b[checksum + 4:security] + b[security + 8:end]
if not cert_off and len(b) % 8:
    data += b"\0" * (8 - len(b) % 8)
print(hashlib.new(sys.argv[2], data).hexdigest())
EOF
}

# vh_sha256 FILE: flat SHA-256, lower-case hex.
vh_sha256() {
	sha256sum "$1" | cut -d' ' -f1
}

# vh_oss_digest CAT FILE: osslsigncode's "Calculated message digest" of FILE
# (an untampered member of CAT), lower-case hex.
vh_oss_digest() {
	osslsigncode verify -CAfile "$F/pki/root.pem" -catalog "$1" -in "$2" 2>/dev/null |
		sed -n 's/^Calculated message digest *: *\([0-9A-F]*\).*/\1/p' | tr A-F a-f
}

# vh_pki DIR: a small PKI made with `openssl ca` (explicit validity windows,
# which `openssl req -x509` in OpenSSL 3.0 cannot set):
#   root.pem       CN=vt root            2020-01-01 .. 2040-01-01
#   int.pem        CN=vt intermediate    2020 .. 2039, signed by root
#   cs.pem         CN=vt signer          codeSigning, 2020 .. 2038, by int
#   web.pem        CN=vt web server      serverAuth only, by int
#   old.pem        CN=vt expired signer  codeSigning, 2021-01-01 .. 2022-01-01, by int
#   other.pem      CN=vt other root      an unrelated root
#   tsaroot.pem    CN=vt TSA root        a separate root for the TSA
#   tsa.pem        CN=vt TSA             critical EKU timeStamping, by tsaroot
#   chain.pem = int + root, tsachain.pem = tsa + tsaroot
vh_pki() {
	local d=$1
	mkdir -p "$d/new" && : >"$d/index.txt" && echo 1000 >"$d/serial" || return 1
	cat >"$d/ca.cnf" <<EOF
[ ca ]
default_ca = c
[ c ]
dir = $d
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[ p ]
commonName = supplied
[ root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ inter ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ cs ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = codeSigning
[ web ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
[ tsa ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
EOF
	vh_issue "$d" root "vt root" self root 20200101000000Z 20400101000000Z &&
	vh_issue "$d" int "vt intermediate" root inter 20200101000000Z 20390101000000Z &&
	vh_issue "$d" cs "vt signer" int cs 20200101000000Z 20380101000000Z &&
	vh_issue "$d" web "vt web server" int web 20200101000000Z 20380101000000Z &&
	vh_issue "$d" old "vt expired signer" int cs 20210101000000Z 20220101000000Z &&
	vh_issue "$d" other "vt other root" self root 20200101000000Z 20400101000000Z &&
	vh_issue "$d" tsaroot "vt TSA root" self root 20200101000000Z 20400101000000Z &&
	vh_issue "$d" tsa "vt TSA" tsaroot tsa 20200101000000Z 20390101000000Z &&
	cat "$d/int.pem" "$d/root.pem" >"$d/chain.pem" &&
	cat "$d/tsa.pem" "$d/tsaroot.pem" >"$d/tsachain.pem"
}

# vh_issue DIR NAME CN ISSUER|self EXTENSIONS START END: NAME.key and NAME.pem.
vh_issue() {
	local d=$1 name=$2 cn=$3 issuer=$4 ext=$5 start=$6 end=$7 signer
	openssl req -new -newkey rsa:2048 -nodes -keyout "$d/$name.key" -subj "/CN=$cn" \
		-out "$d/$name.csr" 2>/dev/null || return 1
	if [ "$issuer" = self ]; then
		signer=(-selfsign -keyfile "$d/$name.key")
	else
		signer=(-cert "$d/$issuer.pem" -keyfile "$d/$issuer.key")
	fi
	openssl ca -batch -notext -config "$d/ca.cnf" "${signer[@]}" -in "$d/$name.csr" \
		-out "$d/$name.pem" -extensions "$ext" -startdate "$start" -enddate "$end" \
		>/dev/null 2>&1 || { echo "openssl ca failed for $name" >&2; return 1; }
}

# vh_oss_sign IN OUT NAME [CHAIN [TSA_TIME]]: osslsigncode signs IN with
# $F/pki/NAME.{pem,key}, adding CHAIN (a PEM file, or "" for none) and, with
# TSA_TIME, an RFC 3161 timestamp from its built-in TSA (tsa.pem) at that time.
vh_oss_sign() {
	local in=$1 out=$2 name=$3 chain=${4:-} t=${5:-} p=$F/pki args
	args=(-certs "$p/$name.pem" -key "$p/$name.key" -h sha256)
	[ -n "$chain" ] && args+=(-ac "$chain")
	[ -n "$t" ] && args+=(-TSA-certs "$p/tsachain.pem" -TSA-key "$p/tsa.key" -TSA-time "$t")
	rm -f "$out"
	osslsigncode sign "${args[@]}" -in "$in" -out "$out" >/dev/null ||
		{ echo "osslsigncode sign failed for $out" >&2; return 1; }
}

# vh_drv_sign IN OUT NAME [CHAIN_FILES...]: drvcat sign, as a user would.
vh_drv_sign() {
	local in=$1 out=$2 name=$3 p=$F/pki args=()
	shift 3
	for c in "$@"; do args+=(--chain "$c"); done
	"$DRVCAT" sign --cert "$p/$name.pem" --key "$p/$name.key" "${args[@]}" --out "$out" "$in" \
		>/dev/null 2>&1 || { echo "drvcat sign failed for $out" >&2; return 1; }
}

# vh_token_time CAT: the genTime of CAT's RFC 3161 timestamp token, read with
# cat-parts.py (token), `openssl cms` (its TSTInfo) and a DER walk.
vh_token_time() {
	local t
	t=$(mktemp -d "$BATS_TEST_TMPDIR/tok.XXXXXX")
	$VH_PY "$TOOLS/cat-parts.py" token "$1" "$t/token.der" &&
		openssl cms -verify -noverify -inform DER -in "$t/token.der" -out "$t/tst.der" 2>/dev/null &&
		vh_der gentime "$t/tst.der"
}

# vh_token_certs CAT OUT: the certificates inside CAT's RFC 3161 token.
vh_token_certs() {
	local t
	t=$(mktemp -d "$BATS_TEST_TMPDIR/tok.XXXXXX")
	$VH_PY "$TOOLS/cat-parts.py" token "$1" "$t/token.der" &&
		openssl cms -verify -noverify -inform DER -in "$t/token.der" -certsout "$2" \
			-out /dev/null 2>/dev/null
}

# vh_signer_cert CAT DIR: DIR/certs.pem = every certificate CAT carries
# (`openssl pkcs7 -print_certs`), DIR/signer.pem = the one whose serial the
# first SignerInfo names.
vh_signer_cert() {
	local cat=$1 d=$2 want c s
	openssl pkcs7 -inform DER -print_certs -in "$cat" >"$d/certs.pem" || return 1
	want=$(openssl pkcs7 -inform DER -print -noout -in "$cat" |
		awk '/signer_info:/ { f = 1 } f && !done && /^ *serial:/ { print $2; done = 1 }')
	# openssl prints the serial in hex (0x...) or decimal; normalise to hex.
	want=$($VH_PY -c 'import sys; print("%X" % int(sys.argv[1], 0))' "$want") || return 1
	awk -v d="$d" '/BEGIN CERT/ { n++ } n { print > (d "/cert" n ".pem") }' "$d/certs.pem"
	for c in "$d"/cert*.pem; do
		s=$(openssl x509 -in "$c" -noout -serial | sed 's/^serial=0*//')
		[ "$s" = "$want" ] && { cp "$c" "$d/signer.pem"; return 0; }
	done
	echo "no certificate of $cat has the signer's serial $want" >&2
	return 1
}

# vh_cert_time CERT startdate|enddate: seconds since 1970.
vh_cert_time() {
	date -u -d "$(openssl x509 -in "$1" -noout "-$2" | cut -d= -f2)" +%s
}

# vh_start_tsa DIR: tests/tools/tsa.py serving `openssl ts -reply` with the
# PKI's TSA certificate on 127.0.0.1; writes DIR/port and DIR/pid.
vh_start_tsa() {
	local d=$1 p=$F/pki
	mkdir -p "$d" && echo 01 >"$d/serial" || return 1
	cat >"$d/tsa.cnf" <<EOF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = $d
serial = \$dir/serial
crypto_device = builtin
signer_cert = $p/tsa.pem
certs = $p/tsaroot.pem
signer_key = $p/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha1, sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
	# fd 3 closed and output to a file: bats waits for whatever holds its pipes.
	$VH_PY "$TOOLS/tsa.py" "$d/tsa.cnf" "$d/port" >"$d/tsa.log" 2>&1 3>&- &
	echo $! >"$d/pid"
	for _ in $(seq 50); do [ -s "$d/port" ] && break; sleep 0.1; done
	[ -s "$d/port" ]
}

# vh_pkg DIR CAT: a copy of the fixture package (drivers included) with CAT as
# its testdrv.cat.
vh_pkg() {
	cp -r "$F/pkg" "$1" && cp "$2" "$1/testdrv.cat"
}

# vh_copyfiles_line INF: the line number of "testdrv.sys" in [TestDrv_CopyFiles].
vh_copyfiles_line() {
	awk '/^\[/ { s = ($0 == "[TestDrv_CopyFiles]") } s && $1 == "testdrv.sys" { print NR; exit }' "$1"
}

# vh_lines REGEX: the lines of $output matching REGEX (grep -E), for counting.
vh_lines() {
	printf '%s\n' "$output" | grep -E -- "$1" || true
}

# expect_match WHERE REGEX TEXT: some line of TEXT matches REGEX (grep -E).
expect_match() {
	if ! printf '%s\n' "$3" | grep -qE -- "$2"; then
		printf '%s has no line matching /%s/\n--- %s was\n%s\n' "$1" "$2" "$1" "$3" >&2
		return 1
	fi
}

# expect_count WHERE REGEX N TEXT: exactly N lines of TEXT match REGEX.
expect_count() {
	local n
	n=$(printf '%s\n' "$4" | grep -cE -- "$2" || true)
	if [ "$n" != "$3" ]; then
		printf '%s: %s lines match /%s/, expected %s\n--- %s was\n%s\n' "$1" "$n" "$2" "$3" "$1" "$4" >&2
		return 1
	fi
}
