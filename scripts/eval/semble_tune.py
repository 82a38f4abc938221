#!/usr/bin/env python3
"""Weights of the ranking stack on semble's benchmark: one run of scripts/eval-semble
(--no-index: the indexes must exist) per setting, with CODESEARCH_RANKING set to it.

    python3 scripts/eval/semble_tune.py [--bin B] [--mode hybrid] SETTING...

A SETTING is what CODESEARCH_RANKING takes ("definition=2,test=0.5"; "" for the
defaults). Prints one row per setting, best `tune` first: choose on tune, and
report held-out beside it (the halves are scripts/eval/semble_bench.py's).
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run(a, i, setting):
    label = f"{a.prefix}{i}"
    env = dict(os.environ, CODESEARCH_RANKING=setting)
    cmd = [os.path.join(HERE, "..", "eval-semble"), "--no-index", "--label", label, "--mode", a.mode,
           "--bin", a.bin, "--work", a.work]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    summary = json.load(open(os.path.join(a.work, f"summary-{label}.json")))[a.mode]
    return {name: value for name, _, value in summary["means"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=".build/release/codesearch")
    ap.add_argument("--work", default="/work/semble-work")
    ap.add_argument("--mode", default="hybrid")
    ap.add_argument("--prefix", default=f"tune{os.getpid()}-", help="labels of the runs (distinct per concurrent sweep)")
    ap.add_argument("settings", nargs="+")
    a = ap.parse_args()
    rows = []
    for i, setting in enumerate(a.settings):
        means = run(a, i, setting)
        rows.append((means["half tune"], setting, means))
        print(f"{means['half tune']:.3f} tune  {means['half held-out']:.3f} held-out  {means['overall']:.3f} all"
              f"  go {means['language go']:.3f} py {means['language python']:.3f} swift {means['language swift']:.3f}"
              f"  [{setting or 'defaults'}]", file=sys.stderr, flush=True)
    print("\n| tune | held-out | all | go | python | swift | setting |\n|---|---|---|---|---|---|---|")
    for tune, setting, m in sorted(rows, key=lambda r: -r[0]):
        print(f"| {tune:.3f} | {m['half held-out']:.3f} | {m['overall']:.3f} | {m['language go']:.3f} "
              f"| {m['language python']:.3f} | {m['language swift']:.3f} | `{setting or 'defaults'}` |")


if __name__ == "__main__":
    main()
