#!/usr/bin/env bash
# bench-search.sh — search at scale, on SQLite and PostgreSQL, beside the database itself.
#
# Data: the seed plus DOCS generated documents, and NOTES notes spread over them (two a
# document by default: 20,000 on 10,000 documents) from five analysts, with tags, motivations
# and bodies drawn from a small vocabulary, restored with `glossa notes import`.
#
# Measures, in one run:
#   - import of the corpus with the search index, beside the same import into a database whose
#     index triggers were dropped (what the index costs), and the re-import of the unchanged
#     corpus; medians of ROUNDS;
#   - `GET /api/search` latency (wrk, one connection, CPU 0; glossa one worker on CPU 1) for a
#     one-word query, a two-word query, and the one-word query with three facets counted
#     (documents, actors, tags), and `GET /api/annotations?tag=…`;
#   - beside each, the same full-text statements run directly against the database on CPU 1
#     (SQLite: Python's sqlite3 module; PostgreSQL: pgbench, one client): the passage count and
#     the top 20 by rank, plus the three facet queries for the facet line. glossa also runs the
#     note search, names the actors of each hit, makes snippets and writes JSON; the ratio is
#     what that costs on top.
# Prints one table of medians (p50 and p99 in ms) and ratios. Exits non-zero only if it could
# not run. Needs: cargo, wrk, curl, python3, taskset; PostgreSQL's server binaries for the
# PostgreSQL half (skipped with a line if absent). Env: DOCS (10000) NOTES (20000) ROUNDS (3)
# DURATION (5s).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${DOCS:-10000}" NOTES="${NOTES:-20000}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-5s}"
for tool in wrk curl python3 taskset; do
  command -v "$tool" >/dev/null || { echo "bench-search: $tool is missing (apt-get install wrk curl util-linux)" >&2; exit 2; }
done
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"

cargo build --release --quiet
BIN="$PWD/target/release/glossa"
TMP="$(mktemp -d /tmp/glossa-search.XXXXXX)"
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
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else printf "nan"}'; }
seconds() { awk '{for(i=1;i<=NF;i++) if ($i=="in") { v=$(i+1); if (v ~ /ms$/) { sub(/ms$/,"",v); v=v/1000 } else sub(/s$/,"",v); printf "%.2f", v } }' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }

echo "== data: the seed + $DOCS generated documents" >&2
"$BIN" gen-corpus --docs "$DOCS" --out "$TMP/corpus" >&2
cp corpus/* "$TMP/corpus/"
CORPUS_MB="$(du -sm --apparent-size "$TMP/corpus" | cut -f1)"

echo "== import: with the index, and without it (its triggers dropped), $ROUNDS rounds" >&2
WITH=() WITHOUT=()
for round in $(seq "$ROUNDS"); do
  rm -f "$TMP"/bare.db*
  "$BIN" --db "$TMP/bare.db" --corpus "$TMP/corpus" migrate >/dev/null 2>&1
  python3 - "$TMP/bare.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("paragraphs_fts_after_insert", "paragraphs_fts_after_delete", "paragraphs_fts_after_update"):
    db.execute(f"drop trigger {t}")
db.commit()
PY
  WITHOUT+=("$(seconds "$("$BIN" --db "$TMP/bare.db" --corpus "$TMP/corpus" import 2>/dev/null)")")
  rm -f "$TMP"/bench.db*
  WITH+=("$(seconds "$("$BIN" --db "$TMP/bench.db" --corpus "$TMP/corpus" import 2>/dev/null)")")
done
rm -f "$TMP"/bare.db*
DB="$TMP/bench.db"
REIMPORT=()
for round in $(seq "$ROUNDS"); do
  REIMPORT+=("$(seconds "$("$BIN" --db "$DB" --corpus "$TMP/corpus" import 2>/dev/null)")")
done

echo "== notes: $NOTES notes from five analysts, restored with glossa notes import" >&2
python3 - "$DB" "$NOTES" "$TMP/notes.jsonld" <<'PY'
import json, random, sqlite3, sys
db, count, out = sqlite3.connect(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(7)
rows = db.execute(
    "select d.slug, p.start_cp, p.text from paragraphs p join documents d on d.id = p.document_id "
    "where p.ordinal <= 2 and length(p.text) >= 60 order by d.id, p.ordinal").fetchall()
words = ("sanctions Moscow Beijing Pyongyang missiles trade alliance deterrence Kremlin envoy "
         "summit artillery shells ammunition treaty partnership leverage escalation").split()
tags = ["sanctions", "military", "diplomacy", "trade", "china", "russia", "north-korea",
        "follow-up", "sources", "ukraine", "nuclear", "economy"]
motivations = ["commenting", "questioning", "assessing", "highlighting", "bookmarking"]
analysts = ["ana", "ben", "chen", "dmitri", "eun"]
items = []
for i in range(count):
    slug, start, text = rows[i % len(rows)]
    offset = rng.randrange(0, max(1, len(text) - 60))
    exact = text[offset:offset + 50]
    day = 1 + i % 28
    items.append({
        "id": f"http://bench.glossa/api/documents/{slug}/annotations/{i:032x}",
        "type": "Annotation",
        "creator": {"name": analysts[i % 5]},
        "created": f"2026-{1 + i % 11:02d}-{day:02d}T10:00:00Z",
        "modified": f"2026-{1 + i % 11:02d}-{day:02d}T10:00:00Z",
        "motivation": motivations[i % len(motivations)],
        "visibility": "public" if i % 3 else "team",
        "body": [{"type": "TextualBody", "value": " ".join(rng.choice(words) for _ in range(12))}]
                + [{"type": "TextualBody", "purpose": "tagging", "value": t}
                   for t in rng.sample(tags, 1 + i % 3)],
        "target": {"source": f"http://bench.glossa/documents/{slug}", "selector": [
            {"type": "TextPositionSelector", "start": start + offset, "end": start + offset + len(exact)},
            {"type": "TextQuoteSelector", "exact": exact}]},
    })
json.dump({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection",
           "first": {"type": "AnnotationPage", "items": items}}, open(out, "w"))
PY
"$BIN" --db "$DB" --corpus "$TMP/corpus" --base-url http://bench.glossa notes import "$TMP/notes.jsonld" >&2

run_wrk() {  # url -> P50 P99 RPS ERRORS
  local out; out="$(taskset -c 0 wrk -t1 -c1 -d"$DURATION" --latency "$1" 2>&1)"
  RPS="$(awk '/^Requests\/sec:/{print $2}' <<<"$out")"
  P50="$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")"
  P99="$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")"
  ERRORS="$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out")"; ERRORS="${ERRORS:-0}"
  [ -n "$RPS" ] || { echo "$out" >&2; exit 2; }
}
start_glossa() {  # database-url port
  TOKIO_WORKER_THREADS=1 taskset -c 1 "$BIN" --database-url "$1" --corpus "$TMP/corpus" --addr "127.0.0.1:$2" \
    --base-url http://bench.glossa 2>>"$TMP/server.log" &
  LAST=$!; PIDS+=("$LAST")
  until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null; do sleep 0.02; done
}

# The statements glossa runs for a passage search (src/store/queries/search.rs and the
# backends' full_text modules), with the query compiled as glossa compiles it.
FTS_ONE='("sanctions")'
FTS_TWO='("moscow") AND ("sanctions")'
TSQ_ONE="(('sanctions'))"
TSQ_TWO="(('moscow')) & (('sanctions'))"

declare -A R
measure_glossa() {  # backend base
  local backend="$1" base="$2" name url
  for name in one two facets notes; do
    case "$name" in
      one) url="$base/api/search?q=sanctions" ;;
      two) url="$base/api/search?q=Moscow%20sanctions" ;;
      facets) url="$base/api/search?q=sanctions&facets=documents,actors,tags" ;;
      notes) url="$base/api/annotations?tag=sanctions" ;;
    esac
    R[$backend.$name.total]="$(curl -sf "$url" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"])')" \
      || { echo "bench-search: $url failed" >&2; exit 2; }
    local p50=() p99=() errs=0
    for _ in $(seq "$ROUNDS"); do run_wrk "$url"; p50+=("$P50"); p99+=("$P99"); errs=$((errs + ERRORS)); done
    R[$backend.$name.p50]="$(median "${p50[@]}")"; R[$backend.$name.p99]="$(median "${p99[@]}")"; R[$backend.$name.err]="$errs"
  done
}

echo "== SQLite: glossa, then the same statements through Python's sqlite3" >&2
PORT="$(free_port)"
start_glossa "sqlite://$DB" "$PORT"
measure_glossa sqlite "http://127.0.0.1:$PORT"
kill "$LAST"; wait "$LAST" 2>/dev/null || true
REF="$(taskset -c 1 python3 - "$DB" "$DURATION" "$ROUNDS" "$FTS_ONE" "$FTS_TWO" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
duration = float(sys.argv[2].rstrip("s")); rounds = int(sys.argv[3])
one, two = sys.argv[4], sys.argv[5]
FROM = ("from paragraphs_fts join paragraphs p on p.id = paragraphs_fts.rowid "
        "join documents d on d.id = p.document_id{} where paragraphs_fts match ?")
COUNT = "select count(*) from paragraphs_fts where paragraphs_fts match ?"
TOP = ("select d.slug, d.title, p.ordinal, p.id, p.text, h.score from (select rowid as id, -rank as score "
       "from paragraphs_fts where paragraphs_fts match ? order by rank, rowid limit 20 offset 0) h "
       "join paragraphs p on p.id = h.id join documents d on d.id = p.document_id order by h.score desc, p.id")
FACETS = [
    "select d.slug, d.title, count(*) as count " + FROM.format("") + " group by d.slug, d.title order by count desc, d.slug limit 12",
    "select ac.id, ac.name, count(distinct p.id) as count " + FROM.format(" join mentions m on m.paragraph_id = p.id join actors ac on ac.id = m.actor_id") + " group by ac.id, ac.name order by count desc, ac.name limit 12",
]
TAGS = ("select t.value, count(*) as count from notes_fts join annotations n on n.id = notes_fts.note_id "
        "join documents d on d.id = n.document_id join analysts a on a.id = n.analyst_id, json_each(n.tags) t "
        "where n.visibility = 'public' and notes_fts match ? group by t.value order by count desc, t.value limit 12")
def search(q, facets):
    db.execute(COUNT, (q,)).fetchall()
    db.execute(TOP, (q,)).fetchall()
    if facets:
        for sql in FACETS:
            db.execute(sql, (q,)).fetchall()
        db.execute(TAGS, (q,)).fetchall()
def measure(q, facets):
    p50s, p99s = [], []
    for _ in range(rounds):
        lat = []; end = time.perf_counter() + duration
        while time.perf_counter() < end:
            t = time.perf_counter_ns(); search(q, facets); lat.append((time.perf_counter_ns() - t) / 1e6)
        lat.sort(); p50s.append(lat[len(lat) // 2]); p99s.append(lat[int(len(lat) * 0.99)])
    return sorted(p50s)[len(p50s) // 2], sorted(p99s)[len(p99s) // 2]
for name, q, f in (("one", one, False), ("two", two, False), ("facets", one, True)):
    p50, p99 = measure(q, f)
    print(f"{name} {p50:.2f} {p99:.2f}")
PY
)"
while read -r name p50 p99; do R[sqlite.$name.ref50]="$p50"; R[sqlite.$name.ref99]="$p99"; done <<<"$REF"

PG_LINE="PostgreSQL: not measured (no server binaries; apt-get install postgresql)"
if [ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ]; then
  echo "== PostgreSQL: a throwaway cluster, the same data copied in, glossa then pgbench" >&2
  [ "$(id -u)" = 0 ] && chown postgres "$TMP"
  as_pg "$PGBIN/initdb" -D "$TMP/pg" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
  PGPORT="$(free_port)"
  as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg.log" -w \
    -o "-p $PGPORT -k $TMP -c listen_addresses=127.0.0.1" start >/dev/null
  PIDS+=("$(head -1 "$TMP/pg/postmaster.pid")")
  taskset -pc 1 "${PIDS[-1]}" >/dev/null
  PGURL="postgres://postgres@127.0.0.1:$PGPORT"
  psql -q "$PGURL/postgres" -c "create database glossa"
  "$BIN" --base-url http://bench.glossa copy --from "sqlite://$DB" --to "$PGURL/glossa" >&2
  psql -q "$PGURL/glossa" -c "vacuum analyze" >/dev/null
  PORT="$(free_port)"
  start_glossa "$PGURL/glossa" "$PORT"
  measure_glossa postgres "http://127.0.0.1:$PORT"
  kill "$LAST"; wait "$LAST" 2>/dev/null || true
  pg_reference() {  # name tsquery facets
    local tsq="${2//\'/\'\'}"
    local where="from paragraphs p join documents d on d.id = p.document_id JOIN where p.search @@ to_tsquery('glossa', '$tsq')"
    {
      echo "select count(*) from paragraphs p where p.search @@ to_tsquery('glossa', '$tsq');"
      echo "select d.slug, d.title, p.ordinal, p.id, p.text, h.score from (select p.id, ts_rank_cd(p.search, to_tsquery('glossa', '$tsq'))::float8 as score from paragraphs p where p.search @@ to_tsquery('glossa', '$tsq') order by score desc, p.id limit 20 offset 0) h join paragraphs p on p.id = h.id join documents d on d.id = p.document_id order by h.score desc, p.id;"
      if [ "$3" = yes ]; then
        echo "select d.slug, d.title, count(*) as count ${where/JOIN/} group by d.slug, d.title order by count desc, d.slug limit 12;"
        echo "select ac.id, ac.name, count(distinct p.id) as count ${where/JOIN/join mentions m on m.paragraph_id = p.id join actors ac on ac.id = m.actor_id} group by ac.id, ac.name order by count desc, ac.name limit 12;"
        echo "select t.value, count(*) as count from annotations n join documents d on d.id = n.document_id join analysts a on a.id = n.analyst_id cross join lateral jsonb_array_elements_text(n.tags::jsonb) as t(value) where n.visibility = 'public' and n.search @@ to_tsquery('glossa', '$tsq') group by t.value order by count desc, t.value limit 12;"
      fi
    } >"$TMP/$1.sql"
    local p50=() p99=()
    for _ in $(seq "$ROUNDS"); do
      rm -f "$TMP"/pgbench_log.*
      (cd "$TMP" && taskset -c 1 pgbench -n -c1 -T "${DURATION%s}" -f "$1.sql" -l "$PGURL/glossa" >/dev/null)
      local lat; lat="$(cat "$TMP"/pgbench_log.* | awk '{print $3/1000}' | sort -g)"
      p50+=("$(awk '{a[NR]=$1} END{printf "%.2f", a[int(NR*0.5)+1]}' <<<"$lat")")
      p99+=("$(awk '{a[NR]=$1} END{printf "%.2f", a[int(NR*0.99)+1]}' <<<"$lat")")
    done
    R[postgres.$1.ref50]="$(median "${p50[@]}")"; R[postgres.$1.ref99]="$(median "${p99[@]}")"
  }
  pg_reference one "$TSQ_ONE" no
  pg_reference two "$TSQ_TWO" no
  pg_reference facets "$TSQ_ONE" yes
  PG_LINE=""
fi

IMPORT_WITH="$(median "${WITH[@]}")"; IMPORT_WITHOUT="$(median "${WITHOUT[@]}")"
echo
echo "Search at scale: the seed + $DOCS generated documents ($CORPUS_MB MB), $NOTES notes; medians of $ROUNDS rounds of $DURATION, one connection"
echo
echo "| what | backend | hits | glossa p50 | glossa p99 | database alone p50 | database alone p99 | p99 ratio | errors |"
echo "|---|---|---|---|---|---|---|---|---|"
for backend in sqlite postgres; do
  [ -n "${R[$backend.one.p99]:-}" ] || continue
  for name in one two facets notes; do
    case "$name" in
      one) what='`sanctions`' ;; two) what='`Moscow sanctions`' ;;
      facets) what='`sanctions` + 3 facets' ;; notes) what='`/api/annotations?tag=sanctions`' ;;
    esac
    ref50="${R[$backend.$name.ref50]:-}" ref99="${R[$backend.$name.ref99]:-}"
    echo "| $what | $backend | ${R[$backend.$name.total]} | ${R[$backend.$name.p50]} ms | ${R[$backend.$name.p99]} ms | ${ref50:+$ref50 ms} | ${ref99:+$ref99 ms} | ${ref99:+$(ratio "${R[$backend.$name.p99]}" "$ref99")} | ${R[$backend.$name.err]} |"
  done
done
[ -z "$PG_LINE" ] || echo "$PG_LINE"
echo
echo "| import (SQLite) | seconds |"
echo "|---|---|"
echo "| without the search index | $IMPORT_WITHOUT |"
echo "| with it | $IMPORT_WITH ($(awk -v a="$IMPORT_WITH" -v b="$IMPORT_WITHOUT" 'BEGIN{printf "+%.0f %%", (a/b-1)*100}')) |"
echo "| re-import, unchanged | $(median "${REIMPORT[@]}") |"
