#!/usr/bin/env python3
"""Compares embedded-text variants, BM25, fusion methods and path priors on the
cached embeddings (a model of the product, fast to iterate); the final numbers
come from scripts/eval/run_product.py, which runs the real binary."""
import argparse, collections, json, math, os, re, sys
import numpy as np
sys.path.insert(0, os.path.dirname(__file__))
from common import EmbeddingCache, function_text, metrics, split_identifier, IDENT

STOP = set("a an the of to in on for from by with and or is are be as at it its this that into if "
           "not no all any each when which whether then than given return returns".split())
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+")


def terms(text):
    """Identifier-aware terms (mirrors LexicalTerms.swift): identifiers split into
    lower-case words, light plural folding, stop words and 1-letter words dropped."""
    out = []
    for m in WORD.finditer(text):
        for p in split_identifier(m.group(0)):
            if len(p) < 2 or p in STOP:
                continue
            if len(p) > 3 and p.endswith("s") and not p.endswith("ss"):
                p = p[:-1]
            out.append(p)
    return out


class BM25:
    """Mirrors LexicalRanker.swift: df and lengths from the stored bags; the
    path's terms add to a function's term counts at query time."""
    def __init__(self, docs, paths=None, k1=1.2, b=0.75):
        self.k1, self.b = k1, b
        self.paths = [collections.Counter(terms(p)) for p in paths] if paths else None
        self.tf = [collections.Counter(d) for d in docs]
        self.len = np.array([len(d) for d in docs], dtype=np.float64)
        self.avg = self.len.mean()
        df = collections.Counter(t for c in self.tf for t in c)
        n = len(docs)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.post = collections.defaultdict(list)
        for i, c in enumerate(self.tf):
            for t, f in c.items():
                self.post[t].append((i, f))

    def scores(self, query_terms):
        s = np.zeros(len(self.tf))
        norm = self.k1 * (1 - self.b + self.b * self.len / self.avg)
        n = len(self.tf)
        for t in set(query_terms):
            f = np.zeros(n)
            post = self.post.get(t, [])
            if post:
                ids, c = zip(*post)
                f[np.array(ids)] = c
            if self.paths:
                f += np.array([p.get(t, 0) for p in self.paths])
            df = len(post)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            s += np.where(f > 0, idf * f * (self.k1 + 1) / (f + norm), 0)
        return s


def ranks_of(score_matrix, gold):
    out = []
    for q, g in enumerate(gold):
        s = score_matrix[q]
        best = s[g].max()
        r = int((s > best).sum()) + 1
        out.append(r if r <= 10 else None)
    return out


def report(name, ranks, langs, table):
    row = {"variant": name}
    for lang in ("python", "swift"):
        row[lang] = metrics([r for r, l in zip(ranks, langs) if l == lang])
    row["overall"] = metrics(ranks)
    table.append(row)
    print(f"{name:42s} " + "  ".join(f"{k}: MRR {row[k]['MRR@10']:.3f} R1 {row[k]['R@1']:.3f} R5 {row[k]['R@5']:.3f} "
                                      f"R10 {row[k]['R@10']:.3f}" for k in ("python", "swift", "overall")), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/codesearch-eval")
    ap.add_argument("--binary", default=".build/release/codesearch")
    ap.add_argument("--variants", default="raw,raw+split,header,header+split")
    ap.add_argument("--fusion-variant", default="header+split")
    ap.add_argument("--out", default=None)
    ap.add_argument("--windows", default=None, help="variant to try windows on")
    a = ap.parse_args()
    spans = json.load(open(os.path.join(a.data, "spans.json")))
    queries = [json.loads(l) for l in open(os.path.join(a.data, "queries.jsonl"))]
    cache = EmbeddingCache(os.path.join(a.data, "embeddings.pkl"), a.binary)
    where = collections.defaultdict(list)
    for i, s in enumerate(spans):
        where[(s["rel"], s["qualifiedName"])].append(i)
    gold = [np.array(where[(q["path"], q["qualifiedName"])]) for q in queries]
    missing = [q for q, g in zip(queries, gold) if len(g) == 0]
    assert not missing, missing[:3]
    langs = [q["lang"] for q in queries]
    qv = cache.embed([q["query"] for q in queries])
    table = []
    dense = {}
    for v in a.variants.split(","):
        fv = cache.embed([function_text(s, v) for s in spans])
        dense[v] = qv @ fv.T
        report(f"dense {v}", ranks_of(dense[v], gold), langs, table)

    # Long functions: a max over windows' vectors against plain truncation.
    if a.windows:
        from common import token_count, windows, split_text
        v = a.windows
        texts = [function_text(s, v) for s in spans]
        longs = [i for i, n in enumerate(token_count(texts)) if n > 254]
        extra, owner = [], []
        for i in longs:
            header = split_text(spans[i]["qualifiedName"]) if "split" in v else spans[i]["qualifiedName"]
            for w in windows(texts[i], header):
                extra.append(w)
                owner.append(i)
        print(f"  {len(longs)} functions over the window, {len(extra)} extra windows", flush=True)
        wv = qv @ cache.embed(extra).T
        win = dense[v].copy()
        for j, i in enumerate(owner):
            win[:, i] = np.maximum(win[:, i], wv[:, j])
        report(f"dense {v} + windows(max)", ranks_of(win, gold), langs, table)

    # Lexical: function bag = name words (x3, the strongest field) + the text's terms; path terms at query time.
    docs = [terms(s["qualifiedName"]) * 3 + terms(function_text(s, "raw")) for s in spans]
    qterms = [terms(q["query"]) for q in queries]
    report("bm25 (no path field)", ranks_of(np.stack([BM25(docs).scores(t) for t in qterms]), gold), langs, table)
    bm = BM25(docs, [s["rel"] for s in spans])
    lex = np.stack([bm.scores(t) for t in qterms])
    report("bm25", ranks_of(lex, gold), langs, table)

    d = dense[a.fusion_variant]
    n = len(spans)

    def rank_positions(s):
        order = np.argsort(-s, axis=1, kind="stable")
        pos = np.empty_like(order)
        pos[np.arange(len(s))[:, None], order] = np.arange(n)[None, :]
        return pos + 1

    rd, rl = rank_positions(d), rank_positions(lex)
    for k in (10, 60):
        report(f"rrf k={k} ({a.fusion_variant})", ranks_of(1 / (k + rd) + 1 / (k + rl), gold), langs, table)
    lmax = lex.max(axis=1, keepdims=True)
    lnorm = lex / np.where(lmax > 0, lmax, 1)
    report(f"tie-break dense+0.001*bm25", ranks_of(d + 0.001 * lnorm, gold), langs, table)
    # Weighted sum: tuned on even queries, reported on all and on the odd (held-out) half.
    even = np.arange(len(queries)) % 2 == 0
    best = None
    for w in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
        r = ranks_of(d + w * lnorm, gold)
        m = metrics([x for x, e in zip(r, even) if e])["MRR@10"]
        print(f"  weight {w}: tuning-half MRR {m:.3f}", flush=True)
        if best is None or m > best[0]:
            best = (m, w)
    w = best[1]
    fused = d + w * lnorm
    report(f"weighted dense+{w}*bm25/max", ranks_of(fused, gold), langs, table)
    odd = [x for x, e in zip(ranks_of(fused, gold), even) if not e]
    print(f"  held-out half MRR@10 {metrics(odd)['MRR@10']:.3f} vs dense "
          f"{metrics([x for x, e in zip(ranks_of(d, gold), even) if not e])['MRR@10']:.3f}")

    # Path priors at query time.
    test = np.array([bool(re.search(r"(^|/)(tests?|Tests|[^/]*Tests?\.swift|test_[^/]*\.py)($|/)", s["rel"]))
                     for s in spans])
    for p in (0.02, 0.05, 0.1):
        report(f"weighted + test-path penalty {p}", ranks_of(fused - p * test[None, :], gold), langs, table)
    if a.out:
        json.dump({"weight": w, "table": table}, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
