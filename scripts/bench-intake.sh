#!/usr/bin/env bash
# bench-intake.sh — documents from the browser: what a large paste costs, and whether it
# stalls readers.
#
# Measures, in one run (release build, glossa on CPU 1, the clients on CPU 0):
#   - `POST /api/documents?preview=true` of the seed (13 KB) and of the largest text taken
#     (2 MiB: about 4,000 paragraphs with glued footnote numbers), medians of ROUNDS, as a ratio;
#   - the refusals: an 11 MB paste (413) and 100,000 one-word paragraphs (422), medians;
#   - a reader's `GET /documents/{seed}` latency (wrk, one connection, DURATION) alone, and
#     again while two clients post the 2 MiB preview back to back: p50 and p99, as ratios.
# Prints one table. Needs: cargo, wrk, curl, python3, taskset. Env: ROUNDS (5) DURATION (5s).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-5}" DURATION="${DURATION:-5s}"
for tool in wrk curl python3 taskset; do
  command -v "$tool" >/dev/null || { echo "bench-intake: $tool is missing (apt-get install wrk curl util-linux)" >&2; exit 2; }
done
cargo build --release --quiet
BIN="$PWD/target/release/glossa"
TMP="$(mktemp -d /tmp/glossa-intake.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else printf "nan"}'; }

cp -r corpus "$TMP/corpus"
DB="$TMP/glossa.db"
"$BIN" --db "$DB" --corpus "$TMP/corpus" import >/dev/null
TOKEN="$("$BIN" --db "$DB" --corpus "$TMP/corpus" analyst add alice | tail -1)"
PORT="$(free_port)"
taskset -c 1 "$BIN" --db "$DB" --corpus "$TMP/corpus" serve --addr "127.0.0.1:$PORT" >"$TMP/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT"
SEED_SLUG=russia-north-korea-chinese-views

python3 - "$TMP" <<'PY'
import json, sys
tmp = sys.argv[1]
seed = open("corpus/russia-north-korea-chinese-views.txt", encoding="utf-8").read()
json.dump({"text": seed}, open(f"{tmp}/seed.json", "w"))
words = "Officials in Seoul said Moscow and Pyongyang had agreed on closer ties, while Beijing watched the talks with concern and analysts doubted the pledges would last"
paragraphs, size, n = [], 0, 0
while True:
    n += 1
    p = f"{words} in round {n}.{n % 900 + 1} " * 3
    if size + len(p) + 1 > 2 * 1024 * 1024 - 1024:
        break
    paragraphs.append(p.strip())
    size += len(p) + 1
json.dump({"text": "\n".join(paragraphs)}, open(f"{tmp}/large.json", "w"))
json.dump({"text": "word " * 2_200_000}, open(f"{tmp}/huge.json", "w"))
json.dump({"text": "a.\n" * 100_000}, open(f"{tmp}/tiny.json", "w"))
print(f"large text: {size} bytes, {len(paragraphs)} paragraphs", file=sys.stderr)
PY

post() { # file query → "status seconds"
  taskset -c 0 curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$TMP/$1" "$BASE/api/documents$2"
}
time_of() { # file query expected-status → median seconds over ROUNDS
  local times=()
  for _ in $(seq "$ROUNDS"); do
    read -r status secs < <(post "$1" "$2")
    [ "$status" = "$3" ] || { echo "bench-intake: $1 gave $status, not $3" >&2; exit 1; }
    times+=("$secs")
  done
  median "${times[@]}"
}
SEED_S="$(time_of seed.json '?preview=true' 200)"
LARGE_S="$(time_of large.json '?preview=true' 200)"
HUGE_S="$(time_of huge.json '' 413)"
TINY_S="$(time_of tiny.json '' 422)"

reader() { # → "p50 p99" in ms
  local out
  out="$(taskset -c 0 wrk -t1 -c1 -d"$DURATION" --latency "$BASE/documents/$SEED_SLUG")"
  echo "$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")") $(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")"
}
read -r ALONE50 ALONE99 < <(reader)
for _ in 1 2; do
  ( while :; do post large.json '?preview=true' >/dev/null; done ) &
  PIDS+=($!)
done
sleep 1
read -r BUSY50 BUSY99 < <(reader)

printf '\n%-58s %12s %10s\n' "documents from the browser (this machine, $(nproc) cores)" "median" "ratio"
printf '%-58s %10.0f ms %10s\n' "preview of the seed (13 KB)" "$(awk -v s="$SEED_S" 'BEGIN{print s*1000}')" "1.00"
printf '%-58s %10.0f ms %10s\n' "preview of the largest text taken (2 MiB)" "$(awk -v s="$LARGE_S" 'BEGIN{print s*1000}')" "$(ratio "$LARGE_S" "$SEED_S")"
printf '%-58s %10.0f ms %10s\n' "an 11 MB paste refused (413)" "$(awk -v s="$HUGE_S" 'BEGIN{print s*1000}')" "$(ratio "$HUGE_S" "$SEED_S")"
printf '%-58s %10.0f ms %10s\n' "100,000 tiny paragraphs refused (422)" "$(awk -v s="$TINY_S" 'BEGIN{print s*1000}')" "$(ratio "$TINY_S" "$SEED_S")"
printf '%-58s %7s / %-7s\n' "a reader's page, p50 / p99 ms: alone" "$ALONE50" "$ALONE99"
printf '%-58s %7s / %-7s %s\n' "  while two clients preview 2 MiB back to back" "$BUSY50" "$BUSY99" "($(ratio "$BUSY50" "$ALONE50")× / $(ratio "$BUSY99" "$ALONE99")×)"
