#!/usr/bin/env bash
# Installs what the test suite needs beyond the Swift toolchain, idempotently: the build's C
# libraries (install-build-deps.sh), Debian packages (only those missing, PostgreSQL among them),
# Postfix for the private instances the tests and benchmarks run (install-postfix.sh), and a
# Python venv in .venv with the pinned PyPI packages.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-build-deps.sh

# libmail-dkim-perl: Perl Mail::DKIM, the second independent verifier of Envoi's DKIM signatures.
# bind9-utils: named-checkzone, BIND's own check that `envoi dkim zone` writes a loadable zone.
# swaks and openssl: real SMTP clients for the submission tests.
# tmux: the terminal that test_console.py drives `envoi console` in.
# postgresql: the server of the private cluster the store tests run the PostgreSQL backend against
# (postgres-test-server.sh).
scripts/apt-install.sh e2fsprogs openssl swaks libmail-dkim-perl bind9-utils tmux postgresql

scripts/install-postfix.sh

requirements=Tests/integration/requirements.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x .venv/bin/python || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "preparing the Python venv (.venv) from $requirements"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" > "$stamp"
fi
