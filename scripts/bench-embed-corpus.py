#!/usr/bin/env python3
"""Writes N real function texts (JSON string per line) from the Python standard library:
a quarter over 256 tokens, the rest chosen so the mean (as truncated at 256) is ~150.
Usage: bench-embed-corpus.py MODEL_DIR N OUT.jsonl"""
import ast, glob, json, os, random, sys, sysconfig
from tokenizers import Tokenizer

model, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
tok = Tokenizer.from_file(os.path.join(model, "tokenizer.json")); tok.no_truncation(); tok.no_padding()
functions = []
for path in sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "*.py"))):
    try:
        source = open(path, encoding="utf-8").read(); tree = ast.parse(source)
    except (SyntaxError, UnicodeDecodeError, ValueError):
        continue
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            text = ast.get_source_segment(source, node)
            if text: functions.append(text)
random.seed(42)
lengths = {t: len(tok.encode(t).ids) for t in random.sample(functions, min(len(functions), 6000))}
long_ = [t for t, l in lengths.items() if l > 256]
short = [t for t, l in lengths.items() if 16 <= l <= 256]
quarter = n // 4
chosen = random.sample(long_, quarter)
target = (150 * n - 256 * quarter) / (n - quarter)
rest = sorted(random.sample(short, n - quarter), key=lambda t: lengths[t])
pool = sorted(short, key=lambda t: lengths[t])
# Nudge the short part's mean toward the target by swapping for longer/shorter functions.
mean = lambda ts: sum(min(lengths[t], 256) for t in ts) / len(ts)
i = 0
while abs(mean(rest) - target) > 1 and i < 5000:
    j = random.randrange(len(rest))
    candidate = random.choice(pool)
    if (lengths[candidate] - lengths[rest[j]]) * (target - mean(rest)) > 0 and candidate not in rest:
        rest[j] = candidate
    i += 1
texts = chosen + rest
random.shuffle(texts)
with open(out, "w") as f:
    for t in texts: f.write(json.dumps(t) + "\n")
seen = [min(lengths[t], 256) + 0 for t in texts]
print(f"corpus: {len(texts)} functions, mean {sum(seen)/len(seen):.0f} tokens (truncated at 256), "
      f"{sum(lengths[t] > 256 for t in texts)} over 256", file=sys.stderr)
