#!/usr/bin/env bash
# Installs the build's C libraries if missing (scripts/install-build-deps.sh), builds Envoi
# (release) and runs it on embedded defaults: prepares the data directory (idempotent), then
# serves SMTP and HTTPS until Ctrl-C — under the live console (`envoi console`, q quits) when run
# on a terminal, headless (`envoi serve`) otherwise. ENVOI_DATA_DIR or --data-dir choose the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8

scripts/install-build-deps.sh
swift build -c release --product envoi
envoi=.build/release/envoi
"$envoi" init "$@"
if [ -t 0 ] && [ -t 1 ]; then
    exec "$envoi" console "$@"
fi
exec "$envoi" serve "$@"
