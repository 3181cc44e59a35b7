#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (release, -Xswiftc -sanitize=fuzzer,address) and runs each for N
# seconds (default 30), two at a time (this machine has two cores). Every run is bounded by
# -max_total_time and by an outer timeout; a crash, a leak, a timeout or an out-of-memory in any
# target makes the script exit 1 after all have run. Prints the executions per target.
#
#   scripts/fuzz.sh [seconds] [target…]
#
# New inputs that grow coverage go to Fuzz/.build/corpus/<target> (not committed); the seeds in
# Fuzz/Corpus/<target> are read only. Crash inputs go to Fuzz/.build/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"

seconds=${1:-30}
shift || true
[[ $seconds =~ ^[0-9]+$ && $seconds -ge 1 ]] || { echo "usage: scripts/fuzz.sh [seconds] [target…]" >&2; exit 2; }
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(FuzzSMTPCommand FuzzMessageData FuzzSASL FuzzHeader FuzzDKIMRecord FuzzAuthorizationHeader FuzzSubmitEmail)
fi

start=$(date +%s)
# lld: gold fails on the ASan-instrumented objects (internal error in format_file_lineno).
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
mkdir -p .build/logs
if ! swift build "${flags[@]}" > .build/logs/build.log 2>&1; then
    tail -30 .build/logs/build.log
    echo "fuzz build failed (Fuzz/.build/logs/build.log)" >&2
    exit 1
fi
bin=$(swift build "${flags[@]}" --show-bin-path)
echo "fuzz build: $(( $(date +%s) - start )) s"

run_one() {
    local target=$1 seconds=$2 bin=$3
    local work=.build/corpus/$target artifacts=.build/artifacts/$target/ log=.build/logs/$target.log
    mkdir -p "$work" "$artifacts" .build/logs
    # -rss_limit_mb and -timeout turn runaway memory or a hang into a reported failure.
    local status=0
    timeout --kill-after=10 $((seconds + 120)) "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "Corpus/$target" > "$log" 2>&1 || status=$?
    local execs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    if [[ $status -eq 0 ]]; then
        echo "$target: ok, $execs executions in $seconds s"
    else
        echo "$target: FAILED (exit $status) after $execs executions; see Fuzz/$log and Fuzz/$artifacts"
        grep -E "ERROR|Fatal error|Precondition failed|SUMMARY" "$log" | head -5 | sed 's/^/    /'
    fi
    return $status
}
export -f run_one

runs=$(date +%s)
failed=0
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {} "$seconds" "$bin" || failed=1
echo "fuzz runs: $(( $(date +%s) - runs )) s for ${#targets[@]} targets"
exit $failed
