#!/usr/bin/env bash
# postgres-test-server.sh start|stop|url: a private, throw-away PostgreSQL cluster for the store
# tests (Debian's `postgresql` package, installed by install-test-deps.sh).
#
#   start  creates a new cluster (any previous one of this work tree is wiped), listening on
#          127.0.0.1 only, on a free port, with a test role that logs in by password
#          (SCRAM-SHA-256) and a database it owns; prints its URL.
#   url    prints the URL of the running cluster: postgres://USER:PASSWORD@127.0.0.1:PORT/DB
#   stop   stops the cluster and removes its folder.
#
# PostgreSQL refuses to run as root, so the cluster's folder belongs to the `postgres` system user
# and its programs run through `runuser -u postgres` when this script runs as root. The folder is
# one per work tree (a hash of its path) under the system's temporary folder, or
# $ENVOI_TEST_POSTGRES_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

user=envoi_test
database=envoi_test
# Bounded waits: the server's own start (pg_ctl -w -t) and the tries for a free port.
start_timeout_seconds=60
port_tries=5

tag=$(printf '%s' "$PWD" | sha256sum | cut -c1-12)
dir=${ENVOI_TEST_POSTGRES_DIR:-${TMPDIR:-/tmp}/envoi-test-postgres-$tag}
data=$dir/data
socket=$dir/socket

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z $bin || ! -x $bin/initdb ]]; then
    echo "postgres-test-server.sh: no PostgreSQL server binaries in /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
fi

# Runs a PostgreSQL program as the owner of the cluster.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

running() {
    [[ -f $data/postmaster.pid ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

print_url() {
    if ! running || [[ ! -f $dir/url ]]; then
        echo "postgres-test-server.sh: no test cluster is running (start it first)" >&2
        exit 1
    fi
    cat "$dir/url"
}

stop() {
    if running; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t "$start_timeout_seconds" stop >/dev/null
    fi
    rm -rf "$dir"
}

start() {
    stop
    mkdir -p "$dir"
    local password
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    as_owner mkdir -p "$socket"
    # The superuser `postgres` logs in over the private socket only (peer); TCP needs a password.
    as_owner "$bin/initdb" -D "$data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    local port="" try
    for ((try = 1; try <= port_tries; try++)); do
        port=$(free_port)
        if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t "$start_timeout_seconds" \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $socket -c fsync=off -c full_page_writes=off" start >/dev/null; then
            break
        fi
        port=""  # another process took the port between the probe and the bind: try another
    done
    if [[ -z $port ]]; then
        echo "postgres-test-server.sh: the server did not start after $port_tries tries; its log:" >&2
        cat "$dir/server.log" >&2 || true
        exit 1
    fi
    # CREATEDB: a test may make its own database (most make their own schema in this one).
    as_owner "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$socket" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE $user LOGIN CREATEDB PASSWORD '$password'" \
        -c "CREATE DATABASE $database OWNER $user" >/dev/null
    echo "postgres://$user:$password@127.0.0.1:$port/$database" >"$dir/url"
    chmod 600 "$dir/url"
    cat "$dir/url"
}

case ${1:-} in
start) start ;;
stop) stop ;;
url) print_url ;;
*)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
