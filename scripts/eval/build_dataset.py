#!/usr/bin/env python3
"""Builds the retrieval evaluation set, the CodeSearchNet way, from code the
project did not write: CPython's standard library on this machine and Swift
packages kept locally under /opt/swift-packages.

For each documented function the first sentence of its docstring or ///
comment is a query; the doc is deleted from the corpus copy (so the tool
cannot match the query text) and the gold answer is that function. Other
functions keep their docs, as real code does.

Output (in OUT): corpus/{python,swift}/... (stripped copies), queries.jsonl,
sources.json. Deterministic: fixed sources, fixed seed.
"""
import argparse, collections, glob, json, os, random, re, shutil, subprocess, sys

SEED = 7
PY_ROOT = "/usr/lib/python3.11"
SWIFT_PACKAGES = [  # fixed list of local copies (commit recorded in sources.json)
    "apple/swift-nio", "apple/swift-collections", "apple/swift-algorithms", "apple/swift-argument-parser",
    "apple/swift-log", "apple/swift-nio-http2", "apple/swift-crypto", "apple/swift-certificates",
    "apple/swift-async-algorithms", "apple/swift-system", "apple/swift-numerics", "apple/swift-protobuf",
]
QUERIES_PER_LANGUAGE = 300
FUNCTIONS_PER_LANGUAGE = 2500  # corpus bound: query files first, then random distractor files
MAX_PER_FILE = 6               # queries per file
MAX_FILE_FUNCTIONS = 40        # query files are small ones, to bound the corpus (embedding time)
MAX_PER_TEMPLATE = 3           # queries per templated family (same first three words + same name)


def first_sentence(lines):
    text = " ".join(l.strip() for l in lines)
    text = re.sub(r"\s+", " ", text).strip()
    m = re.search(r"(?<=[.!?])\s", text)
    return (text[:m.start()] if m else text).strip()


def python_doc(lines):
    body = "\n".join(lines).strip()
    body = re.sub(r'^[rRbBuU]*("""|\'\'\'|"|\')', "", body)
    body = re.sub(r'("""|\'\'\'|"|\')$', "", body.strip())
    para = []
    for l in body.split("\n"):
        if not l.strip():
            if para: break
            continue
        para.append(l)
    return first_sentence(para)


def swift_doc(lines):
    para = []
    for l in lines:
        s = l.strip()
        if s.startswith("///"):
            s = s[3:]
        elif s.startswith("/**"):
            s = s[3:]
        s = s.rstrip("*/").strip().lstrip("*").strip()
        if not s:
            if para: break
            continue
        if s.startswith("- ") or s.startswith(":"):
            break
        para.append(s)
    return first_sentence(para)


def scan(binary, files):
    out = []
    for i in range(0, len(files), 200):
        r = subprocess.run([binary, "scan", "--json"] + files[i:i + 200], capture_output=True, text=True)
        out += [json.loads(l)["data"] for l in r.stdout.splitlines() if l.strip()]
    return out


def collect(lang, root_files, binary):
    """root_files: [(corpus relative path, absolute source path)]"""
    by_abs = {a: rel for rel, a in root_files}
    spans = scan(binary, [a for _, a in root_files])
    files = collections.defaultdict(list)
    for s in spans:
        s["rel"] = by_abs[s["path"]]
        files[s["rel"]].append(s)
    return files


def candidates(lang, files):
    cands = []
    for rel, spans in files.items():
        if len(spans) > MAX_FILE_FUNCTIONS:
            continue
        if re.search(r"(^|/)(tests?|Tests|test_\w+\.py|\w+Tests?\.swift)($|/)", rel) or "/test/" in rel:
            continue
        src = open(files[rel][0]["path"], encoding="utf-8", errors="replace").read().split("\n")
        for s in spans:
            d0, d1 = s["docFirstLine"], s["docLastLine"]
            if not d0:
                continue
            if lang == "python":
                if d0 == s["declarationLine"]:
                    continue
                q = python_doc(src[d0 - 1:d1])
                body = s["lastLine"] - s["declarationLine"] - (d1 - d0 + 1)
            else:
                q = swift_doc(src[d0 - 1:d1])
                body = s["lastLine"] - s["declarationLine"]
            words = re.findall(r"[A-Za-z]+", q)
            if len(words) < 3 or len(q.split()) > 40 or body < 1:
                continue
            cands.append({"lang": lang, "path": rel, "qualifiedName": s["qualifiedName"], "name": s["name"],
                          "declarationLine": s["declarationLine"], "docFirstLine": d0, "docLastLine": d1,
                          "query": q})
    return cands


def select(cands, rng):
    norm = lambda q: re.sub(r"\W+", " ", q.lower()).strip()
    count = collections.Counter(norm(c["query"]) for c in cands)
    cands = [c for c in cands if count[norm(c["query"])] == 1]  # ambiguous sentences dropped
    rng.shuffle(cands)
    per_file, per_template, chosen = collections.Counter(), collections.Counter(), []
    for c in cands:
        template = (" ".join(norm(c["query"]).split()[:3]), c["name"])
        if per_file[c["path"]] >= MAX_PER_FILE or per_template[template] >= MAX_PER_TEMPLATE:
            continue
        per_file[c["path"]] += 1
        per_template[template] += 1
        chosen.append(c)
        if len(chosen) == QUERIES_PER_LANGUAGE:
            break
    return chosen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/codesearch-eval")
    ap.add_argument("--binary", default=".build/release/codesearch")
    a = ap.parse_args()
    rng = random.Random(SEED)
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    sources = {"python": PY_ROOT, "swift": {}}

    py = sorted(p for p in glob.glob(PY_ROOT + "/**/*.py", recursive=True)
                if "site-packages" not in p and "dist-packages" not in p and "/lib2to3/tests/" not in p)
    py_files = [("python/" + os.path.relpath(p, PY_ROOT), p) for p in py]
    sw_files = []
    clones = os.path.join(a.out, "clones")
    for pkg in SWIFT_PACKAGES:
        dest = os.path.join(clones, pkg.replace("/", "+"))
        subprocess.run(["git", "clone", "-q", f"/opt/swift-packages/{pkg}.git", dest], check=True)
        sources["swift"][pkg] = subprocess.run(["git", "-C", dest, "rev-parse", "HEAD"], capture_output=True,
                                               text=True).stdout.strip()
        for p in sorted(glob.glob(dest + "/**/*.swift", recursive=True)):
            sw_files.append((f"swift/{pkg.split('/')[1]}/" + os.path.relpath(p, dest), p))

    queries = []
    for lang, root_files in (("python", py_files), ("swift", sw_files)):
        files = collect(lang, root_files, a.binary)
        chosen = select(candidates(lang, files), rng)
        # Corpus: the files holding queries, then random whole files as distractors, up to the bound.
        keep = sorted({c["path"] for c in chosen})
        total = sum(len(files[p]) for p in keep)
        others = sorted(set(files) - set(keep))
        rng.shuffle(others)
        for p in others:
            if total >= FUNCTIONS_PER_LANGUAGE:
                break
            if len(files[p]) > 150:
                continue
            keep.append(p)
            total += len(files[p])
        strip = collections.defaultdict(list)
        for c in chosen:
            strip[c["path"]].append((c["docFirstLine"], c["docLastLine"]))
        for rel in keep:
            src = open(files[rel][0]["path"], encoding="utf-8", errors="replace").read().split("\n")
            drop = {l for d0, d1 in strip.get(rel, []) for l in range(d0, d1 + 1)}
            dest = os.path.join(a.out, "corpus", rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "w", encoding="utf-8") as f:
                f.write("\n".join(l for i, l in enumerate(src, 1) if i not in drop))
        for c in chosen:
            queries.append({k: c[k] for k in ("lang", "path", "qualifiedName", "name", "query")})
        print(f"{lang}: {len(chosen)} queries, {len(keep)} files, {total} functions", file=sys.stderr)
    shutil.rmtree(clones)
    with open(os.path.join(a.out, "queries.jsonl"), "w") as f:
        for q in queries:
            f.write(json.dumps(q) + "\n")
    json.dump(sources, open(os.path.join(a.out, "sources.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
