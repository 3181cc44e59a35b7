#!/usr/bin/env bash
# The send limiter's cost: SMTP acceptance rate (STARTTLS + AUTH, 50 connections, 2 KiB messages,
# durable commit) with limits enforced and with limits.enforce = false, alternating in one run.
# Target: at most 5% difference. Usage: Benchmarks/limiter-overhead.sh [MESSAGES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/envoi-lib.sh
messages=${1:-4000}
rounds=${2:-3}
work=$(mktemp -d)
trap 'envoi_stop; rm -rf "$work"' EXIT

envoi_build_release
declare -A total=([true]=0 [false]=0)
for round in $(seq 1 "$rounds"); do
    for enforce in true false; do
        dir="$work/$enforce-$round"
        envoi_prepare "$dir"
        envoi_start "$dir" --set limits.enforce=$enforce --set delivery.hold=true
        report=$(envoi_load "$ENVOI_PORT" 50 "$messages" 2048)
        envoi_stop
        rate=$(rate_of "$report")
        echo "round $round enforce=$enforce: $rate messages/s (p99 $(p99_of "$report") ms)" >&2
        total[$enforce]=$(python3 -c "print(${total[$enforce]} + $rate)")
    done
done
python3 - "${total[true]}" "${total[false]}" "$rounds" <<'PY'
import sys
enforced, disabled, rounds = float(sys.argv[1]) / int(sys.argv[3]), float(sys.argv[2]) / int(sys.argv[3]), int(sys.argv[3])
print("| limits | accepted messages/s (mean of %d runs) |" % rounds)
print("|---|---|")
print("| enforced | %.0f |" % enforced)
print("| disabled (`limits.enforce = false`) | %.0f |" % disabled)
print("| difference | %.1f%% |" % ((disabled - enforced) / disabled * 100))
PY
