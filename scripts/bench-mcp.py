#!/usr/bin/env python3
"""Times `codesearch mcp` from process start to the answer of its first tools/call (a
search), beside a whole `codesearch search` process with the same question, run in
alternation (A B B A ...) as scripts/alternate-times.py does, so a change in the machine's
load weighs on both alike. Prints one JSON line per command: the median and quartiles of
the wall time in ms.

The MCP side speaks the protocol as a client does: initialize, wait for its answer, then
the initialized notification and the tools/call; the clock stops when the call's answer
arrives (the server's exit, after its input is closed, is not timed).

Usage: scripts/bench-mcp.py [--runs N] [--warmup N] BINARY REPOSITORY QUESTION
"""
import json
import os
import statistics
import subprocess
import sys
import time


def time_search(binary, repo, question):
    start = time.perf_counter()
    done = subprocess.run([binary, "search", "--repo", repo, "-n", "10", question],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench-mcp: codesearch search exited {done.returncode}")
    return wall


def time_mcp(binary, repo, question):
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                             "clientInfo": {"name": "bench-mcp", "version": "1"}}}
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
            "params": {"name": "search", "arguments": {"query": question, "limit": 10}}}
    start = time.perf_counter()
    server = subprocess.Popen([binary, "mcp", "--repo", repo], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, bufsize=0)
    send(server, initialize)
    answer(server, 1)
    send(server, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    send(server, call)
    reply = answer(server, 2)
    wall = time.perf_counter() - start
    server.stdin.close()
    server.wait(timeout=30)
    if reply.get("result", {}).get("isError") or not reply["result"]["structuredContent"]["results"]:
        sys.exit(f"bench-mcp: the search call failed: {reply}")
    return wall


def send(server, message):
    server.stdin.write((json.dumps(message) + "\n").encode())


def answer(server, id):
    while True:
        line = server.stdout.readline()
        if not line:
            sys.exit("bench-mcp: the server closed its output before answering")
        message = json.loads(line)
        if message.get("id") == id:
            return message


def main():
    args = sys.argv[1:]
    runs, warmup = 30, 3
    while args and args[0].startswith("--"):
        flag, value, args = args[0], int(args[1]), args[2:]
        if flag == "--runs": runs = value
        elif flag == "--warmup": warmup = value
        else: sys.exit(f"bench-mcp: unknown flag {flag}")
    if len(args) != 3: sys.exit(__doc__)
    binary, repo, question = args
    sides = [("codesearch search", time_search), ("codesearch mcp, first tools/call", time_mcp)]
    for _ in range(warmup):
        for _, run in sides: run(binary, repo, question)
    walls = [[] for _ in sides]
    for i in range(runs):
        order = range(len(sides)) if i % 2 == 0 else reversed(range(len(sides)))
        for k in order:
            walls[k].append(sides[k][1](binary, repo, question) * 1000)
    for (name, _), w in zip(sides, walls):
        q = statistics.quantiles(w, n=4)
        print(json.dumps({"command": name, "runs": runs, "median_ms": round(statistics.median(w), 2),
                          "q1_ms": round(q[0], 2), "q3_ms": round(q[2], 2)}))


if __name__ == "__main__":
    main()
