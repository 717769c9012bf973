#!/usr/bin/env bash
# profile-read.sh — where the cycles go when glossa serves a read: the cached article page,
# the 304, and the annotation container, each under wrk (64 connections, gzip accepted).
#
# Builds the `profiling` profile (release with line tables), serves the seed with 50 notes
# pinned to CPU 1 with one runtime worker, and samples it with `perf record -e cpu-clock`
# (software clock: works where hardware counters are not exposed) while wrk on CPU 0 loads
# it. Prints, per path, the share of samples by binary (kernel, libc, glossa) and the top
# symbols. Needs perf (apt-get install linux-perf), wrk, curl, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in perf wrk curl taskset; do
  command -v "$tool" >/dev/null || { echo "profile-read: $tool is missing" >&2; exit 2; }
done
cargo build --profile profiling --quiet
BIN="$PWD/target/profiling/glossa"
TMP="$(mktemp -d /tmp/glossa-profile.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
cp -r corpus "$TMP/corpus"
"$BIN" --db "$TMP/db" --corpus "$TMP/corpus" import >/dev/null 2>&1
TOKEN="$("$BIN" --db "$TMP/db" analyst add profile 2>/dev/null | tail -1)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TOKIO_WORKER_THREADS=1 taskset -c 1 "$BIN" --db "$TMP/db" --corpus "$TMP/corpus" --addr "127.0.0.1:$PORT" \
  --base-url http://bench.glossa --writes-per-minute 100000000 --max-connections 4096 2>/dev/null &
SERVER=$!
BASE="http://127.0.0.1:$PORT"; SEED=russia-north-korea-chinese-views
until curl -sf "$BASE/healthz" >/dev/null; do sleep 0.05; done
for i in $(seq 0 49); do
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "$BASE/api/documents/$SEED/annotations/" \
    -d "{\"visibility\":\"public\",\"body\":{\"value\":\"Profile note $i with **Markdown**.\"},\"target\":{\"source\":\"http://bench.glossa/documents/$SEED\",\"selector\":{\"type\":\"TextPositionSelector\",\"start\":$((i*150)),\"end\":$((i*150+40))}}}"
done
ETAG="$(curl -sfI -H 'Accept-Encoding: gzip' "$BASE/documents/$SEED" | awk 'tolower($1)=="etag:"{print $2}' | tr -d '\r')"
profile() {  # name url [wrk args]
  local name="$1" url="$2"; shift 2
  taskset -c 0 wrk -t1 -c64 -d9s -H 'Accept-Encoding: gzip' "$@" "$url" >"$TMP/$name.wrk" &
  local load=$!
  sleep 2
  perf record -q -e cpu-clock -F 999 -g -p "$SERVER" -o "$TMP/$name.data" -- sleep 5 2>/dev/null
  wait "$load"
  echo "== $name: $(awk '/^Requests\/sec/{print $2}' "$TMP/$name.wrk") req/s under perf"
  perf report -q -i "$TMP/$name.data" --no-children --sort dso --stdio -g none 2>/dev/null >"$TMP/$name.dso"
  perf report -q -i "$TMP/$name.data" --no-children --sort sym --stdio -g none 2>/dev/null >"$TMP/$name.sym"
  head -4 "$TMP/$name.dso"; head -12 "$TMP/$name.sym" | cut -c1-120
}
profile page "$BASE/documents/$SEED"
profile not-modified "$BASE/documents/$SEED" -H "If-None-Match: $ETAG"
profile container "$BASE/api/documents/$SEED/annotations/"
