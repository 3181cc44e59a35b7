#!/usr/bin/env bash
# What the shared store costs: SMTP intake throughput of one node on SQLite, one node on
# PostgreSQL, and two nodes on one PostgreSQL database, measured in one run with the same load
# (`envoi loadgen smtp`: STARTTLS, AUTH, PIPELINING, 2 KiB messages; delivery held, durable
# commits). With two nodes the load is split in half, one loadgen per node, run at once; the
# figure is all messages over the wall time of the slower half.
#
#   Benchmarks/cluster.sh [--messages M] [--connections N]
#
# Everything runs on this machine: the nodes, the load generators and a private PostgreSQL
# (scripts/postgres-test-server.sh, its own folder) share its cores, so two nodes here measure
# the cost of the shared store, not scaling. ENVOI_BIN picks the binary (default: release build).
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/envoi-lib.sh

messages=5000 connections=50 size=2048
while (($#)); do
    case $1 in
        --messages) messages=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        *) echo "usage: see the comment at the top of $0" >&2; exit 2 ;;
    esac
done

scripts/install-test-deps.sh >/dev/null
envoi_build_release
work=$(mktemp -d /tmp/envoi-cluster.XXXXXX)
chmod 755 "$work"  # the private PostgreSQL runs as the postgres user, in a folder inside it
export ENVOI_TEST_POSTGRES_DIR=$work/postgres
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    scripts/postgres-test-server.sh stop || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# serve_node DIR [--set k=v …]: starts a node, records its pid; writes "SMTP_PORT HTTPS_PORT" to DIR/ports.
serve_node() {
    local dir=$1; shift
    "$ENVOI" --data-dir "$dir" serve --set smtp.listen=127.0.0.1:0 --set https.listen=127.0.0.1:0 --set delivery.hold=true "$@" \
        >"$dir/serve.out" 2>"$dir/serve.err" &
    pids+=($!)
    for _ in $(seq 1 100); do
        local smtp https
        smtp=$(sed -n 's/^smtp listening on .*:\([0-9]*\)$/\1/p' "$dir/serve.out" | head -n 1)
        https=$(sed -n 's/^https listening on .*:\([0-9]*\)$/\1/p' "$dir/serve.out" | head -n 1)
        if [[ -n $smtp && -n $https ]]; then echo "$smtp $https" > "$dir/ports"; return 0; fi
        sleep 0.1
    done
    echo "envoi serve did not start: $(cat "$dir/serve.err")" >&2
    return 1
}

# load PORT… : splits the messages and connections over the ports, runs one loadgen per port at
# once; prints "messages/s p99_ms" for all of them together.
load() {
    local count=$# started ended reports=()
    started=$(date +%s.%N)
    local index=0
    for port in "$@"; do
        ENVOI_LOADGEN_AUTH="$ENVOI_AUTH" "$ENVOI" loadgen smtp --port "$port" --connections $((connections / count)) \
            --messages $((messages / count)) --size "$size" --starttls --pipelining --from load@example.com --to rcpt@example.org \
            --timeout 300 > "$work/load.$index" &
        reports+=($!)
        index=$((index + 1))
    done
    for pid in "${reports[@]}"; do wait "$pid"; done
    ended=$(date +%s.%N)
    local worst=0
    for ((i = 0; i < count; i++)); do
        local p99
        p99=$(p99_of "$(cat "$work/load.$i")")
        worst=$(python3 -c "print(max($worst, ${p99:-0}))")
    done
    python3 -c "print(f'{$messages / ($ended - $started):.0f} $worst')"
}

warm_up() { ENVOI_LOADGEN_AUTH="$ENVOI_AUTH" "$ENVOI" loadgen smtp --port "$1" --connections 10 --messages 500 --size "$size" \
    --starttls --pipelining --from load@example.com --to rcpt@example.org --timeout 120 >/dev/null; }

# 1. One node on SQLite.
envoi_prepare "$work/sqlite"
serve_node "$work/sqlite"
read -r port _ < "$work/sqlite/ports"
warm_up "$port"
sqlite=$(load "$port")
kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

# 2. One node on PostgreSQL, then two.
url=$(scripts/postgres-test-server.sh start)
mkdir -m 700 "$work/a" "$work/b"
"$ENVOI" --data-dir "$work/a" init --database "$url" >/dev/null
cp "$work/a/master.key" "$work/b/master.key"
"$ENVOI" --data-dir "$work/b" init --database "$url" >/dev/null
"$ENVOI" --data-dir "$work/a" --set "database=$url" limits set --per-minute 10000000 --per-day 1000000000 >/dev/null
openssl genrsa -out "$work/api.pem" 2048 2>/dev/null
openssl rsa -in "$work/api.pem" -pubout -out "$work/api.pub" 2>/dev/null
admin=$(psql -X -A -t -d "$url" -c "SELECT id || ' ' || compartment_id FROM app_user WHERE name = 'admin'")
read -r user tenancy <<<"$admin"
fingerprint=$("$ENVOI" --data-dir "$work/a" --set "database=$url" apikey add --user "$user" --public-key "$work/api.pub" --output json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["fingerprint"])')
serve_node "$work/a" --set "database=$url" --set node.name=a
read -r port_a https_a < "$work/a/ports"
ENVOI_AUTH=$(.venv/bin/python Benchmarks/cluster-setup.py "https://127.0.0.1:$https_a" "$work/a/tls/certificate.pem" "$user" "$tenancy" \
    "$fingerprint" "$work/api.pem")
warm_up "$port_a"
one=$(load "$port_a")
serve_node "$work/b" --set "database=$url" --set node.name=b
read -r port_b _ < "$work/b/ports"
warm_up "$port_b"
two=$(load "$port_a" "$port_b")
queued=$(psql -X -A -t -d "$url" -c "SELECT count(*) FROM queue_entry")

echo "SMTP intake, $messages messages of $size bytes, $connections connections (STARTTLS, AUTH, PIPELINING), $(nproc) cores, $(date -u +%F)"
printf '%-28s %10s %10s\n' "store" "msg/s" "p99 ms"
read -r rate p99 <<<"$sqlite"; printf '%-28s %10s %10s\n' "SQLite, 1 node" "$rate" "$p99"
read -r rate p99 <<<"$one"; printf '%-28s %10s %10s\n' "PostgreSQL, 1 node" "$rate" "$p99"
read -r rate p99 <<<"$two"; printf '%-28s %10s %10s\n' "PostgreSQL, 2 nodes" "$rate" "$p99"
echo "rows queued on PostgreSQL: $queued (warm-ups included)"
