#!/usr/bin/env bats
# drvcat sign / timestamp / cert / build --sign, judged by tools no one here wrote:
#   1. A catalog drvcat builds and signs: `osslsigncode verify -CAfile`,
#      `osslsigncode verify -catalog` for the x86, x64 and ARM64 test
#      drivers, `openssl smime -verify` over the CTL content octets
#      (oracles.md); the CTL bytes are unchanged.
#   2. Its authenticated attributes have the shape SignTool/WHQL write
#      (`openssl asn1parse` of the real catalogs in $SHARED/samples/catalogs).
#   3. Keys: PEM files, a PKCS#12 file, a SoftHSM PKCS#11 token created here.
#   4. RFC 3161 timestamps from a local TSA (tests/tools/tsa.py wrapping
#      `openssl ts -reply`): `osslsigncode verify -TSA-CAfile`,
#      `openssl ts -verify`; `drvcat timestamp`; `osslsigncode add -ts` on a
#      catalog drvcat signed.
#   5. drvcat cert --test / --csr, checked with openssl.
#   6. The failure table: each bad input with its exact one-line error,
#      exit 1, and the catalog byte for byte as it was.
# Run: DRVCAT=/tmp/sign-build/drvcat bats tests/e2e/sign.bats

load helpers
bats_require_minimum_version 1.5.0

PY=/usr/bin/python3
T0=1700000000 # 2023-11-14T22:13:20Z
OS_LIST=10_X86,10_X64,10_RS3_ARM64
SOFTHSM_LIB=/usr/lib/softhsm/libsofthsm2.so

# ---- fixtures, made once per file ----

setup_file() {
	export F=$BATS_FILE_TMPDIR/fix
	mkdir -p "$F"
	# Nothing from the caller's environment may redirect HTTP or supply options.
	unset http_proxy HTTP_PROXY no_proxy NO_PROXY DRVCAT_KEY DRVCAT_CERT DRVCAT_PASS_FILE DRVCAT_TIMESTAMP_URL
	command -v clang >/dev/null && command -v lld-link >/dev/null || return 0
	# The test package: tests/data/pkgs/testdrv plus drivers for three architectures.
	cp -r "$DATA/pkgs/testdrv" "$F/pkg"
	for a in x86 amd64 arm64; do
		"$TOOLS/build-driver.sh" "$a" "$F/pkg/$a/testdrv.sys" "testdrv_$a"
	done
	"$DRVCAT" build --os "$OS_LIST" --time "$T0" --out "$F/unsigned.cat" "$F/pkg" >/dev/null
	# The test certificate as a user makes it (README), and a password-protected .pfx.
	"$DRVCAT" cert --test --subject "CN=Contoso Test" --out-dir "$F/cert" >/dev/null 2>&1
	printf 'pfx-Pa55\n' >"$F/pfxpass"
	"$DRVCAT" cert --test --subject "CN=Pfx Signer" --out-dir "$F/pfx" --pass-file "$F/pfxpass" >/dev/null
	openssl pkcs8 -topk8 -v2 aes-256-cbc -passout pass:right -in "$F/cert/contoso-test.key" -out "$F/enc.key"
	# Certificates drvcat must warn about (made with python3-cryptography).
	$PY "$TOOLS/mkcert.py" "$F/expired" "Old Signer" 2020-01-01 2020-01-02 codeSigning
	$PY "$TOOLS/mkcert.py" "$F/web" "Web Server" 2024-01-01 2040-01-01 serverAuth
	start_tsa
}

teardown_file() {
	[ -f "$F/tsa.pid" ] && kill "$(cat "$F/tsa.pid")" 2>/dev/null
	return 0
}

# A TSA root, a TSA certificate with the critical timeStamping EKU, an
# `openssl ts` configuration, and tsa.py serving it on 127.0.0.1.
start_tsa() {
	local d=$F/tsa
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/tsaca.pem" -days 30 \
		-subj "/CN=drvcat test TSA root" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -new -newkey rsa:2048 -nodes -keyout "$d/tsa.key" -out "$d/tsa.csr" \
		-subj "/CN=drvcat test TSA" 2>/dev/null
	printf '[x]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n' >"$d/ext.cnf"
	openssl x509 -req -in "$d/tsa.csr" -CA "$d/tsaca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 30 -extfile "$d/ext.cnf" -extensions x -out "$d/tsa.pem" 2>/dev/null
	echo 01 >"$d/serial"
	cat >"$d/tsa.cnf" <<EOF
[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = $d
serial = \$dir/serial
crypto_device = builtin
signer_cert = \$dir/tsa.pem
certs = \$dir/tsaca.pem
signer_key = \$dir/tsa.key
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
	$PY "$TOOLS/tsa.py" "$d/tsa.cnf" "$d/port" >"$d/tsa.log" 2>&1 3>&- &
	echo $! >"$F/tsa.pid"
	for _ in $(seq 50); do [ -s "$d/port" ] && break; sleep 0.1; done
	[ -s "$d/port" ]
}

setup() {
	[ -f "$F/unsigned.cat" ] || skip "needs clang and lld-link to build the test drivers"
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	unset http_proxy HTTP_PROXY DRVCAT_KEY DRVCAT_CERT DRVCAT_PASS_FILE DRVCAT_TIMESTAMP_URL
	TSA=http://127.0.0.1:$(cat "$F/tsa/port")
	CERT=$F/cert/contoso-test.pem
	KEY=$F/cert/contoso-test.key
	cp "$F/unsigned.cat" "$W/t.cat"
	# libp11 leaks its method tables after a failed login (ASan builds only; see the file).
	export LSAN_OPTIONS=suppressions=$TOOLS/lsan-libp11.supp:fast_unwind_on_malloc=0:print_suppressions=0
}

# ---- checks by other tools ----

# osslsigncode reads catalogs from 2.8 on (oracles.md); Debian's own 2.5 cannot.
need_osslsigncode() {
	local v major minor
	command -v osslsigncode >/dev/null || skip "needs osslsigncode 2.8+ (catalog support)"
	v=$(osslsigncode --version | sed -n '1s/^osslsigncode \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
	read -r major minor <<<"$v"
	[ "${major:-0}" -gt 2 ] || { [ "${major:-0}" -eq 2 ] && [ "${minor:-0}" -ge 8 ]; } ||
		skip "needs osslsigncode 2.8+ (found ${v:-none})"
}

osslsigncode_ok() { # CAT CAFILE [more osslsigncode verify args]
	local cat=$1 ca=$2
	need_osslsigncode
	shift 2
	run osslsigncode verify -CAfile "$ca" "$@" -in "$cat"
	status_is 0
	has_line "osslsigncode verify $cat" "Signature verification: ok" "$output"
	has_line "osslsigncode verify $cat" "Succeeded" "$output"
}

member_ok() { # CAT CAFILE FILE: FILE's Authenticode hash is in the signed catalog
	need_osslsigncode
	run osslsigncode verify -CAfile "$2" -catalog "$1" -in "$3"
	status_is 0
	has_line "osslsigncode verify -catalog $1 -in $3" "Signature verification: ok" "$output"
	has_line "osslsigncode verify -catalog $1 -in $3" "Succeeded" "$output"
}

smime_ok() { # CAT CAFILE: oracles.md's pure-OpenSSL check over the CTL content octets
	$PY "$TOOLS/cat-parts.py" ctl "$1" "$W/ctl.bin"
	run openssl smime -verify -inform DER -in "$1" -content "$W/ctl.bin" -CAfile "$2" -purpose any -out /dev/null
	status_is 0
	has_line "openssl smime -verify" "Verification successful" "$output"
}

same_ctl() { # A B: the CTL content octets are byte-identical
	$PY "$TOOLS/cat-parts.py" ctl "$1" "$W/ctl-a.bin"
	$PY "$TOOLS/cat-parts.py" ctl "$2" "$W/ctl-b.bin"
	cmp "$W/ctl-a.bin" "$W/ctl-b.bin"
}

tsa_ok() { # CAT: the timestamp verifies with osslsigncode and with openssl ts
	osslsigncode_ok "$1" "$CERT" -TSA-CAfile "$F/tsa/tsaca.pem"
	has_line "osslsigncode verify" "Timestamp Server Signature verification: ok" "$output"
	$PY "$TOOLS/cat-parts.py" sig "$1" "$W/sig.bin"
	$PY "$TOOLS/cat-parts.py" token "$1" "$W/token.der"
	run openssl ts -verify -token_in -in "$W/token.der" -data "$W/sig.bin" \
		-CAfile "$F/tsa/tsaca.pem" -untrusted "$F/tsa/tsa.pem"
	status_is 0
	has_line "openssl ts -verify" "Verification: OK" "$output"
}

# The signer's authenticated attributes as `openssl asn1parse` shows them:
# depth, type and OID, without offsets, lengths and values.
signed_attrs() { # CAT
	openssl asn1parse -inform DER -i -in "$1" | awk '
		/d=5 .*cont \[ 0 \]/ && !on { on = 1; next }
		on && match($0, /d=[0-9]+/) {
			d = substr($0, RSTART + 2, RLENGTH - 2) + 0
			if (d <= 5) exit
			sub(/^.*prim: */, ""); sub(/^.*cons: */, "")
			sub(/ *\[HEX DUMP\].*/, ""); gsub(/  +/, " ")
			if ($0 !~ /^OBJECT/) sub(/ *:.*/, "")
			sub(/ +$/, ""); print d, $0
		}'
}

# ---- 1. sign, then let other tools judge ----

@test "sign with a PEM key: osslsigncode verifies the catalog and each x86/x64/ARM64 driver, smime too" {
	run_drvcat sign --cert "$CERT" --key "$KEY" "$W/t.cat"
	status_is 0
	same stdout "$W/t.cat: signed by CN=Contoso Test (sha256, 1 certificate)" "$output"
	same stderr "" "$stderr"
	osslsigncode_ok "$W/t.cat" "$CERT"
	for a in x86 amd64 arm64; do
		member_ok "$W/t.cat" "$CERT" "$F/pkg/$a/testdrv.sys"
	done
	smime_ok "$W/t.cat" "$CERT"
	same_ctl "$F/unsigned.cat" "$W/t.cat"
	# a changed driver is not in the signed catalog
	cp "$F/pkg/amd64/testdrv.sys" "$W/x.sys"
	printf 'X' | dd of="$W/x.sys" bs=1 seek=1024 conv=notrunc 2>/dev/null
	run osslsigncode verify -CAfile "$CERT" -catalog "$W/t.cat" -in "$W/x.sys"
	status_is 1
}

@test "authenticated attributes have the shape SignTool and WHQL write (real catalogs)" {
	need_shared samples/catalogs
	local cats=$SHARED/samples/catalogs/arduino-Arduino
	# WHQL, SHA-256, programName + moreInfo: contentType, SpcStatementType, messageDigest, SpcSpOpusInfo
	run_drvcat sign --cert "$CERT" --key "$KEY" --description "Future Technology Devices International Ltd." \
		--url "http://www.ftdichip.com" "$W/t.cat"
	status_is 0
	same "signed attributes vs FTDI ftdibus.cat (WHQL)" \
		"$(signed_attrs "$cats/FTDI-ftdibus/ftdibus.cat")" "$(signed_attrs "$W/t.cat")"
	# SignTool with /du only and SHA-1 (the Arduino LLC catalog)
	cp "$F/unsigned.cat" "$W/u.cat"
	run_drvcat sign --cert "$CERT" --key "$KEY" --digest sha1 --url "http://www.arduino.cc/" "$W/u.cat"
	status_is 0
	same "signed attributes vs arduino.cat (SignTool)" \
		"$(signed_attrs "$cats/arduino-inf2cat/arduino.cat")" "$(signed_attrs "$W/u.cat")"
	# and neither has signingTime, which OpenSSL would otherwise insert
	same "signingTime attributes" 0 "$(signed_attrs "$W/t.cat" | grep -c signingTime || true)"
	signed_attrs "$W/t.cat" | grep -qx '7 OBJECT :1.3.6.1.4.1.311.2.1.12'
}

@test "--time adds a fixed signingTime (SignTool writes none); same inputs, same bytes" {
	run_drvcat sign --cert "$CERT" --key "$KEY" --time "$T0" --out "$W/a.cat" "$W/t.cat"
	status_is 0
	run_drvcat sign --cert "$CERT" --key "$KEY" --time "$T0" --out "$W/b.cat" "$W/t.cat"
	status_is 0
	cmp "$F/unsigned.cat" "$W/t.cat" # --out leaves the input alone
	cmp "$W/a.cat" "$W/b.cat"        # RSA PKCS#1 v1.5 and a fixed time: reproducible
	openssl asn1parse -inform DER -in "$W/a.cat" | grep -q ':signingTime'
	openssl asn1parse -inform DER -in "$W/a.cat" | grep -q 'UTCTIME *:231114221320Z'
	osslsigncode_ok "$W/a.cat" "$CERT"
}

@test "sign with a PKCS#12 file: password from --pass-file and from --pass-env; empty password" {
	run_drvcat sign --pfx "$F/pfx/pfx-signer.pfx" --pass-file "$F/pfxpass" "$W/t.cat"
	status_is 0
	same stdout "$W/t.cat: signed by CN=Pfx Signer (sha256, 1 certificate)" "$output"
	osslsigncode_ok "$W/t.cat" "$F/pfx/pfx-signer.pem"
	cp "$F/unsigned.cat" "$W/e.cat"
	PFX_PASS=pfx-Pa55 run_drvcat sign --pfx "$F/pfx/pfx-signer.pfx" --pass-env PFX_PASS --digest sha512 "$W/e.cat"
	status_is 0
	osslsigncode_ok "$W/e.cat" "$F/pfx/pfx-signer.pem"
	cp "$F/unsigned.cat" "$W/n.cat"
	run_drvcat sign --pfx "$F/cert/contoso-test.pfx" "$W/n.cat" </dev/null
	status_is 0
	smime_ok "$W/n.cat" "$CERT"
}

# mktoken: a SoftHSM token "drvcat" holding the test key and certificate (id 01, label cs).
mktoken() {
	{ [ -x /usr/bin/softhsm2-util ] && [ -f "$SOFTHSM_LIB" ] && command -v pkcs11-tool >/dev/null; } ||
		skip "needs softhsm2 and opensc (scripts/deps.sh test)"
	[ -f /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so ] || skip "needs libengine-pkcs11-openssl"
	export SOFTHSM2_CONF=$BATS_TEST_TMPDIR/softhsm2.conf
	mkdir -p "$BATS_TEST_TMPDIR/tokens"
	echo "directories.tokendir = $BATS_TEST_TMPDIR/tokens" >"$SOFTHSM2_CONF"
	softhsm2-util --init-token --free --label drvcat --pin 1234 --so-pin 5678 >/dev/null
	softhsm2-util --import "$KEY" --token drvcat --label cs --id 01 --pin 1234 >/dev/null
	openssl x509 -in "$CERT" -outform DER -out "$BATS_TEST_TMPDIR/cs.der"
	pkcs11-tool --module "$SOFTHSM_LIB" --token-label drvcat --login --pin 1234 \
		--write-object "$BATS_TEST_TMPDIR/cs.der" --type cert --id 01 --label cs >/dev/null 2>&1
	printf '1234\n' >"$W/pin"
	printf '9999\n' >"$W/badpin"
	URI="pkcs11:token=drvcat;object=cs;type=private?module-path=$SOFTHSM_LIB"
}

@test "sign with a SoftHSM PKCS#11 key: certificate from --cert, or from the token" {
	mktoken
	run_drvcat sign --key "$URI" --cert "$CERT" --pass-file "$W/pin" "$W/t.cat"
	status_is 0
	same stdout "$W/t.cat: signed by CN=Contoso Test (sha256, 1 certificate)" "$output"
	same stderr "" "$stderr"
	osslsigncode_ok "$W/t.cat" "$CERT"
	smime_ok "$W/t.cat" "$CERT"
	# no --cert: the certificate comes from the token; the module from PKCS11_MODULE_PATH
	cp "$F/unsigned.cat" "$W/u.cat"
	PIN=1234 PKCS11_MODULE_PATH=$SOFTHSM_LIB run_drvcat sign --key "pkcs11:token=drvcat;object=cs;type=private" \
		--pass-env PIN "$W/u.cat"
	status_is 0
	osslsigncode_ok "$W/u.cat" "$CERT"
	# RSA PKCS#1 v1.5: the token's signature is the file key's signature
	cp "$F/unsigned.cat" "$W/f.cat"
	run_drvcat sign --key "$KEY" --cert "$CERT" "$W/f.cat"
	cmp "$W/f.cat" "$W/u.cat"
}

# ---- 4. timestamps ----

@test "RFC 3161 timestamp from the local TSA: osslsigncode -TSA-CAfile and openssl ts -verify" {
	run_drvcat sign --cert "$CERT" --key "$KEY" --timestamp "$TSA/ok" "$W/t.cat"
	status_is 0
	[[ $output =~ ^"$W/t.cat: signed by CN=Contoso Test (sha256, 1 certificate, timestamp "20[0-9-]+" "[0-9:]+" UTC)"$ ]]
	tsa_ok "$W/t.cat"
	for a in x86 amd64 arm64; do
		member_ok "$W/t.cat" "$CERT" "$F/pkg/$a/testdrv.sys"
	done
	# --timestamp-digest sha384 changes the imprint algorithm, the token still verifies
	cp "$F/unsigned.cat" "$W/h.cat"
	run_drvcat sign --cert "$CERT" --key "$KEY" --timestamp "$TSA/ok" --timestamp-digest sha384 "$W/h.cat"
	status_is 0
	tsa_ok "$W/h.cat"
}

@test "drvcat timestamp adds a token to a signed catalog, replacing the old one; osslsigncode add -ts works on ours" {
	run_drvcat sign --cert "$CERT" --key "$KEY" "$W/t.cat"
	status_is 0
	run_drvcat timestamp --timestamp "$TSA/ok" "$W/t.cat"
	status_is 0
	[[ $output =~ ^"$W/t.cat: timestamp "20[0-9-]+" "[0-9:]+" UTC added to the signature of CN=Contoso Test"$ ]]
	tsa_ok "$W/t.cat"
	run_drvcat timestamp --timestamp "$TSA/ok" "$W/t.cat"
	status_is 0
	same "RFC 3161 attributes after two timestamps" 1 \
		"$(openssl asn1parse -inform DER -in "$W/t.cat" | grep -c ':1.3.6.1.4.1.311.3.3.1$')"
	tsa_ok "$W/t.cat"
	# another tool timestamps a catalog drvcat signed
	cp "$F/unsigned.cat" "$W/o.cat"
	run_drvcat sign --cert "$CERT" --key "$KEY" "$W/o.cat"
	rm -f "$W/o-ts.cat"
	run osslsigncode add -ts "$TSA/ok" -in "$W/o.cat" -out "$W/o-ts.cat"
	status_is 0
	tsa_ok "$W/o-ts.cat"
}

@test "real catalogs: drvcat timestamp keeps their signatures intact; drvcat sign re-signs them, CTL unchanged" {
	need_shared samples/catalogs
	local f name
	for f in arduino-Arduino/FTDI-ftdibus/ftdibus.cat arduino-Arduino/CP210x_6.7.4-slabvcp/slabvcp.cat \
		arduino-Arduino/arduino-inf2cat/arduino.cat virtio-win-pkg-scripts/Win8-amd64-viorng/viorng.cat; do
		name=${f##*/}
		cp "$SHARED/samples/catalogs/$f" "$W/$name"
		run_drvcat timestamp --timestamp "$TSA/ok" "$W/$name"
		status_is 0
		# the old timestamp (RFC 3161 or legacy countersignature) is replaced by ours
		$PY "$TOOLS/cat-parts.py" sig "$SHARED/samples/catalogs/$f" "$W/sig-a.bin"
		$PY "$TOOLS/cat-parts.py" sig "$W/$name" "$W/sig-b.bin"
		cmp "$W/sig-a.bin" "$W/sig-b.bin"
		same_ctl "$SHARED/samples/catalogs/$f" "$W/$name"
		same "countersignatures left in $name" 0 "$(openssl asn1parse -inform DER -in "$W/$name" | grep -c ':countersignature$' || true)"
		# the publisher's signature still verifies (no chain: their roots are not here)
		$PY "$TOOLS/cat-parts.py" ctl "$W/$name" "$W/ctl.bin"
		run openssl smime -verify -noverify -inform DER -in "$W/$name" -content "$W/ctl.bin" -out /dev/null
		status_is 0
		run_drvcat sign --cert "$CERT" --key "$KEY" "$W/$name"
		status_is 0
		osslsigncode_ok "$W/$name" "$CERT"
		same_ctl "$SHARED/samples/catalogs/$f" "$W/$name"
	done
}

# ---- re-signing, build --sign ----

@test "re-signing replaces the signature and its certificates" {
	run_drvcat sign --cert "$CERT" --key "$KEY" --timestamp "$TSA/ok" "$W/t.cat"
	status_is 0
	run_drvcat sign --pfx "$F/pfx/pfx-signer.pfx" --pass-file "$F/pfxpass" "$W/t.cat"
	status_is 0
	osslsigncode_ok "$W/t.cat" "$F/pfx/pfx-signer.pem"
	run osslsigncode verify -CAfile "$CERT" -in "$W/t.cat"
	status_is 1
	same "certificates" "subject=CN = Pfx Signer" \
		"$(openssl pkcs7 -inform DER -print_certs -in "$W/t.cat" | grep '^subject=')"
	same "RFC 3161 attributes" 0 "$(openssl asn1parse -inform DER -in "$W/t.cat" | grep -c ':1.3.6.1.4.1.311.3.3.1$' || true)"
	same_ctl "$F/unsigned.cat" "$W/t.cat"
}

@test "build --sign builds and signs in one step; --chain certificates go in sorted" {
	cp -r "$F/pkg" "$W/pkg"
	run_drvcat build --os "$OS_LIST" --time "$T0" --sign --cert "$CERT" --key "$KEY" \
		--chain "$F/tsa/tsaca.pem" --timestamp "$TSA/ok" "$W/pkg"
	status_is 0
	has_line stdout "testdrv.cat: catalog v2, 5 files, 10 members, 3 OS targets -> $W/pkg/testdrv.cat" "$output"
	[[ ${lines[1]} =~ ^"$W/pkg/testdrv.cat: signed by CN=Contoso Test (sha256, 2 certificates, timestamp " ]]
	same_ctl "$F/unsigned.cat" "$W/pkg/testdrv.cat"
	tsa_ok "$W/pkg/testdrv.cat"
	for a in x86 amd64 arm64; do
		member_ok "$W/pkg/testdrv.cat" "$CERT" "$W/pkg/$a/testdrv.sys"
	done
	# the certificates are in DER order (X.690 SET OF), as Windows requires
	openssl pkcs7 -inform DER -print_certs -in "$W/pkg/testdrv.cat" | awk '/BEGIN/,/END/' >"$W/certs.pem"
	$PY - "$W/certs.pem" <<'EOF'
import base64, re, sys
ders = [base64.b64decode("".join(b.split()))
        for b in re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", open(sys.argv[1]).read(), re.S)]
assert len(ders) == 2 and ders == sorted(ders), "certificates not in DER order"
EOF
	# signing options without --sign are a usage error
	run_drvcat build --os "$OS_LIST" --cert "$CERT" "$W/pkg"
	status_is 2
	same stderr "drvcat: build: --cert is a signing option: add --sign" "${stderr%%$'\n'*}"
}

# ---- 5. certificates ----

@test "cert --test: files, modes, what Windows needs, and the steps to trust it" {
	run_drvcat cert --test --subject "CN=Contoso Test, O=Contoso" --out-dir "$W/c" --days 90
	status_is 0
	same stderr "drvcat: cert: warning: $W/c/contoso-test.pfx has an empty password (give --pass-file or --pass-env to set one)" "$stderr"
	has_line stdout "  certutil -addstore Root contoso-test.cer" "$output"
	has_line stdout "  certutil -addstore TrustedPublisher contoso-test.cer" "$output"
	has_line stdout "  bcdedit /set testsigning on" "$output"
	has_line stdout "  drvcat sign --cert $W/c/contoso-test.pem --key $W/c/contoso-test.key PKG/driver.cat" "$output"
	same "SHA-1 thumbprint" "SHA-1 thumbprint: $(openssl x509 -in "$W/c/contoso-test.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')" \
		"$(grep '^SHA-1 thumbprint' <<<"$output" || true)"
	same "key file mode" 600 "$(stat -c %a "$W/c/contoso-test.key")"
	run openssl x509 -in "$W/c/contoso-test.pem" -noout -text
	has_line "x509 -text" "                Code Signing" "$output"
	has_line "x509 -text" "                CA:FALSE" "$output"
	has_line "x509 -text" "                Digital Signature" "$output"
	has_line "x509 -text" "        Subject: CN = Contoso Test, O = Contoso" "$output"
	has_line "x509 -text" "        Issuer: CN = Contoso Test, O = Contoso" "$output"
	cmp <(openssl x509 -in "$W/c/contoso-test.pem" -outform DER) "$W/c/contoso-test.cer"
	openssl pkcs12 -in "$W/c/contoso-test.pfx" -passin pass: -noout
	# a second run keeps what exists; --force replaces it
	run_drvcat cert --test --subject "CN=Contoso Test" --out-dir "$W/c"
	status_is 1
	same stderr "drvcat: cert: $W/c/contoso-test.key exists (use --force to replace it)" "$stderr"
	run_drvcat cert --test --ecdsa --force --subject "CN=Contoso Test" --out-dir "$W/c" --pass-file "$F/pfxpass"
	status_is 0
	openssl pkcs12 -in "$W/c/contoso-test.pfx" -passin pass:pfx-Pa55 -noout
	# the certificate signs a catalog osslsigncode accepts (ECDSA)
	run_drvcat sign --pfx "$W/c/contoso-test.pfx" --pass-file "$F/pfxpass" "$W/t.cat"
	status_is 0
	osslsigncode_ok "$W/t.cat" "$W/c/contoso-test.pem"
}

@test "cert --csr: a new key (0600, encrypted with --pass-file) or an existing one, and a request openssl verifies" {
	run_drvcat cert --csr --subject "CN=Contoso, O=Contoso Ltd, C=US" --key-out "$W/r.key" --out "$W/r.csr" \
		--pass-file "$F/pfxpass"
	status_is 0
	has_line stdout "certificate request for CN=Contoso, O=Contoso Ltd, C=US -> $W/r.csr" "$output"
	same "key file mode" 600 "$(stat -c %a "$W/r.key")"
	head -1 "$W/r.key" | grep -qx -- '-----BEGIN ENCRYPTED PRIVATE KEY-----'
	run openssl req -in "$W/r.csr" -noout -verify -subject
	status_is 0
	has_line "openssl req" "subject=CN = Contoso, O = Contoso Ltd, C = US" "$output"
	[[ $output == *"verify OK"* ]]
	# the request for a key that already exists (here: the test key) carries its public key
	run_drvcat cert --csr --subject "CN=Contoso" --key "$KEY" --out "$W/k.csr"
	status_is 0
	cmp <(openssl req -in "$W/k.csr" -noout -pubkey) <(openssl pkey -in "$KEY" -pubout)
}

@test "an expired or non-code-signing certificate: a warning, or exit 1 with --strict" {
	run_drvcat sign --cert "$F/expired.pem" --key "$F/expired.key" --out "$W/x.cat" "$W/t.cat"
	status_is 0
	same stderr "drvcat: sign: warning: certificate CN=Old Signer expired on 2020-01-02 00:00:00 UTC" "$stderr"
	run_drvcat sign --cert "$F/web.pem" --key "$F/web.key" --out "$W/x.cat" "$W/t.cat"
	status_is 0
	same stderr "drvcat: sign: warning: certificate CN=Web Server is not for code signing: its extended key usage lacks codeSigning (1.3.6.1.5.5.7.3.3)" "$stderr"
}

# ---- 6. failures: exact message, exit 1, catalog untouched ----

@test "failure table: one clear line each, exit 1, the catalog byte for byte as it was" {
	mktoken
	run_drvcat sign --cert "$CERT" --key "$KEY" "$W/t.cat" # a signed catalog to break
	status_is 0
	cp "$W/t.cat" "$W/orig.cat"
	cp "$F/unsigned.cat" "$W/unsigned.cat"
	head -c 1000 "$F/pfx/pfx-signer.pfx" >"$W/cut.pfx"
	printf 'wrong\n' >"$W/wrong"
	printf 'garbage' >"$W/junk.cat"
	local P="pkcs11:token=drvcat;object=cs;type=private"
	local rows=(
		"wrong PIN|sign --key $URI --pass-file $W/badpin T|drvcat: sign: $P: the token refused the PIN (PIN incorrect)"
		"no such key on the token|sign --key pkcs11:token=drvcat;object=nope;type=private?module-path=$SOFTHSM_LIB --cert $CERT --pass-file $W/pin T|drvcat: sign: pkcs11:token=drvcat;object=nope;type=private: no such private key on the token (object not found)"
		"missing PKCS#11 module|sign --key pkcs11:token=drvcat;object=cs?module-path=/nonexistent/p11.so --cert $CERT --pass-file $W/pin T|drvcat: sign: pkcs11:token=drvcat;object=cs: cannot read the PKCS#11 module /nonexistent/p11.so: No such file or directory"
		"missing key|sign --cert $CERT --key $W/missing.key T|drvcat: sign: $W/missing.key: cannot open: No such file or directory"
		"certificate and key do not match|sign --cert $F/web.pem --key $KEY T|drvcat: sign: certificate $F/web.pem does not match the private key $KEY"
		"truncated PFX|sign --pfx $W/cut.pfx --pass-file $F/pfxpass T|drvcat: sign: $W/cut.pfx: not a PKCS#12 (.pfx) file, or truncated"
		"wrong PFX password|sign --pfx $F/pfx/pfx-signer.pfx --pass-file $W/wrong T|drvcat: sign: $F/pfx/pfx-signer.pfx: wrong password (the PKCS#12 integrity check fails)"
		"PFX password not given|sign --pfx $F/pfx/pfx-signer.pfx T|drvcat: sign: $F/pfx/pfx-signer.pfx needs a passphrase or PIN: give --pass-file FILE or --pass-env NAME"
		"missing --pass-file|sign --pfx $F/pfx/pfx-signer.pfx --pass-file $W/nofile T|drvcat: sign: --pass-file: $W/nofile: cannot open: No such file or directory"
		"unset --pass-env|sign --pfx $F/pfx/pfx-signer.pfx --pass-env DRVCAT_NO_SUCH_VAR T|drvcat: sign: --pass-env DRVCAT_NO_SUCH_VAR: the environment variable is not set"
		"wrong key passphrase|sign --cert $CERT --key $F/enc.key --pass-file $W/wrong T|drvcat: sign: $F/enc.key: wrong passphrase (or the key file is damaged)"
		"expired certificate, --strict|sign --cert $F/expired.pem --key $F/expired.key --strict T|drvcat: sign: certificate CN=Old Signer expired on 2020-01-02 00:00:00 UTC (refused: --strict)"
		"non-code-signing certificate, --strict|sign --cert $F/web.pem --key $F/web.key --strict T|drvcat: sign: certificate CN=Web Server is not for code signing: its extended key usage lacks codeSigning (1.3.6.1.5.5.7.3.3) (refused: --strict)"
		"TSA down|sign --cert $CERT --key $KEY --timestamp http://127.0.0.1:1/ T|drvcat: sign: timestamp server http://127.0.0.1:1/: cannot connect: Connection refused"
		"TSA answers HTTP 500|sign --cert $CERT --key $KEY --timestamp $TSA/http500 T|drvcat: sign: timestamp server $TSA/http500 answered HTTP 500 (Internal Server Error)"
		"TSA answers for another nonce|sign --cert $CERT --key $KEY --timestamp $TSA/nonce T|drvcat: sign: timestamp server $TSA/nonce: the token's nonce is not the request's (a reply to another request)"
		"TSA answers garbage|timestamp --timestamp $TSA/garbage T|drvcat: timestamp: timestamp server $TSA/garbage: the reply is not an RFC 3161 TimeStampResp"
		"TSA answers HTML|timestamp --timestamp $TSA/html T|drvcat: timestamp: timestamp server $TSA/html answered with content type text/html, not application/timestamp-reply"
		"TSA stamps another imprint|timestamp --timestamp $TSA/imprint T|drvcat: timestamp: timestamp server $TSA/imprint: the token's message imprint is not the hash of this signature"
		"TSA rejects|timestamp --timestamp $TSA/reject T|drvcat: timestamp: timestamp server $TSA/reject refused the request (status rejection: policy not accepted by this test server)"
		"TSA too slow|timestamp --timestamp $TSA/slow --timestamp-timeout 1 T|drvcat: timestamp: timestamp server $TSA/slow: no answer within 1 s"
		"https TSA|timestamp --timestamp https://127.0.0.1:1/ T|drvcat: timestamp: timestamp server https://127.0.0.1:1/: https is not supported; use the server's http:// URL (timestamp replies are signed)"
		"timestamp on an unsigned catalog|timestamp --timestamp $TSA/ok U|drvcat: timestamp: $W/unsigned.cat: the catalog is not signed; sign it first"
		"not a catalog|sign --cert $CERT --key $KEY J|drvcat: sign: reading PKCS#7 ContentInfo: $W/junk.cat: offset 0x0: DER element of length 97 runs past its container (5 bytes left)"
	)
	local row name args want target n=0
	for row in "${rows[@]}"; do
		IFS='|' read -r name args want <<<"$row"
		case ${args##* } in T) target=$W/t.cat ;; U) target=$W/unsigned.cat ;; J) target=$W/junk.cat ;; esac
		cp "$target" "$W/before"
		# shellcheck disable=SC2086 # args is a word list by design (no spaces inside words)
		run --separate-stderr "$DRVCAT" ${args% *} "$target" </dev/null
		n=$((n + 1))
		{ [ "$status" = 1 ] && [ "$stderr" = "$want" ] && [ -z "$output" ]; } || {
			printf 'row "%s": exit %s\n  want: %s\n  got:  %s\n  stdout: %s\n' "$name" "$status" "$want" "$stderr" "$output" >&2
			return 1
		}
		cmp "$W/before" "$target" || { echo "row \"$name\" changed $target" >&2; return 1; }
		[ -z "$(find "$W" -name '*.tmp.*')" ] || { echo "row \"$name\" left a temporary file" >&2; return 1; }
	done
	[ "$n" -ge 15 ]
	cmp "$W/orig.cat" "$W/t.cat"
}

@test "usage errors: exit 2 and the synopsis" {
	local rows=(
		"--pfx x --key k|drvcat: sign: --pfx excludes --key and --cert"
		"--cert c|drvcat: sign: no signing key: give --pfx FILE, or --cert FILE --key KEY"
		"--key k.pem|drvcat: sign: --key FILE needs --cert FILE (only a pkcs11: key can take its certificate from the token)"
		"--pfx x --pass-file a --pass-env B|drvcat: sign: --pass-file and --pass-env exclude each other"
		"--pfx x --digest md5|drvcat: sign: --digest takes sha256, sha384, sha512 or sha1"
		"--pfx x --timestamp http://x/ --timestamp-timeout 0|drvcat: sign: --timestamp-timeout takes seconds, 1 to 3600"
		"--pfx x --timestamp-digest sha256|drvcat: sign: --timestamp-digest and --timestamp-timeout need --timestamp URL"
		"--pfx x --time yesterday|drvcat: sign: --time 'yesterday' is not a time in seconds since 1970"
	)
	local row args want
	for row in "${rows[@]}"; do
		IFS='|' read -r args want <<<"$row"
		# shellcheck disable=SC2086
		run --separate-stderr "$DRVCAT" sign $args "$W/t.cat"
		{ [ "$status" = 2 ] && [ "${stderr%%$'\n'*}" = "$want" ] && [[ $stderr == *$'\n'"usage: drvcat sign "* ]]; } || {
			printf 'args "%s": exit %s\n  want: %s\n  got:  %s\n' "$args" "$status" "$want" "$stderr" >&2
			return 1
		}
	done
	run_drvcat timestamp "$W/t.cat"
	status_is 2
	same stderr "drvcat: timestamp: --timestamp URL is required" "${stderr%%$'\n'*}"
	run_drvcat cert --subject "CN=x"
	status_is 2
	same stderr "drvcat: cert: give --test or --csr" "${stderr%%$'\n'*}"
	cmp "$F/unsigned.cat" "$W/t.cat"
}
