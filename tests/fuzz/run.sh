#!/usr/bin/env bash
# Runs one libFuzzer target on top of its checked-in corpus.
#
#   run.sh [--ci] <fuzzer binary> <target> <work dir> [seconds]
#
# The checked-in corpus (tests/fuzz/corpus/<target>) is read, never written:
# new inputs go to <work dir>/corpus/<target> (kept between runs, so long runs
# build on each other; with --ci a fresh <work dir>/ci-corpus/<target> each
# time), crashes, leaks and timeouts to <work dir>/crashes/<target>/.
# Seconds: the argument, else KAKEHASHI_FUZZ_SECONDS, else 12 with --ci and
# 60 without. Exits non-zero when the fuzzer found something.
set -euo pipefail

ci=0
if [ "${1:-}" = "--ci" ]; then ci=1; shift; fi
[ $# -ge 3 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
binary=$1 target=$2 work=$3
seconds=${4:-${KAKEHASHI_FUZZ_SECONDS:-$([ $ci = 1 ] && echo 12 || echo 60)}}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seeds=$here/corpus/$target
[ -x "$binary" ] || { echo "no fuzzer at $binary (scripts/dev fuzz builds it)" >&2; exit 2; }
[ -d "$seeds" ] || { echo "no corpus at $seeds" >&2; exit 2; }

if [ $ci = 1 ]; then
  corpus=$work/ci-corpus/$target
  rm -rf "$corpus"
else
  corpus=$work/corpus/$target
fi
crashes=$work/crashes/$target
mkdir -p "$corpus" "$crashes"

# Per target: the longest input worth making, and a dictionary.
max_len=4096 dict=
case $target in
  http_request) max_len=20000 dict=http.dict ;;
  api_request) max_len=8192 dict=api.dict ;;
  json_input | merge_patch) max_len=8192 dict=json.dict ;;
  import) max_len=16384 dict=import.dict ;;
  cursor | skill_name) max_len=1024 ;;
esac
args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len="$max_len"
  -print_final_stats=1 -artifact_prefix="$crashes/")
[ -n "$dict" ] && args+=(-dict="$here/dict/$dict")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/../lsan.supp:print_suppressions=0}

# The log without a line per new input (the stats and any finding stay).
set +e
"$binary" "${args[@]}" "$corpus" "$seeds" 2>&1 |
  grep -v -E '^(#[0-9]+[[:space:]]+(NEW|REDUCE|RELOAD)|[[:space:]]+NEW_FUNC)'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo "fuzz_$target found something (exit $status). Reproducers in $crashes:" >&2
  ls -1 "$crashes" >&2 || true
  echo "Minimise one:  $binary -minimize_crash=1 -runs=100000 $crashes/<file>" >&2
  echo "then add it to tests/fuzz/corpus/$target/ (ctest replays it from then on)." >&2
fi
exit "$status"
