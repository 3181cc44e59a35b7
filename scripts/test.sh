#!/usr/bin/env bash
# The whole test suite: installs what it needs (idempotent), builds once in debug, runs the Swift
# tests, then the integration tests against the built binary with real clients.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8

scripts/install-test-deps.sh
swift build --build-tests
swift test --skip-build
ENVOI_BIN="$PWD/.build/debug/envoi" .venv/bin/python -m pytest -q -p no:cacheprovider Tests/integration
