"""Running the codesearch binary on semble's benchmark repositories: the flags that
scope a repository, its index and its benchmark_root; indexing; batched searches.
`a` is the parsed command line of scripts/eval-semble (repos, work, bin, bench)."""
import json
import os
import subprocess
import sys
import tempfile
import time


def root_flags(a, repo):
    """The repository and its benchmark_root (--include /ROOT), which restricts both
    what is indexed and what a search can return."""
    flags = ["--repo", os.path.join(a.repos, repo["name"])]
    if repo.get("benchmark_root"):
        flags += ["--include", "/" + repo["benchmark_root"]]
    return flags


def scope(a, repo):
    """root_flags and the index folder, shared by `index` and `search` so that the
    search's update check finds nothing to do."""
    return root_flags(a, repo) + ["--index", os.path.join(a.work, repo["name"])]


def check_checkout(a, repo):
    path = os.path.join(a.repos, repo["name"])
    head = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        sys.exit(f"eval-semble: {path} is not a clone of {repo['url']} (see {a.bench}/README.md)")
    if head.stdout.strip() != repo["revision"]:
        sys.exit(f"eval-semble: {path} is at {head.stdout.strip()}, not the pinned {repo['revision']}")


def index(a, repo):
    """Indexes the root at low priority; a no-op after the first run."""
    start = time.time()
    run = subprocess.run(["nice", "-n", "10", a.bin, "index"] + scope(a, repo), capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"eval-semble: indexing {repo['name']} failed:\n{run.stderr}")
    print(f"{repo['name']}: {run.stdout.strip()} ({time.time() - start:.1f} s)", file=sys.stderr)


def search(a, repo, queries, mode, limit):
    """[[hit]] per query: the first `limit` hits in the binary's order, as printed."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for q in queries:
            if "\n" in q["query"]:
                sys.exit(f"eval-semble: a query holds a newline: {q['query']!r}")
            f.write(q["query"] + "\n")
    try:
        run = subprocess.run([a.bin, "search", "--no-update", "--json", "-n", str(limit), "--mode", mode,
                              "--queries", f.name] + scope(a, repo), capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if run.returncode not in (0, 1):
        sys.exit(f"eval-semble: search in {repo['name']} failed:\n{run.stderr}")
    per_query, hits = [], []
    for line in run.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "hit":
            d = message["data"]
            hits.append({"path": d["path"], "start_line": d["line"], "end_line": d["endLine"],
                         "name": d["qualifiedName"], "kind": d.get("kind", ""), "score": d["score"]})
        elif message["type"] == "summary":
            per_query.append(hits)
            hits = []
    if len(per_query) != len(queries):
        sys.exit(f"eval-semble: {repo['name']}: {len(per_query)} answers to {len(queries)} queries")
    return per_query


def functions(a, repo):
    """{path: [unit]} as `codesearch functions --json` lists them (working tree, root only)."""
    run = subprocess.run([a.bin, "functions", "--json"] + root_flags(a, repo), capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"eval-semble: functions in {repo['name']} failed:\n{run.stderr}")
    units = {}
    for line in run.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "function":
            units.setdefault(message["data"]["path"], []).append(message["data"])
    return units
