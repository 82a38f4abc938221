#!/usr/bin/env python3
"""sentence-transformers peer for scripts/bench-embed: the model folder loaded offline with
SentenceTransformer (its own tokenizer, max_seq_length 256, batches sorted by length and
padded to their longest), batch 32, torch with 2 threads, fp32 on the CPU. Prints JSON like
the native engine. Needs torch, which is a multi-GB install: scripts/bench-embed --install-peers
puts it in a virtual environment outside the repository.
Usage: bench-embed-st.py MODEL_DIR CORPUS.jsonl"""
import json, os, sys, time
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer

model_dir, corpus = sys.argv[1:3]
torch.set_num_threads(2)
texts = [json.loads(l) for l in open(corpus)]
model = SentenceTransformer(model_dir, device="cpu")
assert model.max_seq_length == 256, model.max_seq_length
tokens = sum(min(256, len(model.tokenizer(t.strip())["input_ids"])) for t in texts)

def embed(batch):
    return model.encode(batch, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)

with torch.inference_mode():
    embed(texts[:64])
    best = min((lambda t0: (embed(texts), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(2))
    lat = []
    for _ in range(55):
        t0 = time.perf_counter(); embed(["parse a json config file"]); lat.append(time.perf_counter() - t0)
lat = sorted(lat[5:])
print(json.dumps({"engine": "sentence-transformers " + __import__("sentence_transformers").__version__
                  + ", torch " + torch.__version__, "texts": len(texts), "tokens": tokens, "seconds": best,
                  "tokens_per_s": tokens / best, "texts_per_s": len(texts) / best, "query_ms": lat[25] * 1000}))
