#!/bin/bash
# Regenerates the committed fuzz seed corpora, tests/fuzz/corpus/<target>/,
# from the project's own test material only: the INFs under tests/data and
# inf-templates, the test driver (tests/data/driver/tiny.c, built with
# tests/tools/build-driver.sh), and catalogs drvcat builds from
# tests/data/pkgs/testdrv, signed with throwaway certificates made here.
# Nothing comes from ../shared (those stay local extra seeds, see README.md).
#
# usage: tests/fuzz/make-seeds.sh [DRVCAT]     (default: build/drvcat)
# needs: clang + lld-link (test drivers), openssl, osslsigncode 2.8+ (signing,
# with its built-in TSA for RFC 3161 timestamps), iconv.
#
# Keys are generated anew on every run, so signed seeds differ between runs;
# what they exercise does not.  Every seed is kept under 16 KiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
DRVCAT=${1:-${DRVCAT:-$REPO/build/drvcat}}
OUT=$REPO/tests/fuzz/corpus
MAX_SEED=16384
T0=1700000000 # 2023-11-14T22:13:20Z

die() { echo "make-seeds.sh: $*" >&2; exit 1; }
[ -x "$DRVCAT" ] || die "drvcat binary '$DRVCAT' not found (make, or pass its path)"
for tool in clang lld-link openssl osslsigncode iconv; do
	command -v $tool >/dev/null || die "$tool is needed"
done

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT"/{inf,pe,cat,verify}

# --- inf: every INF of the test data and templates, plus encodings ---------
while IFS= read -r f; do
	name=$(echo "${f#./}" | sed 's#^tests/data/##; s#/#_#g')
	cp "$f" "$OUT/inf/$name"
done < <(find tests/data inf-templates -type f \( -iname '*.inf' -o -iname '*.inx' -o -name '*.utf8' \) | sort)
# The decoder's other paths: UTF-16LE with and without BOM, UTF-16BE, UTF-8 BOM.
base=tests/data/inf/base.inf
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$base"; } >"$OUT/inf/base-utf16le-bom.inf"
iconv -f UTF-8 -t UTF-16LE "$base" >"$OUT/inf/base-utf16le-nobom.inf"
{ printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE "$base"; } >"$OUT/inf/base-utf16be-bom.inf"
{ printf '\xef\xbb\xbf'; cat "$base"; } >"$OUT/inf/base-utf8-bom.inf"
{ printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE tests/data/inf/unicode.inf; } >"$OUT/inf/unicode-utf16le-bom.inf"

# --- pe: the test driver for each architecture, unsigned and signed --------
for arch in amd64 x86 arm64; do
	tests/tools/build-driver.sh $arch "$W/tiny-$arch.sys" "seed_$arch"
	cp "$W/tiny-$arch.sys" "$OUT/pe/tiny-$arch.sys"
done

# Throwaway CA -> code-signing leaf, a self-signed TSA, a leaf without the EKU.
# Valid for 100 years from now, so the fixed --at of the verify target
# (2033-05-18, tests/fuzz/fuzz_verify.c) is inside every certificate's validity.
serial=1
cert() { # NAME SUBJECT [ISSUER] [EXT...]: $W/NAME.{key,pem}
	local name=$1 subj=$2 issuer=${3:-} ext
	serial=$((serial + 1))
	shift 3 || shift $#
	ext=$(printf '%s\n' "$@")
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/$name.key" 2>/dev/null
	if [ -z "$issuer" ]; then
		openssl req -x509 -new -key "$W/$name.key" -out "$W/$name.pem" -subj "$subj" \
			-days 36500 -set_serial $serial -addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
	else
		openssl req -new -key "$W/$name.key" -subj "$subj" -out "$W/$name.csr" 2>/dev/null
		printf '%s\n' "$ext" >"$W/$name.ext"
		openssl x509 -req -in "$W/$name.csr" -CA "$W/$issuer.pem" -CAkey "$W/$issuer.key" \
			-set_serial $serial -days 36500 -extfile "$W/$name.ext" -out "$W/$name.pem" 2>/dev/null
	fi
}
cert ca "/CN=drvcat seed CA" ""
cert signer "/CN=drvcat seed signer/O=drvcat" ca "extendedKeyUsage=codeSigning"
cert noeku "/CN=drvcat seed signer without codeSigning" ca "extendedKeyUsage=serverAuth"
cert tsa "/CN=drvcat seed TSA" ca "extendedKeyUsage=critical,timeStamping"

# osslsigncode refuses to overwrite its output.
ossl_sign() { # IN OUT [options...]
	local in=$1 out=$2
	shift 2
	rm -f "$out"
	osslsigncode sign "$@" -in "$in" -out "$out" >/dev/null
}
SIGN=(-certs "$W/signer.pem" -ac "$W/ca.pem" -key "$W/signer.key")
TSA=(-TSA-certs "$W/tsa.pem" -TSA-key "$W/tsa.key" -TSA-time "$(date +%s)")
ossl_sign "$W/tiny-amd64.sys" "$OUT/pe/tiny-amd64-signed.sys" "${SIGN[@]}" -h sha256
ossl_sign "$W/tiny-x86.sys" "$OUT/pe/tiny-x86-signed-pagehashes.sys" "${SIGN[@]}" -h sha256 -ph
ossl_sign "$W/tiny-arm64.sys" "$OUT/pe/tiny-arm64-signed-sha1.sys" "${SIGN[@]}" -h sha1
cp tests/data/pkgs/testdrv/amd64/testdrv.dat "$OUT/pe/flat-testdrv.dat"

# --- cat: catalogs drvcat builds from the testdrv package --------------------
pkg=$W/testdrv
cp -r tests/data/pkgs/testdrv "$pkg"
for arch in amd64 x86 arm64; do cp "$W/tiny-$arch.sys" "$pkg/$arch/testdrv.sys"; done
"$DRVCAT" build --quiet --time $T0 --catalog-version 1 --out "$W/v1.cat" "$pkg"
"$DRVCAT" build --quiet --time $T0 --catalog-version 2 --out "$W/v2.cat" "$pkg"
"$DRVCAT" build --quiet --time $T0 --catalog-version 2 --page-hashes --attr Note=seed \
	--out "$W/v2-ph.cat" "$pkg"
"$DRVCAT" build --quiet --time $T0 --os 10_X64 --out "$W/x64.cat" "$pkg"
cp "$W/v1.cat" "$OUT/cat/testdrv-v1.cat"
cp "$W/v2.cat" "$OUT/cat/testdrv-v2.cat"
cp "$W/v2-ph.cat" "$OUT/cat/testdrv-v2-pagehashes-attr.cat"
cp "$W/x64.cat" "$OUT/cat/testdrv-10_x64.cat"

# --- verify (and cat): the same catalogs signed ----------------------------
ossl_sign "$W/v2.cat" "$W/v2-signed.cat" "${SIGN[@]}" -h sha256
ossl_sign "$W/v1.cat" "$W/v1-signed-sha1.cat" "${SIGN[@]}" -h sha1
ossl_sign "$W/v2-ph.cat" "$W/v2-signed-ts.cat" "${SIGN[@]}" -h sha256 "${TSA[@]}"
ossl_sign "$W/x64.cat" "$W/x64-noeku.cat" -certs "$W/noeku.pem" -ac "$W/ca.pem" -key "$W/noeku.key" -h sha256
ossl_sign "$W/x64.cat" "$W/x64-leaf-only.cat" -certs "$W/signer.pem" -key "$W/signer.key" -h sha256
for s in v2-signed v1-signed-sha1 v2-signed-ts x64-noeku x64-leaf-only; do
	cp "$W/$s.cat" "$OUT/verify/testdrv-$s.cat"
done
cp "$W/v2-signed.cat" "$OUT/cat/testdrv-v2-signed.cat"
cp "$W/v2-signed-ts.cat" "$OUT/cat/testdrv-v2-signed-ts.cat"

chmod a-x "$OUT"/*/*
# Every seed small: the replay stays fast and the repository light.
big=$(find "$OUT" -type f -size +$((MAX_SEED / 1024))k)
[ -z "$big" ] || die "seeds over $MAX_SEED bytes: $big"
for t in inf pe cat verify; do
	printf '%-7s %3d seeds, %6d bytes\n' $t "$(ls "$OUT/$t" | wc -l)" "$(cat "$OUT/$t"/* | wc -c)"
done
