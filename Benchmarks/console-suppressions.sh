#!/usr/bin/env bash
# The console's Suppressions pane on a large list: seeds COUNT suppressions (default 1,000,000,
# one transaction) in a scratch data directory, then, in a fresh `envoi` process (so its peak RSS
# is the pane's, not the seeding's), times what a key press costs from reducer to rendered frame:
# opening the pane (first page read + render), PgDn to the next page, typing a prefix filter and
# then a reason filter (R);
# plus peak RSS. Targets: < 100 ms each, < 150 MiB. Uses the release build unless ENVOI_BIN is set.
# Usage: Benchmarks/console-suppressions.sh [COUNT] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/envoi-lib.sh
count=${1:-1000000}
repeats=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

envoi_build_release
"$ENVOI" --data-dir "$work" init >/dev/null
"$ENVOI" --data-dir "$work" console bench --seed "$count" --repeats 0
# COUNT(*) on a million rows is not part of the pane (it never counts); it is printed at the end.
"$ENVOI" --data-dir "$work" console bench --repeats "$repeats" --prefix user05
echo "database: $(du -h "$work/envoi.sqlite" | cut -f1)"
