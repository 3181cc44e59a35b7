#!/usr/bin/env bash
# Builds Envoi (release) and runs it on embedded defaults: prepares the data directory
# (idempotent), then serves SMTP until Ctrl-C. ENVOI_DATA_DIR or --data-dir choose the directory.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8

swift build -c release --product envoi
envoi=.build/release/envoi
"$envoi" init "$@"
exec "$envoi" serve "$@"
