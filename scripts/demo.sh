#!/bin/bash
# make demo: lays out the example package (inf-templates/example + a tiny
# driver compiled for x64 and ARM64 with clang + lld-link), lists its
# members, makes a test-signing certificate, builds and signs the catalog,
# shows it and verifies the package against the test certificate.
# DEMO_DIR (default build/demo) is where it all goes.
set -euo pipefail
cd "$(dirname "$0")/.."
drvcat=${1:-build/drvcat}
demo=${DEMO_DIR:-build/demo}
pkg=$demo/drvdemo
certs=$demo/certs

rm -rf "$pkg" "$certs"
mkdir -p "$pkg/amd64" "$pkg/arm64"
cp inf-templates/example/drvdemo.inf "$pkg/"
for arch in amd64 arm64; do
	tests/tools/build-driver.sh "$arch" "$pkg/$arch/drvdemo.sys" drvdemo
done

echo "== drvcat inf $pkg/drvdemo.inf"
"$drvcat" inf "$pkg/drvdemo.inf"
echo
echo "== drvcat files $pkg"
"$drvcat" files "$pkg"
echo
echo "== drvcat cert --test --subject \"CN=drvcat demo (test)\" --out-dir $certs"
# A throw-away test certificate: the .pfx gets an empty password (drvcat warns).
"$drvcat" cert --test --subject "CN=drvcat demo (test)" --out-dir "$certs" 2>&1
echo
echo "== drvcat build --sign --cert $certs/drvcat-demo-test.pem --key $certs/drvcat-demo-test.key $pkg"
"$drvcat" build --time "${SOURCE_DATE_EPOCH:-$(date +%s)}" --sign \
	--cert "$certs/drvcat-demo-test.pem" --key "$certs/drvcat-demo-test.key" "$pkg"
echo
echo "== drvcat show $pkg/drvdemo.cat"
"$drvcat" show "$pkg/drvdemo.cat"
echo
echo "== drvcat verify --trust $certs/drvcat-demo-test.pem $pkg"
"$drvcat" verify --trust "$certs/drvcat-demo-test.pem" "$pkg"
