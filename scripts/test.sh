#!/usr/bin/env bash
# The whole test suite: installs what it needs (idempotent), builds once in debug, runs the Swift
# tests (the store contract tests against a private PostgreSQL on loopback, stopped on exit), then
# the integration tests against the built binary with real clients.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=C.UTF-8

scripts/install-test-deps.sh
swift build --build-tests
trap 'scripts/postgres-test-server.sh stop' EXIT
ENVOI_TEST_POSTGRES_URL=$(scripts/postgres-test-server.sh start)
export ENVOI_TEST_POSTGRES_URL
swift test --skip-build
# libFuzzer (Fuzz/, scripts/fuzz.sh) only on request: its cold release + ASan build of the
# parsers' dependencies (NIO, Hummingbird, crypto) alone takes far over 6 minutes on two cores.
# ENVOI_FUZZ_SECONDS=30 runs every target 30 s after the Swift tests; a crash fails the suite.
if [[ -n ${ENVOI_FUZZ_SECONDS:-} ]]; then
    scripts/fuzz.sh "$ENVOI_FUZZ_SECONDS"
fi
ENVOI_BIN="$PWD/.build/debug/envoi" .venv/bin/python -m pytest -q -p no:cacheprovider Tests/integration
