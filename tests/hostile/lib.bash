# Checks for tests/e2e/hostile.bats (load after helpers): one hostile-input
# case of tests/hostile/cases.tsv per call.
#
# cases.tsv, one case per line, tab-separated (blank lines and # comments
# ignored):
#   ID  FIXTURE  STATUS  COMMAND  EXPECT...
# FIXTURE    KIND:NAME[:ARG] made by tests/hostile/gen.py into $HOSTILE_DIR/ID/
# STATUS     the exit status drvcat must give (1 for every hostile input,
#            0 for inputs that are merely odd but valid)
# COMMAND    drvcat's arguments, split on spaces; {d} is the case directory,
#            {t} a scratch directory outside it (for outputs of valid inputs)
# EXPECT     one or more of ({d} replaced in each):
#   err=LINE      stderr has LINE as one of its lines, exactly
#   out=LINE      stdout has LINE as one of its lines, exactly
#   noerr         stderr is empty
#   outnoctl      stdout has no control character but newline and tab (names
#                 from hostile files must not reach a terminal raw)
#   errpart=TEXT  a line of stderr contains TEXT: only for cases that show a
#                 drvcat bug whose message does not exist yet (marked BUG in
#                 cases.tsv); replace it by err= once the fix is in
# Every case also checks: no sanitizer report (ASan, LeakSanitizer, UBSan) on
# stderr, no hang (HOSTILE_TIMEOUT seconds, default 20), and the case
# directory is exactly as the generator left it (no output file, no
# temporary file, nothing modified).

HOSTILE_SRC=$REPO/tests/hostile
HOSTILE_CASES=$HOSTILE_SRC/cases.tsv
PY=${PY:-/usr/bin/python3}

# setup_file: every fixture at once, in one generator run.
setup_file() {
	HOSTILE_DIR=$BATS_FILE_TMPDIR/hostile
	export HOSTILE_DIR
	"$PY" -c 'import cryptography' 2>/dev/null ||
		{ echo "tests/hostile/gen.py needs python3-cryptography (scripts/deps.sh test)" >&2; return 1; }
	"$PY" "$HOSTILE_SRC/gen.py" "$HOSTILE_CASES" "$HOSTILE_DIR"
}

# The listing a case directory must keep: every entry, and for all but
# directories (whose mtime a created-then-removed temporary file changes,
# which is allowed) type, size and mtime.
hostile_snapshot() {
	(cd "$1" && find . \( -type d -printf '%p d\n' \) -o -printf '%p %y %s %T@\n' | LC_ALL=C sort)
}

hostile_case() {
	local id=$1 row fixture want cmd d before after line i
	local -a cols args
	row=$(awk -F'\t' -v id="$id" '$1 == id' "$HOSTILE_CASES")
	[ -n "$row" ] || { echo "case $id is not in $HOSTILE_CASES" >&2; return 1; }
	IFS=$'\t' read -r -a cols <<<"$row"
	fixture=${cols[1]} want=${cols[2]} cmd=${cols[3]}
	d=$HOSTILE_DIR/$id
	[ -d "$d" ] || { echo "fixture $fixture was not generated in $d" >&2; return 1; }
	cmd=${cmd//\{d\}/$d}
	read -r -a args <<<"${cmd//\{t\}/$BATS_TEST_TMPDIR}"
	before=$(hostile_snapshot "$d")
	run --separate-stderr timeout "${HOSTILE_TIMEOUT:-20}" "$DRVCAT" "${args[@]}"
	if [ "$status" = 124 ]; then
		echo "drvcat ${args[*]} hung (killed after ${HOSTILE_TIMEOUT:-20} s)" >&2
		return 1
	fi
	if printf '%s\n' "$stderr" | grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: [A-Za-z]*Sanitizer'; then
		printf 'sanitizer report:\n%s\n' "$stderr" >&2
		return 1
	fi
	expect_status "$want"
	for ((i = 4; i < ${#cols[@]}; i++)); do
		line=${cols[i]//\{d\}/$d}
		line=${line//\{t\}/$BATS_TEST_TMPDIR}
		case $line in
		err=*) expect_line stderr "${line#err=}" "$stderr" ;;
		out=*) expect_line stdout "${line#out=}" "$output" ;;
		noerr) expect_equal stderr "" "$stderr" ;;
		outnoctl)
			if printf '%s' "$output" | LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')"; then
				printf 'stdout has control characters:\n%s\n' "$(printf '%s' "$output" | cat -v)" >&2
				return 1
			fi
			;;
		errpart=*)
			printf '%s\n' "$stderr" | grep -qF -- "${line#errpart=}" || {
				printf 'stderr has no line containing\n  %s\n--- stderr was\n%s\n' "${line#errpart=}" "$stderr" >&2
				return 1
			}
			;;
		*) echo "cases.tsv: case $id: unknown expectation '$line'" >&2; return 1 ;;
		esac
	done
	after=$(hostile_snapshot "$d")
	expect_equal "case directory (left over or changed files)" "$before" "$after"
}

# hostile.bats has exactly one test per row of cases.tsv, in order.
hostile_check_table() {
	local want
	want=$("$PY" "$HOSTILE_SRC/gen.py" --bats "$HOSTILE_CASES")
	expect_equal "tests/e2e/hostile.bats (regenerate: $PY tests/hostile/gen.py --bats tests/hostile/cases.tsv >tests/e2e/hostile.bats)" \
		"$want" "$(cat "$BATS_TEST_FILENAME")"
}
