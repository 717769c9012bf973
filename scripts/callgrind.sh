#!/usr/bin/env bash
# callgrind.sh — a regression guard that is not a timed test: instruction counts
# (valgrind --tool=callgrind), which do not move with the machine's load, for
#   import-100        `glossa import` of 100 generated documents into a fresh SQLite file
#   render-seed-100   `glossa export` of the seed with 100 notes (the article, its notes in
#                     the margin, the sanitised bodies: the reader's rendering, as one file)
# compared with benches/callgrind-baseline.txt. A count 20 % or more above its baseline fails
# (exit 1); `--save` records the current counts as the new baseline.
#
# Needs valgrind (apt-get install valgrind), curl, python3. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "callgrind: valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
BASELINE=benches/callgrind-baseline.txt
cargo build --release --quiet
BIN="$PWD/target/release/glossa"
TMP="$(mktemp -d /tmp/glossa-callgrind.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

# Instructions executed by a whole command, every thread counted.
instructions() {
  valgrind --tool=callgrind --callgrind-out-file="$TMP/callgrind.out" "$@" 2>"$TMP/valgrind.log" >/dev/null
  awk '/Collected :/{print $NF}' "$TMP/valgrind.log"
}

"$BIN" gen-corpus --docs 100 --out "$TMP/corpus100" >/dev/null
IMPORT="$(instructions "$BIN" --db "$TMP/import.db" --corpus "$TMP/corpus100" import)"

cp -r corpus "$TMP/seed"
"$BIN" --db "$TMP/seed.db" --corpus "$TMP/seed" import >/dev/null 2>&1
TOKEN="$("$BIN" --db "$TMP/seed.db" analyst add callgrind 2>/dev/null | tail -1)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$BIN" --db "$TMP/seed.db" --corpus "$TMP/seed" --addr "127.0.0.1:$PORT" --base-url http://callgrind.glossa \
  --writes-per-minute 100000 2>/dev/null &
SERVER=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
SEED=russia-north-korea-chinese-views
for i in $(seq 0 99); do
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$PORT/api/documents/$SEED/annotations/" \
    -d "{\"visibility\":\"public\",\"body\":[{\"value\":\"Note $i: *emphasis*, a [link](https://example.org/$i) and \`code\`.\"},{\"value\":\"tag$((i % 7))\",\"purpose\":\"tagging\"}],\"target\":{\"source\":\"http://callgrind.glossa/documents/$SEED\",\"selector\":{\"type\":\"TextPositionSelector\",\"start\":$((i*75)),\"end\":$((i*75+30))}}}"
done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
RENDER="$(instructions "$BIN" --db "$TMP/seed.db" --corpus "$TMP/seed" export "$SEED" --visibility public --out "$TMP/export.html")"

if [ "${1:-}" = "--save" ]; then
  printf 'import-100 %s\nrender-seed-100 %s\n' "$IMPORT" "$RENDER" >"$BASELINE"
  echo "callgrind: baseline saved in $BASELINE"
  cat "$BASELINE"
  exit 0
fi
status=0
printf '| what | instructions | baseline | ratio |\n|---|---|---|---|\n'
for pair in "import-100 $IMPORT" "render-seed-100 $RENDER"; do
  set -- $pair
  base="$(awk -v k="$1" '$1==k{print $2}' "$BASELINE" 2>/dev/null || true)"
  if [ -z "$base" ]; then
    printf '| %s | %s | (none: run with --save) | |\n' "$1" "$2"
    continue
  fi
  ratio="$(awk -v a="$2" -v b="$base" 'BEGIN{printf "%.3f", a/b}')"
  flag=""
  if awk -v r="$ratio" 'BEGIN{exit !(r >= 1.2)}'; then flag=" **20 % or more above the baseline**"; status=1; fi
  printf '| %s | %s | %s | %s%s |\n' "$1" "$2" "$base" "$ratio" "$flag"
done
exit "$status"
