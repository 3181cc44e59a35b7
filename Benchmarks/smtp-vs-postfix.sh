#!/usr/bin/env bash
# SMTP intake throughput and latency: the no-op sink (the load generator's own ceiling), a
# private Postfix instance holding every message in its queue, and Envoi's server when given.
# Every target gets the same load from `envoi loadgen smtp` over loopback (STARTTLS, PIPELINING,
# 2 KiB messages, 50 connections by default), after a short warm-up; the script prints one
# table: messages/s, latency p50/p90/p99 from MAIL to the final reply, reply counts, and the
# peak memory of the server's processes (RSS summed, and PSS, which counts shared pages once).
#
#   Benchmarks/smtp-vs-postfix.sh [--messages M] [--connections N] [--size BYTES]
#       [--envoi HOST:PORT --envoi-pid PID [--envoi-auth USER:PASS]] [--no-pipelining] [--timeout S]
#
# Without --envoi the script prepares a scratch data directory and starts `envoi serve` itself
# (STARTTLS + AUTH with a fresh credential, durable commit; `delivery.hold = true`, so accepted
# messages stay queued as Postfix's are held). --envoi instead measures
# an already running server; --envoi-pid names its process for the memory column; --envoi-auth
# (or ENVOI_BENCH_AUTH) is sent over TLS only and never printed. ENVOI_BIN picks the binary (default: release build, else debug).
# Installs Postfix if missing (scripts/install-postfix.sh); needs root for Postfix's master.
# Stops everything it started on exit; every run is bounded by --timeout.
set -euo pipefail
cd "$(dirname "$0")/.."

messages=5000 connections=50 size=2048 timeout=300 pipelining=--pipelining
envoi_target="" envoi_pid="" envoi_auth=${ENVOI_BENCH_AUTH:-}
while (($#)); do
    case $1 in
        --messages) messages=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --envoi) envoi_target=$2; shift 2 ;;
        --envoi-pid) envoi_pid=$2; shift 2 ;;
        --envoi-auth) envoi_auth=$2; shift 2 ;;
        --no-pipelining) pipelining=""; shift ;;
        *) echo "usage: see the comment at the top of $0" >&2; exit 2 ;;
    esac
done

envoi=${ENVOI_BIN:-}
if [[ -z $envoi ]]; then
    envoi=.build/release/envoi
    [[ -x $envoi ]] || envoi=.build/debug/envoi
fi
[[ -x $envoi ]] || { echo "build envoi first (swift build -c release): $envoi is missing" >&2; exit 1; }

scripts/install-postfix.sh
work=$(mktemp -d /tmp/envoi-bench.XXXXXX)
chmod 755 "$work"  # Postfix's daemons, running as the mail owner, reach their queue through it
sink_pid=""
cleanup() {
    [[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
    Benchmarks/postfix-instance.sh stop "$work/postfix" || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Peak memory of a set of processes while $1 (a pid) runs: "RSS_KiB PSS_KiB", sampled every 0.2 s.
sample_memory() {
    local watched=$1 pids_command=$2 out=$3 peak_rss=0 peak_pss=0
    for _ in $(seq 1 $((timeout * 5 + 50))); do
        kill -0 "$watched" 2>/dev/null || break
        local rss=0 pss=0
        for pid in $($pids_command); do
            rss=$((rss + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
            pss=$((pss + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
        done
        ((rss > peak_rss)) && peak_rss=$rss
        ((pss > peak_pss)) && peak_pss=$pss
        sleep 0.2
    done
    echo "$peak_rss $peak_pss" > "$out"
}

# Runs the load against one target and records its JSON report and peak memory.
measure() {
    local name=$1 port=$2 pids_command=$3 host=${4:-127.0.0.1}
    # Credentials travel in the environment, not on a command line that `ps` shows.
    local auth=""
    [[ $name == envoi ]] && auth=$envoi_auth
    echo "== $name: warm-up, then $messages messages over $connections connections" >&2
    ENVOI_LOADGEN_AUTH=$auth "$envoi" loadgen smtp --host "$host" --port "$port" --connections "$connections" \
        --messages $((connections * 4)) --size "$size" --starttls $pipelining --timeout "$timeout" --json > /dev/null || true
    ENVOI_LOADGEN_AUTH=$auth "$envoi" loadgen smtp --host "$host" --port "$port" --connections "$connections" \
        --messages "$messages" --size "$size" --starttls $pipelining --timeout "$timeout" --json > "$work/$name.json" &
    local load=$!
    sample_memory "$load" "$pids_command" "$work/$name.memory"
    wait "$load" || echo "   ($name: not every message got a reply; see the table)" >&2
}

sink_pids() { echo "$sink_pid"; }
postfix_pids() { Benchmarks/postfix-instance.sh pids "$work/postfix"; }
envoi_pids() { [[ -n $envoi_pid ]] && { echo "$envoi_pid"; pgrep -P "$envoi_pid" || true; }; }

# The sink: the load generator's own ceiling.
"$envoi" loadgen sink --listen 127.0.0.1:0 --starttls --duration $((timeout * 4 + 120)) > "$work/sink.out" &
sink_pid=$!
for _ in $(seq 1 100); do grep -q "listening" "$work/sink.out" 2>/dev/null && break; sleep 0.1; done
sink_port=$(sed -n 's/^sink listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/sink.out")
[[ -n $sink_port ]] || { echo "the sink did not start" >&2; exit 1; }
measure sink "$sink_port" sink_pids

# Postfix, private, holding everything in its queue.
postfix_port=$(free_port)
Benchmarks/postfix-instance.sh start "$work/postfix" "$postfix_port"
measure postfix "$postfix_port" postfix_pids
echo "   postfix queue now holds $(Benchmarks/postfix-instance.sh queued "$work/postfix") messages" >&2

targets=(sink postfix)
if [[ -z $envoi_target ]]; then
    source Benchmarks/envoi-lib.sh
    ENVOI=$envoi
    envoi_prepare "$work/envoi-data"
    envoi_start "$work/envoi-data" --set delivery.hold=true
    envoi_target="127.0.0.1:$ENVOI_PORT" envoi_pid=$ENVOI_PID envoi_auth=$ENVOI_AUTH
    trap 'envoi_stop; cleanup' EXIT INT TERM
fi
if [[ -n $envoi_target ]]; then
    measure envoi "${envoi_target##*:}" envoi_pids "${envoi_target%:*}"
    targets+=(envoi)
fi

echo
echo "SMTP intake, $(nproc) cores, loader $envoi, $connections connections, $messages messages of $size bytes," \
     "STARTTLS${pipelining:+, PIPELINING}"
python3 - "$work" "${targets[@]}" <<'PYTHON'
import json, pathlib, sys
work, targets = pathlib.Path(sys.argv[1]), sys.argv[2:]
print(f"{'target':<9}{'msg/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}  {'replies':<24}{'RSS MiB':>9}{'PSS MiB':>9}")
for name in targets:
    report = json.loads((work / f"{name}.json").read_text() or "{}")
    rss, pss = (int(v) / 1024 for v in (work / f"{name}.memory").read_text().split())
    replies = " ".join(f"{k}={v}" for k, v in sorted(report.get("replies", {}).items()))
    replies += "".join(f" err={v}" for v in report.get("errors", {}).values())
    cell = lambda key: f"{report[key]:>9.2f}" if report.get(key) is not None else f"{'-':>9}"
    print(f"{name:<9}{report.get('messages_per_s', 0):>9.0f}{cell('p50_ms')}{cell('p90_ms')}{cell('p99_ms')}  "
          f"{replies or '-':<24}{rss:>9.1f}{pss:>9.1f}")
print("memory: peak over the measured run, summed over the server's processes (Postfix: master and every")
print("daemon); RSS counts shared pages once per process, PSS divides them among the processes sharing them.")
PYTHON
