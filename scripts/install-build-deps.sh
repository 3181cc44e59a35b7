#!/usr/bin/env bash
# Installs the C libraries the build links, idempotently (only those missing):
# libsqlite3-dev (GRDB) and libssl-dev (the system OpenSSL that signs DKIM RSA signatures).
# glibc's resolver (DNS lookups) is part of libc6-dev, which the Swift toolchain needs anyway.
set -euo pipefail

BUILD_PACKAGES=(libsqlite3-dev libssl-dev)

missing=()
for package in "${BUILD_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing Debian packages for the build: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
