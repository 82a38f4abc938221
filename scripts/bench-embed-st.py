#!/usr/bin/env python3
"""sentence-transformers peer for scripts/bench-embed: the model folder loaded offline with
SentenceTransformer (its own tokenizer, max_seq_length 256, batches sorted by length and
padded to their longest), batch 32, torch with 2 threads, fp32 on the CPU. Prints JSON like
the native engine. Needs torch, which is a multi-GB install: scripts/bench-embed --install-peers
puts it in a virtual environment outside the repository.
Usage: bench-embed-st.py MODEL_DIR CORPUS.jsonl"""
import json, os, sys
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from sentence_transformers import SentenceTransformer
from bench_embed_timing import measure

model_dir, corpus = sys.argv[1:3]
torch.set_num_threads(2)
texts = [json.loads(l) for l in open(corpus)]
model = SentenceTransformer(model_dir, device="cpu")
assert model.max_seq_length == 256, model.max_seq_length
tokens = sum(min(256, len(model.tokenizer(t.strip())["input_ids"])) for t in texts)

def embed(batch):
    return model.encode(batch, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)

with torch.inference_mode():
    result = measure(embed, texts, tokens, "sentence-transformers " + __import__("sentence_transformers").__version__
                     + ", torch " + torch.__version__)
print(json.dumps(result))
