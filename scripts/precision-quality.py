#!/usr/bin/env python3
"""Per-text cosine of each lower precision's vectors to fp32's, over real functions: N units
of each repository given (this repository's Swift, a Python one...), cut from
`codesearch functions --json` spans, embedded by `codesearch embed --precision P`.
Prints min / mean / 1st percentile per precision and per repository (the bar: min >= 0.995,
mean >= 0.999).
Usage: precision-quality.py CODESEARCH N REPO [REPO...]   (env PRECISIONS, default "int8 bf16")"""
import json, os, random, subprocess, sys

import numpy as np

binary, n, repos = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
precisions = os.environ.get("PRECISIONS", "int8 bf16").split()


def units(repo):
    out = subprocess.run([binary, "functions", "--json", "--repo", repo], capture_output=True, text=True, check=True).stdout
    spans = [json.loads(line)["data"] for line in out.splitlines()]
    random.Random(7).shuffle(spans)
    texts = []
    for span in spans:
        try:
            data = open(os.path.join(repo, span["path"]), "rb").read()[span["byteStart"]:span["byteEnd"]]
            texts.append(data.decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if len(texts) == n:
            break
    return texts


def embed(texts, precision):
    stdin = "".join(json.dumps(t) + "\n" for t in texts)
    out = subprocess.run([binary, "embed", "--precision", precision], input=stdin, capture_output=True, text=True,
                         check=True).stdout
    return np.array([json.loads(line) for line in out.splitlines()], dtype=np.float64)


for repo in repos:
    texts = units(repo)
    reference = embed(texts, "fp32")
    for precision in precisions:
        vectors = embed(texts, precision)
        cos = (reference * vectors).sum(1) / np.linalg.norm(reference, axis=1) / np.linalg.norm(vectors, axis=1)
        print(f"{os.path.basename(os.path.abspath(repo)):20} {precision}: {len(texts)} units, cosine to fp32 "
              f"min {cos.min():.5f}, 1st percentile {np.percentile(cos, 1):.5f}, mean {cos.mean():.5f}", flush=True)
