"""The storage floor of an import: seconds for SQLite alone to store what a finished import
stored, with glossa's schema, on one core.

Reads a glossa SQLite database, creates its schema (tables, indexes, search indexes; no
triggers) in a fresh database beside it with glossa's settings (WAL, synchronous=FULL), then
copies every table's rows in the order they were written, one `insert … select` and one
transaction per table, and builds each external-content search index in one pass. No
parsing, no analysis, no statement per batch: no importer writing this schema can take less
of SQLite's time than this. Prints `table<TAB>seconds` lines and `total<TAB>seconds`.
Usage: store-floor.py GLOSSA_DB SCRATCH_DB
"""
import os
import re
import sqlite3
import sys
import time

source, scratch = sys.argv[1], sys.argv[2]
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(scratch + suffix):
        os.remove(scratch + suffix)
src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
schema = src.execute(
    "select type, name, tbl_name, sql from sqlite_schema where sql is not null"
    " and name not like 'sqlite_%' and type in ('table', 'index') order by rowid"
).fetchall()
virtual = {name for kind, name, _, sql in schema if sql.lower().startswith("create virtual")}
# FTS5 keeps its own shadow tables; creating the virtual table makes them.
shadow = {f"{v}_{part}" for v in virtual for part in ("data", "idx", "content", "docsize", "config")}
dst = sqlite3.connect(scratch, isolation_level=None)
dst.execute("pragma journal_mode=wal")
dst.execute("pragma synchronous=full")
dst.execute("pragma cache_size=-32768")
for kind, name, _, sql in schema:
    if name not in shadow:
        dst.execute(sql)
dst.execute("attach ? as g", (f"file:{source}?mode=ro",))
tables = [
    name
    for kind, name, _, sql in schema
    if kind == "table" and name not in virtual and name not in shadow
]
total = 0.0
for table in tables:
    started = time.perf_counter()
    dst.execute("begin")
    dst.execute(f'insert into main."{table}" select * from g."{table}"')
    dst.execute("commit")
    took = time.perf_counter() - started
    total += took
    print(f"{table}\t{took:.3f}")
for name in sorted(virtual):
    sql = next(sql for _, n, _, sql in schema if n == name)
    started = time.perf_counter()
    dst.execute("begin")
    if re.search(r"content\s*=\s*'[^']+'", sql):
        # External content: the index is built from its table's rows, already copied.
        dst.execute(f"insert into main.\"{name}\" (\"{name}\") values ('rebuild')")
    else:
        columns = ", ".join(row[1] for row in src.execute(f'pragma table_info("{name}")'))
        dst.execute(
            f'insert into main."{name}" (rowid, {columns}) select rowid, {columns} from g."{name}"'
        )
    dst.execute("commit")
    took = time.perf_counter() - started
    total += took
    print(f"{name}\t{took:.3f}")
print(f"total\t{total:.3f}")
