#!/usr/bin/env bash
# submitEmail throughput over HTTPS keep-alive (50 connections), next to a trivial route on the same
# TLS listener, with durable commits (WAL, synchronous=FULL, group commit). Delivery is held
# (`delivery.hold = true`), as in smtp-vs-postfix.sh, so that the figure is the intake's alone.
# A third route, a signed GET that does no work past the signature check, shows the floor: no
# signed request can beat it. Prints the three figures, the ratios, p99 latency and the server's
# CPU time per request (user + system, from /proc). Loopback only; each wrk run is bounded by
# DURATION.
#
#   Benchmarks/https-submit.sh            # uses .build/release/envoi if built, else .build/debug/envoi
#   ENVOI_BIN=path DURATION=10s CONNECTIONS=50 Benchmarks/https-submit.sh
#   PERF_DIR=/tmp/p Benchmarks/https-submit.sh   # also `perf record -g` the server: /tmp/p/{trivial,submit}.data
#   PERF_CALLGRAPH='--call-graph dwarf' PERF_DIR=/tmp/p ...   # unwinds through code without frame pointers
#
# The request is signed once with openssl (the signature covers date, target, host, length, type and
# body digest, all identical for every request, and stays valid for the 5-minute clock-skew window);
# wrk's Lua script only sets the headers and body. Each submission gets its own Message-ID and queue id.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
ENVOI_BIN=${ENVOI_BIN:-$( [[ -x .build/release/envoi ]] && echo .build/release/envoi || echo .build/debug/envoi )}
[[ -x $ENVOI_BIN ]] || { echo "build envoi first (swift build)"; exit 1; }
if ! command -v wrk >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

work=$(mktemp -d)
server=""
cleanup() { [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
envoi() { "$ENVOI_BIN" --data-dir "$work/data" "$@"; }

envoi init >/dev/null
envoi sender create --email app@example.com >/dev/null
envoi limits set --per-minute 10000000 --per-day 1000000000 >/dev/null
openssl genrsa -out "$work/key.pem" 2048 2>/dev/null
openssl rsa -in "$work/key.pem" -pubout -out "$work/public.pem" 2>/dev/null
read -r user tenancy < <(envoi user list --output json | python3 -c 'import json,sys; u=[x for x in json.load(sys.stdin) if x["name"]=="admin"][0]; print(u["id"], u["compartmentId"])')
fingerprint=$(envoi apikey add --user "$user" --public-key "$work/public.pem" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')

"$ENVOI_BIN" --data-dir "$work/data" serve --set smtp.listen=127.0.0.1:0 --set https.listen=127.0.0.1:0 \
    --set https.requests_per_second=100000000 --set delivery.hold=true >"$work/serve.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/^https listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/serve.log")
    [[ -n $port ]] && break
    sleep 0.2
done
[[ -n $port ]] || { echo "envoi serve did not start:"; cat "$work/serve.log"; exit 1; }

body='{"sender":{"senderAddress":{"email":"app@example.com"},"compartmentId":"'"$tenancy"'"},"recipients":{"to":[{"email":"bench@example.org"}]},"subject":"Benchmark","bodyText":"Hello from wrk."}'
path=/20220926/actions/submitEmail
date=$(LC_ALL=C TZ=GMT date '+%a, %d %b %Y %H:%M:%S GMT')
digest=$(printf '%s' "$body" | openssl dgst -sha256 -binary | base64 -w0)
length=$(printf '%s' "$body" | wc -c)
signing=$(printf 'date: %s\n(request-target): post %s\nhost: 127.0.0.1:%s\ncontent-length: %s\ncontent-type: application/json\nx-content-sha256: %s' \
    "$date" "$path" "$port" "$length" "$digest")
signature=$(printf '%s' "$signing" | openssl dgst -sha256 -sign "$work/key.pem" | base64 -w0)
authorization="Signature algorithm=\"rsa-sha256\",headers=\"date (request-target) host content-length content-type x-content-sha256\",keyId=\"$tenancy/$user/$fingerprint\",signature=\"$signature\",version=\"1\""

python3 - "$work/submit.lua" "$body" "$date" "$digest" "$authorization" <<'PY'
import json, sys
path, body, date, digest, authorization = sys.argv[1:]
lua = lambda s: json.dumps(s)  # a JSON string is a valid Lua string literal here (ASCII, no control characters)
open(path, "w").write(f"""wrk.method = "POST"
wrk.body = {lua(body)}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Date"] = {lua(date)}
wrk.headers["x-content-sha256"] = {lua(digest)}
wrk.headers["Authorization"] = {lua(authorization)}
""")
PY

# The floor: a signed GET that does no work past the signature check (the configuration
# operation reads nothing from the store). No submission can be cheaper than this request.
config_path="/20170907/configuration?compartmentId=$tenancy"
config_signing=$(printf 'date: %s\n(request-target): get %s\nhost: 127.0.0.1:%s' "$date" "$config_path" "$port")
config_signature=$(printf '%s' "$config_signing" | openssl dgst -sha256 -sign "$work/key.pem" | base64 -w0)
config_authorization="Signature algorithm=\"rsa-sha256\",headers=\"date (request-target) host\",keyId=\"$tenancy/$user/$fingerprint\",signature=\"$config_signature\",version=\"1\""
printf 'wrk.headers["Date"] = "%s"\nwrk.headers["Authorization"] = "%s"\n' "$date" "${config_authorization//\"/\\\"}" >"$work/signed.lua"
status=$(curl -s -o "$work/check.json" -w '%{http_code}' --cacert "$work/data/tls/certificate.pem" \
    -H "Date: $date" -H "Authorization: $config_authorization" "https://127.0.0.1:$port$config_path")
[[ $status == 200 ]] || { echo "signed GET configuration answered $status: $(cat "$work/check.json")"; exit 1; }

# One signed request first: fail loudly instead of benchmarking 401s.
status=$(curl -s -o "$work/check.json" -w '%{http_code}' --cacert "$work/data/tls/certificate.pem" -X POST \
    -H "Date: $date" -H "Content-Type: application/json" -H "x-content-sha256: $digest" -H "Authorization: $authorization" \
    --data-binary "$body" "https://127.0.0.1:$port$path")
[[ $status == 200 ]] || { echo "signed submitEmail answered $status: $(cat "$work/check.json")"; exit 1; }

# The server's CPU time (user + system, in clock ticks) around each run gives its CPU cost per
# request; with PERF_DIR set, `perf record -g` samples the server during each run as well.
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
run() {
    local name=$1; shift
    local before; before=$(ticks)
    if [[ -n ${PERF_DIR:-} ]]; then
        perf record -q -F 999 ${PERF_CALLGRAPH:--g} -p "$server" -o "$PERF_DIR/$name.data" 2>/dev/null &
        local recorder=$!
    fi
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" 2>&1
    [[ -n ${PERF_DIR:-} ]] && { kill -INT "$recorder"; wait "$recorder" || true; }
    echo "server-cpu-ticks: $(( $(ticks) - before ))"
}
trivial=$(run trivial "https://127.0.0.1:$port/health")
signed=$(run signed -s "$work/signed.lua" "https://127.0.0.1:$port$config_path")
submit=$(run submit -s "$work/submit.lua" "https://127.0.0.1:$port$path")
rps() { awk '/^Requests\/sec:/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {print $NF}' <<<"$1"; }
# Server CPU microseconds per request: ticks / (requests/s * seconds).
cpu() {
    python3 -c "import sys,os; t,r,d=float(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3].rstrip('s')); print(round(t/os.sysconf('SC_CLK_TCK')/(r*d)*1e6))" \
        "$(awk '/^server-cpu-ticks:/ {print $2}' <<<"$1")" "$(rps "$1")" "$DURATION"
}
[[ -z $(non2xx "$submit") ]] || { echo "submitEmail had non-2xx answers:"; echo "$submit"; exit 1; }
[[ -z $(non2xx "$signed") ]] || { echo "GET configuration had non-2xx answers:"; echo "$signed"; exit 1; }
queued=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from message').fetchone()[0])" "$work/data/envoi.sqlite")

printf '\nenvoi: %s; wrk -t%s -c%s -d%s over TLS 1.2+ keep-alive, loopback\n\n' "$ENVOI_BIN" "$THREADS" "$CONNECTIONS" "$DURATION"
printf '| route | requests/s | p99 latency | server CPU per request |\n|---|---|---|---|\n'
printf '| GET /health (trivial) | %s | %s | %s µs |\n' "$(rps "$trivial")" "$(p99 "$trivial")" "$(cpu "$trivial")"
printf '| GET configuration (signed, no work) | %s | %s | %s µs |\n' "$(rps "$signed")" "$(p99 "$signed")" "$(cpu "$signed")"
printf '| POST submitEmail (signed, durable commit) | %s | %s | %s µs |\n' "$(rps "$submit")" "$(p99 "$submit")" "$(cpu "$submit")"
ratio() { python3 -c "import sys; print(round(100*float(sys.argv[1])/float(sys.argv[2]), 1))" "$(rps "$1")" "$(rps "$2")"; }
printf '\nratio submitEmail / trivial: %s%%   (messages committed: %s)\n' "$(ratio "$submit" "$trivial")" "$queued"
printf 'ratio signed no-work GET / trivial: %s%%   (the most any signed request can reach)\n' "$(ratio "$signed" "$trivial")"
