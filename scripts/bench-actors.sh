#!/usr/bin/env bash
# bench-actors.sh — the actor pages at scale, on SQLite, beside the SQL they run.
#
# Data: the seed plus DOCS generated documents (10,000 by default), imported by a release
# build (mentions, sentences, co-mentions, name candidates and voices included).
#
# Measures, in one run (glossa one runtime worker on CPU 1, wrk one connection on CPU 0):
#   - the dossier of the most-named actor, first page of sentences: `GET /actors/RUS` (HTML)
#     and `GET /api/actors/RUS` (JSON);
#   - the corpus co-occurrence matrix: `GET /actors` (the matrix and the gazetteer's table);
#   - beside each, the same SQL statements run directly on CPU 1 with Python's sqlite3 module,
#     as many times in a loop: what the page costs on top of its queries is glossa's share.
# Prints a table of medians (p50 and p99 in ms) of ROUNDS rounds and the ratios. Needs: cargo,
# wrk, curl, python3, taskset. Env: DOCS (10000) ROUNDS (3) DURATION (5s).
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${DOCS:-10000}" ROUNDS="${ROUNDS:-3}" DURATION="${DURATION:-5s}"
for tool in wrk curl python3 taskset; do
  command -v "$tool" >/dev/null || { echo "bench-actors: $tool is missing (apt-get install wrk curl util-linux)" >&2; exit 2; }
done
cargo build --release --quiet
BIN="$PWD/target/release/glossa"
TMP="$(mktemp -d /tmp/glossa-actors.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else printf "nan"}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }

echo "== data: the seed + $DOCS generated documents" >&2
"$BIN" gen-corpus --docs "$DOCS" --out "$TMP/corpus" >&2
cp corpus/* "$TMP/corpus/"
DB="$TMP/bench.db"
"$BIN" --db "$DB" --corpus "$TMP/corpus" import >&2

PORT="$(free_port)"
TOKIO_WORKER_THREADS=1 taskset -c 1 "$BIN" --db "$DB" --corpus "$TMP/corpus" --addr "127.0.0.1:$PORT" \
  --base-url http://bench.glossa 2>>"$TMP/server.log" &
PIDS+=("$!")
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
TOP="$(curl -sf "http://127.0.0.1:$PORT/api/actors" | python3 -c 'import json,sys; a=json.load(sys.stdin); a=a.get("actors", a); print(max(a, key=lambda x: x["mentions"])["id"])')"
echo "== the most-named actor is $TOP" >&2

run_wrk() {  # url -> P50 P99 ERRORS
  local out; out="$(taskset -c 0 wrk -t1 -c1 -d"$DURATION" --timeout 30s --latency "$1" 2>&1)"
  P50="$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")"
  P99="$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")"
  ERRORS="$(awk '/Non-2xx or 3xx responses:/{print $NF}' <<<"$out")"; ERRORS="${ERRORS:-0}"
  [ -n "$P50" ] || { echo "$out" >&2; exit 2; }
}

# The statements each page runs (src/store/queries/actors.rs), timed in a loop on CPU 1.
sql_alone() {  # which -> P50 P99 in ms
  read -r P50 P99 < <(taskset -c 1 python3 - "$DB" "$1" "$TOP" "$DURATION" <<'PY'
import sqlite3, sys, time
db, which, actor, duration = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4].rstrip("s"))
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
LIST = """select a.id, a.name, a.kind, a.wikidata, a.affiliation, a.role, a.tone,
  coalesce(t.mentions, 0) as mentions, coalesce(t.documents, 0) from actors a
  left join actor_totals t on t.actor_id = a.id order by mentions desc, a.name"""
ALIASES = "select actor_id, alias, rule from actor_aliases order by actor_id, ordinal"
def dossier():
    con.execute(LIST).fetchall(); con.execute(ALIASES).fetchall()
    con.execute("select matched, mentions from form_totals where actor_id = ? order by mentions desc, matched", (actor,)).fetchall()
    con.execute("""select a.id, a.name, a.tone, c.sentences, c.paragraphs from
      (select actor_b as other, sentences, paragraphs from pair_totals where actor_a = ?1
       union all select actor_a, sentences, paragraphs from pair_totals where actor_b = ?1) c
      join actors a on a.id = c.other order by c.sentences desc, c.paragraphs desc, a.name limit 12""", (actor,)).fetchall()
    con.execute("""select period, mentions, documents from timeline_totals where actor_id = ?
      order by case when period is null then 1 else 0 end, period""", (actor,)).fetchall()
    con.execute("select coalesce(max(sentences), 0) from actor_totals where actor_id = ?", (actor,)).fetchone()
    ids = {r[0] for r in con.execute("select distinct voice_id from claims where voice_actor = ?", (actor,))}
    for voice in ids | {actor}:
        con.execute("select voice_label, voice_actor, voice_official from claims where voice_id = ? limit 1", (voice,)).fetchone()
        con.execute("select count(*), count(distinct document_id) from claims where voice_id = ?", (voice,)).fetchone()
    page = [r[0] for r in con.execute("""select document_id, sentences, running from (
      select t.document_id, t.sentences, sum(t.sentences) over (order by d.slug) as running
      from document_actors t join documents d on d.id = t.document_id where t.actor_id = ?) r
      where running > ? and running - sentences < ? order by running""", (actor, 0, 25)).fetchall()]
    con.execute(f"""select p.id, d.slug, d.title, p.ordinal, p.text, coalesce(m.sentence_start_cp, 0),
      coalesce(m.sentence_end_cp, -1), m.actor_id, m.start_cp, m.end_cp
      from paragraphs p join documents d on d.id = p.document_id join mentions m on m.paragraph_id = p.id
      where p.document_id in ({','.join('?' * len(page))}) order by d.slug, p.ordinal, m.start_cp""", page).fetchall()
def matrix():
    con.execute(LIST).fetchall(); con.execute(ALIASES).fetchall()
    con.execute("select actor_a, actor_b, sentences, paragraphs from pair_totals").fetchall()
run = dossier if which == "dossier" else matrix
times, end = [], time.perf_counter() + duration
while time.perf_counter() < end:
    t = time.perf_counter(); run(); times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"{times[len(times) // 2]:.2f} {times[min(len(times) - 1, int(len(times) * 0.99))]:.2f}")
PY
)
}

declare -A GP50 GP99 SP50 SP99 ERR
for name in dossier dossier_json matrix; do
  case "$name" in
    dossier) url="/actors/$TOP"; sql=dossier ;;
    dossier_json) url="/api/actors/$TOP"; sql=dossier ;;
    matrix) url="/actors"; sql=matrix ;;
  esac
  p50=() p99=() s50=() s99=() errs=0
  for _ in $(seq "$ROUNDS"); do
    run_wrk "http://127.0.0.1:$PORT$url"; p50+=("$P50"); p99+=("$P99"); errs=$((errs + ERRORS))
    sql_alone "$sql"; s50+=("$P50"); s99+=("$P99")
  done
  GP50[$name]="$(median "${p50[@]}")"; GP99[$name]="$(median "${p99[@]}")"
  SP50[$name]="$(median "${s50[@]}")"; SP99[$name]="$(median "${s99[@]}")"; ERR[$name]="$errs"
done

echo
echo "Actor pages, SQLite, seed + $DOCS documents, medians of $ROUNDS rounds of $DURATION (ms)"
printf '%-34s %9s %9s %11s %11s %8s %7s\n' "what" "p50" "p99" "SQL p50" "SQL p99" "ratio" "errors"
for name in dossier dossier_json matrix; do
  case "$name" in
    dossier) label="dossier /actors/$TOP (HTML)" ;;
    dossier_json) label="dossier /api/actors/$TOP (JSON)" ;;
    matrix) label="corpus matrix /actors" ;;
  esac
  printf '%-34s %9s %9s %11s %11s %8s %7s\n' "$label" "${GP50[$name]}" "${GP99[$name]}" \
    "${SP50[$name]}" "${SP99[$name]}" "$(ratio "${GP50[$name]}" "${SP50[$name]}")" "${ERR[$name]}"
done
