#!/usr/bin/env bash
# bench-import.sh — corpus import speed, beside the I/O floor (reading and hashing the same
# files) in the same run.
#
# Generates DOCS documents (10,000) plus the bundled corpus, then alternates, ROUNDS times:
# the floor (every file read and SHA-256-hashed, as the importer does first) and a full
# import into a fresh database (analysis, search index, actor tallies, voices, one sync per
# batch). Then an unchanged re-import, and the storage floor: SQLite alone storing the rows
# that import stored (scripts/store-floor.py). With BASE_BIN set, that binary is imported in the same
# rounds too (A/B), for comparing two builds on one noisy machine.
#
# Prints a markdown table. Env: DOCS (10000) ROUNDS (3) BIN (target/release/glossa, built if
# unset) BASE_BIN (unset). Needs: cargo, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${DOCS:-10000}" ROUNDS="${ROUNDS:-3}"
if [ -z "${BIN:-}" ]; then cargo build --release --quiet; BIN="$PWD/target/release/glossa"; fi
TMP="$(mktemp -d /tmp/glossa-import.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
"$BIN" gen-corpus --docs "$DOCS" --out "$TMP/corpus" >/dev/null 2>&1
cp corpus/* "$TMP/corpus/"
MB="$(du -sm --apparent-size "$TMP/corpus" | cut -f1)"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{printf "%.2f–%.2f", lo, hi}'; }
now() { date +%s.%N; }
import_once() {  # binary -> seconds
  rm -f "$TMP"/g.db*
  local start end
  start="$(now)"
  "$1" --db "$TMP/g.db" --corpus "$TMP/corpus" import >/dev/null 2>&1
  end="$(now)"
  awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b-a}'
}
floors=(); news=(); bases=()
for _ in $(seq "$ROUNDS"); do
  floors+=("$(python3 scripts/io-floor.py "$TMP/corpus")")
  news+=("$(import_once "$BIN")")
  [ -n "${BASE_BIN:-}" ] && bases+=("$(import_once "$BASE_BIN")")
done
# The last import above may have been the base build's: the re-import starts from this one's.
[ -n "${BASE_BIN:-}" ] && import_once "$BIN" >/dev/null
start="$(now)"; "$BIN" --db "$TMP/g.db" --corpus "$TMP/corpus" import >/dev/null 2>&1; end="$(now)"
reimport="$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}')"
rate() { awk -v mb="$MB" -v s="$1" 'BEGIN{printf "%.1f", mb/s}'; }
# SQLite alone storing what this import stored (scripts/store-floor.py): the most any
# importer of this schema could gain.
python3 scripts/store-floor.py "$TMP/g.db" "$TMP/floor.db" >"$TMP/floor.tsv"
S="$(awk -F'\t' '$1=="total"{print $2}' "$TMP/floor.tsv")"
rm -f "$TMP"/floor.db*
F="$(median "${floors[@]}")" N="$(median "${news[@]}")"
echo "| import of $DOCS generated documents and the bundled corpus ($MB MB) | seconds (min–max) | MB/s | ÷ I/O floor |"
echo "|---|---|---|---|"
echo "| read and hash every file (the floor) | $F ($(spread "${floors[@]}")) | $(rate "$F") | 1 |"
echo "| glossa import | $N ($(spread "${news[@]}")) | **$(rate "$N")** | $(awk -v f="$F" -v n="$N" 'BEGIN{printf "%.3f", f/n}') |"
if [ -n "${BASE_BIN:-}" ]; then
  B="$(median "${bases[@]}")"
  echo "| base build import | $B ($(spread "${bases[@]}")) | $(rate "$B") | $(awk -v f="$F" -v n="$B" 'BEGIN{printf "%.3f", f/n}') |"
fi
echo "| SQLite alone storing the same rows, one statement per table (the storage floor) | $S | $(rate "$S") | $(awk -v f="$F" -v n="$S" 'BEGIN{printf "%.3f", f/n}') |"
echo "| unchanged re-import | $reimport | | |"
echo
echo "Where the storage floor goes (seconds; tables under 0.1 s left out):"
sort -t$'\t' -k2 -gr "$TMP/floor.tsv" | awk -F'\t' '$1!="total" && $2>=0.1 {printf "%s %s; ", $1, $2} END{print ""}'
