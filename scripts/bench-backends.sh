#!/usr/bin/env bash
# bench-backends.sh — the same glossa on SQLite, on PostgreSQL, and as two instances on
# PostgreSQL behind nginx (scripts/nginx-two-instances.conf), side by side in one run.
#
# For each set-up: the seed article page with 50 notes (64 connections) and note creation
# (16 concurrent writers, each note one durable transaction), beside two references measured in
# the same run: nginx serving the same page bytes from a file, and pgbench running the
# equivalent one-row insert per transaction with 16 clients on the same PostgreSQL.
#
# Placement on this 2-core machine: wrk on CPU 0; glossa, PostgreSQL and nginx share CPU 1.
# Two instances on one core show that several instances are correct under load, not that they
# scale: to scale, give each instance its own cores (or machine) and PostgreSQL its own.
#
# Needs: cargo, wrk, nginx, curl, taskset, PostgreSQL's server binaries (initdb, pg_ctl,
# pgbench under /usr/lib/postgresql/*/bin). Env: DOCS (200) ROUNDS (3) DURATION (5s).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${DOCS:-200}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-5s}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$PGBIN/initdb" ] || { echo "bench-backends: PostgreSQL is missing (apt-get install postgresql)" >&2; exit 2; }
for tool in wrk curl taskset; do
  command -v "$tool" >/dev/null || { echo "bench-backends: $tool is missing" >&2; exit 2; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || { echo "bench-backends: nginx is missing (apt-get install nginx-light)" >&2; exit 2; }

cargo build --release --quiet
BIN="$PWD/target/release/glossa"
TMP="$(mktemp -d /tmp/glossa-backends.XXXXXX)"
chmod 755 "$TMP"
PIDS=()
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$TMP/pg" ] && as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else printf "nan"}'; }
run_wrk() {  # conns url [wrk args] -> RPS P99 ERRORS
  local conns="$1" url="$2"; shift 2
  local out; out="$(taskset -c 0 wrk -t1 -c"$conns" -d"$DURATION" --latency "$@" "$url" 2>&1)"
  RPS="$(awk '/^Requests\/sec:/{print $2}' <<<"$out")"
  P99="$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")"
  ERRORS="$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out")"; ERRORS="${ERRORS:-0}"
  [ -n "$RPS" ] || { echo "$out" >&2; exit 2; }
}

echo "== PostgreSQL: a throwaway cluster in $TMP/pg (fsync on, defaults)" >&2
[ "$(id -u)" = 0 ] && chown postgres "$TMP"
as_pg "$PGBIN/initdb" -D "$TMP/pg" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
PGPORT="$(free_port)"
as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg.log" -w \
  -o "-p $PGPORT -k $TMP -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
PIDS+=("$(head -1 "$TMP/pg/postmaster.pid")")
taskset -pc 1 "${PIDS[-1]}" >/dev/null
PGURL="postgres://postgres@127.0.0.1:$PGPORT"
psql -q "$PGURL/postgres" -c "create database glossa" -c "create database reference"

echo "== data: the seed + $DOCS generated documents, 50 notes on the seed" >&2
"$BIN" gen-corpus --docs "$DOCS" --out "$TMP/corpus" >&2
cp corpus/* "$TMP/corpus/"
SEED=russia-north-korea-chinese-views
SQLITE="$TMP/bench.db"
start_glossa() {  # database-url port -> pid in LAST
  TOKIO_WORKER_THREADS=1 taskset -c 1 "$BIN" --database-url "$1" --corpus "$TMP/corpus" --addr "127.0.0.1:$2" \
    --base-url http://bench.glossa --writes-per-minute 100000000 --max-connections 4096 2>>"$TMP/server.log" &
  LAST=$!; PIDS+=("$LAST")
  until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null; do sleep 0.01; done
}
stop_glossa() { kill "$1"; wait "$1" 2>/dev/null || true; }
seed_notes() {  # base token
  for i in $(seq 0 49); do
    curl -sf -o /dev/null -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
      "$1/api/documents/$SEED/annotations/" \
      -d "{\"visibility\":\"public\",\"body\":[{\"value\":\"Bench note $i with **Markdown**.\"},{\"value\":\"bench\",\"purpose\":\"tagging\"}],\"target\":{\"source\":\"http://bench.glossa/documents/$SEED\",\"selector\":{\"type\":\"TextPositionSelector\",\"start\":$((i*150)),\"end\":$((i*150+40))}}}"
  done
}
for url in "$SQLITE" "$PGURL/glossa"; do
  "$BIN" --database-url "$url" --corpus "$TMP/corpus" import >/dev/null 2>&1
  TOKEN="$("$BIN" --database-url "$url" analyst add bench 2>/dev/null | tail -1)"
  echo "$TOKEN" >"$TMP/token.$(echo "$url" | md5sum | cut -c1-8)"
  P="$(free_port)"; start_glossa "$url" "$P"; seed_notes "http://127.0.0.1:$P" "$TOKEN"; stop_glossa "$LAST"
done
token_for() { cat "$TMP/token.$(echo "$1" | md5sum | cut -c1-8)"; }

# Notes written under load go to another document, so the seed page keeps its 50 notes.
WRITTEN="$(ls "$TMP/corpus" | grep -v -e "^$SEED" -e '^actors' | head -1)"; WRITTEN="${WRITTEN%.*}"
post_script() {
  cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $1"
wrk.body = '{"body":{"value":"A note written under load."},"target":{"source":"http://bench.glossa/documents/$WRITTEN","selector":{"type":"TextPositionSelector","start":10,"end":40}}}'
LUA
}

declare -A R
measure() {  # name base-url database-url
  local name="$1" base="$2" url="$3" page=() p99=() create=() c99=() single=() s99=() errs=0
  post_script "$(token_for "$url")"
  for _ in $(seq "$ROUNDS"); do
    run_wrk 64 "$base/documents/$SEED"; page+=("$RPS"); p99+=("$P99"); errs=$((errs + ERRORS))
    run_wrk 16 "$base/api/documents/$WRITTEN/annotations/" -s "$TMP/post.lua"; create+=("$RPS"); c99+=("$P99"); errs=$((errs + ERRORS))
    run_wrk 1 "$base/api/documents/$WRITTEN/annotations/" -s "$TMP/post.lua"; single+=("$RPS"); s99+=("$P99"); errs=$((errs + ERRORS))
  done
  R[$name.single]="$(median "${single[@]}")"; R[$name.singlep99]="$(median "${s99[@]}")"
  R[$name.page]="$(median "${page[@]}")"; R[$name.pagep99]="$(median "${p99[@]}")"
  R[$name.create]="$(median "${create[@]}")"; R[$name.createp99]="$(median "${c99[@]}")"; R[$name.err]="$errs"
}

echo "== one instance on SQLite" >&2
P="$(free_port)"; start_glossa "$SQLITE" "$P"
mkdir -p "$TMP/www"; curl -sf "http://127.0.0.1:$P/documents/$SEED" -o "$TMP/www/page.html"
measure sqlite "http://127.0.0.1:$P" "$SQLITE"; stop_glossa "$LAST"

echo "== one instance on PostgreSQL" >&2
P="$(free_port)"; start_glossa "$PGURL/glossa" "$P"
measure pg1 "http://127.0.0.1:$P" "$PGURL/glossa"; stop_glossa "$LAST"

echo "== two instances on PostgreSQL behind nginx" >&2
PA="$(free_port)"; start_glossa "$PGURL/glossa" "$PA"; A="$LAST"
PB="$(free_port)"; start_glossa "$PGURL/glossa" "$PB"; B="$LAST"
PN="$(free_port)"
mkdir -p "$TMP/nginx"
sed -e "s/127.0.0.1:8081/127.0.0.1:$PA/" -e "s/127.0.0.1:8082/127.0.0.1:$PB/" -e "s/127.0.0.1:8080/127.0.0.1:$PN/" \
  -e "s|/tmp/glossa-nginx|$TMP/nginx/n|g" -e "s/worker_processes auto;/worker_processes 1;/" \
  scripts/nginx-two-instances.conf >"$TMP/nginx/proxy.conf"
taskset -c 1 "$NGINX" -c "$TMP/nginx/proxy.conf" -p "$TMP/nginx" -g "daemon off;" 2>/dev/null &
PIDS+=($!)
until curl -sf "http://127.0.0.1:$PN/healthz" >/dev/null; do sleep 0.01; done
measure pg2 "http://127.0.0.1:$PN" "$PGURL/glossa"
stop_glossa "$A"; stop_glossa "$B"

echo "== references: nginx serving the page's bytes; pgbench inserting" >&2
NS="$(free_port)"
cat >"$TMP/nginx/static.conf" <<CONF
worker_processes 1; pid $TMP/nginx/static.pid; error_log stderr warn;
events { worker_connections 4096; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000;
  client_body_temp_path $TMP/nginx/sb; proxy_temp_path $TMP/nginx/sp;
  server { listen 127.0.0.1:$NS; root $TMP/www; } }
CONF
taskset -c 1 "$NGINX" -c "$TMP/nginx/static.conf" -p "$TMP/nginx" -g "daemon off;" 2>/dev/null &
PIDS+=($!)
until curl -sf "http://127.0.0.1:$NS/page.html" >/dev/null; do sleep 0.01; done
static=()
for _ in $(seq "$ROUNDS"); do run_wrk 64 "http://127.0.0.1:$NS/page.html"; static+=("$RPS"); done
R[static]="$(median "${static[@]}")"
psql -q "$PGURL/reference" -c "create table notes (id bigint generated always as identity primary key, body text not null, created timestamptz not null)"
echo "insert into notes (body, created) values ('A note written under load.', now());" >"$TMP/insert.sql"
bench=(); bench1=()
for _ in $(seq "$ROUNDS"); do
  bench+=("$(taskset -c 0 "$PGBIN/pgbench" -n -c 16 -j 1 -T "${DURATION%s}" -f "$TMP/insert.sql" "$PGURL/reference" 2>/dev/null | awk '/^tps/{print $3}')")
  bench1+=("$(taskset -c 0 "$PGBIN/pgbench" -n -c 1 -j 1 -T "${DURATION%s}" -f "$TMP/insert.sql" "$PGURL/reference" 2>/dev/null | awk '/^tps/{print $3}')")
done
R[pgbench]="$(median "${bench[@]}")"; R[pgbench1]="$(median "${bench1[@]}")"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

cat <<OUT

glossa on SQLite and PostgreSQL — $(nproc) cores, $(uname -m); wrk on CPU 0, everything else on CPU 1
medians of $ROUNDS rounds of $DURATION; the seed page with 50 notes, 64 connections; note creation,
16 writers and 1 writer, beside pgbench's one-row insert per transaction with 16 clients and 1 client

| set-up | article page | ÷ nginx, same bytes (${R[static]} req/s) | p99 ms | notes/s, 16 writers | ÷ pgbench 16 (${R[pgbench]} tps) | p99 ms | notes/s, 1 writer | ÷ pgbench 1 (${R[pgbench1]} tps) | p99 ms | errors |
|---|---|---|---|---|---|---|---|---|---|---|
| one instance, SQLite | ${R[sqlite.page]} req/s | $(ratio "${R[sqlite.page]}" "${R[static]}") | ${R[sqlite.pagep99]} | ${R[sqlite.create]} | $(ratio "${R[sqlite.create]}" "${R[pgbench]}") | ${R[sqlite.createp99]} | ${R[sqlite.single]} | $(ratio "${R[sqlite.single]}" "${R[pgbench1]}") | ${R[sqlite.singlep99]} | ${R[sqlite.err]} |
| one instance, PostgreSQL | ${R[pg1.page]} req/s | $(ratio "${R[pg1.page]}" "${R[static]}") | ${R[pg1.pagep99]} | ${R[pg1.create]} | $(ratio "${R[pg1.create]}" "${R[pgbench]}") | ${R[pg1.createp99]} | ${R[pg1.single]} | $(ratio "${R[pg1.single]}" "${R[pgbench1]}") | ${R[pg1.singlep99]} | ${R[pg1.err]} |
| two instances, PostgreSQL, nginx | ${R[pg2.page]} req/s | $(ratio "${R[pg2.page]}" "${R[static]}") | ${R[pg2.pagep99]} | ${R[pg2.create]} | $(ratio "${R[pg2.create]}" "${R[pgbench]}") | ${R[pg2.createp99]} | ${R[pg2.single]} | $(ratio "${R[pg2.single]}" "${R[pgbench1]}") | ${R[pg2.singlep99]} | ${R[pg2.err]} |
OUT
