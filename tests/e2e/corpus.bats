#!/usr/bin/env bats
# drvcat inf over every .inf/.inx (any case) of the shared corpora:
# $SHARED/inf-corpus (138), inf-corpus-utf16le-crlf (138, the same files as
# a Windows checkout writes them), inf-corpus-extra (300); inf-format.md 5.
# One pass in setup_file; the tests read its results.  The expected error
# lines are tests/corpus/expected-diagnostics.txt (reviewed against the INF
# text, see its header).

load helpers
load lib

EXPECTED=$BATS_TEST_DIRNAME/../corpus/expected-diagnostics.txt

corpus_files() {
	find inf-corpus inf-corpus-utf16le-crlf inf-corpus-extra -type f \
		\( -iname '*.inf' -o -iname '*.inx' \) | LC_ALL=C sort
}

setup_file() {
	[ -d "$SHARED/inf-corpus" ] || return 0
	local out=$BATS_FILE_TMPDIR rel rc
	cd "$SHARED"
	corpus_files >"$out/files"
	# One log, post-processed once: "@@ RC PATH" after each file's stderr.
	while IFS= read -r rel; do
		rc=0
		"$DRVCAT" inf "$rel" 2>&1 >/dev/null || rc=$?
		printf '@@ %s %s\n' "$rc" "$rel"
	done <"$out/files" >"$out/log"
	grep '^@@ ' "$out/log" | cut -c4- >"$out/status"
	grep -F ': error: ' "$out/log" >"$out/errors" || true
	LC_ALL=C sort "$out/errors" >"$out/errors.sorted"
	# A failure that is not a diagnostic (e.g. an undecodable file).
	grep -E '^drvcat: ' "$out/log" >"$out/fatal" || true
}

setup() {
	need_shared inf-corpus
	need_shared inf-corpus-utf16le-crlf
	need_shared inf-corpus-extra
	R=$BATS_FILE_TMPDIR
}

@test "corpus: all 576 INF/INX files are found (138 + 138 + 300, inf-format.md 5)" {
	expect_equal "file count" 576 "$(grep -c . "$R/files")"
	expect_equal "inf-corpus" 138 "$(grep -c '^inf-corpus/' "$R/files")"
	expect_equal "inf-corpus-utf16le-crlf" 138 "$(grep -c '^inf-corpus-utf16le-crlf/' "$R/files")"
	expect_equal "inf-corpus-extra" 300 "$(grep -c '^inf-corpus-extra/' "$R/files")"
}

@test "corpus: no file crashes drvcat inf (exit status 0 or 1 only)" {
	local bad
	bad=$(awk '$1 != 0 && $1 != 1' "$R/status")
	if [ -n "$bad" ]; then
		printf 'exit status other than 0/1 (status file):\n%s\n' "$(head -n 20 <<<"$bad")" >&2
		return 1
	fi
	[ "$(grep -c . "$R/status")" -eq 576 ]
}

@test "corpus: every failure is a diagnostic; exit status 1 exactly for the files with an error line" {
	if [ -s "$R/fatal" ]; then
		printf 'drvcat failed without a FILE:LINE:COL diagnostic:\n%s\n' "$(head -n 20 "$R/fatal")" >&2
		return 1
	fi
	local with_errors failing diff
	with_errors=$(sed -E 's/:[0-9]+:[0-9]+: error: .*//' "$R/errors" | LC_ALL=C sort -u)
	failing=$(awk '$1 == 1 { sub(/^1 /, ""); print }' "$R/status" | LC_ALL=C sort -u)
	diff=$(diff <(echo "$with_errors") <(echo "$failing") || true)
	if [ -n "$diff" ]; then
		printf 'files with error lines (<) vs files with exit status 1 (>):\n%s\n' "$(head -n 20 <<<"$diff")" >&2
		return 1
	fi
}

@test "corpus: the error lines are exactly tests/corpus/expected-diagnostics.txt" {
	local want missing unexpected files
	want=$(grep -v '^#' "$EXPECTED" | grep . | LC_ALL=C sort)
	missing=$(LC_ALL=C comm -23 <(echo "$want") "$R/errors.sorted")
	unexpected=$(LC_ALL=C comm -13 <(echo "$want") "$R/errors.sorted")
	if [ -n "$missing$unexpected" ]; then
		files=$(printf '%s\n%s\n' "$missing" "$unexpected" | grep . |
			sed -E 's/:[0-9]+:[0-9]+: error: .*//' | LC_ALL=C sort -u)
		printf 'first files that differ:\n%s\n' "$(head -n 10 <<<"$files" | sed 's/^/  /')" >&2
		[ -z "$missing" ] || printf 'expected but not printed (%s):\n%s\n' \
			"$(grep -c . <<<"$missing")" "$(head -n 20 <<<"$missing" | sed 's/^/  /')" >&2
		[ -z "$unexpected" ] || printf 'printed but not expected (%s):\n%s\n' \
			"$(grep -c . <<<"$unexpected")" "$(head -n 20 <<<"$unexpected" | sed 's/^/  /')" >&2
		return 1
	fi
}

@test "corpus: each inf-corpus file and its UTF-16LE+CRLF twin give the same --json model" {
	need_jq
	local f i=0 files=() differ
	# The same text in two encodings: only the path, the encoding and the
	# diagnostics about the encoding may differ.
	local filter='del(.path, .encoding) | .diagnostics |= map(select(.kind != "encoding"))'
	local d=$BATS_TEST_TMPDIR
	mkdir -p "$d/plain" "$d/twin"
	cd "$SHARED"
	while IFS= read -r f; do
		i=$((i + 1))
		files[i]=$f
		"$DRVCAT" inf --json "$f" >"$d/plain/$i.json" 2>/dev/null || true
		"$DRVCAT" inf --json "inf-corpus-utf16le-crlf/${f#inf-corpus/}" >"$d/twin/$i.json" 2>/dev/null || true
	done < <(grep '^inf-corpus/' "$R/files")
	[ "$i" -eq 138 ]
	# One jq run per side; each line is "N <model>", N the file's index.
	for side in plain twin; do
		(cd "$d/$side" && jq -cS "[(input_filename | rtrimstr(\".json\") | tonumber), ($filter)]" $(seq -f '%g.json' 1 "$i")) |
			sed -E 's/^\[([0-9]+),/\1 /' >"$d/$side.txt"
	done
	expect_equal "models read (plain, twin)" "$i $i" "$(grep -c . "$d/plain.txt") $(grep -c . "$d/twin.txt")"
	differ=$(diff "$d/plain.txt" "$d/twin.txt" | sed -nE 's/^[<>] ([0-9]+) .*/\1/p' | sort -nu)
	if [ -n "$differ" ]; then
		printf '%s files differ from their UTF-16LE twin; first ones:\n' "$(grep -c . <<<"$differ")" >&2
		for i in $(head -n 10 <<<"$differ"); do printf '  %s\n' "${files[i]}" >&2; done
		i=$(head -n 1 <<<"$differ")
		diff <(jq -S "$filter" "$d/plain/$i.json") <(jq -S "$filter" "$d/twin/$i.json") | head -n 30 >&2 || true
		return 1
	fi
}
