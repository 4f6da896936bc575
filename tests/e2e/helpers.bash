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
