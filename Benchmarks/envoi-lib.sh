# Shared helpers for the benchmark scripts: a release build, a prepared data directory with a
# sender and a credential, and `envoi serve` on free loopback ports. Source it; do not run it.

# Builds the release binary, unless ENVOI_BIN names one already built.
envoi_build_release() {
    if [[ -n ${ENVOI_BIN:-} ]]; then
        ENVOI=$ENVOI_BIN
        return
    fi
    swift build -c release --product envoi >&2
    ENVOI="$PWD/.build/release/envoi"
}

# envoi_prepare DIR: init, a user in Administrators with a credential, sender load@example.com,
# limits high enough not to interfere. Sets ENVOI_AUTH=user:password (never printed).
envoi_prepare() {
    local dir=$1 user group json
    "$ENVOI" --data-dir "$dir" init >/dev/null
    user=$("$ENVOI" --data-dir "$dir" user create --name bench --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    group=$("$ENVOI" --data-dir "$dir" group list --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    "$ENVOI" --data-dir "$dir" group add-user --group-id "$group" --user-id "$user" >/dev/null
    json=$("$ENVOI" --data-dir "$dir" credential create --user "$user" --output json)
    ENVOI_AUTH=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["credential"]["username"] + ":" + d["password"])' <<<"$json")
    "$ENVOI" --data-dir "$dir" sender create --email load@example.com >/dev/null
    "$ENVOI" --data-dir "$dir" sender create --email loadgen@envoi.test >/dev/null  # loadgen's default sender
    "$ENVOI" --data-dir "$dir" limits set --per-minute 10000000 --per-day 1000000000 >/dev/null
}

# envoi_start DIR [--set k=v …]: starts serve in the background; sets ENVOI_PID and ENVOI_PORT.
envoi_start() {
    local dir=$1; shift
    local log="$dir/serve.out"
    "$ENVOI" --data-dir "$dir" serve --set smtp.listen=127.0.0.1:0 "$@" >"$log" 2>"$dir/serve.err" &
    ENVOI_PID=$!
    for _ in $(seq 1 100); do
        ENVOI_PORT=$(sed -n 's/^smtp listening on .*:\([0-9]*\)$/\1/p' "$log" | head -n 1)
        [[ -n $ENVOI_PORT ]] && return 0
        sleep 0.1
    done
    echo "envoi serve did not start: $(cat "$dir/serve.err")" >&2
    return 1
}

envoi_stop() {
    [[ -n ${ENVOI_PID:-} ]] && kill -TERM "$ENVOI_PID" 2>/dev/null && wait "$ENVOI_PID" 2>/dev/null
    ENVOI_PID=
}

# envoi_load PORT CONNECTIONS MESSAGES SIZE: runs loadgen with STARTTLS + AUTH; prints its report.
envoi_load() {
    ENVOI_LOADGEN_AUTH="$ENVOI_AUTH" "$ENVOI" loadgen smtp --port "$1" --connections "$2" --messages "$3" --size "$4" \
        --starttls --pipelining --from load@example.com --to rcpt@example.org --timeout 300
}

# The messages/s figure of a loadgen report.
rate_of() { sed -n 's/^messages\/s: \([0-9.]*\).*/\1/p' <<<"$1"; }
p99_of() { sed -n 's/.*p99 \([0-9.]*\).*/\1/p' <<<"$1"; }
