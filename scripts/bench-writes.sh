#!/usr/bin/env bash
# bench-writes.sh — durable note creation on SQLite, beside raw SQLite doing the same number of
# durable transactions on the same disk, in one run.
#
# glossa runs pinned to CPU 1 with one runtime worker, on the seed corpus, and wrk posts notes
# from CPU 0 with WRITERS concurrent connections (16, then 1). The reference is Python's
# sqlite3 on CPU 1: as many threads, each inserting one row per `BEGIN IMMEDIATE … COMMIT`
# transaction, WAL and synchronous=FULL, which is the durability glossa acknowledges with.
# Rounds alternate glossa and the reference (A/B/A/B); medians are reported with the min–max.
#
# Prints a markdown table (and, with TSV=FILE, the figures as key<TAB>value lines for
# bench-http.sh). Env: ROUNDS (3) DURATION (5s) BIN (target/release/glossa, built if unset).
# Needs: cargo, wrk, python3, curl, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-5s}"
for tool in wrk python3 curl taskset; do
  command -v "$tool" >/dev/null || { echo "bench-writes: $tool is missing (apt-get install wrk curl util-linux)" >&2; exit 2; }
done
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN="$PWD/target/release/glossa"; fi
TMP="$(mktemp -d /tmp/glossa-writes.XXXXXX)"
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else printf "nan"}'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{printf "%.0f–%.0f", lo, hi}'; }

DB="$TMP/glossa.db"
"$BIN" --db "$DB" import >/dev/null 2>&1
TOKEN="$("$BIN" --db "$DB" analyst add bench 2>/dev/null | tail -1)"
PORT="$(free_port)"
TOKIO_WORKER_THREADS=1 taskset -c 1 "$BIN" --db "$DB" --addr "127.0.0.1:$PORT" \
  --base-url http://bench.glossa --writes-per-minute 100000000 --max-connections 4096 2>"$TMP/server.log" &
SERVER=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.005; done
SEED=russia-north-korea-chinese-views
NOTE='{"body":{"value":"A note written under load."},"target":{"source":"http://bench.glossa/documents/'"$SEED"'","selector":{"type":"TextPositionSelector","start":100,"end":140}}}'
cat >"$TMP/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '$NOTE'
LUA

raw() {  # threads -> inserts/s
  taskset -c 1 python3 - "$TMP/raw.db" "${DURATION%s}" "$1" <<'PY'
import sqlite3, sys, threading, time
path, seconds, writers = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
setup = sqlite3.connect(path)
setup.execute("pragma journal_mode=wal")
setup.execute("create table if not exists notes (id integer primary key, body text not null, created text not null)")
setup.commit()
count = [0]
lock = threading.Lock()
stop = time.time() + seconds
def writer():
    c = sqlite3.connect(path, timeout=30, isolation_level=None)
    c.execute("pragma synchronous=full")
    n = 0
    while time.time() < stop:
        c.execute("begin immediate")
        c.execute("insert into notes (body, created) values (?, datetime('now'))", ("A note written under load.",))
        c.execute("commit")
        n += 1
    with lock:
        count[0] += n
threads = [threading.Thread(target=writer) for _ in range(writers)]
[t.start() for t in threads]
[t.join() for t in threads]
import resource
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"{count[0] / seconds:.1f} {(usage.ru_utime + usage.ru_stime) * 1e6 / max(count[0], 1):.0f}")
PY
}

declare -A R
for writers in 16 1; do
  rps=(); p50=(); p99=(); ref=(); refcpu=(); errors=0
  for _ in $(seq "$ROUNDS"); do
    out="$(taskset -c 0 wrk -t1 -c"$writers" -d"$DURATION" --latency -s "$TMP/post.lua" "http://127.0.0.1:$PORT/api/documents/$SEED/annotations/" 2>&1)"
    rps+=("$(awk '/^Requests\/sec:/{print $2}' <<<"$out")")
    p50+=("$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")")
    p99+=("$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")")
    bad="$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out")"
    sock="$(awk -F'[ ,]+' '/Socket errors:/{print $4+$6+$8+$10}' <<<"$out")"
    errors=$((errors + ${bad:-0} + ${sock:-0}))
    reference="$(raw "$writers")"
    ref+=("${reference% *}"); refcpu+=("${reference#* }")
  done
  R[$writers.rps]="$(median "${rps[@]}")"; R[$writers.spread]="$(spread "${rps[@]}")"
  R[$writers.p50]="$(median "${p50[@]}")"; R[$writers.p99]="$(median "${p99[@]}")"
  R[$writers.ref]="$(median "${ref[@]}")"; R[$writers.refspread]="$(spread "${ref[@]}")"
  R[$writers.err]="$errors"; R[$writers.refcpu]="$(median "${refcpu[@]}")"
  R[$writers.ratio]="$(awk -v a="${R[$writers.rps]}" -v b="${R[$writers.ref]}" 'BEGIN{printf "%.2f", a/b}')"
done
# What limits the figure: one more run with 16 writers, the server's CPU read per thread.
WINDOW=4
taskset -c 0 wrk -t1 -c16 -d"$((WINDOW + 2))s" -s "$TMP/post.lua" "http://127.0.0.1:$PORT/api/documents/$SEED/annotations/" >"$TMP/profiled.wrk" 2>&1 &
LOAD=$!
sleep 1
CPU="$(python3 scripts/thread-cpu.py watch "$SERVER" "$WINDOW")"
wait "$LOAD"
PROFILED_RPS="$(awk '/^Requests\/sec:/{print $2}' "$TMP/profiled.wrk")"
per_note() {  # group -> µs of CPU per note (user, system)
  awk -F'\t' -v g="$1" -v rps="$PROFILED_RPS" '$1=="wall"{w=$2} $1==g{u=$2; s=$3} END{printf "%.0f µs (%.0f in the kernel)", (u+s)*1e6/(rps*w), s*1e6/(rps*w)}' <<<"$CPU"
}
BUSY="$(awk -F'\t' '$1=="wall"{w=$2} $1!="wall"{c+=$2+$3} END{printf "%.0f", 100*c/w}' <<<"$CPU")"
# What a commit writes and what the disk takes to sync it, read from the write-ahead log.
PAGES="$(python3 scripts/commit-pages.py "$DB" "http://127.0.0.1:$PORT/api/documents/$SEED/annotations/" "$TOKEN" "$NOTE" 16)"
STORED="$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from annotations").fetchone()[0])' "$DB")"

cat <<TABLE
| note creation, SQLite | glossa | raw SQLite, one transaction per insert (same run) | ratio | p50 ms | p99 ms | errors |
|---|---|---|---|---|---|---|
| 16 writers | ${R[16.rps]} notes/s (${R[16.spread]}) | ${R[16.ref]} inserts/s (${R[16.refspread]}) | ${R[16.ratio]} | ${R[16.p50]} | ${R[16.p99]} | ${R[16.err]} |
| 1 writer | ${R[1.rps]} notes/s (${R[1.spread]}) | ${R[1.ref]} inserts/s (${R[1.refspread]}) | ${R[1.ratio]} | ${R[1.p50]} | ${R[1.p99]} | ${R[1.err]} |

What limits note creation at 16 writers (${PROFILED_RPS} notes/s while the server's threads were
read from /proc; its one core busy ${BUSY} %): CPU per note in SQLite's connection threads
$(per_note sqlite), in the runtime (HTTP, handler, queueing) $(per_note runtime). Raw SQLite
spends ${R[16.refcpu]} µs of CPU per insert with 16 writers, ${R[1.refcpu]} µs with one.

What each commit writes to the write-ahead log (every page a writer waits to have synced), from
the log's frame headers, each page named by \`dbstat\` (\`scripts/commit-pages.py\`):

$PAGES
TABLE
echo "notes stored: $STORED" >&2
if [ -n "${TSV:-}" ]; then for k in "${!R[@]}"; do printf '%s\t%s\n' "$k" "${R[$k]}"; done >"$TSV"; fi
