#!/usr/bin/env bash
# Makes the README's console screenshots from a real run: `envoi demo` in tmux (a private socket,
# 120×40, LANG=C.UTF-8), each pane captured with `tmux capture-pane -e -p` and rendered to PNG
# by scripts/render-ansi.py (Pillow, DejaVu Sans Mono) into assets/console-<pane>.png.
#
#   scripts/screenshots.sh              # uses .build/debug/envoi (ENVOI_BIN to choose another)
#   WARMUP=80 scripts/screenshots.sh    # seconds of traffic before the first capture
#
# The demo's first newsletter fills the per-minute limit two seconds in; by WARMUP (default 80 s)
# it has aged out of the window and steady traffic flows again, so the Overview shows a partial
# gauge, the rate and the earlier refusals. The Activity pane is taken last, after the second
# newsletter (92 s in), so that its 455 refusals are on screen.
#
# Every wait is bounded; the demo's data directory and the tmux server are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ENVOI_BIN=${ENVOI_BIN:-.build/debug/envoi}
WARMUP=${WARMUP:-80}
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

# Captures the pane with its colours once the frame itself shows the regexes $2 and $4 (panes refresh
# live, so what was on screen a moment ago may be gone), within $3 seconds (default 30), and
# renders it to assets/console-$1.png.
shoot() {
    local deadline=$((SECONDS + ${3:-30}))
    while ((SECONDS < deadline)); do
        tmux_ capture-pane -e -p -t demo > "$work/$1.ans"
        sed 's/\x1b\[[0-9;:]*m//g' "$work/$1.ans" > "$work/$1.txt"
        if grep -Eq -- "$2" "$work/$1.txt" && grep -Eq -- "${4:-.}" "$work/$1.txt"; then
            "$python" scripts/render-ansi.py "$work/$1.ans" "assets/console-$1.png" --columns 120 --rows 40
            echo "assets/console-$1.png ($(stat -c %s "assets/console-$1.png") bytes)"
            return 0
        fi
        sleep 0.2
    done
    echo "no frame of $1 showed: $2"; cat "$work/$1.ans"; exit 1
}

tmux_ -f /dev/null new-session -d -s demo -x 120 -y 40 \
    "env -u NO_COLOR -u ENVOI_DATA_DIR LANG=C.UTF-8 TERM=xterm-256color $(printf '%q' "$ENVOI_BIN") demo --data-dir $work/data --rate 10; sleep 30"
wait_for 'Accepted +[1-9]' 120
sleep "$WARMUP"
tmux_ send-keys -t demo 1
shoot overview 'Rejected +[1-9]'
tmux_ send-keys -t demo 2
shoot senders 'Approved senders: 4'
tmux_ send-keys -t demo 4
wait_for 'DKIM keys: 2'
tmux_ send-keys -t demo j
shoot dkim 'demo-2027 of demo\.example: NEEDS_ATTENTION'
tmux_ send-keys -t demo 5
shoot suppressions 'HARDBOUNCE' 30 'COMPLAINT'
tmux_ send-keys -t demo 7
wait_for 'demo-2026'
tmux_ send-keys -t demo Enter
shoot mail 'DKIM-Signature: v=1'
tmux_ send-keys -t demo Escape 6
shoot activity 'rejected .*455' 60 ' (accepted|relayed|suppressed) '
tmux_ send-keys -t demo q
wait_for 'data directory stays in' 60
