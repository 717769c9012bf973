#!/usr/bin/env bash
# Screenshots of the seed with 9 notes on its first two paragraphs (5 + 4, one holding a
# 200-character URL), at 1440, 1024 and 390 px wide, signed in and not, plus the export:
# what a reader sees, to look at. Needs Chromium and playwright-core (see .ci/run).
#   bash scripts/screenshots.sh [OUT_DIR]     (default: target/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/screenshots}"
mkdir -p "$out"
cargo build --release --quiet
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r corpus "$work/corpus"
glossa=target/release/glossa
export GLOSSA_DB="$work/glossa.db" GLOSSA_CORPUS="$work/corpus"
$glossa import >/dev/null
token="$($glossa analyst add alice | tail -n 1)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
GLOSSA_ADDR="127.0.0.1:$port" $glossa serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 50); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.1; done
node scripts/screenshots.cjs "$base" "$token" "$out"
