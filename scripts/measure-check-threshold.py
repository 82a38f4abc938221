#!/usr/bin/env python3
"""Measures the similarity `codesearch check --staged` sees for true copies, lightly
edited copies and unrelated functions, to choose its default --threshold.

Usage: scripts/measure-check-threshold.py [--binary PATH] [--sample N] [--language python|swift]
                                         [--foreign DIR ...] [SOURCE_DIR ...]

For each SOURCE_DIR (default: three Python standard library packages; with
--language swift, swift-argument-parser and swift-crypto from .build/checkouts) it
commits the source files to a temporary repository, indexes it, and samples N
functions of at least 4 lines. Then it stages, in new files:
  exact      the function verbatim (a method stays in a class, at its indentation);
  light      renamed NAME_copy, and one local variable or parameter renamed;
  lightline  light, plus one statement inserted at the top of the body (Python only);
  renamed    the function with its name, parameters and local variables all renamed
             to neutral names (arg0, var0, ...): a heavy edit, for reference;
  type2      renamed, and every number and string literal changed too: a type-2 clone.
`codesearch check --staged --threshold 0.3 --structure-threshold 0.3 --warn-only`
prints every pair with both scores (cosine, and structure for functions long enough);
the scores of each copy against its original are read off. "unrelated-check" is, for
each exact copy, its best pair other than its original: how the sampled function
scores against every other function of the repository, as check scores it. For unrelated functions it asks
`codesearch similar FILE:LINE -n 1` for each sampled original: the best score any
other function of the repository gets, which is what a new, genuinely different
function would score against its nearest neighbour (an upper bound: real repositories
contain real near-duplicates, which count here as "unrelated"). And "foreign": N
functions from other standard library modules (json, csv, argparse, difflib,
textwrap), staged as new files, each scored by `check` itself against the whole
repository (its best pair): the false-alarm rate of check as it runs, including its
re-scoring of near candidates under their names.
Prints percentiles of each distribution, how many copies and unrelated functions
each candidate cosine threshold would flag, and the same with the structure signal
(flagged when cosine >= t or structure >= s).
"""
import argparse, ast, io, os, random, re, shutil, subprocess, sys, sysconfig, tempfile, textwrap, tokenize
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_threshold_swift as swift

KINDS = ("exact", "light", "lightline", "renamed", "type2")
ROWS = KINDS + ("unrelated", "unrelated-check", "foreign")

def run(args, cwd, check=True):
    return subprocess.run(args, cwd=cwd, check=check, capture_output=True, text=True)

def functions(path):
    source = open(path, encoding="utf-8", errors="replace").read()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.splitlines()
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 3:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            out.append((node, "\n".join(lines[first - 1:node.end_lineno]) + "\n"))
    return out

def lightly_renamed(node, text):
    """The function renamed NAME_copy and one local variable (or parameter) renamed."""
    names = {node.name: node.name + "_copy"}
    stores = [s.id for s in ast.walk(node) if isinstance(s, ast.Name) and isinstance(s.ctx, ast.Store)]
    params = [a.arg for a in node.args.args if a.arg not in ("self", "cls")]
    for name in stores + params:
        names[name] = name + "_value"
        break
    return retoken(text, names)

def retoken(text, names):
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NAME and tok.string in names:
            tok = tok._replace(string=names[tok.string])
        out.append(tok)
    return tokenize.untokenize(out)

def renamed(node, text, index):
    names = {node.name: f"copied_{index}"}
    args = node.args
    for i, a in enumerate(args.posonlyargs + args.args + args.kwonlyargs +
                          ([args.vararg] if args.vararg else []) + ([args.kwarg] if args.kwarg else [])):
        if a.arg not in ("self", "cls"):
            names.setdefault(a.arg, f"arg{i}")
    count = 0
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store) and sub.id not in names:
            names[sub.id] = f"var{count}"
            count += 1
    return retoken(text, names)

def changed_literals(text):
    """Every number and string literal given another value (same prefix and quotes)."""
    out, count = [], 0
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NUMBER:
            tok = tok._replace(string="9" if tok.string != "9" else "8")
        elif tok.type == tokenize.STRING:
            count += 1
            m = re.match(r"^([A-Za-z]*)('\'\'|\"\"\"|'|\")", tok.string)
            prefix, quote = m.group(1), m.group(2)
            tok = tok._replace(string=f"{prefix}{quote}changed {count}{quote}")
        out.append(tok)
    return tokenize.untokenize(out)

def edited(text):
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.rstrip().endswith(":") and line.lstrip().startswith(("def ", "async def ")):
            body = lines[i + 1] if i + 1 < len(lines) else "    pass\n"
            indent = body[:len(body) - len(body.lstrip())]
            lines.insert(i + 1, f"{indent}log.debug('entering')\n")
            return "".join(lines)
    return text

def as_module(text):
    """A method keeps its indentation inside a class; a top-level function stays as is."""
    dedented = textwrap.dedent(text)
    if dedented == text:
        return text
    return "class Copy:\n" + textwrap.indent(dedented, "    ")

def percentiles(values):
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))]
    return f"n={len(v):3}  min {v[0]:.3f}  p5 {pick(0.05):.3f}  p50 {pick(0.5):.3f}  p95 {pick(0.95):.3f}  max {v[-1]:.3f}"

PAIR = re.compile(r"^copies/(\w+)_(\d+)\.\w+:\d+: staged function \S+ closely resembles (\S+):(\d+) \S+ "
                  r"\(([\d.]+)(?:, structure ([\d.]+))?\)$")
FLOOR = 0.3

def make_repository(source, language):
    repo = tempfile.mkdtemp(prefix="threshold-")
    ignore = shutil.ignore_patterns("__pycache__", "test*") if language == "python" else shutil.ignore_patterns("Test*")
    shutil.copytree(source, os.path.join(repo, "src"), ignore=ignore)
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "config", "user.name", "M"],
                ["git", "config", "user.email", "m@example.com"], ["git", "add", "-A"],
                ["git", "commit", "-q", "-m", "start"]):
        run(cmd, repo)
    return repo

def source_files(root, language):
    ext = ".py" if language == "python" else ".swift"
    for dirpath, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(ext):
                yield os.path.join(dirpath, name)

def sample_functions(repo, language, binary):
    """(path, first line for check's output, span-or-node, text) of every function of 4+ lines."""
    out = []
    for path in source_files(os.path.join(repo, "src"), language):
        rel = os.path.relpath(path, repo)
        if language == "python":
            out += [(rel, node.lineno, node, text) for node, text in functions(path)]
        else:
            out += [(rel, span["declarationLine"], span, text) for span, text in swift.functions(binary, path, rel)]
    return out

def copies(language, i, node, text):
    """kind -> the staged file's text."""
    if language == "python":
        light = lightly_renamed(node, text)
        heavy = renamed(node, text, i)
        made = {"exact": text, "light": light, "lightline": edited(light), "renamed": heavy,
                "type2": changed_literals(heavy)}
        return {k: as_module(v) for k, v in made.items()}
    made = {"exact": text, "light": swift.lightly_renamed(node, text),
            "renamed": swift.renamed(node, text, i, literals=False),
            "type2": swift.renamed(node, text, i, literals=True)}
    return {k: swift.as_module(node, v) for k, v in made.items()}

def foreign_functions(language, dirs, binary):
    texts = []
    for d in dirs:
        files = [d] if os.path.isfile(d) else list(source_files(d, language))
        for file in files:
            if language == "python":
                texts += [as_module(text) for _, text in functions(file)]
            else:
                texts += [swift.as_module(span, text) for span, text in swift.functions(binary, file, file)]
    return texts

def measure(source, binary, sample, seed, language, foreign_dirs):
    ext = ".py" if language == "python" else ".swift"
    repo = make_repository(source, language)
    try:
        run([binary, "index", "--quiet"], repo)
        candidates = sample_functions(repo, language, binary)
        random.Random(seed).shuffle(candidates)
        chosen = candidates[:sample]
        os.makedirs(os.path.join(repo, "copies"))
        for i, (_, _, node, text) in enumerate(chosen):
            for kind, body in copies(language, i, node, text).items():
                with open(os.path.join(repo, "copies", f"{kind}_{i}{ext}"), "w") as f:
                    f.write(body)
        foreign = foreign_functions(language, foreign_dirs, binary)
        random.Random(seed + 1).shuffle(foreign)
        foreign = foreign[:sample]
        for i, text in enumerate(foreign):
            with open(os.path.join(repo, "copies", f"foreign_{i}{ext}"), "w") as f:
                f.write(text)
        run(["git", "add", "copies"], repo)
        out = run([binary, "check", "--staged", "--threshold", str(FLOOR), "--structure-threshold", str(FLOOR),
                   "--warn-only"], repo).stdout
        # (kind, i) -> {(path, line): (cosine, structure or None)}
        pairs = {}
        for line in out.splitlines():
            m = PAIR.match(line)
            if m:
                structure = float(m.group(6)) if m.group(6) else None
                pairs.setdefault((m.group(1), int(m.group(2))), {}).setdefault(
                    (m.group(3), int(m.group(4))), (float(m.group(5)), structure))
        result = {k: [] for k in ROWS}
        floor = (FLOOR, None)
        for i, (path, line, _, _) in enumerate(chosen):
            for kind in KINDS:
                if (kind, i) in pairs or os.path.exists(os.path.join(repo, "copies", f"{kind}_{i}{ext}")):
                    if language == "swift" and kind == "lightline":
                        continue
                    result[kind].append(pairs.get((kind, i), {}).get((path, line), floor))
            others = [v for k, v in pairs.get(("exact", i), {}).items() if k != (path, line)]
            result["unrelated-check"].append(best(others))
        result["foreign"] = [best(list(pairs.get(("foreign", i), {}).values())) for i in range(len(foreign))]
        run(["git", "reset", "-q"], repo)
        shutil.rmtree(os.path.join(repo, "copies"))
        for path, line, _, _ in chosen:
            r = run([binary, "similar", f"{path}:{line}", "-n", "1", "--json"], repo, check=False)
            m = re.search(r'"score":([\d.\-]+)', r.stdout)
            if m:
                result["unrelated"].append((float(m.group(1)), None))
        return result
    finally:
        shutil.rmtree(repo, ignore_errors=True)

def best(scores):
    """The best cosine and the best structure over a function's pairs (each its own max)."""
    cosine = max([c for c, _ in scores], default=FLOOR)
    structures = [s for _, s in scores if s is not None]
    return (cosine, max(structures) if structures else None)

def flagged(value, t, s):
    cosine, structure = value
    return cosine >= t or (s is not None and structure is not None and structure >= s)

def report(total):
    print("## all")
    for kind, values in total.items():
        if values:
            print(f"{kind:15} cosine    {percentiles([c for c, _ in values])}")
            shaped = [s for _, s in values if s is not None]
            if shaped:
                print(f"{'':15} structure {percentiles(shaped)}  (of {len(values)}, others short or below {FLOOR})")
    rows = [k for k in ROWS if total[k]]
    print("flagged by cosine alone:")
    print("threshold " + " ".join(f"{k:>15}" for k in rows))
    for t in (0.80, 0.85, 0.88, 0.90, 0.92, 0.95):
        print(f"{t:9.2f} " + " ".join(f"{sum(flagged(v, t, None) for v in total[k]) / len(total[k]):15.0%}" for k in rows))
    print("flagged by cosine >= t or structure >= s (functions of enough tokens):")
    print("    t    s " + " ".join(f"{k:>15}" for k in rows))
    for t in (0.90, 0.92, 0.95):
        for s in (0.60, 0.70, 0.75, 0.80, 0.85, 0.90):
            print(f"{t:5.2f} {s:4.2f} " + " ".join(f"{sum(flagged(v, t, s) for v in total[k]) / len(total[k]):15.0%}" for k in rows))

def main():
    stdlib = sysconfig.get_paths()["stdlib"]
    here = os.path.dirname(os.path.abspath(__file__))
    checkouts = os.path.join(here, "../.build/checkouts")
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default=os.path.join(here, "../.build/release/codesearch"))
    p.add_argument("--sample", type=int, default=60)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--language", choices=("python", "swift"), default="python")
    p.add_argument("--foreign", nargs="*", help="where the foreign functions come from")
    p.add_argument("sources", nargs="*")
    a = p.parse_args()
    if a.language == "python":
        sources = a.sources or [os.path.join(stdlib, d) for d in ("email", "http", "logging")]
        foreign = a.foreign or [os.path.join(stdlib, n) for n in ("json", "csv.py", "argparse.py", "difflib.py", "textwrap.py")]
    else:
        sources = a.sources or [os.path.join(checkouts, "swift-argument-parser/Sources"),
                                os.path.join(checkouts, "swift-crypto/Sources/Crypto")]
        foreign = a.foreign or [os.path.join(here, "../Sources")]
    binary = os.path.abspath(a.binary)
    total = {k: [] for k in ROWS}
    for source in sources:
        r = measure(source, binary, a.sample, a.seed, a.language, foreign)
        print(f"## {source}")
        for kind, values in r.items():
            if values:
                print(f"{kind:15} cosine {percentiles([c for c, _ in values])}")
            total[kind] += values
    report(total)

if __name__ == "__main__":
    sys.exit(main())
