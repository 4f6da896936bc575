#!/bin/sh
# Installs the Debian packages drvcat needs, when they are missing.
#   scripts/deps.sh build   what `make` and `make demo` need
#   scripts/deps.sh test    plus what `make check` needs
# As root on Debian it runs apt-get; otherwise it prints the exact command
# and fails, so nothing is installed behind a user's back.
set -eu

build_pkgs="gcc make libc6-dev pkg-config libssl-dev libxml2-dev clang lld"
test_pkgs="libcmocka-dev bats jq python3-asn1crypto python3-cryptography softhsm2 opensc libengine-pkcs11-openssl xxd libxml2-utils"

case "${1:-build}" in
build) want=$build_pkgs ;;
test) want="$build_pkgs $test_pkgs" ;;
*) echo "usage: scripts/deps.sh build|test" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "drvcat: not a Debian system; make sure these (Debian names) are installed: $want" >&2
	exit 0
fi

missing=
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "drvcat: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
	exit 0
fi
echo "drvcat: missing packages:$missing" >&2
echo "install them with: sudo apt-get install -y$missing" >&2
exit 1
