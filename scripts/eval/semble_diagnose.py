#!/usr/bin/env python3
"""Why codesearch misses on semble's benchmark: counts, not anecdotes (issue 13).

    python3 scripts/eval/semble_diagnose.py --label baseline [--repos ... --work ... --bin ...]

Reads WORK/results-LABEL-{hybrid,dense,lexical}.jsonl written by scripts/eval-semble,
lists every unit with `codesearch functions --json`, searches every query once more
with -n 200 (hybrid) to see how deep the targets are, and prints:
  - where the first target of each query lands (1, 2-10, 11-50, 51-200, nowhere);
  - targets whose file holds no unit at all, or whose symbol is a type, not a function;
  - slots of the first 10 spent on tests, examples, docs and benchmarks;
  - slots spent on one file; distinct files in the first 10;
  - fusion against its parts, per category;
  - queries whose words name the target's file, and how often that file is missed;
  - Go units whose declaration line is no top-level `func` (function literals).
"""
import argparse
import json
import math
import os
import re
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import semble_bench as bench  # noqa: E402
from semble_run import functions, search  # noqa: E402

AUXILIARY = re.compile(r"(_test\.go$|(^|/)_?examples?/|(^|/)tests?/|(^|/)testdata/|(^|/)docs?/|(^|/)bench|"
                       r"(^|/)test_[^/]*\.py$|conftest\.py$|_test\.py$|Tests?/)")
TYPE_DECLARATION = r"^\s*(?:(?:public|open|internal|final|private)\s+)*(?:class|struct|enum|protocol|actor|extension|type)\s+{}\b"


def target_path(t):
    return t if isinstance(t, str) else t["path"]


def words(text):
    """Lower-case words of three letters or more of a query or a file stem, CamelCase
    and snake_case split, a plural `s` dropped (so `handlers` meets `handler.go`)."""
    out = set()
    for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", text.replace("_", " ")):
        w = w.lower()
        if len(w) < 3:
            continue
        out.add(w[:-1] if len(w) > 3 and w.endswith("s") else w)
    return out


def first_rank(results, targets):
    ranks = [r for r in (bench.target_rank(results, t) for t in targets) if r]
    return min(ranks) if ranks else None


def deep_rank(results, targets):
    for i, r in enumerate(results):
        if any(bench.same_path(r["path"], target_path(t)) for t in targets):
            return i + 1
    return None


def report_depth(queries, deep):
    buckets = Counter()
    for q, results in zip(queries, deep):
        rank = deep_rank(results, q["targets"])
        buckets["1" if rank == 1 else "2-10" if rank and rank <= 10 else "11-50" if rank and rank <= 50
                else "51-200" if rank else "not in 200"] += 1
    print("first target file (any unit, lines ignored) in hybrid's first 200: " +
          ", ".join(f"{k}: {buckets[k]}" for k in ("1", "2-10", "11-50", "51-200", "not in 200")))


def report_units(a, repos, queries, scores, deep_of):
    units, source = {}, {}
    for repo in repos:
        units[repo["name"]] = functions(a, repo)
    no_unit, type_symbol, function_symbol = [], [], []
    for q, s in zip(queries, scores):
        relevant = [target_path(t) for t in q["relevant"]]
        if all(not units[q["repo"]].get(p) for p in relevant):
            no_unit.append((q, s))
        if q["category"] == "symbol":
            name = q["query"].split(".")[-1]
            path = os.path.join(a.repos, q["repo"], relevant[0])
            text = source.setdefault(path, open(path, errors="replace").read() if os.path.exists(path) else "")
            if re.search(TYPE_DECLARATION.format(re.escape(name)), text, re.M):
                type_symbol.append((q, s))
            else:
                function_symbol.append((q, s))
    ceiling, unreachable = [], []
    for q in queries:
        reachable = 0
        for t in q["targets"]:
            spans = [{"path": p, "start_line": u["declarationLine"], "end_line": u["lastLine"]}
                     for p, us in units[q["repo"]].items() for u in us]
            if any(bench.target_rank([x], t) for x in spans):
                reachable += 1
            else:
                unreachable.append(t)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(bench.K, len(q["targets"]))))
        ceiling.append(sum(1 / math.log2(i + 2) for i in range(min(bench.K, reachable))) / ideal)
    print(f"targets no unit can hit (no unit in the file, or none overlapping the span): {len(unreachable)} "
          f"({'; '.join(map(str, unreachable))}); NDCG@10 ceiling with today's units: {bench.mean(ceiling):.3f}")
    total = sum(len(v) for u in units.values() for v in u.values())
    files = sum(len(u) for u in units.values())
    print(f"units listed: {total} in {files} files")
    print(f"queries whose relevant files hold no unit: {len(no_unit)} (mean NDCG {bench.mean([s for _, s in no_unit]):.3f})"
          + "".join(f"\n    {q['repo']}: {q['query']!r} -> {', '.join(map(target_path, q['relevant']))}" for q, _ in no_unit))
    ranks = Counter()
    for q, _ in type_symbol:
        rank = deep_rank(deep_of[(q["repo"], q["query"])], q["relevant"])
        ranks["1" if rank == 1 else "2-10" if rank and rank <= 10 else "later"] += 1
    print(f"type-symbol queries, relevant file's first unit at: " + ", ".join(f"{k} {ranks[k]}" for k in ("1", "2-10", "later")))
    print(f"symbol queries naming a type: {len(type_symbol)} (mean NDCG {bench.mean([s for _, s in type_symbol]):.3f}); "
          f"naming a function or other: {len(function_symbol)} (mean {bench.mean([s for _, s in function_symbol]):.3f})")
    return units


def report_slots(queries, results, scores):
    auxiliary = sum(1 for r in results for h in r if AUXILIARY.search(h["path"]))
    slots = sum(len(r) for r in results)
    top3 = sum(1 for r in results if any(AUXILIARY.search(h["path"]) for h in r[:3]))
    top1 = sum(1 for r in results if r and AUXILIARY.search(r[0]["path"]))
    print(f"slots on tests/examples/docs/benchmarks: {auxiliary} of {slots}; such a file first on {top1} queries, "
          f"in the first 3 on {top3} of {len(queries)}")
    distinct = [len({h["path"] for h in r}) for r in results]
    crowded = 0
    for q, r in zip(queries, results):
        per_file = Counter(h["path"] for h in r)
        if any(n >= 3 and not any(bench.same_path(p, target_path(t)) for t in q["targets"]) for p, n in per_file.items()):
            crowded += 1
    most = Counter(max(Counter(h["path"] for h in r).values()) for r in results if r)
    print(f"distinct files in the first 10: mean {bench.mean(distinct):.1f}; most slots taken by one file: "
          + ", ".join(f"{k}: {most[k]}" for k in sorted(most)) + f"; a non-target file with 3+ slots on {crowded} queries")
    repeated = 0
    for q, r in zip(queries, results):
        hit_paths = [h["path"] for h in r if any(bench.same_path(h["path"], target_path(t)) for t in q["targets"])]
        repeated += max(0, len(hit_paths) - len(set(hit_paths)))
    multi = [(q, r) for q, r in zip(queries, results) if len(q["targets"]) > 1]
    partial = sum(1 for q, r in multi if 0 < sum(bench.target_rank(r, t) is not None for t in q["targets"]) < len(q["targets"]))
    print(f"slots on a target file already hit higher up (no gain): {repeated}; "
          f"queries with several targets: {len(multi)}, some but not all of them in the first 10: {partial}")


def report_fusion(queries, by_mode):
    per_category = defaultdict(Counter)
    for i, q in enumerate(queries):
        h, d, l = (by_mode[m][i] for m in ("hybrid", "dense", "lexical"))
        best = max(d, l)
        key = "below" if h < best - 1e-9 else "above" if h > best + 1e-9 else "equal"
        per_category[q["category"]][key] += 1
        per_category["all"][key] += 1
        winner = "dense" if d > l + 1e-9 else "lexical" if l > d + 1e-9 else "tie"
        per_category["all"]["best part " + winner] += 1
    for cat, c in sorted(per_category.items()):
        print(f"fusion vs the better part, {cat}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))


def report_file_names(queries, results, scores):
    named, missed, not_first = [], 0, 0
    for q, r, s in zip(queries, results, scores):
        stems = set()
        for t in q["relevant"]:
            stems |= words(os.path.splitext(os.path.basename(target_path(t)))[0])
        if words(q["query"]) & stems:
            named.append(s)
            rank = first_rank(r, q["relevant"])
            missed += rank is None
            not_first += rank != 1
    print(f"queries naming the relevant file's stem: {len(named)} (mean NDCG {bench.mean(named):.3f}); "
          f"relevant file not in the first 10 on {missed}, not first on {not_first}")


def report_go_units(a, units, repos):
    """A Go unit is real when its declaration line starts with `func` in column 1 (gofmt
    puts every top-level declaration there); the rest are function literals or func
    types read as declarations. A real one is cut short when it ends on its own line
    while that line does not close its body."""
    for repo in repos:
        if repo["language"] != "go":
            continue
        total, phantom, cut, names, cut_files = 0, 0, 0, Counter(), set()
        for path, us in units[repo["name"]].items():
            lines = open(os.path.join(a.repos, repo["name"], path), errors="replace").read().split("\n")
            for u in us:
                total += 1
                line = lines[u["declarationLine"] - 1]
                if u["declarationColumn"] != 1 or not line.startswith("func"):
                    phantom += 1
                    names[u["qualifiedName"]] += 1
                elif u["lastLine"] == u["declarationLine"] and not line.rstrip().endswith("}"):
                    cut += 1
                    cut_files.add(path)
        print(f"{repo['name']}: {total} Go units; {phantom} not a top-level func declaration"
              + (f" (most common names: {', '.join(f'{n} {c}' for n, c in names.most_common(6))})" if phantom else "")
              + f"; {cut} top-level funcs cut to their first line, in {len(cut_files)} files")


def report_simulations(queries, deep):
    """NDCG@10 of hybrid's first 200 reordered by simple rules, to size what a rule
    could bring before it is built (an estimate: the product's rule may differ)."""
    def score(transform):
        return bench.mean([bench.ndcg10(transform(r), q["targets"]) for q, r in zip(queries, deep)])

    def one_per_file(r):
        seen, out = set(), []
        for h in r:
            if h["path"] not in seen:
                seen.add(h["path"])
                out.append(h)
        return out

    def no_auxiliary(r):
        return [h for h in r if not AUXILIARY.search(h["path"])] or r

    go = [i for i, q in enumerate(queries) if q["language"] == "go"]
    aux_go = sum(1 for i in go for h in deep[i][:bench.K] if AUXILIARY.search(h["path"]))
    print(f"Go: {aux_go} of {len(go) * bench.K} first-10 slots on tests/examples/testdata")
    rules = [("as is", lambda r: r), ("one unit per file", one_per_file), ("tests/examples/docs dropped", no_auxiliary),
             ("both", lambda r: one_per_file(no_auxiliary(r)))]
    print("hybrid's first 200 reordered: " + "; ".join(f"{name} {score(rule):.3f}" for name, rule in rules))
    for lang in sorted({q["language"] for q in queries}):
        subset = [i for i, q in enumerate(queries) if q["language"] == lang]
        print(f"  {lang}: " + "; ".join(
            f"{name} {bench.mean([bench.ndcg10(rule(deep[i]), queries[i]['targets']) for i in subset]):.3f}"
            for name, rule in rules))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--repos", default="/work/bench-repos")
    ap.add_argument("--bin", default=".build/release/codesearch")
    ap.add_argument("--work", default="/work/semble-work")
    ap.add_argument("--bench", default=os.path.join(here, "../../../shared/bench/semble"))
    ap.add_argument("--label", default="run")
    a = ap.parse_args()
    a.bin, a.bench = os.path.abspath(a.bin), os.path.abspath(a.bench)
    repos, queries = bench.load(a.bench)
    by_mode, results = {}, {}
    for mode in ("hybrid", "dense", "lexical"):
        got = {(r["repo"], r["query"]): r["results"]
               for r in map(json.loads, open(os.path.join(a.work, f"results-{a.label}-{mode}.jsonl")))}
        results[mode] = [got[(q["repo"], q["query"])] for q in queries]
        by_mode[mode] = [bench.ndcg10(r, q["targets"]) for q, r in zip(queries, results[mode])]
    deep = []
    for repo in repos:
        deep += search(a, repo, [q for q in queries if q["repo"] == repo["name"]], "hybrid", 200)
    scores = by_mode["hybrid"]
    print(f"hybrid NDCG@10 {bench.mean(scores):.3f} over {len(queries)} queries; "
          f"{sum(s == 0 for s in scores)} score 0, {sum(s < 0.5 for s in scores)} below 0.5")
    report_depth(queries, deep)
    deep_of = {(q["repo"], q["query"]): r for q, r in zip(queries, deep)}
    units = report_units(a, repos, queries, scores, deep_of)
    report_slots(queries, results["hybrid"], scores)
    report_fusion(queries, by_mode)
    report_file_names(queries, results["hybrid"], scores)
    report_go_units(a, units, repos)
    report_simulations(queries, deep)


if __name__ == "__main__":
    main()
