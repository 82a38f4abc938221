#!/usr/bin/env python3
"""fp16 vs fp32 ranking agreement on real all-MiniLM-L6-v2 embeddings.

A small numpy BERT (tanh-GELU, uncased WordPiece) embeds every Swift function
of this repository and a set of natural-language queries, then compares
fp32 scores with scores over fp16-stored vectors (subnormals flushed, as the
index stores them). Needs numpy and the model from scripts/install-model.
Usage: scripts/bench-index-real.py [model-dir]
"""
import glob, json, os, re, struct, sys, unicodedata
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
model = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/codesearch/models/all-MiniLM-L6-v2")

def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        a, b = v["data_offsets"]
        out[k] = np.frombuffer(data[a:b], dtype=np.float32).reshape(v["shape"])
    return out

W = load_safetensors(os.path.join(model, "model.safetensors"))
vocab = {t: i for i, t in enumerate(open(os.path.join(model, "vocab.txt"), encoding="utf-8").read().split("\n"))}

def basic_tokens(text):
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    out, word = [], ""
    for c in text:
        if c.isspace():
            if word: out.append(word); word = ""
        elif unicodedata.category(c).startswith("P") or (33 <= ord(c) <= 47 or 58 <= ord(c) <= 64 or 91 <= ord(c) <= 96 or 123 <= ord(c) <= 126):
            if word: out.append(word); word = ""
            out.append(c)
        else:
            word += c
    if word: out.append(word)
    return out

def wordpiece(word):
    pieces, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start:
            sub = word[start:end] if start == 0 else "##" + word[start:end]
            if sub in vocab:
                pieces.append(vocab[sub]); break
            end -= 1
        if end == start:
            return [vocab["[UNK]"]]
        start = end
    return pieces

def tokenize(text, max_tokens=256):
    ids = [i for w in basic_tokens(text) for i in wordpiece(w)]
    return [vocab["[CLS]"]] + ids[: max_tokens - 2] + [vocab["[SEP]"]]

def layer_norm(x, g, b):
    m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + 1e-12) * g + b

def gelu(x):
    return 0.5 * x * (1 + np.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))

def embed(text):
    ids = tokenize(text)
    n = len(ids)
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n] + W["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"])
    for l in range(6):
        p = f"encoder.layer.{l}."
        lin = lambda name, h: h @ W[p + name + ".weight"].T + W[p + name + ".bias"]
        q, k, v = (lin("attention.self." + s, x).reshape(n, 12, 32).transpose(1, 0, 2) for s in ("query", "key", "value"))
        a = q @ k.transpose(0, 2, 1) / np.sqrt(32)
        a = np.exp(a - a.max(-1, keepdims=True)); a /= a.sum(-1, keepdims=True)
        ctx = (a @ v).transpose(1, 0, 2).reshape(n, 384)
        x = layer_norm(x + lin("attention.output.dense", ctx), W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"])
        x = layer_norm(x + lin("output.dense", gelu(lin("intermediate.dense", x))), W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"])
    e = x.mean(0)
    return e / np.linalg.norm(e)

def swift_functions():
    out = []
    for path in sorted(glob.glob(os.path.join(root, "Sources/**/*.swift"), recursive=True) + glob.glob(os.path.join(root, "Tests/**/*.swift"), recursive=True)):
        src = open(path, encoding="utf-8", errors="replace").read()
        for m in re.finditer(r"\n[ \t]*(?:@\w+ )*(?:(?:public|private|internal|static|mutating|override|final) )*(?:func|init)\b", src):
            i = src.find("{", m.end())
            if i < 0: continue
            depth, j = 0, i
            while j < len(src):
                depth += {"{": 1, "}": -1}.get(src[j], 0)
                if depth == 0: break
                j += 1
            out.append(src[m.start() + 1 : j + 1])
    return out

queries = [
    "compute a checksum of a byte buffer", "parse the header of the index file", "write the file atomically with fsync and rename",
    "take an exclusive lock on a file", "convert a float to half precision", "select the k best scores with a heap",
    "match a path against a glob pattern", "replay the journal after a crash", "garbage collect old blobs",
    "embed function texts in batches", "decode a string from the string pool", "check whether the index is up to date",
    "memory map a file for reading", "report progress to the caller", "cancel a long running job",
    "dot product of query and stored vectors", "hash the snapshot entries", "test that a corrupted file is rejected",
    "error message telling the user to rebuild", "read a whole file into memory", "find functions in python source",
    "remove temporary files", "wait until another writer has finished", "normalise a vector to unit length",
    "split work across two threads", "validate string references in tables", "encode a blob record for the journal",
    "count how many texts were embedded", "compare two sorted lists", "build a snapshot from files",
]
docs = swift_functions()
print(f"embedding {len(docs)} functions and {len(queries)} queries with {os.path.basename(model)} ...", file=sys.stderr)
D = np.stack([embed(d) for d in docs]).astype(np.float32)
Q = np.stack([embed(q) for q in queries] + [embed(d) for d in docs[::10]]).astype(np.float32)

H = D.astype(np.float16)
H[np.abs(H) < np.float16(2.0 ** -14)] = 0  # the index flushes subnormals
S32 = Q @ D.T
S16 = Q @ H.astype(np.float32).T
k = 10
overlap = np.mean([len(set(np.argsort(-a)[:k]) & set(np.argsort(-b)[:k])) / k for a, b in zip(S32, S16)])
top1 = np.mean(S32.argmax(1) == S16.argmax(1))
delta = np.abs(S32 - S16)
gaps = np.sort(S32, 1)[:, ::-1]
print(f"real embeddings: {len(docs)} functions x {len(Q)} queries, 384 dims")
print(f"  fp16 vs fp32 top-{k} overlap {overlap:.4f}, top-1 agreement {top1:.4f}")
print(f"  score |delta| mean {delta.mean():.2e}, max {delta.max():.2e}; median gap between rank 10 and 11: {np.median(gaps[:, 9] - gaps[:, 10]):.2e}")
print(f"  mean component magnitude {np.abs(D).mean():.3f}, fraction flushed to zero {np.mean(H == 0):.5f}")
for qi in range(3):  # sanity: the embedder is meaningful if these look right
    best = docs[int(S32[qi].argmax())].strip().split("\n")[0]
    print(f"  e.g. {queries[qi]!r} -> {best[:80]!r}")
