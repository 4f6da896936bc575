#!/bin/bash
# Runs one libFuzzer target built by `make fuzz` on a scratch copy of its
# committed seeds (plus any extra seed directories, e.g. ../shared/inf-corpus
# for local runs: they never enter the repository), ASan + UBSan, for SECONDS.
# Crashes, leaks, timeouts and OOMs are written to $FUZZ_BUILD/artifacts/TARGET/;
# the run stops at the first one, unless FUZZ_FORK=1 (-fork=1 -ignore_*: it
# goes on, in child processes, and reports every finding).  Minimize one with
#   build/fuzz/fuzz_TARGET -minimize_crash=1 -runs=10000 -exact_artifact_path=OUT CRASH
# and commit it as tests/fuzz/crashes/TARGET/NAME.
#
# usage: tests/fuzz/run.sh TARGET [SECONDS] [EXTRA_SEED_DIR...]
#   TARGET   inf | pe | cat | verify
#   SECONDS  default 600
# env: FUZZ_BUILD (default build/fuzz), FUZZ_RSS_MB (default 2048), FUZZ_FORK,
#      ASAN_OPTIONS / UBSAN_OPTIONS / LSAN_OPTIONS (e.g. LSAN_OPTIONS=suppressions=F
#      to look past a known leak while it is being fixed)
# The log is $FUZZ_BUILD/logs/TARGET.log; its last lines are the final stats.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 1 ] || { echo "usage: $0 inf|pe|cat|verify [SECONDS] [EXTRA_SEED_DIR...]" >&2; exit 2; }
t=$1 secs=${2:-600}
shift $(($# >= 2 ? 2 : 1))
B=${FUZZ_BUILD:-build/fuzz}
bin=$B/fuzz_$t
[ -x "$bin" ] || { echo "$bin not built (make fuzz FUZZ_BUILD=$B)" >&2; exit 1; }
case $t in
inf) extra=(-dict=tests/fuzz/inf.dict -max_len=65536) ;;
pe) extra=(-max_len=16384) ;;
cat | verify) extra=(-max_len=16384) ;;
*) echo "unknown target $t" >&2; exit 2 ;;
esac
work=$B/work/$t art=$B/artifacts/$t log=$B/logs/$t.log
mkdir -p "$work" "$art" "$(dirname "$log")"
cp -n tests/fuzz/corpus/$t/* "$work/" 2>/dev/null || true
[ -d tests/fuzz/crashes/$t ] && cp -n tests/fuzz/crashes/$t/* "$work/" 2>/dev/null || true
seeds=()
for d in "$@"; do seeds+=("$d"); done
echo "fuzz_$t: ${secs}s, corpus $work (+ ${#seeds[@]} extra seed dirs), log $log"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$bin" -max_total_time="$secs" -rss_limit_mb="${FUZZ_RSS_MB:-2048}" -timeout=30 \
	${FUZZ_FORK:+-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1} \
	-print_final_stats=1 -artifact_prefix="$art/" "${extra[@]}" \
	"$work" "${seeds[@]}" >"$log" 2>&1 || true
grep -E '^(#[0-9]+|stat::)' "$log" | tail -8
