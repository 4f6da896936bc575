#!/usr/bin/env bats
# drvcat files on hand-made packages (tests/data/pkgs/<name>/: INF text and
# tiny dummy member files; the walk never reads member content).  Rules
# cited as inf-format.md sections.  Packages are copied to a scratch
# directory first, so the tests can add symlinks and files "outside" the
# package that a path escape would reach, and so the paths printed are short.

load helpers
load lib

setup() {
	need_jq
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT"
	cp -R "$DATA/pkgs/." "$ROOT/"
	# What the escape fixtures point at: if drvcat followed them it would
	# find real files here, so "not listed" means "refused", not "absent".
	mkdir -p "$ROOT/outside"
	echo "outside the package" >"$ROOT/outside/evil.sys"
	echo "outside the package" >"$ROOT/outside/via.sys"
	cd "$ROOT"
}

# members: the catalogs' member paths from $output (--json), as
# "catalog: path,path" lines.
members() {
	jqo '.catalogs[] | "\(.catalog): \([.files[].path] | join(","))"'
}

@test "files: a CopyFiles rename lists the source path and the installed name (COPYFILES; ftd2xx.dll,ftd2xx64.dll)" {
	run_drvcat files --os 10_X64 --json rename
	expect_status 0
	expect_stderr ""
	# rename.inf: line 35 'ftd2xx.dll,ftd2xx64.dll' in [FtdiBus.Copy2];
	# [SourceDisksNames.amd64] 1 = ...,\amd64; @ftlang.dll on line 29.
	local want='{
	  "package": "rename", "infs": ["rename.inf"],
	  "catalogs": [ { "catalog": "rename.cat", "os": ["10_X64"], "files": [
	    { "path": "amd64/ftd2xx64.dll", "installed_as": "ftd2xx.dll", "inf": "rename.inf",
	      "line": 35, "section": "FtdiBus.Copy2", "arch": "amd64" },
	    { "path": "amd64/ftdibus.sys", "installed_as": "ftdibus.sys", "inf": "rename.inf",
	      "line": 32, "section": "FtdiBus.Copy", "arch": "amd64" },
	    { "path": "amd64/ftlang.dll", "installed_as": "ftlang.dll", "inf": "rename.inf",
	      "line": 29, "section": "@", "arch": "amd64" },
	    { "path": "rename.inf", "installed_as": "rename.inf", "inf": "rename.inf",
	      "line": null, "section": null, "arch": "amd64" } ] } ],
	  "diagnostics": []
	}'
	expect_equal "files --json" "$(jq -S . <<<"$want")" "$(jqo -S .)"

	run_drvcat files --os 10_X64 rename
	expect_status 0
	expect_stdout "rename.cat: 4 files; os: 10_X64
  amd64/ftd2xx64.dll  as ftd2xx.dll  (rename.inf:35 [FtdiBus.Copy2])
  amd64/ftdibus.sys   as ftdibus.sys  (rename.inf:32 [FtdiBus.Copy])
  amd64/ftlang.dll    as ftlang.dll  (rename.inf:29 [@])
  rename.inf          (INF)"
}

@test "files: without --os, every id of the INF's architectures is a target (3: amd64 ids, oldest first)" {
	run_drvcat files --json rename
	expect_status 0
	# Every amd64 id of the inf-format.md 3 table, in table order; Models.NTamd64
	# has no version, so it applies to all of them.
	expect_equal os "XP_X64,Server2003_X64,Vista_X64,Server2008_X64,7_X64,Server2008R2_X64,8_X64,Server8_X64,6_3_X64,Server6_3_X64,10_X64,Server10_X64,10_AU_X64,Server2016_X64,10_RS2_X64,10_RS3_X64,10_RS4_X64,10_RS5_X64,ServerRS5_X64,10_19H1_X64,10_VB_X64,ServerFE_X64,10_CO_X64,10_NI_X64,10_GE_X64,Server2025_X64,10_25H2_X64" \
		"$(jqo '.catalogs[0].os | join(",")')"
}

@test "files: [SourceDisksNames.<arch>] / [SourceDisksFiles.<arch>] choose the physical file per architecture (1.13(c), 2.5 rule 5)" {
	run_drvcat files --os 10_X86 --json sdn-arch
	expect_status 0
	expect_stderr ""
	expect_equal "x86 members" "sdnarch.cat: sdnarch.inf,x86/helper.dll,x86/sample.sys" "$(members)"

	run_drvcat files --os 10_X64 --json sdn-arch
	expect_status 0
	expect_stderr ""
	# helper.dll: [SourceDisksFiles.amd64] wins over [SourceDisksFiles] -> sub64.
	expect_equal "amd64 members" "sdnarch.cat: sdnarch.inf,x64/sample.sys,x64/sub64/helper.dll" "$(members)"

	run_drvcat files --os 10_X86,10_X64 --json sdn-arch
	expect_status 0
	expect_equal "both" "sdnarch.cat: sdnarch.inf,x64/sample.sys,x64/sub64/helper.dll,x86/helper.dll,x86/sample.sys" "$(members)"
	expect_equal "arch per file" '[["sdnarch.inf","x86,amd64"],["x64/sample.sys","amd64"],["x64/sub64/helper.dll","amd64"],["x86/helper.dll","x86"],["x86/sample.sys","x86"]]' \
		"$(jqo -c '[.catalogs[0].files[] | [.path, .arch]]')"
	expect_equal "installed names" '["sdnarch.inf","sample.sys","helper.dll","helper.dll","sample.sys"]' \
		"$(jqo -c '[.catalogs[0].files[].installed_as]')"
}

@test "files: names are found case-insensitively and printed in their on-disk case (2.2 path rules)" {
	run_drvcat files --os 10_X64 --json case
	expect_status 0
	expect_stderr ""
	expect_equal "catalog and files" '["Case.Cat",[["amd64/drivers/foo.sys","FOO.SYS",30],["case.inf","case.inf",null]]]' \
		"$(jqo -c '[.catalogs[0].catalog, [.catalogs[0].files[] | [.path, .installed_as, .line]]]')"
}

@test "files: a '..' that stays inside the package is followed" {
	mkpkg
	mkdir -p "$pkg/x86" "$pkg/x64"
	echo dummy >"$pkg/x86/in.sys"
	printf '%s\n' '[Version]' 'Signature="$Windows NT$"' 'CatalogFile=in.cat' \
		'[SourceDisksNames]' '1=disk,,,x64\..\x86' '[SourceDisksFiles]' 'in.sys=1' \
		'[Manufacturer]' 'M=Models,NTamd64' '[Models.NTamd64]' 'Dev=Inst,root\in' \
		'[Inst.NTamd64]' 'CopyFiles=@in.sys' >"$pkg/in.inf"
	run_drvcat files --os 10_X64 --json "$pkg"
	expect_status 0
	expect_stderr ""
	expect_equal members "in.cat: in.inf,x86/in.sys" "$(members)"
}

# Bad packages: fixture | extra arguments | exit | stderr (exact; '\n' between
# lines) | member paths listed (--json), "catalog: path,..." joined by ';'.
# PKG stands for the fixture directory as given on the command line, ROOT
# for its real path.
bad_table() {
	cat <<'EOF'
escape-dotdot-sdf|--os 10_X64|1|PKG/bad.inf:14: error: SourceDisksFiles subdirectory '..\outside' leads outside the package directory|bad.cat: bad.inf
escape-dotdot-sdn|--os 10_X64|1|PKG/bad.inf:11: error: SourceDisksNames path 'sub\..\..\outside' leads outside the package directory|bad.cat: bad.inf
escape-drive|--os 10_X64|1|PKG/bad.inf:11: error: SourceDisksNames path 'C:\drivers' is an absolute path; it must be relative to the INF's directory|bad.cat: bad.inf
escape-unc|--os 10_X64|1|PKG/bad.inf:11: error: SourceDisksNames path '\\server\share' is a network path; it must be relative to the INF's directory|bad.cat: bad.inf
missing|--os 10_X64|1|PKG/bad.inf:31: error: 'absent.sys' copied by [Inst.Copy] for amd64 is missing: no file 'absent.sys' in package directory 'amd64/' (source from [SourceDisksNames] disk 1 path '\amd64')|bad.cat: amd64/present.sys,bad.inf
dir-member|--os 10_X64|1|PKG/bad.inf:29: error: 'drv.sys' copied by [Inst.Copy] for amd64 is missing: 'amd64/drv.sys' is a directory, not a regular file (source from [SourceDisksNames] disk 1 path '\amd64')|bad.cat: bad.inf
no-catalog||1|PKG/bad.inf: error: [Version] has no CatalogFile entry, so Windows treats the package as unsigned and no catalog can be made for it|
no-catalog|--os 10_X64|1|PKG/bad.inf: error: [Version] has no CatalogFile entry, so Windows treats the package as unsigned and no catalog can be made for it|
amd64-catalog-only|--os 10_X86|1|PKG/bad.inf: error: no CatalogFile applies to 10_X86 (x86): [Version] needs CatalogFile or CatalogFile.NTx86 (Inf2Cat 22.9.4)|
amd64-catalog-only|--os 10_X86,10_X64|1|PKG/bad.inf: error: no CatalogFile applies to 10_X86 (x86): [Version] needs CatalogFile or CatalogFile.NTx86 (Inf2Cat 22.9.4)|bad64.cat: bad.inf,drv.sys
amd64-catalog-only|--os 10_X64|0||bad64.cat: bad.inf,drv.sys
multi-inf|--inf nope.inf|1|drvcat: files: PKG: no INF named 'nope.inf' in the package|
EOF
}

@test "files: bad packages: exact error naming the INF line, exit status, and nothing outside listed (table)" {
	local fixture args want_status want want_members argv failed=0 n=0 got_members real
	while IFS='|' read -r fixture args want_status want want_members; do
		n=$((n + 1))
		read -r -a argv <<<"$args"
		real=$(cd "$fixture" && pwd -P)
		want=${want//PKG/$fixture}
		want=${want//ROOT/$real}
		want=${want//'\n'/$'\n'}
		run_drvcat files --json "${argv[@]}" "$fixture"
		got_members=
		[ -z "$output" ] || got_members=$(members | paste -sd';')
		if [ "$status" != "$want_status" ] || [ "$stderr" != "$want" ] || [ "$got_members" != "$want_members" ]; then
			printf 'drvcat files %s %s\n  expected: exit %s, members [%s], stderr:\n    %s\n  got:      exit %s, members [%s], stderr:\n%s\n' \
				"$args" "$fixture" "$want_status" "$want_members" "$want" "$status" "$got_members" "$(sed 's/^/    /' <<<"$stderr")" >&2
			failed=$((failed + 1))
		fi
	done < <(bad_table)
	[ "$n" -eq 12 ]
	[ "$failed" -eq 0 ]
}

@test "files: a symlink leading outside the package is refused, naming the INF line; one inside is followed" {
	ln -s ../../outside/evil.sys escape-symlink/amd64/link.sys
	ln -s ../../outside escape-symlink/amd64/linkdir
	run_drvcat files --os 10_X64 --json escape-symlink
	expect_status 1
	expect_stderr "escape-symlink/bad.inf:31: error: 'link.sys' copied by [Inst.Copy] for amd64 is refused: 'amd64/link.sys' is a symbolic link that leads outside the package
escape-symlink/bad.inf:33: error: 'via.sys' copied by [Inst.Copy] for amd64 is refused: 'amd64/linkdir' is a symbolic link that leads outside the package"
	expect_equal members "bad.cat: amd64/inside.sys,bad.inf" "$(members)"

	# The same names as links to files inside the package are members.
	rm escape-symlink/amd64/link.sys escape-symlink/amd64/linkdir
	mkdir escape-symlink/real
	echo inside >escape-symlink/real/via.sys
	ln -s inside.sys escape-symlink/amd64/link.sys
	ln -s ../real escape-symlink/amd64/linkdir
	run_drvcat files --os 10_X64 --json escape-symlink
	expect_status 0
	expect_stderr ""
	expect_equal members "bad.cat: amd64/inside.sys,amd64/link.sys,amd64/linkdir/via.sys,bad.inf" "$(members)"
}

@test "files: --os with an unknown id is a usage error listing exactly the valid ids of inf-format.md 3" {
	# 10_ARM64 "has never existed" (inf-format.md 3).
	run_drvcat files --os 10_X64,10_ARM64 rename
	expect_status 2
	expect_stdout ""
	expect_equal "first lines" "drvcat: files: unknown operating system identifier '10_ARM64'
usage: drvcat files [--os LIST] [--inf NAME]... [--json] PKGDIR" "$(head -n 2 <<<"$stderr")"
	expect_equal "third line starts" "valid identifiers:" "$(sed -n 3p <<<"$stderr" | cut -d' ' -f1-2)"
	local got want
	got=$(tail -n +3 <<<"$stderr" | sed 's/^valid identifiers://' | tr -s ' \n' '\n\n' | grep . | sort)
	# The inf-format.md 3 table, written out.
	want=$(printf '%s\n' 2000 XP_X86 XP_X64 Server2003_X86 Server2003_X64 Server2003_IA64 \
		Vista_X86 Vista_X64 Server2008_X86 Server2008_X64 Server2008_IA64 7_X86 7_X64 \
		Server2008R2_X64 Server2008R2_IA64 8_X86 8_X64 8_ARM Server8_X64 6_3_X86 6_3_X64 6_3_ARM \
		Server6_3_X64 10_X86 10_X64 Server10_X64 Server10_ARM64 10_AU_X86 10_AU_X64 Server2016_X64 \
		10_RS2_X86 10_RS2_X64 10_RS3_X86 10_RS3_X64 10_RS3_ARM64 10_RS4_X86 10_RS4_X64 10_RS4_ARM64 \
		10_RS5_X86 10_RS5_X64 10_RS5_ARM64 ServerRS5_X64 ServerRS5_ARM64 10_19H1_X86 10_19H1_X64 \
		10_19H1_ARM64 10_VB_X86 10_VB_X64 10_VB_ARM64 ServerFE_X64 ServerFE_ARM64 10_CO_X64 10_CO_ARM64 \
		10_NI_X64 10_NI_ARM64 10_GE_X64 10_GE_ARM64 Server2025_X64 Server2025_ARM64 10_25H2_X64 \
		10_25H2_ARM64 | sort)
	expect_equal "valid identifiers" "$want" "$got"
}

@test "files: --os ids are case-insensitive and reported in Inf2Cat's spelling (3)" {
	run_drvcat files --os 10_x64,server2016_x64 --json rename
	expect_status 0
	expect_equal os '["10_X64","Server2016_X64"]' "$(jqo -c '.catalogs[0].os')"
}

@test "files: --inf selects INFs by path or base name, case-insensitively; the others are not walked" {
	run_drvcat files --os 10_X64 --inf beta.inf --inf sub/gamma.inf --json multi-inf
	expect_status 0
	expect_stderr ""
	expect_equal infs '["beta.inf","sub/gamma.inf"]' "$(jqo -c .infs)"
	expect_equal members "beta.cat: beta.inf,beta.sys
sub/gamma.cat: sub/gamma.inf,sub/gamma.sys" "$(members)"

	run_drvcat files --os 10_X64 --inf GAMMA.INF --json multi-inf
	expect_status 0
	expect_equal "by base name" "sub/gamma.cat: sub/gamma.inf,sub/gamma.sys" "$(members)"

	run_drvcat files --os 10_X64 --json multi-inf
	expect_status 0
	expect_equal "all INFs, subdirectories included" '["alpha.inf","beta.inf","sub/gamma.inf"]' "$(jqo -c .infs)"
	expect_equal "all catalogs" '["alpha.cat","beta.cat","sub/gamma.cat"]' "$(jqo -c '[.catalogs[].catalog]')"
}

@test "files: two INFs naming one catalog (in different case) share it: both INFs and both files (2.3)" {
	run_drvcat files --os 10_X64 --json shared-cat
	expect_status 0
	expect_stderr ""
	expect_equal "catalog count" 1 "$(jqo '.catalogs | length')"
	expect_equal "catalog name" shared.cat "$(jqo '.catalogs[0].catalog | ascii_downcase')"
	expect_equal files '[["one.inf","one.inf"],["one.sys","one.inf"],["two.inf","two.inf"],["two.sys","two.inf"]]' \
		"$(jqo -c '[.catalogs[0].files[] | [.path, .inf]]')"
}

@test "files: CatalogFile.NTamd64 + CatalogFile.NTx86 give two catalogs, each with its own files and ids (1.12)" {
	run_drvcat files --os 7_X86,7_X64,10_X64 --json two-cats
	expect_status 0
	expect_stderr ""
	expect_equal catalogs '[["twocats32.cat",["7_X86"],["twocats.inf","x86/two.sys"]],["twocats64.cat",["7_X64","10_X64"],["amd64/two.sys","twocats.inf"]]]' \
		"$(jqo -c '[.catalogs[] | [.catalog, .os, [.files[].path]]]')"

	run_drvcat files --os 7_X86,7_X64,10_X64 two-cats
	expect_status 0
	expect_stdout "twocats32.cat: 2 files; os: 7_X86
  twocats.inf  (INF)
  x86/two.sys  as two.sys  (twocats.inf:41 [Inst.Copy])

twocats64.cat: 2 files; os: 7_X64,10_X64
  amd64/two.sys  as two.sys  (twocats.inf:41 [Inst.Copy])
  twocats.inf    (INF)"
}

@test "files: --json shape: keys and types of package, catalogs, files and diagnostics" {
	run_drvcat files --os 10_X64 --json missing
	expect_status 1
	expect_equal "top-level" '{"catalogs":"array","diagnostics":"array","infs":"array","package":"string"}' \
		"$(jqo -S -c 'with_entries(.value |= type)')"
	expect_equal "catalog keys" '{"catalog":"string","files":"array","os":"array"}' \
		"$(jqo -S -c '.catalogs[0] | with_entries(.value |= type)')"
	expect_equal "member file keys" '{"arch":"string","inf":"string","installed_as":"string","line":"number","path":"string","section":"string"}' \
		"$(jqo -S -c '.catalogs[0].files[] | select(.path == "amd64/present.sys") | with_entries(.value |= type)')"
	expect_equal "INF member keys" '{"arch":"string","inf":"string","installed_as":"string","line":"null","path":"string","section":"null"}' \
		"$(jqo -S -c '.catalogs[0].files[] | select(.path == "bad.inf") | with_entries(.value |= type)')"
	expect_equal "diagnostic" '{"severity":"error","inf":"bad.inf","line":31,"message":"'"'"'absent.sys'"'"' copied by [Inst.Copy] for amd64 is missing: no file '"'"'absent.sys'"'"' in package directory '"'"'amd64/'"'"' (source from [SourceDisksNames] disk 1 path '"'"'\\amd64'"'"')"}' \
		"$(jqo -c '.diagnostics[0]')"
	expect_equal "package" missing "$(jqo .package)"
}

@test "files: names that match several files differing only in case are reported (2.2: warn on ambiguity)" {
	# Created here: a repository cannot hold these on a case-insensitive file system.
	echo one >case/amd64/drivers/Foo.sys
	run_drvcat files --os 10_X64 --json case
	expect_status 0
	# foo.sys and Foo.sys both match FOO.SYS; the first in byte order is used.
	expect_stderr "case/case.inf:30: warning: 'FOO.SYS' matches several files that differ only in case; using 'amd64/drivers/Foo.sys'"
	expect_equal members "Case.Cat: amd64/drivers/Foo.sys,case.inf" "$(members)"
}

@test "files: an exact-case match does not hide other files differing only in case (2.2: warn on ambiguity)" {
	# On Windows these cannot coexist, so which one the package means is unknown.
	echo two >case/amd64/drivers/FOO.SYS
	run_drvcat files --os 10_X64 --json case
	expect_status 0
	expect_equal members "Case.Cat: amd64/drivers/FOO.SYS,case.inf" "$(members)"
	case $stderr in
	"case/case.inf:30: warning: 'FOO.SYS' matches several files that differ only in case"*) ;;
	*) printf 'expected an ambiguity warning for case/case.inf:30, got stderr:\n%s\n' "$stderr" >&2; return 1 ;;
	esac
}

@test "files: a build-gated DefaultInstall.NT<arch>.10.0...B wins for targets at or after that build" {
	mkpkg
	cat >"$pkg/flt.inf" <<'INF'
[Version]
Signature   = "$WINDOWS NT$"
Class       = ActivityMonitor
ClassGuid   = {b86dff51-a31e-4bac-b3cf-e8cfe75c9fc2}
Provider    = %P%
DriverVer   = 01/01/2024,1.0.0.0
CatalogFile = flt.cat
PnpLockdown = 1

[DestinationDirs]
DefaultDestDir = 13

[SourceDisksNames]
1 = %P%

[SourceDisksFiles]
new.sys = 1
old.sys = 1

[DefaultInstall.NTamd64.10.0...25952]
CopyFiles = New.Files

[DefaultInstall.NTamd64]
CopyFiles = Old.Files

[New.Files]
new.sys

[Old.Files]
old.sys

[Strings]
P = "drvcat test"
INF
	echo n >"$pkg/new.sys"
	echo o >"$pkg/old.sys"
	run_drvcat files --os 10_GE_X64 --json "$pkg"
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.catalogs[0].files[].path] | join(",")' <<<"$output")" = "flt.inf,new.sys" ]
	run_drvcat files --os 10_RS5_X64 --json "$pkg"
	[ "$status" -eq 0 ]
	[ "$(jq -r '[.catalogs[0].files[].path] | join(",")' <<<"$output")" = "flt.inf,old.sys" ]
}
