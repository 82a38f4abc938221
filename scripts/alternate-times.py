#!/usr/bin/env python3
"""Times two or more commands run in alternation (A B A B ...), so that a change in the
machine's load during the run weighs on every command alike, which hyperfine's one
command after the other does not. Prints, per command, the median and quartiles of the
wall time and the median user+sys CPU time, in ms, as JSON lines.

Usage: scripts/alternate-times.py [--runs N] [--warmup N] 'CMD A' 'CMD B' ...
Commands are split on spaces (no shell); output goes to /dev/null.
"""
import json
import os
import statistics
import sys
import time


def run(argv):
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"alternate-times: `{' '.join(argv)}` failed")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    args = sys.argv[1:]
    runs, warmup = 40, 5
    while args and args[0].startswith("--"):
        flag, value = args[0], int(args[1])
        args = args[2:]
        if flag == "--runs": runs = value
        elif flag == "--warmup": warmup = value
        else: sys.exit(f"alternate-times: unknown flag {flag}")
    commands = [c.split() for c in args]
    if len(commands) < 2: sys.exit(__doc__)
    for _ in range(warmup):
        for c in commands: run(c)
    walls = [[] for _ in commands]
    cpus = [[] for _ in commands]
    for i in range(runs):
        # Alternate which command goes first, so neither always follows the other.
        order = list(range(len(commands))) if i % 2 == 0 else list(reversed(range(len(commands))))
        for k in order:
            wall, cpu = run(commands[k])
            walls[k].append(wall * 1000)
            cpus[k].append(cpu * 1000)
    for c, w, u in zip(commands, walls, cpus):
        q = statistics.quantiles(w, n=4)
        print(json.dumps({"command": " ".join(c), "runs": runs, "median_ms": round(statistics.median(w), 2),
                          "q1_ms": round(q[0], 2), "q3_ms": round(q[2], 2),
                          "cpu_ms": round(statistics.median(u), 2)}))


if __name__ == "__main__":
    main()
