# Shared setup for the bats suites.
#   DRVCAT  the binary under test (tests/check.sh sets it; default build/drvcat)
#   SHARED  the read-only reference material (default: ../shared beside the repo)
#   TOOLS   tests/tools
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
DRVCAT=${DRVCAT:-$REPO/build/drvcat}
SHARED=${SHARED:-$(cd "$REPO/.." && pwd)/shared}
TOOLS=$REPO/tests/tools
DATA=$REPO/tests/data

# Skips the test with a message when ../shared is absent (a user's clone).
need_shared() {
	[ -d "$SHARED/${1:-}" ] || skip "needs $SHARED/${1:-} (reference material not in this clone)"
}

# run_drvcat ARGS...: runs the binary; stdout in $output, stderr in $stderr.
bats_require_minimum_version 1.5.0
run_drvcat() {
	run --separate-stderr "$DRVCAT" "$@"
}

# mkpkg: a fresh empty package directory in $pkg.
mkpkg() {
	pkg=$(mktemp -d "$BATS_TEST_TMPDIR/pkg.XXXXXX")
}

# Assertions that print what they expected and what they got (build, show, sign suites).
status_is() { # N
	[ "$status" = "$1" ] && return 0
	printf 'exit status %s, expected %s\n--- stdout\n%s\n--- stderr\n%s\n' \
		"$status" "$1" "$output" "${stderr-}" >&2
	return 1
}

same() { # WHAT EXPECTED ACTUAL
	[ "$2" = "$3" ] && return 0
	printf '%s differs (< expected, > actual)\n' "$1" >&2
	diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") >&2
	return 1
}

has_line() { # WHERE LINE TEXT
	printf '%s\n' "$3" | grep -qxF -- "$2" && return 0
	printf '%s has no line\n  %s\n--- it was\n%s\n' "$1" "$2" "$3" >&2
	return 1
}
