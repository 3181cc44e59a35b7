#!/usr/bin/env bash
# Installs the C libraries the build links, idempotently (only those missing):
# libsqlite3-dev (GRDB), libssl-dev (the system OpenSSL that signs DKIM RSA signatures) and
# libncurses-dev (ncursesw, for `envoi console`).
# glibc's resolver (DNS lookups) is part of libc6-dev, which the Swift toolchain needs anyway.
set -euo pipefail

"$(dirname "$0")/apt-install.sh" libsqlite3-dev libssl-dev libncurses-dev
