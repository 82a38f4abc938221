#!/usr/bin/env python3
"""Measures the similarity `codesearch check --staged` sees for true copies, lightly
edited copies and unrelated functions, to choose its default --threshold.

Usage: scripts/measure-check-threshold.py [--binary PATH] [--sample N] [SOURCE_DIR ...]

For each SOURCE_DIR (default: three Python standard library packages) it commits the
Python files to a temporary repository, indexes it, and samples N functions of at
least 4 lines. Then it stages, in new files:
  exact      the function verbatim (a method stays in a class, at its indentation);
  light      renamed NAME_copy, and one local variable or parameter renamed;
  lightline  light, plus one statement inserted at the top of the body;
  renamed    the function with its name, parameters and local variables all renamed
             to neutral names (arg0, var0, ...): a heavy edit, for reference.
`codesearch check --staged --threshold 0.3 --warn-only` prints every pair; the score
of each copy against its original is read off. For unrelated functions it asks
`codesearch similar FILE:LINE -n 1` for each sampled original: the best score any
other function of the repository gets, which is what a new, genuinely different
function would score against its nearest neighbour (an upper bound: real repositories
contain real near-duplicates, which count here as "unrelated"). And "foreign": N
functions from other standard library modules (json, csv, argparse, difflib,
textwrap), staged as new files, each scored by `check` itself against the whole
repository (its best pair): the false-alarm rate of check as it runs, including its
re-scoring of near candidates under their names.
Prints percentiles of each distribution, and how many copies and unrelated functions
each candidate threshold would flag.
"""
import argparse, ast, io, os, random, re, shutil, subprocess, sys, sysconfig, tempfile, textwrap, tokenize

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

def measure(source, binary, sample, seed):
    repo = tempfile.mkdtemp(prefix="threshold-")
    try:
        shutil.copytree(source, os.path.join(repo, "src"), ignore=shutil.ignore_patterns("__pycache__", "test*"))
        for cmd in (["git", "init", "-q", "-b", "main"], ["git", "config", "user.name", "M"],
                    ["git", "config", "user.email", "m@example.com"], ["git", "add", "-A"],
                    ["git", "commit", "-q", "-m", "start"]):
            run(cmd, repo)
        run([binary, "index", "--quiet"], repo)
        candidates = []
        for dirpath, _, files in os.walk(os.path.join(repo, "src")):
            for name in sorted(files):
                if name.endswith(".py"):
                    path = os.path.join(dirpath, name)
                    candidates += [(os.path.relpath(path, repo), node, text) for node, text in functions(path)]
        random.Random(seed).shuffle(candidates)
        chosen = candidates[:sample]
        os.makedirs(os.path.join(repo, "copies"))
        for i, (path, node, text) in enumerate(chosen):
            light = lightly_renamed(node, text)
            for kind, body in (("exact", text), ("light", light), ("lightline", edited(light)),
                               ("renamed", renamed(node, text, i))):
                with open(os.path.join(repo, "copies", f"{kind}_{i}.py"), "w") as f:
                    f.write(as_module(body))
        stdlib = sysconfig.get_paths()["stdlib"]
        foreign = []
        for name in ("json", "csv.py", "argparse.py", "difflib.py", "textwrap.py"):
            path = os.path.join(stdlib, name)
            for file in ([os.path.join(path, f) for f in sorted(os.listdir(path)) if f.endswith(".py")]
                         if os.path.isdir(path) else [path]):
                foreign += [text for _, text in functions(file)]
        random.Random(seed + 1).shuffle(foreign)
        for i, text in enumerate(foreign[:sample]):
            with open(os.path.join(repo, "copies", f"foreign_{i}.py"), "w") as f:
                f.write(as_module(text))
        run(["git", "add", "copies"], repo)
        out = run([binary, "check", "--staged", "--threshold", "0.3", "--warn-only"], repo).stdout
        scores = {}
        pattern = re.compile(r"^copies/(\w+)_(\d+)\.py:\d+: staged function \S+ closely resembles (\S+):(\d+) \S+ \(([\d.]+)\)$")
        for line in out.splitlines():
            m = pattern.match(line)
            if m:
                scores.setdefault((m.group(1), int(m.group(2)), m.group(3), int(m.group(4))), float(m.group(5)))
        result = {"exact": [], "light": [], "lightline": [], "renamed": [], "unrelated": [], "foreign": []}
        best = {}
        for line in out.splitlines():
            m = re.match(r"^copies/foreign_(\d+)\.py:\d+: .* \(([\d.]+)\)$", line)
            if m:
                best[int(m.group(1))] = max(best.get(int(m.group(1)), 0.3), float(m.group(2)))
        result["foreign"] = [best.get(i, 0.3) for i in range(min(sample, len(foreign)))]
        for i, (path, node, _) in enumerate(chosen):
            for kind in ("exact", "light", "lightline", "renamed"):
                result[kind].append(scores.get((kind, i, path, node.lineno), 0.3))
        run(["git", "reset", "-q"], repo)
        shutil.rmtree(os.path.join(repo, "copies"))
        for path, node, _ in chosen:
            r = run([binary, "similar", f"{path}:{node.lineno}", "-n", "1", "--json"], repo, check=False)
            m = re.search(r'"score":([\d.\-]+)', r.stdout)
            if m:
                result["unrelated"].append(float(m.group(1)))
        return result
    finally:
        shutil.rmtree(repo, ignore_errors=True)

def main():
    stdlib = sysconfig.get_paths()["stdlib"]
    p = argparse.ArgumentParser()
    p.add_argument("--binary", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.build/release/codesearch"))
    p.add_argument("--sample", type=int, default=60)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("sources", nargs="*", default=[os.path.join(stdlib, d) for d in ("email", "http", "logging")])
    a = p.parse_args()
    binary = os.path.abspath(a.binary)
    total = {"exact": [], "light": [], "lightline": [], "renamed": [], "unrelated": [], "foreign": []}
    for source in a.sources:
        r = measure(source, binary, a.sample, a.seed)
        print(f"## {source}")
        for kind, values in r.items():
            if values:
                print(f"{kind:10} {percentiles(values)}")
            total[kind] += values
    print("## all")
    for kind, values in total.items():
        print(f"{kind:10} {percentiles(values)}")
    print("flagged at threshold:")
    print("threshold  exact  light  lightline  renamed  unrelated  foreign")
    for t in (0.80, 0.85, 0.88, 0.90, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98):
        frac = lambda k: sum(s >= t for s in total[k]) / max(1, len(total[k]))
        print(f"{t:9.2f} {frac('exact'):6.0%} {frac('light'):6.0%} {frac('lightline'):10.0%} {frac('renamed'):8.0%} {frac('unrelated'):10.0%} {frac('foreign'):8.0%}")

if __name__ == "__main__":
    sys.exit(main())
