#!/usr/bin/env bats
# drvcat new: package skeletons from inf-templates/.
#   1. Every kind, for --arch amd64, arm64 and amd64,arm64: the skeleton has
#      exactly the files promised; before the binaries are in, `drvcat check`
#      reports only the missing binaries; with dummy binaries (clang +
#      lld-link, tests/tools/build-driver.sh) `drvcat check` finds nothing in
#      any mode but the README.md note (below), `drvcat files` lists exactly
#      the INF(s) and the binaries, `drvcat build` makes the catalog(s), and
#      `drvcat sign` (throwaway openssl certificate) + `drvcat verify --trust`
#      succeed.
#   2. Values reach the INF: several --hwid, --class, --version, --filter,
#      --altitude, --extension-id, a non-ASCII provider (UTF-16LE INF);
#      DriverVer is today's UTC date; SOURCE_DATE_EPOCH makes output repeatable.
#   3. Bad input: exact stderr and exit status, and nothing written.
#   4. DIR handling: an existing non-empty DIR is refused unless --force;
#      --templates renders edited copies; an unknown placeholder names the
#      template file and line.
#
# About "zero findings": README.md and the amd64/ and arm64/ README.txt
# placeholders are documentation (README*, *.md), which check and verify do
# not count as unreferenced package files, so a finished skeleton has no
# finding at all.  The placeholders are replaced by the binaries, as the
# package README says.
#
# Run: DRVCAT=/tmp/new-build/drvcat bats tests/e2e/new.bats

load helpers
load lib
bats_require_minimum_version 1.5.0

KINDS="kmdf umdf filter extension minifilter primitive"

setup_file() {
	local d=$BATS_FILE_TMPDIR
	# a throwaway code-signing certificate for the sign/verify steps
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/test.key" -out "$d/test.pem" -days 2 \
		-subj "/CN=drvcat new test" -addext "extendedKeyUsage=codeSigning" \
		-addext "keyUsage=digitalSignature" -addext "basicConstraints=critical,CA:FALSE" \
		>/dev/null 2>&1
}

setup() {
	W=$BATS_TEST_TMPDIR/w
	mkdir -p "$W"
	cd "$W"
	unset SOURCE_DATE_EPOCH
	NEW_USAGE=$("$DRVCAT" help new | sed -n '1,2p')
	[[ $NEW_USAGE == "usage: drvcat new KIND --name NAME "* ]]
}

# ---- helpers ----

# binary NAME EXT: NAME.EXT for the kind's binary
binary_ext() {
	case $1 in umdf) echo dll ;; extension) echo exe ;; *) echo sys ;; esac
}

# args KIND NAME: the options a kind needs besides --name/--out
kind_args() {
	case $1 in
	kmdf | umdf) echo "--hwid Root\\$2 --hwid PCI\\VEN_1234&DEV_5678" ;;
	filter) echo "--hwid USB\\VID_045E&PID_0040 --filter upper" ;;
	extension) echo "--hwid PCI\\VEN_8086&DEV_A0ED" ;;
	*) echo "" ;;
	esac
}

# dummy ARCH OUT NAME: a PE image for ARCH at OUT.  build-driver.sh makes
# kernel drivers (.sys); the UMDF .dll and the component's .exe are the same
# kind of image renamed, which is all `drvcat build` needs to compute an
# Authenticode hash (nothing here loads them).  Built once per ARCH/NAME.
dummy() {
	local cache=$BATS_FILE_TMPDIR/drv/$1/$3.sys
	if [ ! -f "$cache" ]; then
		mkdir -p "${cache%/*}"
		"$TOOLS/build-driver.sh" "$1" "$cache" "$3"
	fi
	cp "$cache" "$2"
}

# findings: one "SEVERITY CODE FILE" line per finding of the check or verify
# report (--format json) in $1, sorted.
findings() {
	jq -r '[.checks[].findings[]] | map("\(.severity) \(.code) \(.file)") | .[]' <<<"$1" | sort
}

need_sign() {
	"$DRVCAT" help sign >/dev/null 2>&1 || skip "drvcat sign is not available in this build yet"
}

need_check() {
	"$DRVCAT" help check >/dev/null 2>&1 || skip "drvcat check is not available in this build yet"
}

# full_cycle KIND ARCHES: new -> check -> binaries -> check/files/build/sign/verify
full_cycle() {
	local kind=$1 arches=$2 name=n_$1 ext dir infs=() cats=() a want got mode inf
	ext=$(binary_ext "$kind")
	dir=$W/$kind-${arches/,/-}
	# shellcheck disable=SC2046
	run_drvcat new "$kind" --name "$name" $(kind_args "$kind" "$name") --arch "$arches" \
		--provider "Contoso Test" --out "$dir"
	expect_status 0
	expect_stderr ""
	expect_line stdout "  $dir/$name.inf" "$output"
	expect_line stdout "  $dir/README.md  (next steps)" "$output"

	infs=("$name.inf")
	cats=("$name.cat")
	if [ "$kind" = extension ]; then
		infs+=("${name}_component.inf")
		cats+=("${name}_component.cat")
	fi
	# exactly the promised files
	want=$(
		printf '%s\n' "${infs[@]}" README.md
		for a in ${arches//,/ }; do echo "$a/README.txt"; done
	)
	got=$(cd "$dir" && find . -type f | sed 's|^\./||')
	expect_equal "files of $kind ($arches)" "$(sort <<<"$want")" "$(sort <<<"$got")"
	for a in ${arches//,/ }; do
		grep -q "^Put $name.$ext here: the .* build of $name" "$dir/$a/README.txt"
	done

	# before the binaries: check reports the missing ones (and the README notes), nothing else
	run_drvcat check --format json "$dir"
	expect_status 1
	want=$(
		for a in ${arches//,/ }; do echo "error DC-INF-032 $dir/${infs[-1]}"; done
	)
	expect_equal "check before binaries ($kind $arches)" "$(sort <<<"$want")" "$(findings "$output")"

	# the binaries, as README.md says
	for a in ${arches//,/ }; do
		dummy "$a" "$dir/$a/$name.$ext" "$name"
		rm "$dir/$a/README.txt"
	done

	for mode in driver universal windows; do
		run_drvcat check --mode "$mode" --format json "$dir"
		expect_status 0
		expect_equal "check --mode $mode ($kind $arches)" "" "$(findings "$output")"
		expect_equal "errors+warnings ($mode)" "0 0" "$(jqo '"\(.summary.errors) \(.summary.warnings)"')"
	done

	# files: each catalog holds its INF and the binaries it names, nothing else
	run_drvcat files --json "$dir"
	expect_status 0
	expect_stderr ""
	want=$(
		if [ "$kind" = extension ]; then
			echo "${cats[0]}: ${infs[0]}"
			echo "${cats[1]}: $(for a in ${arches//,/ }; do printf '%s,' "$a/$name.$ext"; done)${infs[1]}"
		else
			echo "${cats[0]}: $(for a in ${arches//,/ }; do printf '%s,' "$a/$name.$ext"; done)${infs[0]}"
		fi
	)
	expect_equal "files ($kind $arches)" "$want" \
		"$(jqo '.catalogs[] | "\(.catalog): \([.files[].path] | join(","))"')"

	run_drvcat build "$dir"
	expect_status 0
	for inf in "${cats[@]}"; do [ -s "$dir/$inf" ]; done

	# sign not built yet: stop here; the test then skips in need_sign, saying so
	"$DRVCAT" help sign >/dev/null 2>&1 || return 0
	for inf in "${cats[@]}"; do
		run_drvcat sign --cert "$BATS_FILE_TMPDIR/test.pem" --key "$BATS_FILE_TMPDIR/test.key" "$dir/$inf"
		expect_status 0
	done
	run_drvcat verify --format json --trust "$BATS_FILE_TMPDIR/test.pem" "$dir"
	expect_status 0
	expect_equal "verify errors ($kind $arches)" "0" "$(jqo .summary.errors)"
	expect_equal "verify warnings ($kind $arches)" "" \
		"$(findings "$output" | grep -v '^info ')"
}

# ---- 1. every kind and architecture list ----

@test "new --list: one line per kind" {
	run_drvcat new --list
	expect_status 0
	expect_stderr ""
	expect_stdout "kmdf        KMDF function driver for a device (.sys)
umdf        UMDF 2 function driver for a device (.dll, hosted by WUDFRd)
filter      KMDF upper or lower filter added to a device by an extension INF (--filter upper|lower)
extension   extension INF for a device plus the software component it adds (.exe)
minifilter  file-system minifilter, installed as a primitive driver (.sys)
primitive   primitive driver: a kernel service installed without a device (DefaultInstall)"
}

@test "new --list-classes: the system classes and the file system filter classes with groups and altitudes" {
	run_drvcat new --list-classes
	expect_status 0
	expect_equal "first line" "kmdf, umdf, primitive (system device setup classes):" "${lines[0]}"
	grep -q ' HIDClass ' <<<"$output"
	expect_line stdout "  ActivityMonitor          FSFilter Activity Monitor            360000-389999" "$output"
	expect_line stdout "  Encryption               FSFilter Encryption                  140000-149999" "$output"
}

@test "help new: synopsis, every option, and the same text for --help" {
	run_drvcat help new
	expect_status 0
	expect_equal "synopsis" "usage: drvcat new KIND --name NAME [--hwid ID]... [--provider TEXT] [--class CLASS] [--arch LIST] [--version W.X.Y.Z] [--filter upper|lower] [--altitude N] [--extension-id GUID] [--templates DIR] [--force] --out DIR" "${lines[0]}"
	local opt want=$output
	for opt in name hwid provider class arch version filter altitude extension-id templates out force list list-classes; do
		grep -q "^  --$opt" <<<"$output" || { echo "no --$opt in help" >&2; return 1; }
	done
	run_drvcat new --help
	expect_equal "new --help" "$want" "$output"
}

@test "kmdf: skeleton, check, files, build, sign, verify for amd64, arm64 and both" {
	need_check
	for arches in amd64 arm64 amd64,arm64; do full_cycle kmdf "$arches"; done
	need_sign # the cycles ran sign and verify unless this skips
}

@test "umdf: skeleton, check, files, build, sign, verify for amd64, arm64 and both" {
	need_check
	for arches in amd64 arm64 amd64,arm64; do full_cycle umdf "$arches"; done
	need_sign # the cycles ran sign and verify unless this skips
}

@test "filter: skeleton, check, files, build, sign, verify for amd64, arm64 and both" {
	need_check
	for arches in amd64 arm64 amd64,arm64; do full_cycle filter "$arches"; done
	need_sign # the cycles ran sign and verify unless this skips
}

@test "extension: both INFs, check, files, build, sign, verify for amd64, arm64 and both" {
	need_check
	for arches in amd64 arm64 amd64,arm64; do full_cycle extension "$arches"; done
	need_sign # the cycles ran sign and verify unless this skips
}

@test "minifilter: skeleton, check, files, build, sign, verify for amd64, arm64 and both" {
	need_check
	for arches in amd64 arm64 amd64,arm64; do full_cycle minifilter "$arches"; done
	need_sign # the cycles ran sign and verify unless this skips
}

@test "primitive: skeleton, check, files, build, sign, verify for amd64, arm64 and both" {
	need_check
	for arches in amd64 arm64 amd64,arm64; do full_cycle primitive "$arches"; done
	need_sign # the cycles ran sign and verify unless this skips
}

# ---- 2. values reach the INF ----

@test "new: DriverVer is today's UTC date and --version; SOURCE_DATE_EPOCH gives repeatable output" {
	run_drvcat new kmdf --name drv --hwid 'Root\drv' --version 3.2.1.0 --out a
	expect_status 0
	expect_line INF "DriverVer   = $(date -u +%m/%d/%Y),3.2.1.0" "$(cat a/drv.inf)"

	export SOURCE_DATE_EPOCH=1700000000 # 2023-11-14
	for d in b c; do
		run_drvcat new filter --name drv --hwid 'Root\drv' --filter lower \
			--extension-id '{3f2504e0-4f89-41d3-9a0c-0305e82c3301}' --out $d
		expect_status 0
	done
	diff -r b c
	expect_line INF "DriverVer   = 11/14/2023,1.0.0.0" "$(cat b/drv.inf)"
	expect_line INF "ExtensionId = {3f2504e0-4f89-41d3-9a0c-0305e82c3301} ; keep it in every version of this extension" "$(cat b/drv.inf)"
	expect_line INF "FilterPosition = Lower" "$(cat b/drv.inf)"

	# never in the future: a later SOURCE_DATE_EPOCH is ignored for the date
	SOURCE_DATE_EPOCH=253402300000 run_drvcat new kmdf --name drv --hwid 'Root\drv' --out d
	expect_status 0
	expect_line INF "DriverVer   = $(date -u +%m/%d/%Y),1.0.0.0" "$(cat d/drv.inf)"
}

@test "new: without --extension-id every package gets a new random ExtensionId" {
	run_drvcat new extension --name drv --hwid 'Root\drv' --out a
	run_drvcat new extension --name drv --hwid 'Root\drv' --out b
	local ga gb
	ga=$(sed -n 's/^ExtensionId = \({[0-9a-f-]*}\).*/\1/p' a/drv.inf)
	gb=$(sed -n 's/^ExtensionId = \({[0-9a-f-]*}\).*/\1/p' b/drv.inf)
	[[ $ga =~ ^\{[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\}$ ]]
	[ "$ga" != "$gb" ]
}

@test "new: every --hwid becomes a Models entry for every architecture; --class picks the class and its GUID" {
	run_drvcat new kmdf --name hid1 --class hidclass --hwid 'HID\VID_1234&PID_5678' \
		--hwid 'USB\VID_1234&PID_5678&MI_00' --arch arm64 --out p
	expect_status 0
	local inf
	inf=$(cat p/hid1.inf)
	expect_line INF "Class       = HIDClass" "$inf"
	expect_line INF "ClassGuid   = {745a17a0-74d3-11d0-b6fe-00a0c90f57da}" "$inf"
	expect_line INF "%ManufacturerName% = Standard, NTarm64.10.0...16299" "$inf"
	[ "$(grep -c '^%DeviceDesc% = hid1_Device, ' <<<"$inf")" = 2 ]
	expect_line INF '%DeviceDesc% = hid1_Device, USB\VID_1234&PID_5678&MI_00' "$inf"
	expect_no_match INF 'amd64' "$inf"
}

@test "new: a non-ASCII provider gives a UTF-16LE INF with a BOM that drvcat reads back" {
	need_check
	run_drvcat new primitive --name prim --provider 'Müller "Treiber" GmbH' --arch amd64 --out p
	expect_status 0
	expect_equal BOM "fffe" "$(head -c2 p/prim.inf | od -An -tx1 | tr -d ' \n')"
	run_drvcat inf --json p/prim.inf
	expect_status 0
	expect_equal provider 'Müller "Treiber" GmbH' "$(jqo .version.provider)"
	expect_equal encoding "utf-16le" "$(jqo .encoding)"
	expect_equal diagnostics "0" "$(jqo '.diagnostics | length')"
	dummy amd64 p/amd64/prim.sys prim
	rm p/amd64/README.txt
	run_drvcat check --format json p
	expect_status 0
	expect_equal findings "" "$(findings "$output")"
}

@test "new: minifilter altitude and class; notes for the defaults" {
	run_drvcat new minifilter --name mf --out a
	expect_status 0
	expect_line stdout 'note: no --provider: the INF names the provider "TODO-Set-Provider"; change ProviderName in [Strings]' "$output"
	expect_line stdout "note: altitude 375000 is a placeholder; Microsoft allocates minifilter altitudes" "$output"
	expect_line INF 'LoadOrderGroup = "FSFilter Activity Monitor"' "$(cat a/mf.inf)"
	run_drvcat new minifilter --name mf --class Encryption --altitude 145000.25 --provider X --out b
	expect_status 0
	expect_no_match stdout '^note:' "$output"
	expect_line INF 'Class       = Encryption' "$(cat b/mf.inf)"
	expect_line INF 'Instance1.Altitude = "145000.25"   ; a placeholder: Microsoft allocates altitudes (FSFilter Encryption)' "$(cat b/mf.inf)"
}

# ---- 3. bad input ----

# bad ARGS... -- MESSAGE: exit 2, "drvcat: new: MESSAGE" and the usage, and $W stays empty
bad() {
	local args=() msg
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	msg=$2
	run_drvcat new "${args[@]}"
	expect_status 2
	expect_stderr "drvcat: new: $msg
$NEW_USAGE"
	expect_stdout ""
	expect_equal "files left in $W" "" "$(ls -A "$W")"
}

@test "new: bad input is a usage error with an exact message, and writes nothing" {
	bad wdm --name x --out d -- "unknown kind 'wdm' (kinds: kmdf, umdf, filter, extension, minifilter, primitive; drvcat new --list describes them)"
	bad --name x --out d -- "missing KIND ('drvcat new --list' shows the kinds)"
	bad kmdf --hwid 'Root\x' --out d -- "--name is required"
	bad kmdf --name x --hwid 'Root\x' -- "missing --out DIR (where to create the package)"
	bad kmdf --name 'my drv' --hwid 'Root\x' --out d -- "--name 'my drv' contains ' ': use letters, digits, '_' and '-' (it names the driver file, the service and INF sections)"
	bad kmdf --name con --hwid 'Root\x' --out d -- "--name 'con' is a reserved Windows device name"
	bad kmdf --name x --out d -- "kind kmdf needs --hwid: the hardware id of the device it installs on, e.g. PCI\\VEN_1234&DEV_5678 or Root\\x"
	bad kmdf --name x --hwid 'mydevice' --out d -- "--hwid 'mydevice' is not a hardware id: expected BUS\\ID, e.g. PCI\\VEN_1234&DEV_5678, USB\\VID_1234&PID_5678 or Root\\mydevice"
	bad kmdf --name x --hwid 'Root\a,Root\b' --out d -- "--hwid 'Root\\a,Root\\b' contains ',', which hardware ids never contain (give each id its own --hwid)"
	bad kmdf --name x --hwid 'Root\a b' --out d -- "--hwid 'Root\\a b' contains a space; hardware ids never do"
	bad kmdf --name x --hwid 'Root\a;b' --out d -- "--hwid 'Root\\a;b' contains ';', which hardware ids never contain"
	bad kmdf --name x --hwid 'PCI\VEN_12&DEV_5678' --out d -- "--hwid 'PCI\\VEN_12&DEV_5678': VEN_12 is not 4 hexadecimal digits after VEN_"
	bad kmdf --name x --hwid 'Root\a' --hwid 'root\A' --out d -- "--hwid 'root\\A' is given twice (hardware ids ignore case)"
	bad minifilter --name x --hwid 'Root\a' --out d -- "--hwid does not apply to kind minifilter (only to: kmdf, umdf, filter, extension)"
	bad kmdf --name x --hwid 'Root\a' --arch x86 --out d -- "--arch: unknown architecture 'x86' (want amd64, arm64 or amd64,arm64)"
	bad kmdf --name x --hwid 'Root\a' --arch amd64,amd64 --out d -- "--arch 'amd64,amd64' names amd64 twice"
	bad kmdf --name x --hwid 'Root\a' --class Sample --out d -- "--class 'Sample' is not a system device setup class (for example System, HIDClass or USB; 'drvcat new --list-classes' shows all 40)"
	bad filter --name x --hwid 'Root\a' --out d -- "kind filter needs --filter upper or --filter lower (above or below the device's function driver)"
	bad filter --name x --hwid 'Root\a' --filter sideways --out d -- "--filter 'sideways' must be upper or lower"
	bad kmdf --name x --hwid 'Root\a' --filter upper --out d -- "--filter does not apply to kind kmdf (only to: filter)"
	bad minifilter --name x --altitude 500000 --out d -- "--altitude 500000 is outside FSFilter Activity Monitor's range 360000-389999"
	bad kmdf --name x --hwid 'Root\a' --version 1.2.3 --out d -- "--version '1.2.3' is not W.X.Y.Z: four numbers from 0 to 65534 separated by '.'"
	bad kmdf --name x --hwid 'Root\a' --provider 'Microsoft Corporation' --out d -- "--provider 'Microsoft Corporation' names Microsoft; only Microsoft's own INFs may (InfVerif 1204)"
	bad kmdf --name x --hwid 'Root\a' --provider '50% off' --out d -- "--provider '50% off' contains '%', which an INF reads as a %strkey% token"
	bad extension --name x --hwid 'Root\a' --extension-id nope --out d -- "--extension-id 'nope' is not a braced GUID such as {3f2504e0-4f89-41d3-9a0c-0305e82c3301}"
	bad kmdf --list -- "--list and --list-classes take no KIND"
	bad kmdf --name x --hwid 'Root\a' --out . -- "--out '.' must name a directory to create, not '.', '..' or '/'"
	SOURCE_DATE_EPOCH=soon bad kmdf --name x --hwid 'Root\a' --out d -- "SOURCE_DATE_EPOCH 'soon' is not a time in seconds since 1970 (1980 to 9999)"
}

# ---- 4. DIR handling and templates ----

@test "new: an existing non-empty DIR is refused and left alone; --force replaces it; an empty one is used" {
	mkdir -p d/amd64
	echo mine >d/amd64/keep.sys
	run_drvcat new kmdf --name x --hwid 'Root\x' --out d
	expect_status 1
	expect_stderr "drvcat: new: d exists and is not empty (--force replaces it and everything in it)"
	expect_equal "d" "amd64/keep.sys" "$(cd d && find . -type f | sed 's|^\./||')"
	expect_equal "W" "d" "$(ls -A)"

	run_drvcat new kmdf --name x --hwid 'Root\x' --out d --force
	expect_status 0
	expect_equal "d" "README.md amd64/README.txt arm64/README.txt x.inf" \
		"$(cd d && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ' | sed 's/ $//')"
	expect_equal "W" "d" "$(ls -A)"

	mkdir e
	run_drvcat new primitive --name x --out e/
	expect_status 0
	[ -f e/x.inf ]

	echo file >f
	run_drvcat new primitive --name x --out f --force
	expect_status 1
	expect_stderr "drvcat: new: f exists and is not a directory"
	run_drvcat new primitive --name x --out no/such/dir
	expect_status 1
	expect_stderr "drvcat: new: cannot create no/such/dir: no/such: No such file or directory"
	expect_equal "W" "d e f" "$(ls -A | tr '\n' ' ' | sed 's/ $//')"
}

@test "new --templates: edited copies of inf-templates/ are rendered; an unknown placeholder names the file and line" {
	cp -R "$REPO/inf-templates" tpl
	run_drvcat new umdf --name u --hwid 'Root\u' --out a
	expect_status 0
	SOURCE_DATE_EPOCH= run_drvcat new umdf --name u --hwid 'Root\u' --templates tpl --out b
	expect_status 0
	diff -r a b

	sed -i 's/^Class       = {{CLASS}}$/Class       = {{CLAS}}/' tpl/umdf/umdf.inf.in
	run_drvcat new umdf --name u --hwid 'Root\u' --templates tpl --out c
	expect_status 1
	expect_stderr "drvcat: new: tpl/umdf/umdf.inf.in:13:15: unknown placeholder {{CLAS}}"
	[ ! -e c ]

	printf '[Version]\nSignature = "$WINDOWS NT$"\n{{FOR ARCH}}\n[S.{{ARCH}}]\n' >tpl/umdf/umdf.inf.in
	run_drvcat new umdf --name u --hwid 'Root\u' --templates tpl --out c
	expect_status 1
	expect_stderr "drvcat: new: tpl/umdf/umdf.inf.in:3:1: {{FOR ARCH}} has no {{END}}"

	rm tpl/umdf/umdf.inf.in
	run_drvcat new umdf --name u --hwid 'Root\u' --templates tpl --out c
	expect_status 1
	expect_stderr "drvcat: new: tpl/umdf/umdf.inf.in: cannot open: No such file or directory"
	expect_equal "W" "a b tpl" "$(ls -A | tr '\n' ' ' | sed 's/ $//')"
}
