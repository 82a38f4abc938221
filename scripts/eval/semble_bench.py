"""semble's public benchmark (../shared/bench/semble): loading, the tune/held-out
split, semble's "chunk" scoring and the published figures. No I/O beyond reading
the benchmark folder; scripts/eval-semble runs the binary and prints.

The scoring is written here from the protocol in the benchmark's README (and
score.py's stated path comparison), not imported from score.py, so that score.py
can check it independently."""
import hashlib
import importlib.util
import json
import math
import os
from collections import defaultdict

K = 10
# The published tools printed beside codesearch (names as in published.json).
PEERS = ("semble (hybrid)", "CodeRankEmbed Hybrid")


def load(bench):
    """The repositories (repos.json order) and the queries, each query a dict with
    repo, language, category, query, targets (relevant + secondary) and half."""
    repos = json.load(open(os.path.join(bench, "repos.json")))
    queries = []
    for repo in repos:
        for q in json.load(open(os.path.join(bench, "annotations", repo["name"] + ".json"))):
            queries.append({"repo": repo["name"], "language": repo["language"], "category": q["category"],
                            "query": q["query"], "relevant": q["relevant"], "secondary": q["secondary"],
                            "targets": q["relevant"] + q["secondary"]})
    assign_halves(queries)
    return repos, queries


def assign_halves(queries):
    """Splits the queries into `tune` and `held-out`, balanced by repo and category:
    within each (repo, category) group, in SHA-256 order of the query text, the halves
    alternate; a group of odd size starts with the half that its repo, then its
    category, then the whole split has fewer of so far (tune on a tie). Deterministic;
    depends only on the annotations."""
    groups = defaultdict(list)
    for q in queries:
        groups[(q["repo"], q["category"])].append(q)
    count = defaultdict(int)  # (key, half) -> queries so far

    def imbalance(keys, extra):
        return tuple(abs(count[(k, extra)] + 1 - count[(k, 1 - extra)]) for k in keys)
    for repo, category in sorted(groups):
        members = sorted(groups[(repo, category)], key=lambda q: hashlib.sha256(q["query"].encode()).hexdigest())
        keys = (repo, category, "all")
        start = 0 if len(members) % 2 == 0 else min((0, 1), key=lambda h: (imbalance(keys, h), h))
        for i, q in enumerate(members):
            half = (start + i) % 2
            q["half"] = ("tune", "held-out")[half]
            for k in keys:
                count[(k, half)] += 1


def same_path(result, target):
    """As semble's scorer and score.py compare paths: equal, or one ends with "/" + the
    other (tools print paths from different roots). Lenient: a result `logger.go` hits
    a target `middleware/logger.go`; `suffix_only_hits` counts such cases."""
    return result == target or result.endswith("/" + target) or target.endswith("/" + result)


def target_rank(results, target, same=same_path):
    """1-based rank of the first of the first K results that hits `target` (a path,
    or {"path", "start_line", "end_line"} whose span the result's lines must overlap);
    None when none does."""
    path = target if isinstance(target, str) else target["path"]
    for i, r in enumerate(results[:K]):
        if not same(r["path"], path):
            continue
        if isinstance(target, dict) and target.get("start_line") is not None and target.get("end_line") is not None:
            if r["end_line"] < target["start_line"] or r["start_line"] > target["end_line"]:
                continue
        return i + 1
    return None


def suffix_only_hits(results, targets):
    """Targets found by the lenient path comparison but not by equal paths."""
    equal = lambda a, b: a == b
    return sum(1 for t in targets if target_rank(results, t) is not None and target_rank(results, t, equal) is None)


def ndcg10(results, targets):
    """semble's NDCG@10: gain 1 per target at its first hit (one target per slot),
    ideal over min(K, len(targets)) targets."""
    taken = set()
    for t in targets:
        rank = target_rank(results, t)
        if rank is not None:
            taken.add(rank)
    dcg = sum(1 / math.log2(rank + 1) for rank in taken)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(K, len(targets))))
    return dcg / ideal if ideal else 0.0


def load_reference(bench):
    """The benchmark's own score.py, as a module, for the cross-check."""
    spec = importlib.util.spec_from_file_location("semble_score", os.path.join(bench, "score.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def breakdown(queries, scores):
    """[(label, n, mean)] overall, per language, per category, per repo, per half."""
    rows = [("overall", len(queries), mean(scores))]
    for field in ("language", "category", "repo", "half"):
        keys = sorted({q[field] for q in queries}, key=lambda k: (field == "repo" and repo_order(queries, k), k))
        for key in keys:
            xs = [s for q, s in zip(queries, scores) if q[field] == key]
            rows.append((f"{field} {key}", len(xs), mean(xs)))
    return rows


def repo_order(queries, name):
    return next(i for i, q in enumerate(queries) if q["repo"] == name)


def published(bench, repos):
    """{tool name: {row label: figure}} for PEERS: per repo as published; overall and
    per language as the query-weighted mean of the per-repo figures of `repos` (over
    all six, the README's 0.834 and 0.843); no per-category or per-half figures."""
    data = json.load(open(os.path.join(bench, "published.json")))
    weights = data["queries_per_repo"]
    language = {r["name"]: r["language"] for r in repos}
    out = {}
    for tool in data["tools"]:
        if tool["name"] not in PEERS:
            continue
        figures = {f"repo {name}": value for name, value in tool["repos"].items() if name in language}

        def weighted(names):
            return sum(tool["repos"][n] * weights[n] for n in names) / sum(weights[n] for n in names)
        figures["overall"] = weighted(list(language))
        for lang in sorted(set(language.values())):
            figures[f"language {lang}"] = weighted([n for n in language if language[n] == lang])
        out[tool["name"]] = figures
    return out
