#!/usr/bin/env python3
"""End to end: commits the stripped corpus in a temporary git repository,
runs the real `codesearch index`, then `codesearch search --json` (batched
with the hidden --queries flag) for every query in each --mode, and reports
MRR@10 and Recall@1/5/10 per language and overall."""
import argparse, json, os, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
from common import metrics


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="eval", GIT_AUTHOR_EMAIL="eval@example.com",
               GIT_COMMITTER_NAME="eval", GIT_COMMITTER_EMAIL="eval@example.com",
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")
    subprocess.run(["git", "-C", repo] + list(args), check=True, env=env, capture_output=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/codesearch-eval")
    ap.add_argument("--binary", default=".build/release/codesearch")
    ap.add_argument("--modes", default="dense,lexical,hybrid")
    ap.add_argument("--repo", default=None, help="reuse this repository (default: a new one under --data)")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    repo = a.repo or os.path.join(a.data, "repo")
    if not os.path.exists(os.path.join(repo, ".git")):
        subprocess.run(["cp", "-r", os.path.join(a.data, "corpus"), repo], check=True)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "stripped corpus")
    start = time.time()
    subprocess.run([binary, "index", "--repo", repo, "--quiet"], check=True)
    print(f"indexed in {time.time() - start:.0f} s", file=sys.stderr)
    queries = [json.loads(l) for l in open(os.path.join(a.data, "queries.jsonl"))]
    qfile = os.path.join(a.data, "queries.txt")
    with open(qfile, "w") as f:
        for q in queries:
            f.write(q["query"].replace("\n", " ") + "\n")
    results = {}
    for mode in a.modes.split(","):
        r = subprocess.run([binary, "search", "--repo", repo, "--no-update", "--json", "-n", "10", "--mode", mode,
                            "--queries", qfile], check=True, capture_output=True, text=True)
        per_query, hits = [], []
        for line in r.stdout.splitlines():
            m = json.loads(line)
            if m["type"] == "hit":
                hits.append(m["data"])
            elif m["type"] == "summary":
                per_query.append(hits)
                hits = []
        assert len(per_query) == len(queries), (len(per_query), len(queries))
        ranks = []
        for q, hs in zip(queries, per_query):
            rank = next((i + 1 for i, h in enumerate(hs)
                         if h["path"] == q["path"] and h["qualifiedName"] == q["qualifiedName"]), None)
            ranks.append(rank)
        row = {lang: metrics([r for r, q in zip(ranks, queries) if q["lang"] == lang]) for lang in ("python", "swift")}
        row["overall"] = metrics(ranks)
        results[mode] = row
        print(f"{mode:8s} " + "  ".join(
            f"{k}: MRR@10 {row[k]['MRR@10']:.3f} R@1 {row[k]['R@1']:.3f} R@5 {row[k]['R@5']:.3f} R@10 {row[k]['R@10']:.3f}"
            for k in ("python", "swift", "overall")), flush=True)
    if a.out:
        json.dump(results, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
