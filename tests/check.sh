#!/bin/bash
# Runs every test twice: on the plain build and on an ASan+UBSan build.
# Suites: cmocka unit tests (TAP), bats end-to-end tests (TAP), the layering
# check.  Ends with one line "N passed, N failed" and exits 1 on any failure.
set -u
cd "$(dirname "$0")/.."
WERROR=${WERROR:-1}
pass=0 fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# count_tap NAME: reads TAP on stdin, echoes it, adds ok / not ok lines to the totals.
count_tap() {
	local name=$1 line p=0 f=0
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok"*) f=$((f + 1)); printf '%s: %s\n' "$name" "$line" >>"$log" ;;
		"ok"*) p=$((p + 1)) ;;
		esac
	done
	echo "$p $f" >"$log.count"
}

add_counts() {
	local p f
	read -r p f <"$log.count"
	pass=$((pass + p)) fail=$((fail + f))
}

run_suite() { # BUILD-DIR LABEL
	local build=$1 label=$2 t status p f
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		echo "# $label unit: ${t##*/}"
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 | count_tap "$label ${t##*/}"
		status=${PIPESTATUS[0]}
		add_counts
		# cmocka exits with its number of failed tests; anything else (a
		# sanitizer abort or a crash, even after the last "ok") is a failure.
		read -r p f <"$log.count"
		if [ "$status" -ne "$f" ]; then
			echo "not ok - ${t##*/} exited with status $status after $f failures (crash or sanitizer report)"
			printf '%s: %s exited with status %s\n' "$label" "${t##*/}" "$status" >>"$log"
			fail=$((fail + 1))
		fi
	done
	echo "# $label e2e (bats)"
	DRVCAT="$PWD/$build/drvcat" bats --tap tests/e2e 2>&1 | count_tap "$label e2e"
	add_counts
}

# layering: iconv only in util/text.c, libxml2 only in src/report, no OpenSSL
# in util/inf/pkg, and lower layers never include higher ones.
layering() {
	local bad=0 f
	for f in $(grep -rl 'include <iconv.h>' src); do
		[ "$f" = src/util/text.c ] || { echo "not ok - $f includes iconv (only src/util/text.c may)"; bad=1; }
	done
	for f in $(grep -rl 'include <libxml' src); do
		case $f in src/report/*) ;; *) echo "not ok - $f includes libxml2 (only src/report may)"; bad=1 ;; esac
	done
	for f in $(grep -rl 'include <openssl' src/util src/inf src/pkg 2>/dev/null); do
		echo "not ok - $f includes OpenSSL (not allowed in util, inf, pkg)"; bad=1
	done
	for f in $(grep -rlE 'include "\.\./(inf|pkg|hash|asn1|cat|sign|verify|check|report|cli)/' src/util); do
		echo "not ok - $f (util) includes a higher module"; bad=1
	done
	for f in $(grep -rlE 'include "\.\./(pkg|hash|asn1|cat|sign|verify|check|report|cli)/' src/inf); do
		echo "not ok - $f (inf) includes a higher module"; bad=1
	done
	for f in $(grep -rlE 'include "\.\./(sign)/' src/verify 2>/dev/null); do
		echo "not ok - $f (verify) includes src/sign"; bad=1
	done
	for f in $(grep -rl 'printf\|fputs\|puts(' src --include=*.c | grep -v '^src/cli/' ); do
		if grep -qE '\b(printf|fprintf|fputs|puts)\(' "$f"; then echo "not ok - $f prints (only src/cli may)"; bad=1; fi
	done
	[ $bad = 0 ] && echo "ok - layering: includes and printing follow the module rules"
}

for variant in plain sanitize; do
	if [ $variant = plain ]; then build=build extra=; else build=build/asan extra="SANITIZE=1"; fi
	echo "# building ($variant)"
	if ! make --no-print-directory -s BUILD=$build WERROR="$WERROR" $extra all unit-tests >"$log.make" 2>&1; then
		cat "$log.make"
		echo "not ok - build ($variant)"
		fail=$((fail + 1))
		continue
	fi
	cat "$log.make"
	echo "ok - build ($variant)"
	pass=$((pass + 1))
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		run_suite "$build" "$variant"
done
layering | count_tap layering
add_counts

if [ -s "$log" ]; then
	echo "# failures:"
	sed 's/^/#   /' "$log"
fi
rm -f "$log.count" "$log.make"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
