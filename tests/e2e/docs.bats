#!/usr/bin/env bats
# explain, DRVCAT_* defaults, the generated manual page and completions, make install.
load helpers

@test "explain: every code the issue names is explained, with the command that finds it" {
	local code
	for code in 0xE000024B 0x800B0109 0x800B0100 0xE0000247 0xE0000242 0xE000022F 0x800F024B 0x800B010A 22.9.1 22.9.4 22.9.6 22.9.7 22.9.10; do
		run_drvcat explain "$code"
		[ "$status" -eq 0 ] || { echo "explain $code: exit $status: $stderr" >&2; return 1; }
		[[ $output == "$code: "* ]] || { echo "explain $code: $output" >&2; return 1; }
		grep -q '^Finding the cause:$' <<<"$output"
		grep -q 'drvcat ' <<<"$output"
	done
}

@test "explain: codes match case-insensitively, without 0x and by symbolic name" {
	run_drvcat explain 800f024b
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "800f024b: The hash for the file is not present in the specified catalog file" ]
	run_drvcat explain CERT_E_UNTRUSTEDROOT
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == "CERT_E_UNTRUSTEDROOT: A certificate chain processed, but terminated in a root certificate which is not trusted" ]]
}

@test "explain: an unknown code is an error; no code lists them all" {
	run_drvcat explain 0x12345678
	[ "$status" -eq 1 ]
	[ "$stderr" = "drvcat: explain: no explanation for '0x12345678'; 'drvcat explain' lists the codes it knows" ]
	run_drvcat explain
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 18 ]
	[[ ${lines[0]} == "0xE000024B   The hash for the file is not present"* ]]
}

@test "DRVCAT_OS supplies --os; the command line wins" {
	mkpkg
	cp "$REPO/inf-templates/example/drvdemo.inf" "$pkg/"
	mkdir "$pkg/amd64" "$pkg/arm64"
	echo x >"$pkg/amd64/drvdemo.sys"
	echo y >"$pkg/arm64/drvdemo.sys"
	DRVCAT_OS=10_RS5_X64 run_drvcat files "$pkg"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "drvdemo.cat: 2 files; os: 10_RS5_X64" ]
	DRVCAT_OS=10_RS5_X64 run_drvcat files --os 10_RS5_ARM64 "$pkg"
	[ "${lines[0]}" = "drvdemo.cat: 2 files; os: 10_RS5_ARM64" ]
	DRVCAT_OS=nonsense run_drvcat files "$pkg"
	[ "$status" -eq 2 ]
	[[ ${stderr%%$'\n'*} == "drvcat: files: unknown operating system identifier 'nonsense'" ]]
}

@test "help --man is a manual page with every command and option; help CMD says the same" {
	run_drvcat help --man
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == '.TH DRVCAT 1 '* ]]
	local cmd
	for cmd in inf files hash build show verify explain; do
		grep -q "^\.SS \"drvcat $cmd\"\$" <<<"$output" || { echo "no section for $cmd" >&2; return 1; }
	done
	# every option of 'help build' is in the manual
	local opt
	for opt in $("$DRVCAT" help build | grep -o '^  --[a-z-]*' | sed 's/^  --//'); do
		grep -q "^\.B \\\\-\\\\-${opt//-/\\\\-}\$\|^\.B \\\\-\\\\-${opt//-/\\\\-} " <<<"$output" || { echo "build --$opt missing from the manual" >&2; return 1; }
	done
	if command -v man >/dev/null; then
		"$DRVCAT" help --man >"$BATS_TEST_TMPDIR/drvcat.1"
		run man -l "$BATS_TEST_TMPDIR/drvcat.1"
		[ "$status" -eq 0 ]
		grep -q 'drvcat - build, sign and verify Windows driver packages on any OS' <<<"$output"
	fi
}

@test "bash completion completes commands, options and --os identifiers" {
	"$DRVCAT" help --completion bash >"$BATS_TEST_TMPDIR/c.bash"
	run bash -c '
		source "$1"
		COMP_WORDS=(drvcat bu); COMP_CWORD=1; _drvcat; echo "1:${COMPREPLY[*]}"
		COMP_WORDS=(drvcat build --ou); COMP_CWORD=2; _drvcat; echo "2:${COMPREPLY[*]}"
		COMP_WORDS=(drvcat files --os 10_RS5_X6); COMP_CWORD=3; _drvcat; echo "3:${COMPREPLY[*]}"
		COMP_WORDS=(drvcat files --os 8_X64,Server8); COMP_CWORD=3; _drvcat; echo "4:${COMPREPLY[*]}"
	' _ "$BATS_TEST_TMPDIR/c.bash"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1:build" ]
	[ "${lines[1]}" = "2:--out --out-dir" ]
	[ "${lines[2]}" = "3:10_RS5_X64" ]
	[ "${lines[3]}" = "4:8_X64,Server8_X64" ]
}

@test "make install puts the binary, the manual page and both completions under DESTDIR" {
	local dest=$BATS_TEST_TMPDIR/dest build san=
	build=$(dirname "$DRVCAT")
	# Install from the build under test, with its own flags, so nothing is relinked differently.
	case $build in */asan) san=SANITIZE=1 ;; esac
	run make -C "$REPO" --no-print-directory -s install BUILD="$build" $san DESTDIR="$dest" PREFIX=/usr
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	[ -x "$dest/usr/bin/drvcat" ]
	[ -s "$dest/usr/share/man/man1/drvcat.1" ]
	[ -s "$dest/usr/share/bash-completion/completions/drvcat" ]
	[ -s "$dest/usr/share/zsh/site-functions/_drvcat" ]
	run "$dest/usr/bin/drvcat" --version
	[ "$status" -eq 0 ]
	[[ $output == "drvcat "* ]]
}
