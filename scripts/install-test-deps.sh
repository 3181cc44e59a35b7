#!/usr/bin/env bash
# Installs what the test suite needs beyond the Swift toolchain, idempotently:
# Debian packages (only those missing) and a Python venv in .venv with the pinned PyPI packages.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(e2fsprogs openssl swaks postfix libsasl2-modules)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Postfix asks debconf questions on install; the tests run private instances of it, so the
    # system one is configured as "No configuration" and kept stopped.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if command -v postfix >/dev/null && postfix status >/dev/null 2>&1; then
    postfix stop >/dev/null 2>&1 || true
fi

requirements=Tests/integration/requirements.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x .venv/bin/python || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "preparing the Python venv (.venv) from $requirements"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$want" > "$stamp"
fi
