#!/usr/bin/env python3
"""Agreement of `codesearch clusters --json --members` with the top-level package or
module of each unit's path (issue 18), beside random assignments with the same cluster
sizes (the same labels shuffled), as adjusted Rand index and normalised mutual information.

    codesearch clusters --json --members ... | scripts/bench-map-score.py [--shuffles N]

Prints one JSON object: units, clusters, groups (top-level names), ari, nmi, and the
random baseline's mean and standard deviation over N shuffles (seeded, so repeatable).
No third-party package: the formulas are the textbook ones (Hubert and Arabie 1985 for
ARI; NMI with the arithmetic mean of the entropies, scikit-learn's default)."""
import json
import math
import random
import sys
from collections import Counter


def top_level(path):
    first = path.split("/", 1)[0]
    return first[:-3] if first.endswith(".py") else first


def comb2(n):
    return n * (n - 1) / 2


def ari(a, b):
    n = len(a)
    pairs = Counter(zip(a, b))
    index = sum(comb2(v) for v in pairs.values())
    sa = sum(comb2(v) for v in Counter(a).values())
    sb = sum(comb2(v) for v in Counter(b).values())
    expected = sa * sb / comb2(n)
    top = (sa + sb) / 2
    return 0.0 if top == expected else (index - expected) / (top - expected)


def entropy(counts, n):
    return -sum(c / n * math.log(c / n) for c in counts.values() if c)


def nmi(a, b):
    n = len(a)
    ca, cb, joint = Counter(a), Counter(b), Counter(zip(a, b))
    mi = sum(c / n * math.log(c * n / (ca[x] * cb[y])) for (x, y), c in joint.items())
    ha, hb = entropy(ca, n), entropy(cb, n)
    return 0.0 if ha + hb == 0 else mi / ((ha + hb) / 2)


def main():
    shuffles = int(sys.argv[sys.argv.index("--shuffles") + 1]) if "--shuffles" in sys.argv else 20
    clusters, truth = [], []
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "member":
            clusters.append(message["data"]["cluster"])
            truth.append(top_level(message["data"]["path"]))
    rng = random.Random(18)
    baseline_ari, baseline_nmi = [], []
    for _ in range(shuffles):
        shuffled = clusters[:]
        rng.shuffle(shuffled)
        baseline_ari.append(ari(shuffled, truth))
        baseline_nmi.append(nmi(shuffled, truth))

    def stats(xs):
        mean = sum(xs) / len(xs)
        return {"mean": round(mean, 4), "sd": round(math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs)), 4)}

    print(json.dumps({
        "units": len(clusters), "clusters": len(set(clusters)), "groups": len(set(truth)),
        "ari": round(ari(clusters, truth), 4), "nmi": round(nmi(clusters, truth), 4),
        "random_ari": stats(baseline_ari), "random_nmi": stats(baseline_nmi),
    }))


if __name__ == "__main__":
    main()
