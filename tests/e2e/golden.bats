#!/usr/bin/env bats
# Golden outputs (tests/golden/, README.md there): drvcat inf --json for the
# INFs of tests/golden/inf.list and drvcat files --json for the sample
# packages of tests/golden/files.list, with the path under $SHARED in place
# of the machine's path.  tests/tools/update-golden.sh regenerates them;
# every change to a golden file must be reviewed against the INF text.

load helpers
load lib

G=$BATS_TEST_DIRNAME/../golden

setup() {
	need_jq
}

# entries LIST: the non-comment lines of a list file.
entries() {
	grep -v '^[[:space:]]*#' "$G/$1" | grep .
}

# status_matches JSON STATUS: the exit status is 1 exactly when the JSON has an
# error diagnostic.
status_matches() {
	local want=0
	[ "$(jq '[.diagnostics[] | select(.severity == "error")] | length' <<<"$1")" = 0 ] || want=1
	[ "$2" = "$want" ]
}

@test "golden: every list entry has a golden file and every golden file a list entry" {
	local listed present
	listed=$( (entries inf.list | awk '{print "inf/" $1 ".json"}'; entries files.list | awk '{print "files/" $1 ".json"}') | LC_ALL=C sort)
	present=$(cd "$G" && ls inf/*.json files/*.json | LC_ALL=C sort)
	expect_equal "golden files" "$listed" "$present"
	[ "$(entries inf.list | grep -c .)" -ge 15 ]
}

@test "golden: drvcat inf --json matches tests/golden/inf/*.json" {
	need_shared
	local name rel opts got failed=0 n=0
	while read -r name rel opts; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # options are words
		run_drvcat inf --json $opts "$SHARED/$rel"
		got=$(jq --arg p "$rel" '.path = $p' <<<"$output" 2>&1)
		if [ "$got" != "$(cat "$G/inf/$name.json")" ]; then
			printf '%s (%s %s) differs from tests/golden/inf/%s.json:\n' "$name" "$rel" "$opts" "$name" >&2
			diff "$G/inf/$name.json" <(printf '%s\n' "$got") | head -n 40 >&2 || true
			failed=$((failed + 1))
		elif ! status_matches "$output" "$status"; then
			printf '%s: exit status %s does not match its error diagnostics\n' "$name" "$status" >&2
			failed=$((failed + 1))
		fi
	done < <(entries inf.list)
	[ "$n" -ge 15 ]
	[ "$failed" -eq 0 ]
}

@test "golden: drvcat files --json on the sample packages matches tests/golden/files/*.json" {
	need_shared samples/catalogs
	local name rel os got failed=0 n=0
	while read -r name rel os; do
		n=$((n + 1))
		run_drvcat files --os "$os" --json "$SHARED/$rel"
		got=$(jq --arg p "$rel" '.package = $p' <<<"$output" 2>&1)
		if [ "$got" != "$(cat "$G/files/$name.json")" ]; then
			printf '%s (%s --os %s) differs from tests/golden/files/%s.json:\n' "$name" "$rel" "$os" "$name" >&2
			diff "$G/files/$name.json" <(printf '%s\n' "$got") | head -n 40 >&2 || true
			failed=$((failed + 1))
		elif ! status_matches "$output" "$status"; then
			printf '%s: exit status %s does not match its error diagnostics\n' "$name" "$status" >&2
			failed=$((failed + 1))
		fi
	done < <(entries files.list)
	[ "$n" -eq 4 ]
	[ "$failed" -eq 0 ]
}
