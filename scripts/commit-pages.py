#!/usr/bin/env python3
"""commit-pages.py — what one durable commit of new notes writes, and what the disk takes to sync it.

A durable commit in WAL mode appends every page it changed to the write-ahead log and syncs the
log; the sync is what each writer waits for. This script empties the log of a running glossa's
database (a TRUNCATE checkpoint), posts COUNT notes at once, then reads the frame headers the
log holds and names each page's table or index with `dbstat`. It does the same for the raw
reference (one row per transaction, as scripts/bench-writes.sh inserts it) and times
`fdatasync` of that many pages appended to a file on the same disk.

  commit-pages.py DB URL TOKEN BODY COUNT

URL is the annotation container to post BODY to with the bearer TOKEN. Prints markdown lines.
"""
import collections
import os
import shutil
import sqlite3
import statistics
import struct
import sys
import tempfile
import threading
import time
import urllib.request

FRAME_HEADER, WAL_HEADER = 24, 32


def empty_log(db):
    busy, _, _ = sqlite3.connect(db).execute("pragma wal_checkpoint(truncate)").fetchone()
    if busy:
        sys.exit(f"commit-pages: {db}'s log could not be emptied (a reader held it); try again")


def frames(db):
    """(page numbers, commits) appended to DB's log since it was emptied."""
    with open(db + "-wal", "rb") as log:
        data = log.read()
    if len(data) < WAL_HEADER:
        return [], 0
    page_size = struct.unpack(">I", data[8:12])[0]
    pages, commits, at = [], 0, WAL_HEADER
    while at + FRAME_HEADER + page_size <= len(data):
        page, size_after_commit = struct.unpack(">II", data[at : at + 8])
        pages.append(page)
        commits += size_after_commit != 0
        at += FRAME_HEADER + page_size
    return pages, commits


def names(db, scratch):
    """Page number -> the table or index it belongs to, read from a copy with its log."""
    copy = os.path.join(scratch, "copy.db")
    shutil.copy(db, copy)
    shutil.copy(db + "-wal", copy + "-wal")
    return dict(sqlite3.connect(copy).execute("select pageno, name from dbstat"))


def post_all(url, token, body, count):
    def post():
        request = urllib.request.Request(
            url,
            data=body.encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 201, answer.status

    threads = [threading.Thread(target=post) for _ in range(count)]
    [t.start() for t in threads]
    [t.join() for t in threads]


def describe(pages, commits, where):
    tally = collections.Counter(where.get(p, "?") for p in pages)
    listed = ", ".join(f"{name} {n}" for name, n in tally.most_common())
    return f"{len(pages)} pages in {commits} commit{'s' if commits != 1 else ''} ({listed})"


def sync_ms(directory, page_size, count, rounds=40):
    """Median ms to append COUNT pages to a file in DIRECTORY and fdatasync it."""
    block = os.urandom(page_size * count)
    fd, path = tempfile.mkstemp(dir=directory)
    try:
        times = []
        for _ in range(rounds):
            os.write(fd, block)
            started = time.perf_counter()
            os.fdatasync(fd)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)
    finally:
        os.close(fd)
        os.unlink(path)


def main():
    db, url, token, body, count = sys.argv[1:6]
    count = int(count)
    scratch = tempfile.mkdtemp(prefix="commit-pages.")
    try:
        empty_log(db)
        post_all(url, token, body, 1)
        one, one_commits = frames(db)
        where = names(db, scratch)
        empty_log(db)
        post_all(url, token, body, count)
        many, many_commits = frames(db)
        where.update(names(db, scratch))

        raw = os.path.join(scratch, "raw.db")
        c = sqlite3.connect(raw, isolation_level=None)
        c.execute("pragma journal_mode=wal")
        c.execute("create table notes (id integer primary key, body text not null, created text not null)")
        for _ in range(50):
            c.execute("insert into notes (body, created) values ('A note written under load.', datetime('now'))")
        c.execute("pragma wal_checkpoint(truncate)")
        c.execute("insert into notes (body, created) values ('A note written under load.', datetime('now'))")
        raw_pages, raw_commits = frames(raw)
        raw_where = dict(c.execute("select pageno, name from dbstat"))

        page_size = sqlite3.connect(db).execute("pragma page_size").fetchone()[0]
        directory = os.path.dirname(os.path.abspath(db))
        sizes = sorted({len(raw_pages), len(one), max(len(many) // max(many_commits, 1), 1)})
        synced = ", ".join(f"{n} pages {sync_ms(directory, page_size, n):.2f} ms" for n in sizes)
        print(f"- One note's commit: {describe(one, one_commits, where)}.")
        print(f"- {count} notes posted at once: {describe(many, many_commits, where)}.")
        print(f"- The raw reference's commit of one row: {describe(raw_pages, raw_commits, raw_where)}.")
        print(f"- This disk, appending pages of {page_size} bytes to a file beside the database and syncing it (median of 40): {synced}.")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
