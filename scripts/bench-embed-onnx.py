#!/usr/bin/env python3
"""onnxruntime peer for scripts/bench-embed: HF tokenizers (truncate 256), sort by length,
batches of 32 padded to their longest, 2 intra-op threads. Prints JSON like the native one.
Usage: bench-embed-onnx.py MODEL.onnx MODEL_DIR CORPUS.jsonl"""
import json, os, sys
import numpy as np, onnxruntime as ort
from tokenizers import Tokenizer
from bench_embed_timing import measure

onnx_path, model, corpus = sys.argv[1:4]
texts = [json.loads(l) for l in open(corpus)]
tok = Tokenizer.from_file(os.path.join(model, "tokenizer.json")); tok.no_padding(); tok.enable_truncation(256)
opts = ort.SessionOptions(); opts.intra_op_num_threads = 2; opts.inter_op_num_threads = 1
sess = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])

def embed(batch_texts):
    encs = tok.encode_batch([t.strip() for t in batch_texts])
    order = sorted(range(len(encs)), key=lambda i: -len(encs[i].ids))
    out = [None] * len(encs)
    for s in range(0, len(order), 32):
        idx = order[s:s + 32]; L = max(len(encs[i].ids) for i in idx)
        ids = np.zeros((len(idx), L), np.int64); mask = np.zeros_like(ids)
        for r, i in enumerate(idx):
            ids[r, :len(encs[i].ids)] = encs[i].ids; mask[r, :len(encs[i].ids)] = 1
        for r, v in zip(idx, sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]): out[r] = v
    return out

tokens = sum(len(e.ids) for e in tok.encode_batch(texts))
print(json.dumps(measure(embed, texts, tokens, "onnxruntime")))
