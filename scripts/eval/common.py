"""Shared pieces of the evaluation harness: corpus scanning, the text variants
that may be embedded for a function, an embedding cache, and the metrics."""
import hashlib, json, os, pickle, re, subprocess
import numpy as np

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PARTS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def split_identifier(word):
    """parseHTTPHeader -> [parse, http, header]; max_retry_count -> [max, retry, count]."""
    return [p.lower() for p in PARTS.findall(word)]


def split_text(text):
    """Every identifier with two or more parts becomes its words (mirrors IdentifierWords.swift)."""
    def repl(m):
        parts = split_identifier(m.group(0))
        return " ".join(parts) if len(parts) > 1 else m.group(0)
    return IDENT.sub(repl, text)


def scan_corpus(binary, root):
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith((".py", ".swift")))
    spans = []
    for i in range(0, len(files), 200):
        r = subprocess.run([binary, "scan", "--json"] + files[i:i + 200], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            s = json.loads(line)["data"]
            s["rel"] = os.path.relpath(s["path"], root)
            spans.append(s)
    return spans


def source_lines(path, cache={}):
    if path not in cache:
        cache[path] = open(path, "rb").read()
    return cache[path]


def function_text(span, variant):
    """The text embedded for a span under a variant. Variants are '+'-joined flags:
    raw | header (qualified name + signature first) | split (identifier words) |
    nodoc (Python docstring removed) | doc (Swift /// lines kept)."""
    data = source_lines(span["path"])
    body = data[span["byteStart"]:span["byteEnd"]].decode("utf-8", "replace")
    flags = set(variant.split("+"))
    lines = body.split("\n")
    d0, d1, first = span["docFirstLine"], span["docLastLine"], span["firstLine"]
    if "nodoc" in flags and d0 and d0 >= first:
        lines = [l for i, l in enumerate(lines, first) if not (d0 <= i <= d1)]
    if "doc" in flags and d0 and d0 < first:
        all_lines = data.decode("utf-8", "replace").split("\n")
        lines = all_lines[d0 - 1:d1] + lines
    text = "\n".join(lines)
    if "header" in flags:
        text = span["qualifiedName"] + "\n" + text
    if "split" in flags:
        text = split_text(text)
    return text


class EmbeddingCache:
    def __init__(self, path, binary):
        self.path, self.binary = path, binary
        self.store = pickle.load(open(path, "rb")) if os.path.exists(path) else {}

    def embed(self, texts):
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self.store}.items())
        if missing:
            payload = "".join(json.dumps(t) + "\n" for _, t in missing)
            r = subprocess.run([self.binary, "embed", "--threads", "2"], input=payload, capture_output=True,
                               text=True, check=True)
            vecs = [np.array(json.loads(l), dtype=np.float32) for l in r.stdout.splitlines()]
            assert len(vecs) == len(missing)
            for (k, _), v in zip(missing, vecs):
                self.store[k] = v.astype(np.float16)
            tmp = self.path + ".tmp"
            pickle.dump(self.store, open(tmp, "wb"))
            os.replace(tmp, self.path)
        return np.stack([self.store[k].astype(np.float32) for k in keys])


def metrics(ranks):
    """ranks: 1-based rank of the gold answer, or None when not in the top 10."""
    n = len(ranks)
    r = [x if x is not None else 10 ** 9 for x in ranks]
    return {"n": n, "MRR@10": sum(1 / x for x in r if x <= 10) / n,
            "R@1": sum(x <= 1 for x in r) / n, "R@5": sum(x <= 5 for x in r) / n, "R@10": sum(x <= 10 for x in r) / n}


_TOKENIZER = None


def token_count(texts, model_dir=os.path.expanduser("~/.cache/codesearch/models/all-MiniLM-L6-v2")):
    """Word pieces per text (without [CLS]/[SEP]), from the model's tokenizer.json."""
    global _TOKENIZER
    if _TOKENIZER is None:
        import tokenizers
        _TOKENIZER = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        _TOKENIZER.no_padding()
        _TOKENIZER.no_truncation()
    return [len(e.ids) - 2 for e in _TOKENIZER.encode_batch(texts)]


def windows(text, header, limit=254, max_windows=4):
    """Later windows of a text longer than the model's window: whole lines, each
    window prefixed with the header line; the first window is the truncated text itself."""
    lines = text.split("\n")
    counts = token_count(lines)
    head = token_count([header])[0]
    out, current, size, first = [], [], 0, True
    for line, n in zip(lines, counts):
        budget = limit if first else limit - head
        if current and size + n > budget:
            if not first:
                out.append(header + "\n" + "\n".join(current))
            first = False
            current, size = [], 0
        current.append(line)
        size += n
    if current and not first:
        out.append(header + "\n" + "\n".join(current))
    return out[:max_windows - 1]
