#!/usr/bin/env bash
# End-to-end delivery throughput in relay mode: `envoi loadgen smtp` submits over 50 connections
# (STARTTLS, AUTH, PIPELINING, 2 KiB messages) into `envoi serve`, which signs every message with
# an RSA-2048 DKIM key (made ACTIVE by the real DNS check, through a loopback DNS server) and
# relays it over STARTTLS to `envoi loadgen sink`. Prints one table, a row per run: the
# submission rate the loader saw, and the delivered rate from the first `accepted` event to the
# last `relayed` one in Envoi's event log (every message counted, every one signed).
#
# The second run turns connection reuse off (`delivery.connection_reuse_limit = 1`), so that the
# table shows what sharing connections between messages is worth.
#
#   Benchmarks/delivery-relay.sh [MESSAGES]          # default 5000
#   ENVOI_BIN=$PWD/.build-release/release/envoi PYTHON=.venv/bin/python Benchmarks/delivery-relay.sh
#
# PYTHON must have dnslib (scripts/test.sh installs it in .venv). Loopback only; every wait is
# bounded; everything started is stopped on exit; the credential is never printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/envoi-lib.sh
messages=${1:-5000}
connections=50
timeout=600
PYTHON=${PYTHON:-.venv/bin/python}
work=$(mktemp -d /tmp/envoi-relay-bench.XXXXXX)
sink_pid="" dns_pid=""
cleanup() {
    envoi_stop
    [[ -n $dns_pid ]] && kill "$dns_pid" 2>/dev/null && wait "$dns_pid" 2>/dev/null
    [[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

envoi_build_release
export ENVOI_DKIM_PUBLISH_ZONE=dkim.envoi.test

"$ENVOI" loadgen sink --listen 127.0.0.1:0 --starttls --duration $((timeout * 3)) >"$work/sink.out" &
sink_pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/sink.out" 2>/dev/null && break; sleep 0.1; done
sink_port=$(sed -n 's/^sink listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/sink.out")
[[ -n $sink_port ]] || { echo "the sink did not start" >&2; exit 1; }

# A loopback DNS server that serves the zone file given on its command line until killed.
start_dns() {
    PYTHONPATH=Tests/integration "$PYTHON" -u - "$1" >"$work/dns.out" 2>&1 <<'PY' &
import pathlib, sys, time
from dns_server import LoopbackDNS
server = LoopbackDNS().start()
server.set_zone(pathlib.Path(sys.argv[1]).read_text())
print("dns listening on", server.address)
time.sleep(3600)
PY
    dns_pid=$!
    for _ in $(seq 1 100); do grep -q listening "$work/dns.out" 2>/dev/null && break; sleep 0.1; done
    DNS_ADDRESS=$(sed -n 's/^dns listening on \(.*\)$/\1/p' "$work/dns.out")
    [[ -n $DNS_ADDRESS ]] || { echo "the DNS server did not start: $(cat "$work/dns.out")" >&2; exit 1; }
}

# run LABEL REUSE_LIMIT: one measured run on a fresh data directory; appends a table row.
run() {
    local label=$1 reuse=$2 dir="$work/data-$2" domain key report
    envoi_prepare "$dir"
    domain=$("$ENVOI" --data-dir "$dir" domain create --name example.com --output json | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    key=$("$ENVOI" --data-dir "$dir" dkim create --domain-id "$domain" --selector s1 --algorithm rsa2048 --output json \
        | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    { "$ENVOI" --data-dir "$dir" dkim zone
      printf '$ORIGIN example.com.\n$TTL 300\ns1._domainkey IN CNAME s1.example.com.%s.\n' "$ENVOI_DKIM_PUBLISH_ZONE"; } >"$work/zone-$reuse.txt"
    start_dns "$work/zone-$reuse.txt"
    envoi_start "$dir" --set delivery.mode=relay --set "delivery.relay_host=127.0.0.1:$sink_port" --set delivery.relay_tls=require \
        --set delivery.relay_verify=false --set "dns.resolver=$DNS_ADDRESS" --set dkim.check_interval=1 \
        --set "delivery.connection_reuse_limit=$reuse"
    for _ in $(seq 1 300); do
        "$ENVOI" --data-dir "$dir" dkim get "$key" --output json | grep -q '"lifecycleState" *: *"ACTIVE"' && break
        sleep 0.2
    done
    "$ENVOI" --data-dir "$dir" dkim get "$key" --output json | grep -q '"lifecycleState" *: *"ACTIVE"' \
        || { echo "the DKIM key did not become ACTIVE" >&2; exit 1; }
    echo "== $label: $messages messages over $connections connections" >&2
    report=$(envoi_load "$ENVOI_PORT" "$connections" "$messages" 2048)
    "$PYTHON" - "$dir/envoi.sqlite" "$messages" "$timeout" "$label" "$(rate_of "$report")" >>"$work/rows" <<'PY'
import sqlite3, sys, time
from datetime import datetime
path, expected, timeout, label, submitted = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
def query(sql):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchone()
    finally:
        connection.close()
deadline = time.monotonic() + timeout
while query("SELECT COUNT(*) FROM event WHERE type = 'relayed'")[0] < expected and time.monotonic() < deadline:
    time.sleep(0.5)
relayed, signed, last = query("SELECT COUNT(*), SUM(dkim_selector = 's1'), MAX(time) FROM event WHERE type = 'relayed'")
first = query("SELECT MIN(time) FROM event WHERE type = 'accepted'")[0]
span = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
print(f"| {label} | {expected} | {float(submitted):,.0f} | {relayed:,} | {signed:,} | {span:.1f} | {relayed / span:,.0f} |")
PY
    envoi_stop
    kill "$dns_pid" 2>/dev/null && wait "$dns_pid" 2>/dev/null || true
    dns_pid=""
}

run "relay, connections reused (default)" 100
run "relay, one message per connection" 1
echo "Relay delivery end to end, $connections submitting connections, 2 KiB messages, RSA-2048 DKIM, STARTTLS both ways"
echo
echo "| run | messages | submitted msg/s | relayed | signed | accepted→last relayed s | delivered msg/s |"
echo "|---|---|---|---|---|---|---|"
cat "$work/rows"
