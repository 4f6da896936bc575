#!/bin/bash
# Build a tiny unsigned Windows kernel-mode driver for tests, no WDK needed.
# usage: build-driver.sh ARCH OUT.sys [NAME]
#   ARCH  amd64 | x86 | arm64
#   NAME  compiled in as DRIVER_NAME, so different names give different bytes
# Output is deterministic (/Brepro): same ARCH and NAME, same bytes.
set -euo pipefail

prog=build-driver.sh
die() { echo "$prog: $*" >&2; exit 1; }

{ [ $# -eq 2 ] || [ $# -eq 3 ]; } || die "usage: $prog amd64|x86|arm64 OUT.sys [NAME]"
arch=$1 out=$2 name=${3:-tiny}
src=$(dirname "$0")/../data/driver/tiny.c

# entry: x86 DriverEntry is __stdcall, so its symbol is _DriverEntry@8; lld-link
# adds the leading underscore itself. machine: IMAGE_FILE_MACHINE_* (PE/COFF spec).
case $arch in
amd64) target=x86_64-pc-windows-msvc  entry=DriverEntry   machine=8664 ;;
x86)   target=i686-pc-windows-msvc    entry=DriverEntry@8 machine=014c ;;
arm64) target=aarch64-pc-windows-msvc entry=DriverEntry   machine=aa64 ;;
*) die "unknown ARCH '$arch' (want amd64, x86 or arm64)" ;;
esac
# NAME goes into a C string literal: keep it to characters that need no escaping.
[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "NAME '$name' must match [A-Za-z0-9._-]+"

command -v clang >/dev/null || die "clang not found in PATH"
command -v lld-link >/dev/null || die "lld-link not found in PATH"
[ -f "$src" ] || die "driver source $src not found"

# Temp dir next to OUT so the final mv is a rename: OUT is either complete or absent.
tmp=$(mktemp -d "$(dirname "$out")/.build-driver.XXXXXX") || die "cannot create temp dir"
trap 'rm -rf "$tmp"' EXIT

# -mno-stack-arg-probe: no __chkstk call (nothing to import it from); x86 only,
# but accepted silently for every target.
clang --target="$target" -c -O2 -ffreestanding -fno-builtin -fno-stack-protector \
	-mno-stack-arg-probe -Wall -Wextra "-DDRIVER_NAME=\"$name\"" \
	-o "$tmp/tiny.obj" "$src" || die "clang failed compiling $src for $arch"
lld-link /nologo /driver /subsystem:native "/entry:$entry" /nodefaultlib /Brepro \
	"/out:$tmp/tiny.sys" "$tmp/tiny.obj" || die "lld-link failed linking $arch driver"

# Check the Machine field: COFF header follows the "PE\0\0" signature at e_lfanew (0x3c).
e_lfanew=$(od --endian=little -An -tu4 -j60 -N4 "$tmp/tiny.sys" | tr -d ' ')
got=$(od --endian=little -An -tx2 -j$((e_lfanew + 4)) -N2 "$tmp/tiny.sys" | tr -d ' ')
[ "$got" = "$machine" ] || die "built image has Machine 0x$got, expected 0x$machine"

mv "$tmp/tiny.sys" "$out" || die "cannot move driver to $out"
