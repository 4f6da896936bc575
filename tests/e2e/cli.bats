#!/usr/bin/env bats
# The command line: --version, help, per-command help, usage errors, exit
# status (README "Commands": 0 success, 1 failure, 2 usage error).

load helpers
load lib

INF_USAGE='usage: drvcat inf [--json] [--codepage N] [--locale LLLL] FILE.inf'
FILES_USAGE='usage: drvcat files [--os LIST] [--inf NAME]... [--json] PKGDIR'

@test "cli: --version prints 'drvcat VERSION' with the Makefile's VERSION, exit 0" {
	local version
	version=$(sed -n 's/^VERSION *:= *//p' "$REPO/Makefile")
	[ -n "$version" ]
	run_drvcat --version
	expect_status 0
	expect_stdout "drvcat $version"
	expect_stderr ""
}

@test "cli: help lists every command on stdout, exit 0" {
	run_drvcat help
	expect_status 0
	expect_stderr ""
	expect_equal "first line" "usage: drvcat COMMAND [OPTIONS] ARGS" "${lines[0]}"
	expect_line stdout "commands:" "$output"
	expect_line stdout "  inf        parse one INF and print its model: version data, catalog per architecture, manufacturers, models, install sections and their files" "$output"
	expect_line stdout "  files      list, for every catalog the package's INFs name, the files that catalog must contain" "$output"
	expect_line stdout "  help       show help for a command (drvcat help COMMAND)" "$output"
	expect_line stdout "drvcat --version prints the version.  Exit status: 0 success, 1 failure," "$output"
	expect_line stdout "2 usage error." "$output"
}

@test "cli: help inf shows the synopsis, every option and the diagnostics format" {
	run_drvcat help inf
	expect_status 0
	expect_stderr ""
	expect_equal "first line" "$INF_USAGE" "${lines[0]}"
	expect_line stdout "  --json                 print the model as JSON" "$output"
	expect_line stdout "  --codepage N           ANSI code page of files without a BOM (default 1252)" "$output"
	expect_line stdout "  --locale LLLL          LANGID choosing [Strings.LLLL] (hex, default 0409)" "$output"
	expect_line stdout "  -h, --help             show this help" "$output"
	expect_line stdout "Problems in the file are printed to stderr as FILE:LINE:COLUMN: SEVERITY: MESSAGE." "$output"
	expect_line stdout "The exit status is 1 when any is an error." "$output"
}

@test "cli: help files shows the synopsis and every option" {
	run_drvcat help files
	expect_status 0
	expect_stderr ""
	expect_equal "first line" "$FILES_USAGE" "${lines[0]}"
	expect_line stdout "  --os LIST              target OSes, Inf2Cat identifiers, comma-separated (default: every OS the INFs serve)" "$output"
	expect_line stdout "  --inf NAME             only this INF (relative to PKGDIR; repeatable)" "$output"
	expect_line stdout "  --json                 print JSON" "$output"
	expect_line stdout "  --codepage N           ANSI code page of INF files without a BOM (default 1252)" "$output"
	expect_line stdout "  --locale LLLL          LANGID choosing [Strings.LLLL] (hex, default 0409)" "$output"
	expect_line stdout "  -h, --help             show this help" "$output"
}

@test "cli: 'inf --help', 'inf -h' and 'help inf' print the same text; so do the files forms" {
	local cmd want
	for cmd in inf files; do
		run_drvcat help "$cmd"
		expect_status 0
		want=$output
		expect_equal "first line" "usage: drvcat $cmd " "${lines[0]:0:$((15 + ${#cmd}))}"
		run_drvcat "$cmd" --help
		expect_status 0
		expect_stderr ""
		expect_equal "$cmd --help" "$want" "$output"
		run_drvcat "$cmd" -h
		expect_status 0
		expect_equal "$cmd -h" "$want" "$output"
	done
}

@test "cli: --help wins over the other arguments and runs nothing" {
	run_drvcat inf --json --help /nonexistent.inf
	expect_status 0
	expect_stderr ""
	expect_equal "first line" "$INF_USAGE" "${lines[0]}"
}

@test "cli: no arguments prints the overview on stderr, exit 2" {
	run_drvcat
	expect_status 2
	expect_stdout ""
	expect_line stderr "usage: drvcat COMMAND [OPTIONS] ARGS" "$stderr"
	expect_line stderr "  files      list, for every catalog the package's INFs name, the files that catalog must contain" "$stderr"
}

# Usage errors: exit 2, nothing on stdout, stderr exactly the message line
# plus the command's usage line (or the pointer to 'drvcat help').
#   arguments | first stderr line | second stderr line
usage_table() {
	cat <<'EOF'
frob|drvcat: unknown command 'frob'|run 'drvcat help' for the list of commands
help frob|drvcat: unknown command 'frob'|run 'drvcat help' for the list of commands
INF|drvcat: unknown command 'INF'|run 'drvcat help' for the list of commands
inf --frob x.inf|drvcat: inf: unknown option '--frob'|INF_USAGE
inf -x x.inf|drvcat: inf: unknown option '-x'|INF_USAGE
files --inf-file a.inf pkg|drvcat: files: unknown option '--inf-file'|FILES_USAGE
inf|drvcat: inf: missing argument|INF_USAGE
files|drvcat: files: missing argument|FILES_USAGE
inf --json|drvcat: inf: missing argument|INF_USAGE
inf a.inf b.inf|drvcat: inf: unexpected argument 'b.inf'|INF_USAGE
files pkg1 pkg2|drvcat: files: unexpected argument 'pkg2'|FILES_USAGE
inf x.inf --codepage|drvcat: inf: option '--codepage' needs N|INF_USAGE
files pkg --os|drvcat: files: option '--os' needs LIST|FILES_USAGE
inf --json=yes x.inf|drvcat: inf: option '--json' takes no value|INF_USAGE
inf --codepage 1252 --codepage 1251 x.inf|drvcat: inf: option '--codepage' given twice|INF_USAGE
inf --codepage abc x.inf|drvcat: inf: --codepage takes a Windows code page number such as 1252|INF_USAGE
inf --codepage 0 x.inf|drvcat: inf: --codepage takes a Windows code page number such as 1252|INF_USAGE
inf --locale 409 x.inf|drvcat: inf: --locale takes a 4-digit hexadecimal LANGID such as 0409|INF_USAGE
inf --locale 04g9 x.inf|drvcat: inf: --locale takes a 4-digit hexadecimal LANGID such as 0409|INF_USAGE
files --os 10_X64, pkg|drvcat: files: --os list '10_X64,' ends with a comma|FILES_USAGE
files --os 10_X64,10_x64 pkg|drvcat: files: operating system identifier '10_x64' given twice|FILES_USAGE
EOF
}

@test "cli: usage errors exit 2 with the exact message and usage line on stderr (table)" {
	local args first second argv failed=0 n=0
	while IFS='|' read -r args first second; do
		read -r -a argv <<<"$args"
		case $second in
		INF_USAGE) second=$INF_USAGE ;;
		FILES_USAGE) second=$FILES_USAGE ;;
		esac
		run_drvcat "${argv[@]}"
		n=$((n + 1))
		if [ "$status" != 2 ] || [ -n "$output" ] || [ "$stderr" != "$first"$'\n'"$second" ]; then
			printf 'drvcat %s\n  expected: exit 2, no stdout, stderr:\n    %s\n    %s\n  got: exit %s, stdout %q, stderr:\n%s\n' \
				"$args" "$first" "$second" "$status" "$output" "$(sed 's/^/    /' <<<"$stderr")" >&2
			failed=$((failed + 1))
		fi
	done < <(usage_table)
	[ "$n" -eq 21 ]
	[ "$failed" -eq 0 ]
}

@test "cli: exit status 0 for a clean INF, nothing on stderr" {
	run_drvcat inf "$DATA/inf/base.inf"
	expect_status 0
	expect_stderr ""
	expect_equal "first line" "file:        $DATA/inf/base.inf (ansi)" "${lines[0]}"
}

@test "cli: exit status 1 for an INF with an error" {
	run_drvcat inf "$DATA/inf/undefined-token.inf"
	expect_status 1
	expect_line stderr "$DATA/inf/undefined-token.inf:14:1: error: string token %Missing.Desc% is not defined in [Strings]" "$stderr"
}

@test "cli: exit status 1 for files that cannot be read, with the path and the reason" {
	run_drvcat inf "$BATS_TEST_TMPDIR/absent.inf"
	expect_status 1
	expect_stdout ""
	expect_stderr "drvcat: inf: $BATS_TEST_TMPDIR/absent.inf: cannot open: No such file or directory"

	run_drvcat inf "$BATS_TEST_TMPDIR"
	expect_status 1
	expect_stderr "drvcat: inf: $BATS_TEST_TMPDIR: is a directory, not a file"

	run_drvcat files "$BATS_TEST_TMPDIR/absent"
	expect_status 1
	expect_stderr "drvcat: files: $BATS_TEST_TMPDIR/absent: cannot open package directory: No such file or directory"

	mkpkg
	run_drvcat files "$pkg"
	expect_status 1
	expect_stderr "drvcat: files: $pkg: no .inf file in the package directory"
}

@test "cli: a code page iconv does not know is a usage error naming it" {
	run_drvcat inf --codepage 1234 "$DATA/inf/base.inf"
	expect_status 2
	expect_stderr "drvcat: inf: code page 1234 is not known to this system's iconv"$'\n'"$INF_USAGE"
}
