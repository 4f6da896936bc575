# Assertions shared by the bats suites (load after helpers).  Each prints
# what it expected and what it got, then returns 1, so a failing check names
# itself in the TAP output.

# expect_status N: $status (from run / run_drvcat) must be N.
expect_status() {
	if [ "$status" != "$1" ]; then
		printf 'exit status: expected %s, got %s\n--- stdout\n%s\n--- stderr\n%s\n' \
			"$1" "$status" "$output" "${stderr-}" >&2
		return 1
	fi
}

# expect_equal WHAT EXPECTED ACTUAL
expect_equal() {
	if [ "$2" != "$3" ]; then
		printf '%s differs\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3" >&2
		return 1
	fi
}

# expect_stderr TEXT: the whole of stderr (several lines allowed).
expect_stderr() {
	expect_equal stderr "$1" "${stderr-}"
}

# expect_stdout TEXT: the whole of stdout.
expect_stdout() {
	expect_equal stdout "$1" "$output"
}

# expect_line WHERE LINE TEXT: TEXT has LINE as one of its lines, exactly.
expect_line() {
	if ! printf '%s\n' "$3" | grep -qxF -- "$2"; then
		printf '%s has no line\n  %s\n--- %s was\n%s\n' "$1" "$2" "$1" "$3" >&2
		return 1
	fi
}

# expect_no_match WHERE REGEX TEXT: no line of TEXT matches REGEX (grep -E).
expect_no_match() {
	if printf '%s\n' "$3" | grep -qE -- "$2"; then
		printf '%s must not match /%s/ but has\n%s\n' "$1" "$2" \
			"$(printf '%s\n' "$3" | grep -E -- "$2")" >&2
		return 1
	fi
}

# need_jq: jq is a declared test dependency (scripts/deps.sh installs it).
need_jq() {
	command -v jq >/dev/null 2>&1 || {
		echo "jq is required for the JSON checks (scripts/deps.sh installs it)" >&2
		return 1
	}
}

# jqo FILTER [ARGS...]: runs jq -r on $output (the JSON printed by drvcat).
jqo() {
	printf '%s' "$output" | jq -r "$@"
}
