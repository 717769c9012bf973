#!/usr/bin/env bash
# How long the reader takes to lay out its margin with many notes on one document, in
# Chromium at 1440x900: page load, and a relayout (what a window resize costs), medians of 5.
#   bash scripts/margin-layout.sh [NOTES ...]      (default: 0 100 300 1500)
# Needs Chromium and playwright-core (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
export GLOSSA_DB="$work/glossa.db" GLOSSA_CORPUS="$PWD/corpus" GLOSSA_WRITES_PER_MINUTE=1000000
glossa=target/release/glossa
$glossa import >/dev/null
token="$($glossa analyst add perf | tail -n 1)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
GLOSSA_ADDR="127.0.0.1:$port" $glossa serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
node scripts/margin-layout.cjs "http://127.0.0.1:$port" "$token" ${@:-0 100 300 1500}
