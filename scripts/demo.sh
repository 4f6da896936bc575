#!/bin/bash
# make demo: lays out the example package (inf-templates/example + a tiny
# driver compiled for x64 and ARM64 with clang + lld-link), lists its
# members, builds its catalog and shows it.
set -euo pipefail
cd "$(dirname "$0")/.."
drvcat=${1:-build/drvcat}
pkg=build/demo/drvdemo

rm -rf "$pkg"
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
echo "== drvcat build $pkg"
"$drvcat" build --time "${SOURCE_DATE_EPOCH:-$(date +%s)}" "$pkg"
echo
echo "== drvcat show $pkg/drvdemo.cat"
"$drvcat" show "$pkg/drvdemo.cat"
