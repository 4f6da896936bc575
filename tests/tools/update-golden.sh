#!/bin/bash
# update-golden.sh - regenerate the golden outputs in tests/golden/ from the
# entries of tests/golden/inf.list and tests/golden/files.list.
#
# usage: tests/tools/update-golden.sh [NAME...]
#   DRVCAT  the binary (default build/drvcat)
#   SHARED  the reference material (default ../shared beside the repository)
#
# Golden files record what drvcat *should* print.  After running this, read
# `git diff tests/golden` and check every changed value against the INF text
# and inf-format.md before committing: a golden change is a claim about the
# INF, not a snapshot of whatever the binary did (tests/golden/README.md).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
DRVCAT=${DRVCAT:-$REPO/build/drvcat}
SHARED=${SHARED:-$(cd "$REPO/.." && pwd)/shared}
GOLDEN=$REPO/tests/golden

[ -x "$DRVCAT" ] || { echo "update-golden: no binary at $DRVCAT (set DRVCAT)" >&2; exit 2; }
[ -d "$SHARED" ] || { echo "update-golden: no reference material at $SHARED (set SHARED)" >&2; exit 2; }
command -v jq >/dev/null || { echo "update-golden: needs jq" >&2; exit 2; }

# selected NAME [NAMES...]: true when NAME is listed, or no names were given.
selected() {
	local name=$1 n
	shift
	[ $# -eq 0 ] && return 0
	for n in "$@"; do [ "$n" = "$name" ] && return 0; done
	return 1
}

# normalise KEY VALUE OUT: reads drvcat's JSON on stdin, sets KEY to VALUE
# (the path under $SHARED, so the file is machine-independent), writes OUT.
normalise() {
	local json
	json=$(cat)
	[ -n "$json" ] || { echo "update-golden: drvcat printed no JSON for $2" >&2; exit 1; }
	jq --arg v "$2" ".$1 = \$v" <<<"$json" >"$3.new"
	mv "$3.new" "$3"
}

n=0
while read -r name rel opts; do
	case $name in '' | '#'*) continue ;; esac
	selected "$name" "$@" || continue
	# drvcat exits 1 when the INF has errors; the JSON is printed either way.
	# shellcheck disable=SC2086 # options are words
	{ "$DRVCAT" inf --json $opts "$SHARED/$rel" 2>/dev/null || true; } |
		normalise path "$rel" "$GOLDEN/inf/$name.json"
	n=$((n + 1))
done <"$GOLDEN/inf.list"

while read -r name rel os; do
	case $name in '' | '#'*) continue ;; esac
	selected "$name" "$@" || continue
	{ "$DRVCAT" files --os "$os" --json "$SHARED/$rel" 2>/dev/null || true; } |
		normalise package "$rel" "$GOLDEN/files/$name.json"
	n=$((n + 1))
done <"$GOLDEN/files.list"

echo "update-golden: wrote $n golden files; now review: git diff -- tests/golden" >&2
