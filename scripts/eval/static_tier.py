#!/usr/bin/env python3
"""Issue 14, item 4: does a model2vec-style static tier pay? A measurement, not product code.

    python3 -m venv --system-site-packages VENV && VENV/bin/pip install tokenizers   # numpy too
    VENV/bin/python scripts/eval/static_tier.py [--bin .build/release/codesearch] \
        [--work /work/static-tier] [--indexes /work/semble-work] [--repos /work/bench-repos]

Needs the release binary, the model in the user cache, the six repositories cloned at their
pinned revisions (--repos) and the product's indexes of them (--indexes, made by
scripts/eval-semble); every search runs with --no-update, so nothing is re-indexed.

1. Token table: every vocabulary token of the installed model (all-MiniLM-L6-v2, minus
   [unused*]) through the real encoder, `codesearch embed` (500 texts per call). The binary
   only takes text, so a continuation piece "##ing" is embedded as the text "ing" (model2vec
   feeds the token id itself, between [SEP] and [CLS]); the vectors are the binary's pooled,
   L2-normalised output. Cached in WORK/cache/token_raw.npy.
2. Distillation as model2vec describes it: optional PCA (256 dims, or none: 384), then SIF
   weighting with Zipf-estimated frequencies by vocabulary rank, sif / (sif + p(rank)),
   sif = 1e-4. A text's static vector = mean of its word pieces' rows (the model's own
   tokenizer.json, no truncation, no special tokens, [UNK] dropped), L2-normalised.
3. Units: `codesearch functions --kind all --json` over each benchmark root (--include
   /ROOT, as scripts/eval/semble_run.py scopes it); a unit's text is the file's bytes
   [byteStart, byteEnd), a module unit's capped at 4096 bytes.
4. Rankings, scored with semble's "chunk" protocol (scripts/eval/semble_bench.py, cross-
   checked query by query against the benchmark's score.py):
   lexical  the product's `search --mode lexical --no-update -n 10` (semble_run.search),
   static   static cosine over all units of the root,
   fused    the product's lexical top 100 (with its scores) plus the static top 100:
            each min-max normalised over its own list (a unit absent from the lexical
            list gets lexical 0; every candidate's static cosine is known, clipped to
            [0, 1] after normalisation), fused = (1 - alpha) * lexical + alpha * static,
            one hit per path:line, the first 10. Candidates are merged by unit: a hit
            prints its declaration line, `functions` the first (decorator) line, so hits
            map to units by (path, qualifiedName, lastLine). alpha is chosen on the
            tune half (0.3/0.5/0.7 as the issue's brief, also 0.1/0.2); the held-out
            half is the figure.
   rerank   the same with the lexical top 100 only (no static-only candidates).
   hybrid   the product's `--mode hybrid` (real dense vectors), for reference.
Writes WORK/static_tier_results.json and prints the tables and timings: the token table's
build time, distillation, tokenising and pooling rates (units/s), and the real encoder's
units/s on 200 of the same units.

Measured 2026-12 (issue 14 item 4): no variant beats lexical alone; see the commit message.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)  # scripts/eval: semble_bench, semble_run
import semble_bench as bench  # noqa: E402
from semble_run import root_flags, scope, search  # noqa: E402

MODEL = os.path.expanduser("~/.cache/codesearch/models/all-MiniLM-L6-v2")
MODULE_CAP = 4096
CANDIDATES = 100
ALPHAS = (0.1, 0.2, 0.3, 0.5, 0.7)  # the brief's grid is 0.3/0.5/0.7; 0.1 and 0.2 explore below it
BRIEF_ALPHAS = (0.3, 0.5, 0.7)
SIF = 1e-4


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repos", default="/work/bench-repos")
    ap.add_argument("--work", default="/work/static-tier", help="caches and results (not the indexes)")
    ap.add_argument("--indexes", default="/work/semble-work", help="the product's indexes, WORK/NAME")
    ap.add_argument("--bin", default=".build/release/codesearch", help="the codesearch binary")
    ap.add_argument("--bench", default=os.path.join(HERE, "../../../shared/bench/semble"))
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--threads", default="2", help="encoder threads for the token table")
    a = ap.parse_args()
    a.bench = os.path.abspath(a.bench)
    a.bin = os.path.abspath(a.bin)
    if not os.access(a.bin, os.X_OK):
        ap.error(f"--bin {a.bin} is not an executable")
    os.makedirs(os.path.join(a.work, "cache"), exist_ok=True)
    return a


# ---------------------------------------------------------------- token table

def vocabulary(model):
    vocab = open(os.path.join(model, "vocab.txt"), encoding="utf-8").read().split("\n")
    if vocab and vocab[-1] == "":
        vocab.pop()
    return vocab


def token_table(a):
    """(ids, raw vectors, build seconds): every non-[unused] token through `codesearch embed`."""
    cache = os.path.join(a.work, "cache")
    paths = [os.path.join(cache, n) for n in ("token_ids.npy", "token_raw.npy", "table_time.json")]
    if all(os.path.exists(p) for p in paths):
        return np.load(paths[0]), np.load(paths[1]), json.load(open(paths[2]))["seconds"]
    vocab = vocabulary(a.model)
    ids = [i for i, t in enumerate(vocab) if not (t.startswith("[unused") and t.endswith("]"))]
    texts = [vocab[i][2:] if vocab[i].startswith("##") and len(vocab[i]) > 2 else vocab[i] for i in ids]
    out, start = [], time.time()
    for s in range(0, len(texts), 500):
        batch = texts[s:s + 500]
        run = subprocess.run(["nice", "-n", "10", a.bin, "embed", "--threads", a.threads],
                             input="".join(json.dumps(t) + "\n" for t in batch), capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"static_tier: embed failed:\n{run.stderr}")
        vectors = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
        if len(vectors) != len(batch):
            sys.exit(f"static_tier: {len(vectors)} vectors for {len(batch)} texts")
        out.extend(vectors)
    seconds = time.time() - start
    np.save(paths[0], np.asarray(ids))
    np.save(paths[1], np.asarray(out, dtype=np.float32))
    json.dump({"tokens": len(ids), "seconds": seconds, "threads": a.threads}, open(paths[2], "w"))
    return np.load(paths[0]), np.load(paths[1]), seconds


def distil(raw, pca_dims, sif=SIF):
    """model2vec's post-processing: PCA (None: keep all dims, no rotation), then SIF weights
    from Zipf frequencies by rank (the table's row order = vocabulary order)."""
    x = raw.astype(np.float64)
    if pca_dims is not None:
        x = x - x.mean(0)
        _, _, vt = np.linalg.svd(x, full_matrices=False)
        x = x @ vt[:pca_dims].T
    if sif is not None:
        inv_rank = 1.0 / np.arange(2, x.shape[0] + 2)
        p = inv_rank / inv_rank.sum()
        x = x * (sif / (sif + p))[:, None]
    return x.astype(np.float32)


class Static:
    def __init__(self, model, ids, table):
        from tokenizers import Tokenizer
        self.tok = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
        self.tok.no_truncation()
        self.tok.no_padding()
        vocab = vocabulary(model)
        self.row = np.full(len(vocab), -1, dtype=np.int64)
        self.row[ids] = np.arange(len(ids))
        self.row[vocab.index("[UNK]")] = -1
        self.table = table

    def tokenize(self, texts):
        rows = []
        for enc in self.tok.encode_batch(texts, add_special_tokens=False):
            r = self.row[np.asarray(enc.ids, dtype=np.int64)] if enc.ids else np.zeros(0, dtype=np.int64)
            rows.append(r[r >= 0])
        return rows

    def pool(self, rows):
        """Mean of the rows' vectors, L2-normalised: per text, token counts @ the distinct rows."""
        out = np.zeros((len(rows), self.table.shape[1]), dtype=np.float32)
        for i, r in enumerate(rows):
            if len(r):
                distinct, counts = np.unique(r, return_counts=True)
                out[i] = counts.astype(np.float32) @ self.table[distinct] / len(r)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def encoder_rate(a, texts, n=200):
    """Units/s of the real encoder (`codesearch embed`, --threads A.THREADS) on the first n texts
    of a fixed shuffle, for comparison with the static path."""
    sample = [texts[i] for i in np.random.default_rng(0).permutation(len(texts))[:n]]
    start = time.time()
    run = subprocess.run([a.bin, "embed", "--threads", a.threads],
                         input="".join(json.dumps(t) + "\n" for t in sample), capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"static_tier: embed failed:\n{run.stderr}")
    return len(sample) / (time.time() - start)


# ---------------------------------------------------------------- the product

def search_scored(product, repo, queries, mode, limit):
    """semble_run.search (same binary, flags and scope); each hit carries its score."""
    return search(product, repo, queries, mode, limit)


def units_of(a, repo):
    run = subprocess.run([a.bin, "functions", "--json", "--kind", "all"] + root_flags(a, repo),
                         capture_output=True, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"static_tier: functions in {repo['name']} failed:\n{run.stderr}")
    units, seen = [], set()
    for line in run.stdout.splitlines():
        m = json.loads(line)
        if m["type"] != "function":
            continue
        d = m["data"]
        key = (d["path"], d["firstLine"])
        if key in seen:  # one hit per path:line, as the fusion keeps them
            continue
        seen.add(key)
        units.append(d)
    return units


def unit_texts(a, repo, units):
    texts, files = [], {}
    for u in units:
        if u["path"] not in files:
            files[u["path"]] = open(os.path.join(a.repos, repo["name"], u["path"]), "rb").read()
        body = files[u["path"]][u["byteStart"]:u["byteEnd"]]
        if u["kind"] == "module":
            body = body[:MODULE_CAP]
        texts.append(body.decode("utf-8", "replace"))
    return texts


# ---------------------------------------------------------------- rankings

def hit_text(a, repo, hit):
    lines = open(os.path.join(a.repos, repo["name"], hit["path"]), encoding="utf-8", errors="replace").read().split("\n")
    return "\n".join(lines[hit["start_line"] - 1:hit["end_line"]])[:MODULE_CAP]


def minmax(x):
    x = np.asarray(x, dtype=np.float64)
    span = x.max() - x.min() if len(x) else 0
    return (x - x.min()) / span if span > 0 else np.ones_like(x)


def static_ranking(units, cos, k):
    order = np.argsort(-cos)[:k]
    return [{"path": units[i]["path"], "start_line": units[i]["firstLine"], "end_line": units[i]["lastLine"],
             "score": float(cos[i]), "unit": int(i)} for i in order]


def unit_index(units):
    """A product hit -> its unit. The hit prints the declaration line (after decorators and
    attributes; a module after its header), `functions` the first line, so the key is
    (path, qualifiedName, lastLine), then (path, lastLine) of a unit spanning the hit."""
    exact, by_end = {}, {}
    for i, u in enumerate(units):
        exact.setdefault((u["path"], u["qualifiedName"], u["lastLine"]), i)
        by_end.setdefault((u["path"], u["lastLine"]), []).append(i)

    def find(hit):
        i = exact.get((hit["path"], hit.get("name"), hit["end_line"]))
        if i is None:
            spanning = [j for j in by_end.get((hit["path"], hit["end_line"]), [])
                        if units[j]["firstLine"] <= hit["start_line"]]
            i = spanning[-1] if spanning else None
        return i
    return find


def fuse(lexical, lex_units, lex_cos, static, cos, alpha, lexical_only=False):
    """lexical: the product's ranked hits with scores, lex_units their units (or None) and
    lex_cos their static cosines; static: the static ranking; cos: every unit's cosine.
    Candidates are merged by unit; the output keeps one hit per path:line."""
    cand = {}
    lex_norm = minmax([h["score"] for h in lexical]) if lexical else []
    for h, u, c, s in zip(lexical, lex_units, lex_cos, lex_norm):
        cand.setdefault(u if u is not None else (h["path"], h["start_line"]), [h, s, c])
    if not lexical_only:
        for h in static:
            cand.setdefault(h["unit"], [h, 0.0, h["score"]])
    lo, hi = (min(h["score"] for h in static), max(h["score"] for h in static)) if static else (0, 1)
    ranked = sorted(cand.values(), key=lambda t: -((1 - alpha) * t[1] + alpha * float(np.clip((t[2] - lo) / (hi - lo), 0, 1))))
    out, seen = [], set()
    for h, _, _ in ranked:
        if (h["path"], h["start_line"]) in seen:
            continue
        seen.add((h["path"], h["start_line"]))
        out.append(h)
        if len(out) == bench.K:
            break
    return out


def score(queries, results, reference):
    scores = []
    for q, r in zip(queries, results):
        s = bench.ndcg10(r, q["targets"])
        if abs(reference.ndcg10(r, q["targets"]) - s) > 1e-9:
            sys.exit(f"static_tier: scorers disagree on {q['query']!r}")
        scores.append(s)
    return scores


def table_row(queries, scores):
    rows = dict((label, m) for label, _, m in bench.breakdown(queries, scores))
    return {k: rows[k] for k in ("overall", "language go", "language python", "language swift",
                                 "half tune", "half held-out")}


def main():
    a = parse_args()
    repos, queries = bench.load(a.bench)
    reference = bench.load_reference(a.bench)
    by_repo = {r["name"]: [q for q in queries if q["repo"] == r["name"]] for r in repos}
    order = [q for r in repos for q in by_repo[r["name"]]]  # queries grouped by repo

    ids, raw, table_seconds = token_table(a)
    print(f"token table: {len(ids)} tokens through `codesearch embed` in {table_seconds:.1f} s "
          f"({len(ids) / table_seconds:.0f} tokens/s)")

    # The product: lexical (semble_run.search, exactly as scripts/eval-semble), lexical top 100
    # with scores, hybrid for reference. `search` needs a.work = the index folder.
    product = argparse.Namespace(repos=a.repos, work=a.indexes, bin=a.bin)
    prod = {}
    for r in repos:
        qs = by_repo[r["name"]]
        lex10 = search(product, r, qs, "lexical", bench.K)
        lex100 = search_scored(product, r, qs, "lexical", CANDIDATES)
        for x, y in zip(lex10, lex100):
            assert [(h["path"], h["start_line"]) for h in x] == [(h["path"], h["start_line"]) for h in y[:bench.K]]
        hyb = search(product, r, qs, "hybrid", bench.K)
        prod[r["name"]] = {"lex10": lex10, "lex100": lex100, "hybrid": hyb}

    # Units and their texts.
    units, texts = {}, {}
    for r in repos:
        units[r["name"]] = units_of(product, r)
        texts[r["name"]] = unit_texts(a, r, units[r["name"]])
    n_units = sum(len(u) for u in units.values())
    print(f"units: {n_units} over six roots")

    variants = {"pca256+sif": (256, SIF), "384+sif": (None, SIF), "pca256 no-sif": (256, None)}
    results = {"lexical": [h for r in repos for h in prod[r["name"]]["lex10"]],
               "hybrid": [h for r in repos for h in prod[r["name"]]["hybrid"]]}
    timings = {"table_seconds": table_seconds, "tokens": int(len(ids))}
    for name, (dims, sif) in variants.items():
        t = time.time()
        table = distil(raw, dims, sif)
        timings[f"distil {name} s"] = time.time() - t
        st = Static(a.model, ids, table)
        all_texts = [t for r in repos for t in texts[r["name"]]]
        t = time.time()
        rows = st.tokenize(all_texts)
        t_tok = time.time() - t
        t = time.time()
        st.pool(rows)
        t_pool = time.time() - t
        timings["unit tokens"] = int(sum(len(r) for r in rows))
        timings[f"{name}: tokenize units/s"] = n_units / t_tok
        timings[f"{name}: pool units/s"] = n_units / t_pool
        timings[f"{name}: both units/s"] = n_units / (t_tok + t_pool)
        static_res, fused, matched = [], {al: [] for al in ALPHAS}, [0, 0]
        rerank = {al: [] for al in ALPHAS}
        for r in repos:
            uv = st.pool(st.tokenize(texts[r["name"]]))
            find = unit_index(units[r["name"]])
            qv = st.pool(st.tokenize([q["query"] for q in by_repo[r["name"]]]))
            for qi in range(len(qv)):
                cos = uv @ qv[qi]
                sr = static_ranking(units[r["name"]], cos, CANDIDATES)
                static_res.append(sr[:bench.K])
                lex = prod[r["name"]]["lex100"][qi]
                lex_units = [find(h) for h in lex]
                # A hit that is no listed unit: the static vector of its own lines.
                lex_cos = [float(cos[u]) if u is not None else
                           float(st.pool(st.tokenize([hit_text(a, r, h)]))[0] @ qv[qi]) for h, u in zip(lex, lex_units)]
                matched[0] += sum(u is not None for u in lex_units)
                matched[1] += len(lex_units)
                for al in ALPHAS:
                    fused[al].append(fuse(lex, lex_units, lex_cos, sr, cos, al))
                    rerank[al].append(fuse(lex, lex_units, lex_cos, sr, cos, al, lexical_only=True))
        results[f"static {name}"] = static_res
        print(f"{name}: {matched[0]} of {matched[1]} lexical candidates matched to a listed unit")
        for al in ALPHAS:
            results[f"lex+static {name} a={al}"] = fused[al]
            results[f"lex rerank {name} a={al}"] = rerank[al]

    timings["encoder units/s (200-unit sample)"] = encoder_rate(a, [t for r in repos for t in texts[r["name"]]])
    table = {}
    for label, res in results.items():
        table[label] = table_row(order, score(order, res, reference))
    cols = ("overall", "language go", "language python", "language swift", "half tune", "half held-out")
    print(f"\n{'ranking':38s}" + "".join(f"{c.replace('language ', ''):>10s}" for c in cols))
    for label, row in table.items():
        print(f"{label:38s}" + "".join(f"{row[c]:10.4f}" for c in cols))
    for kind in ("lex+static", "lex rerank"):
        for name, grid in ((n, g) for n in variants for g in (BRIEF_ALPHAS, ALPHAS)):
            best = max(grid, key=lambda al: (table[f"{kind} {name} a={al}"]["half tune"], -al))
            row = table[f"{kind} {name} a={best}"]
            print(f"{kind} {name}, grid {grid}: alpha {best} chosen on tune ({row['half tune']:.4f}); held-out "
                  f"{row['half held-out']:.4f} vs lexical {table['lexical']['half held-out']:.4f} "
                  f"(delta {row['half held-out'] - table['lexical']['half held-out']:+.4f})")
    print("timings:", json.dumps(timings, indent=1))
    json.dump({"table": table, "timings": timings, "results": {k: v for k, v in results.items()}},
              open(os.path.join(a.work, "static_tier_results.json"), "w"))


if __name__ == "__main__":
    main()
