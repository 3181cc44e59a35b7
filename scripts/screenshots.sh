#!/usr/bin/env bash
# Makes the README's console screenshots from a real run: `envoi demo` in tmux (a private socket,
# 120×40, LANG=C.UTF-8), each pane captured with `tmux capture-pane -e -p` and rendered to PNG
# by scripts/render-ansi.py (Pillow, DejaVu Sans Mono) into assets/console-<pane>.png.
#
#   scripts/screenshots.sh              # uses .build/debug/envoi (ENVOI_BIN to choose another)
#   WARMUP=40 scripts/screenshots.sh    # seconds of traffic before the first capture
#
# Every wait is bounded; the demo's data directory and the tmux server are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ENVOI_BIN=${ENVOI_BIN:-.build/debug/envoi}
WARMUP=${WARMUP:-30}
[[ -x $ENVOI_BIN ]] || { echo "build envoi first (swift build)"; exit 1; }

scripts/apt-install.sh tmux fonts-dejavu-core
python=.venv/bin/python
if ! { [[ -x $python ]] && "$python" -c 'import PIL' 2>/dev/null; }; then
    [[ -x $python ]] || python3 -m venv .venv
    "$python" -m pip install --quiet --disable-pip-version-check "$(grep -i '^pillow==' Tests/integration/requirements.txt)"
fi

work=$(mktemp -d)
socket=$work/tmux.sock
tmux_() { timeout 10 tmux -S "$socket" "$@"; }
cleanup() { tmux_ kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Waits up to $2 seconds (default 20) for the regex $1 on the pane.
wait_for() {
    local deadline=$((SECONDS + ${2:-20}))
    while ((SECONDS < deadline)); do
        tmux_ capture-pane -p -t demo | grep -Eq -- "$1" && return 0
        sleep 0.3
    done
    echo "not on screen within ${2:-20}s: $1"; tmux_ capture-pane -p -t demo; exit 1
}

# Captures the pane with its colours and renders it to assets/console-$1.png.
shoot() {
    sleep 1  # one more refresh after the pane's data arrived
    tmux_ capture-pane -e -p -t demo > "$work/$1.ans"
    "$python" scripts/render-ansi.py "$work/$1.ans" "assets/console-$1.png" --columns 120 --rows 40
    echo "assets/console-$1.png ($(stat -c %s "assets/console-$1.png") bytes)"
}

tmux_ -f /dev/null new-session -d -s demo -x 120 -y 40 \
    "env -u NO_COLOR -u ENVOI_DATA_DIR LANG=C.UTF-8 TERM=xterm-256color $(printf '%q' "$ENVOI_BIN") demo --data-dir $work/data --rate 5; sleep 30"
wait_for 'Accepted +[1-9]' 120
sleep "$WARMUP"
tmux_ send-keys -t demo 1
wait_for 'Send limits'
shoot overview
tmux_ send-keys -t demo 2
wait_for 'Approved senders: 4'
shoot senders
tmux_ send-keys -t demo 4
wait_for 'DKIM keys: 2'
tmux_ send-keys -t demo j
shoot dkim
tmux_ send-keys -t demo 5
wait_for 'Suppressions  ·  prefix: any'
shoot suppressions
tmux_ send-keys -t demo 6
wait_for 'rejected'
shoot activity
tmux_ send-keys -t demo 7
wait_for 'demo-2026'
tmux_ send-keys -t demo Enter
wait_for 'DKIM-Signature'
shoot mail
tmux_ send-keys -t demo Escape q
wait_for 'data directory stays in' 60
