#!/usr/bin/env python3
"""Embeds the queries and every function of the stripped corpus under each text
variant (cached by text hash, so reruns are cheap)."""
import argparse, json, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import EmbeddingCache, scan_corpus, function_text

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="/tmp/codesearch-eval")
ap.add_argument("--binary", default=".build/release/codesearch")
ap.add_argument("--scanner", default=None, help="binary for scan (default --binary)")
ap.add_argument("variants", nargs="+")
a = ap.parse_args()
cache = EmbeddingCache(os.path.join(a.data, "embeddings.pkl"), a.binary)
spans_path = os.path.join(a.data, "spans.json")
if not os.path.exists(spans_path):
    json.dump(scan_corpus(a.scanner or a.binary, os.path.join(a.data, "corpus")), open(spans_path, "w"))
spans = json.load(open(spans_path))
queries = [json.loads(l)["query"] for l in open(os.path.join(a.data, "queries.jsonl"))]
cache.embed(queries)
for v in a.variants:
    texts = [function_text(s, v) for s in spans]
    cache.embed(texts)
    print(f"embedded {v}: {len(texts)} texts", file=sys.stderr, flush=True)
