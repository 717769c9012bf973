#!/usr/bin/env bash
# bench-http.sh — glossa under load, side by side with nginx and raw SQLite, in one run.
#
# Starts a release glossa on a temporary copy of the corpus plus DOCS generated documents,
# pinned to one core (taskset) with one runtime worker, and drives it with wrk pinned to the
# other core, in A/B/A/B rounds against the references:
#   - the seed article page with 50 notes   vs nginx serving the very same bytes from a file
#   - a conditional GET answered 304        vs nginx's 200 for the same page
#   - the JSON API: the document, and its annotation container (as a ratio to the document)
#   every read asks for gzip (Accept-Encoding: gzip) and nginx sends glossa's own gzip bytes
#   with gzip_static, so compressed is compared with compressed
#   - note creation with 16 writers and with 1 (scripts/bench-writes.sh) vs raw SQLite
#     inserts, one transaction each, same disk, WAL, synchronous=FULL, as many threads
# and reports p50/p99, peak RSS of the server, and start-to-first-response on the existing
# database. Prints one summary table; exits non-zero only if it could not run.
#
# Then runs scripts/bench-backends.sh: SQLite, PostgreSQL and two instances behind nginx.
#
# Needs: cargo, wrk, nginx, python3, curl, taskset (apt-get install wrk nginx-light curl).
#   - the pages added since: search (HTML and JSON), /notes, an actor's dossier, the corpus's
#     voices, with NOTES notes spread over the corpus, each vs nginx serving the same bytes,
#     and how long each takes to render again after a write (cold)
# Env: DOCS (10000) NOTES (20000) ROUNDS (3) DURATION (5s) CONNS (64) BACKENDS (1; 0 skips
# the backend comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${DOCS:-10000}" NOTES="${NOTES:-20000}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-5s}" CONNS="${CONNS:-64}"
for tool in wrk nginx python3 curl taskset; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench-http: $tool is missing (apt-get install wrk nginx-light curl util-linux)" >&2; exit 2; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

cargo build --release --quiet
BIN="$PWD/target/release/glossa"
TMP="$(mktemp -d /tmp/glossa-bench.XXXXXX)"
chmod 755 "$TMP"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else printf "nan"}'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{printf "%.0f–%.0f", lo, hi}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

# wrk URL [extra wrk args...] -> sets RPS P50 P99 ERRORS
run_wrk() {
  local url="$1"; shift
  local out
  out="$(taskset -c 0 wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$@" "$url" 2>&1)"
  RPS="$(awk '/^Requests\/sec:/{print $2}' <<<"$out")"
  P50="$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")"
  P99="$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")"
  ERRORS="$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out")"; ERRORS="${ERRORS:-0}"
  local sock; sock="$(awk -F'[ ,]+' '/Socket errors:/{print $4+$6+$8+$10}' <<<"$out")"; ERRORS=$((ERRORS + ${sock:-0}))
  [ -n "$RPS" ] || { echo "$out" >&2; exit 2; }
}

echo "== data: corpus + $DOCS generated documents" >&2
"$BIN" gen-corpus --docs "$DOCS" --out "$TMP/corpus" >&2
cp corpus/* "$TMP/corpus/"
DB="$TMP/bench.db"
# The I/O floor: every file read and hashed, as the importer does before anything else.
FLOOR_S="$(python3 scripts/io-floor.py "$TMP/corpus")"
# The import's threads are read from /proc as it runs, to say what limits it.
IMPORT_CPU="$(python3 scripts/thread-cpu.py run "$BIN" --db "$DB" --corpus "$TMP/corpus" import)"
CORPUS_MB="$(du -sm --apparent-size "$TMP/corpus" | cut -f1)"
seconds() { awk '{for(i=1;i<=NF;i++) if ($i=="in") { v=$(i+1); if (v ~ /ms$/) { sub(/ms$/,"",v); v=v/1000 } else sub(/s$/,"",v); printf "%.2f", v } }' <<<"$1"; }
IMPORT_S="$(awk -F'\t' '$1=="wall"{printf "%.2f", $2}' <<<"$IMPORT_CPU")"
cpu_of() { awk -F'\t' -v g="$1" '$1==g{printf "%.1f", $2+$3}' <<<"$IMPORT_CPU"; }
# SQLite alone storing the rows that import stored, one statement per table: the storage floor.
STORE_FLOOR_S="$(python3 scripts/store-floor.py "$DB" "$TMP/floor.db" | awk -F'\t' '$1=="total"{printf "%.1f", $2}')"
rm -f "$TMP"/floor.db*
REIMPORT_OUT="$("$BIN" --db "$DB" --corpus "$TMP/corpus" import 2>/dev/null)"
REIMPORT_S="$(seconds "$REIMPORT_OUT")"
TOKEN="$("$BIN" --db "$DB" analyst add bench 2>/dev/null | tail -1)"

PORT="$(free_port)"
START_NS="$(date +%s%N)"
TOKIO_WORKER_THREADS=1 taskset -c 1 "$BIN" --db "$DB" --corpus "$TMP/corpus" --addr "127.0.0.1:$PORT" \
  --base-url http://bench.glossa --writes-per-minute 100000000 --max-connections 4096 2>"$TMP/server.log" &
SERVER=$!; PIDS+=("$SERVER")
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.005; done
FIRST_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
BASE="http://127.0.0.1:$PORT"
SEED=russia-north-korea-chinese-views
for i in $(seq 0 49); do
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "$BASE/api/documents/$SEED/annotations/" \
    -d "{\"visibility\":\"public\",\"body\":[{\"value\":\"Bench note $i with **Markdown**.\"},{\"value\":\"bench\",\"purpose\":\"tagging\"}],\"target\":{\"source\":\"http://bench.glossa/documents/$SEED\",\"selector\":{\"type\":\"TextPositionSelector\",\"start\":$((i*150)),\"end\":$((i*150+40))}}}"
done
echo "== notes: $NOTES notes over the corpus (one in three for the team, the rest public)" >&2
python3 - "$PORT" "$TOKEN" "$NOTES" "$TMP/corpus" <<'PY'
import http.client, json, os, sys
port, token, count, corpus = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
slugs = sorted(f[:-4] for f in os.listdir(corpus) if f.startswith("generated-") and f.endswith(".txt"))
conn = http.client.HTTPConnection("127.0.0.1", int(port))
for i in range(count):
    slug = slugs[i % len(slugs)]
    start = (i * 37) % 200
    note = {"visibility": "team" if i % 3 == 0 else "public",
            "body": [{"value": f"Bench note {i}: Pyongyang's reading of the sanctions."},
                     {"value": f"topic-{i % 20}", "purpose": "tagging"}],
            "target": {"source": f"http://bench.glossa/documents/{slug}",
                       "selector": {"type": "TextPositionSelector", "start": start, "end": start + 25}}}
    conn.request("POST", f"/api/documents/{slug}/annotations/", json.dumps(note),
                 {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    answer = conn.getresponse()
    answer.read()
    if answer.status != 201:
        sys.exit(f"bench-http: note {i} on {slug} answered {answer.status}")
PY
mkdir -p "$TMP/www"
curl -sf "$BASE/documents/$SEED" -o "$TMP/www/page.html"
curl -sf -H 'Accept-Encoding: gzip' "$BASE/documents/$SEED" -o "$TMP/www/page.html.gz"
PAGE_KB="$(( $(stat -c %s "$TMP/www/page.html") / 1024 ))"; PAGE_GZ_KB="$(( $(stat -c %s "$TMP/www/page.html.gz") / 1024 ))"
ETAG="$(curl -sfI -H 'Accept-Encoding: gzip' "$BASE/documents/$SEED" | awk 'tolower($1)=="etag:"{print $2}' | tr -d '\r')"
GZ=(-H 'Accept-Encoding: gzip')
# The pages added since the last round: name, path, the file nginx serves them from.
NEW_PAGES=(
  "search|/search?q=Pyongyang|search.html"
  "apisearch|/api/search?q=Pyongyang|apisearch.json"
  "notes|/notes|notes.html"
  "dossier|/actors/PRK|dossier.html"
  "voices|/api/voices|voices.json"
)
for entry in "${NEW_PAGES[@]}"; do
  IFS='|' read -r name path file <<<"$entry"
  curl -sf "$BASE$path" -o "$TMP/www/$file"
  curl -sf -H 'Accept-Encoding: gzip' "$BASE$path" -o "$TMP/www/$file.gz"
done

NPORT="$(free_port)"
mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
cat >"$TMP/nginx/nginx.conf" <<EOF
daemon off; master_process on; worker_processes 1; pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types; access_log off; sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000; open_file_cache max=100 inactive=60s;
  client_body_temp_path $TMP/nginx/tmp/body; proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi; uwsgi_temp_path $TMP/nginx/tmp/uwsgi; scgi_temp_path $TMP/nginx/tmp/scgi;
  server { listen 127.0.0.1:$NPORT; root $TMP/www; gzip_static on; gzip_vary on; }
}
EOF
taskset -c 1 "$NGINX" -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" &
PIDS+=($!)
until curl -sf "http://127.0.0.1:$NPORT/page.html" >/dev/null; do sleep 0.01; done

declare -A R
pair() {  # name glossa_url nginx_url [wrk args...]
  local name="$1" a="$2" b="$3"; shift 3
  local ra=() rb=() pa=() pb=() qa=() qb=() errs=0
  for _ in $(seq "$ROUNDS"); do
    run_wrk "$a" "$@"; ra+=("$RPS"); pa+=("$P50"); qa+=("$P99"); errs=$((errs + ERRORS))
    if [ -n "$b" ]; then run_wrk "$b" "${GZ[@]}"; rb+=("$RPS"); pb+=("$P50"); qb+=("$P99"); fi
  done
  R[$name.rps]="$(median "${ra[@]}")"; R[$name.p50]="$(median "${pa[@]}")"; R[$name.p99]="$(median "${qa[@]}")"; R[$name.err]="$errs"
  R[$name.spread]="$(spread "${ra[@]}")"; if [ -n "$b" ]; then R[$name.refspread]="$(spread "${rb[@]}")"; fi
  if [ -n "$b" ]; then
    R[$name.ref]="$(median "${rb[@]}")"; R[$name.refp99]="$(median "${qb[@]}")"
    R[$name.ratio]="$(awk -v a="${R[$name.rps]}" -v b="${R[$name.ref]}" 'BEGIN{printf "%.2f", a/b}')"
  fi
}

echo "== load: $ROUNDS rounds of $DURATION, $CONNS connections" >&2
pair page "$BASE/documents/$SEED" "http://127.0.0.1:$NPORT/page.html" "${GZ[@]}"
pair cond "$BASE/documents/$SEED" "http://127.0.0.1:$NPORT/page.html" "${GZ[@]}" -H "If-None-Match: $ETAG"
pair apidoc "$BASE/api/documents/$SEED" "" "${GZ[@]}"
pair apinotes "$BASE/api/documents/$SEED/annotations/" "" "${GZ[@]}"
R[apinotes.ratio]="$(awk -v a="${R[apinotes.rps]}" -v b="${R[apidoc.rps]}" 'BEGIN{printf "%.2f", a/b}')"
# A write expires every cached page; the next reader waits for the page to be made again.
cold_ms() {  # path -> median ms of 5 renders, each after a write
  local times=()
  for i in 1 2 3 4 5; do
    curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      "$BASE/api/documents/generated-00000/annotations/" \
      -d "{\"visibility\":\"team\",\"body\":{\"value\":\"Cold $i\"},\"target\":{\"source\":\"http://bench.glossa/documents/generated-00000\",\"selector\":{\"type\":\"TextPositionSelector\",\"start\":0,\"end\":9}}}"
    times+=("$(curl -sf -o /dev/null -w '%{time_total}' -H 'Accept-Encoding: gzip' "$BASE$1" | awk '{printf "%.1f", $1 * 1000}')")
  done
  median "${times[@]}"
}
NEW_ROWS=""
for entry in "${NEW_PAGES[@]}"; do
  IFS='|' read -r name path file <<<"$entry"
  pair "$name" "$BASE$path" "http://127.0.0.1:$NPORT/$file" "${GZ[@]}"
  cold="$(cold_ms "$path")"
  NEW_ROWS+="| \`$path\` ($(awk -v b="$(stat -c %s "$TMP/www/$file.gz")" 'BEGIN{printf "%.1f", b/1024}') KB gzipped) | ${R[$name.rps]} req/s (${R[$name.spread]}) | nginx, same bytes: ${R[$name.ref]} req/s | ${R[$name.ratio]} | ${R[$name.p50]} | ${R[$name.p99]} | ${R[$name.err]} | $cold |
"
done
RSS_KB="$(awk '/VmHWM/{print $2}' "/proc/$SERVER/status")"
MBPS="$(awk -v mb="$CORPUS_MB" -v s="$IMPORT_S" 'BEGIN{printf "%.1f", mb/s}')"

cat <<EOF

glossa load benchmark — $(nproc) cores, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo), $(uname -m)
server on CPU 1 (1 worker), nginx on CPU 1 (1 worker), wrk on CPU 0
medians of $ROUNDS rounds of $DURATION (min–max in brackets); $CONNS connections
reads ask for gzip: the page is $PAGE_KB KB, $PAGE_GZ_KB KB gzipped; nginx serves glossa's gzip bytes (gzip_static)

| what | glossa | reference (same run) | ratio | p50 ms | p99 ms | errors |
|---|---|---|---|---|---|---|
| article page, 50 notes | ${R[page.rps]} req/s (${R[page.spread]}) | nginx, same bytes: ${R[page.ref]} req/s (${R[page.refspread]}) | ${R[page.ratio]} | ${R[page.p50]} | ${R[page.p99]} | ${R[page.err]} |
| conditional GET → 304 | ${R[cond.rps]} req/s (${R[cond.spread]}) | nginx 200: ${R[cond.ref]} req/s (${R[cond.refspread]}) | ${R[cond.ratio]} | ${R[cond.p50]} | ${R[cond.p99]} | ${R[cond.err]} |
| JSON: document | ${R[apidoc.rps]} req/s (${R[apidoc.spread]}) | | | ${R[apidoc.p50]} | ${R[apidoc.p99]} | ${R[apidoc.err]} |
| JSON-LD: annotation container, 50 notes | ${R[apinotes.rps]} req/s (${R[apinotes.spread]}) | the document's JSON above | ${R[apinotes.ratio]} | ${R[apinotes.p50]} | ${R[apinotes.p99]} | ${R[apinotes.err]} |

The pages added since, with $NOTES notes over the corpus (anonymous reader; cold: one render
after a write, median of 5):

| page | glossa | reference (same run) | ratio | p50 ms | p99 ms | errors | cold ms |
|---|---|---|---|---|---|---|---|
$NEW_ROWS
| what | measured |
|---|---|
| import of $((DOCS + 1)) documents ($CORPUS_MB MB) | ${IMPORT_S} s = $MBPS MB/s (reading and hashing the files alone: ${FLOOR_S} s; \`scripts/bench-import.sh\` for rounds) |
| re-import, unchanged | ${REIMPORT_S} s |
| peak RSS of the server under load | $((RSS_KB / 1024)) MB |
| start to first response, existing database | ${FIRST_MS} ms |

What limits the import (its threads' CPU, read from /proc while it ran for ${IMPORT_S} s):
SQLite's writer connection $(cpu_of sqlite) s, busy $(awk -v c="$(cpu_of sqlite)" -v w="$IMPORT_S" 'BEGIN{printf "%.0f", 100*c/w}') % of the time; the main thread, which builds and binds
each batch's statements, $(cpu_of main) s; the analysis, on the other threads, $(cpu_of runtime) s. Every
statement runs on the one writer thread, so this import cannot finish in less than
$(cpu_of sqlite) s ($(awk -v mb="$CORPUS_MB" -v c="$(cpu_of sqlite)" 'BEGIN{printf "%.1f", mb/c}') MB/s) without SQLite doing less work per document.
SQLite alone, storing the same rows with this schema one statement per table and building the search
index in one pass, takes ${STORE_FLOOR_S} s (\`scripts/store-floor.py\`): no importer of this schema can pass
$(awk -v mb="$CORPUS_MB" -v c="$STORE_FLOOR_S" 'BEGIN{printf "%.1f", mb/c}') MB/s without storing less.
EOF

# Note creation beside raw SQLite, then the same glossa on SQLite, on PostgreSQL and as two
# instances behind nginx, each once the servers before it are gone (they would share the cores).
cleanup; trap - EXIT
echo
BIN="$BIN" ROUNDS="$ROUNDS" DURATION="$DURATION" bash scripts/bench-writes.sh
echo
if [ "${BACKENDS:-1}" = 0 ]; then
  echo "(BACKENDS=0: the backend comparison, scripts/bench-backends.sh, is skipped)"
elif ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  bash scripts/bench-backends.sh
else
  echo "(PostgreSQL is not installed: the backend comparison, scripts/bench-backends.sh, is skipped)"
fi
