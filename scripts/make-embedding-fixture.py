#!/usr/bin/env python3
"""Writes Tests/EmbeddingTests/Fixtures/parity.json: token ids from Hugging Face
`tokenizers` and sentence vectors from a float64 numpy BERT forward pass.

The forward pass follows the BERT definition (transformers' BertModel, eval mode)
and sentence-transformers' pipeline for this model folder: truncate at
max_seq_length (sentence_bert_config.json, 256, not tokenizer.json's 128), no
padding needed per text, mean pooling over the attention mask, L2 normalise.
It is cross-checked in scripts/embedding-onnx-export.py against onnxruntime.

Usage: scripts/make-embedding-fixture.py [MODEL_DIR]
Needs: pip install tokenizers safetensors numpy
"""
import json, math, os, sys
import numpy as np
from safetensors.numpy import load_file, save_file
from tokenizers import Tokenizer

MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser(
    "~/.cache/codesearch/models/all-MiniLM-L6-v2")
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "EmbeddingTests", "Fixtures")

PY_FUNC = '''def read_config(path: str) -> dict:
    """Load a JSON config file, returning {} when it is missing."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}
'''
SWIFT_FUNC = '''/// Returns the index of the first element equal to `value`, or nil.
func firstIndex<T: Equatable>(of value: T, in items: [T]) -> Int? {
    for (i, item) in items.enumerated() where item == value {
        return i
    }
    return nil
}
'''
LONG_CODE = "\n".join(
    f"    total_{i} = compute_value(items[{i}], weight={i * 0.5}, name='field_{i}')  # step {i}"
    for i in range(40))
LONG_CODE = "def accumulate(items):\n" + LONG_CODE + "\n    return total_39\n"
LONG_PROSE = " ".join(["The quick brown fox jumps over the lazy dog while the indexer hashes every blob."] * 30)

TEXTS = [
    "how do I parse a JSON file",
    "Find the function that opens a database connection and retries on failure.",
    PY_FUNC,
    SWIFT_FUNC,
    "",
    "   \t\n  ",
    "a" * 150,
    "supercalifragilisticexpialidocious" * 4 + "x" * 10,
    LONG_CODE,
    LONG_PROSE,
    "日本語のテキストを検索する関数",
    "中文文本：如何读取文件？",
    "한국어 텍스트 검색",
    "Café naïve façade résumé Ångström Øresund São Paulo",
    "ÉCOLE Straße İstanbul ΣΊΣΥΦΟΣ",
    "emoji 🚀 and symbols ∑ ≤ ≥ → ∞ © ™",
    "snake_case_name camelCaseName PascalCaseName kebab-case-name",
    "x = a[i] + b->c; if (x != 0) { return &y; } // done",
    "tabs\tand\nnewlines\r\nand\u00a0non-breaking\u2003spaces",
    "control\u0000chars\u0007and\ufffdreplacement\u200bzero-width",
    "[CLS] literal special tokens [SEP] and [MASK] inside text [UNK]",
    "unknown glyphs: \u16a0\u16a1 \u0f00 \U0001D400",
    "URL https://example.com/path?q=1&r=two#frag and e-mail a.b@c.org",
    "Numbers 3.14159, 1e-12, 0xFF, 1_000_000 and versions v1.2.3-beta",
]

def load_model(path):
    cfg = json.load(open(os.path.join(path, "config.json")))
    w = {k: v.astype(np.float64) for k, v in load_file(os.path.join(path, "model.safetensors")).items()
         if v.dtype != np.int64}
    w = {(k[5:] if k.startswith("bert.") else k): v for k, v in w.items()}
    return cfg, w

def layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b

ERF = np.vectorize(math.erf)

def gelu(x):  # exact erf GELU, as transformers' "gelu"
    return 0.5 * x * (1.0 + ERF(x / math.sqrt(2.0)))

def forward(cfg, w, ids):
    """ids: one sequence, no padding. Returns the token states (L, C)."""
    eps = cfg["layer_norm_eps"]; H = cfg["num_attention_heads"]
    L = len(ids); C = cfg["hidden_size"]; D = C // H
    x = w["embeddings.word_embeddings.weight"][ids] \
        + w["embeddings.position_embeddings.weight"][:L] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        lin = lambda t, n: t @ w[p + n + ".weight"].T + w[p + n + ".bias"]
        q = lin(x, "attention.self.query").reshape(L, H, D).transpose(1, 0, 2)
        k = lin(x, "attention.self.key").reshape(L, H, D).transpose(1, 0, 2)
        v = lin(x, "attention.self.value").reshape(L, H, D).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(D)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(L, C)
        x = layer_norm(lin(ctx, "attention.output.dense") + x,
                       w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        h = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(lin(h, "output.dense") + x,
                       w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x

def sentence_tokenizer(path, max_len):
    tok = Tokenizer.from_file(os.path.join(path, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_len)  # sentence-transformers: max_seq_length, pad to longest
    return tok

def embed(cfg, w, ids):
    v = forward(cfg, w, ids).mean(0)  # mean pooling: no padding, all tokens count
    return v / max(np.linalg.norm(v), 1e-12)

def main():
    cfg, w = load_model(MODEL)
    max_len = json.load(open(os.path.join(MODEL, "sentence_bert_config.json")))["max_seq_length"]
    tok = sentence_tokenizer(MODEL, max_len)
    cases = []
    for t in TEXTS:
        ids = tok.encode(t.strip()).ids  # sentence-transformers strips each text
        cases.append({"text": t, "ids": ids, "vector": [round(float(x), 9) for x in embed(cfg, w, ids)]})
        print(f"{len(ids):4d} tokens  {t[:50]!r}", file=sys.stderr)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "parity.json"), "w") as f:
        json.dump({"model": os.path.basename(MODEL.rstrip("/")), "max_seq_length": max_len,
                   "reference": "float64 numpy BERT forward; ids from HF tokenizers",
                   "cases": cases}, f, ensure_ascii=False, indent=0)
    # A small fp16/bf16 safetensors file for the reader's dtype tests.
    rng = np.random.default_rng(7)
    a = rng.standard_normal((3, 5)).astype(np.float32)
    save_file({"half": a.astype(np.float16), "single": a}, os.path.join(OUT, "dtypes.safetensors"))
    json.dump({"half": [float(x) for x in a.astype(np.float16).astype(np.float32).ravel()],
               "single": [float(x) for x in a.ravel()]},
              open(os.path.join(OUT, "dtypes.json"), "w"))

if __name__ == "__main__":
    main()
