#!/usr/bin/env bash
# Installs Debian's postfix (and the SASL mechanism modules) for the benchmark and the tests,
# idempotently, without letting it become this machine's mail system: the debconf answer
# "No configuration" leaves /etc/postfix/main.cf unwritten, so the package starts nothing, and
# a system instance found running anyway is stopped and disabled. Envoi's tests and benchmarks
# only ever run private instances (Benchmarks/postfix-instance.sh).
set -euo pipefail

# "No configuration" leaves /etc/postfix/main.cf unwritten, so the package starts nothing.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
"$(dirname "$0")/apt-install.sh" postfix libsasl2-modules

# A system instance (only possible if someone configured /etc/postfix) must not run beside ours.
if [[ -f /etc/postfix/main.cf ]] && postfix status >/dev/null 2>&1; then
    echo "stopping the system postfix instance"
    postfix stop >/dev/null 2>&1 || true
fi
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl disable --now postfix >/dev/null 2>&1 || true
elif command -v update-rc.d >/dev/null 2>&1 && [[ -e /etc/init.d/postfix ]]; then
    update-rc.d postfix disable >/dev/null 2>&1 || true
fi
