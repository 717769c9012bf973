#!/usr/bin/env python3
"""thread-cpu.py — where a glossa process spends its CPU, by thread, from /proc.

The benchmarks use it to say what limits a figure that misses its target: a single thread
busy for most of the wall time bounds the whole (SQLite's one writer connection, a server
pinned to one core). It reads each thread's user and system time from
/proc/PID/task/TID/stat every 20 ms and keeps the last value seen per thread, so threads that
come and go are counted (up to 20 ms each may be missed).

  thread-cpu.py run CMD ARG...    runs CMD to its end; prints the groups' CPU and the wall time
  thread-cpu.py watch PID SECONDS  watches PID for SECONDS; prints what each group used meanwhile

The command's own output goes to standard error; if it fails, its figures are still
printed and its exit code is passed on. Output is one line per group, tab-separated: group, user seconds, system seconds; then
`wall<TAB>seconds`. Groups: `sqlite` (sqlx's thread per SQLite connection, where every
statement runs), `runtime` (tokio's workers and blocking pool: HTTP, handlers, analysis),
`main` (the process's first thread) and `other`.
"""
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def group(comm, tid, pid):
    if comm.startswith("sqlx-sqlite"):
        return "sqlite"
    if comm.startswith("tokio"):
        return "runtime"
    if tid == pid:
        return "main"
    return "other"


def sample(pid, seen):
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return False
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        # After the command: state is field 3 of stat(5), utime 14 and stime 15.
        utime, stime = int(fields[11]) / TICK, int(fields[12]) / TICK
        seen[int(tid)] = (group(comm, int(tid), pid), utime, stime)
    return True


def totals(seen):
    out = {}
    for name, utime, stime in seen.values():
        u, s = out.get(name, (0.0, 0.0))
        out[name] = (u + utime, s + stime)
    return out


def report(groups, wall):
    for name in ("sqlite", "runtime", "main", "other"):
        u, s = groups.get(name, (0.0, 0.0))
        print(f"{name}\t{u:.2f}\t{s:.2f}")
    print(f"wall\t{wall:.3f}")


def run(command):
    start = time.monotonic()
    try:
        child = subprocess.Popen(command, stdout=sys.stderr)
    except OSError as e:
        sys.exit(f"thread-cpu: cannot run {command[0]}: {e.strerror}")
    seen = {}
    while child.poll() is None:
        sample(child.pid, seen)
        time.sleep(0.02)
    wall = time.monotonic() - start
    report(totals(seen), wall)
    if child.returncode != 0:
        print(f"thread-cpu: {command[0]} exited with {child.returncode}", file=sys.stderr)
        sys.exit(child.returncode if child.returncode > 0 else 1)


def watch(pid, seconds):
    before = {}
    if not sample(pid, before):
        sys.exit(f"thread-cpu: no process {pid}")
    start = time.monotonic()
    seen = dict(before)
    while time.monotonic() - start < seconds:
        time.sleep(0.02)
        if not sample(pid, seen):
            break
    wall = time.monotonic() - start
    delta = {}
    for tid, (name, utime, stime) in seen.items():
        _, u0, s0 = before.get(tid, (name, 0.0, 0.0))
        delta[tid] = (name, utime - u0, stime - s0)
    report(totals(delta), wall)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "run":
        run(sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "watch":
        try:
            pid, seconds = int(sys.argv[2]), float(sys.argv[3])
        except ValueError:
            sys.exit("thread-cpu: watch takes a process id and a number of seconds")
        watch(pid, seconds)
    else:
        sys.exit(__doc__)
