#!/usr/bin/env python3
"""The summary of scripts/bench-embed: each engine's better run (tokens/s, one-query median),
the ratios the acceptance asks for (default path against fp32 and sentence-transformers), and
the ceilings: fp32's multiply-add peak (scripts/fma-peak.c) beside the int8 and bf16 peaks
(scripts/lowp-peak.c), each as tokens/s of this corpus.
Usage: bench-embed-summary.py WORK_DIR"""
import json, os, sys

work = sys.argv[1]


def best(file):
    """The engine's better run: highest throughput, lowest query median."""
    path = os.path.join(work, file)
    if not os.path.exists(path):
        return None
    runs = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    if not runs:
        return None
    top = max(runs, key=lambda r: r["tokens_per_s"])
    return dict(top, query_ms=min(r["query_ms"] for r in runs), runs=len(runs))


engines = [("native default", "native-default.jsonl"), ("native fp32", "native-fp32.jsonl"),
           ("native mixed", "native-mixed.jsonl"), ("native bf16", "native-bf16.jsonl"),
           ("sentence-transformers", "st.jsonl"), ("onnxruntime", "onnx.json")]
results = {name: best(file) for name, file in engines}
print("summary (each engine's better run):")
for name, r in results.items():
    if r:
        path = f" [{r['precision']} on {r['kernel']}]" if "kernel" in r else ""
        print(f"  {name:22} {r['tokens_per_s']:7.0f} tokens/s   one query {r['query_ms']:.2f} ms{path}")
default, fp32, st = results["native default"], results["native fp32"], results["sentence-transformers"]
for name in ("native fp32", "native mixed", "native bf16", "sentence-transformers", "onnxruntime"):
    other = results[name]
    if default and other:
        print(f"  default / {name}: {default['tokens_per_s'] / other['tokens_per_s']:.2f}x tokens/s, "
              f"one query {other['query_ms'] / default['query_ms']:.2f}x as fast")

peak_path, lowp_path = os.path.join(work, "peak.json"), os.path.join(work, "lowp-peak.json")
if fp32 and os.path.exists(peak_path):
    peak = json.load(open(peak_path))
    per_token = fp32["flops_per_token"]
    print(f"ceiling ({per_token / 1e6:.1f} M multiply-add operations per token of this corpus, padding excluded):")
    print(f"  fp32 FMA peak of 2 threads {peak['gflops']:.0f} GFLOPS = {peak['gflops'] * 1e9 / per_token:.0f} tokens/s; "
          f"native fp32 reaches {fp32['gflops']:.0f}, {fp32['gflops'] / peak['gflops']:.0%}")
    if os.path.exists(lowp_path):
        lowp = json.load(open(lowp_path))
        for key, value in lowp.items():
            print(f"  {key.replace('_', ' ')} peak of 2 threads {value:.0f} = {value * 1e9 / per_token:.0f} tokens/s "
                  f"({value / peak['gflops']:.1f}x fp32's)")
        if default and default.get("precision") != "fp32":
            print(f"  the default path ({default['precision']} on {default['kernel']}) reaches {default['gflops']:.0f} "
                  f"G operations/s over the whole pass (GELU and LayerNorm stay fp32, attention bf16 or fp32)")
    if "read_gb_per_s" in peak:
        floor = fp32["query_weight_bytes"] / (peak["read_gb_per_s"] * 1e9) * 1000
        print(f"  a one-text fp32 query reads {fp32['query_weight_bytes'] / 1e6:.1f} MB of weights: {floor:.2f} ms at "
              f"{peak['read_gb_per_s']:.1f} GB/s from memory (int8 reads a quarter of that)")
