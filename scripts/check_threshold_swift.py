"""Swift side of scripts/measure-check-threshold.py: finding functions (with the
codesearch binary's own scanner) and making the edited copies.

Swift has no parser in Python's standard library, so copies are made on a light
tokenisation (comments, strings, identifiers, numbers, the rest): enough to rename
identifiers and change literals without touching text inside comments.
"""
import json, re, subprocess

TOKEN = re.compile(r'''
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>\#*"""(?:.|\n)*?"""\#*|\#*"(?:\\.|[^"\\\n])*"\#*)
  | (?P<ident>`[^`\n]*`|[A-Za-z_$][A-Za-z0-9_]*)
  | (?P<number>[0-9][0-9_a-fA-FxXoObB.]*(?:[eEpP][+-]?[0-9]+)?)
  | (?P<other>\s+|.)
''', re.VERBOSE | re.DOTALL)

KEYWORDS = {"let", "var", "func", "return", "if", "else", "guard", "for", "in", "while", "switch", "case",
            "default", "self", "Self", "true", "false", "nil", "try", "throw", "throws", "await", "async",
            "as", "is", "init", "where", "inout", "some", "any", "static", "private", "public", "internal",
            "fileprivate", "mutating", "override", "final", "struct", "class", "enum", "extension", "protocol",
            "do", "catch", "defer", "break", "continue", "repeat", "super", "_", "get", "set", "weak", "unowned"}

def functions(binary, path, repo_relative):
    """(span dict, text) for each function of at least four lines with a body."""
    out = subprocess.run([binary, "scan", "--json", path], capture_output=True, text=True).stdout
    lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    found = []
    for line in out.splitlines():
        d = json.loads(line)["data"]
        if d["lastLine"] - d["declarationLine"] < 3 or d["kind"] not in ("function", "method", "initializer"):
            continue
        text = "\n".join(lines[d["firstLine"] - 1:d["lastLine"]]) + "\n"
        if "{" not in text:
            continue
        d["path"] = repo_relative
        found.append((d, text))
    return found

def tokens(text):
    return [(m.lastgroup, m.group()) for m in TOKEN.finditer(text)]

def parameter_names(signature_tokens):
    """Internal names of the parameters: the identifier right before each top-level ':'
    of the first parenthesised list."""
    names, depth, last_ident, started = [], 0, None, False
    for kind, t in signature_tokens:
        if t == "(":
            depth += 1
            started = True
            continue
        if t == ")":
            depth -= 1
            if started and depth == 0:
                break
            continue
        if depth == 1:
            if kind == "ident":
                last_ident = t
            elif t == ":" and last_ident and last_ident != "_":
                names.append(last_ident)
                last_ident = None
            elif t == ",":
                last_ident = None
    return names

def local_names(toks):
    """Names bound by let/var/for and by closure parameters (`{ a, b in`)."""
    names = []
    significant = [(k, t) for k, t in toks if k not in ("comment", "other") or t.strip()]
    for i, (kind, t) in enumerate(significant[:-1]):
        nk, nt = significant[i + 1]
        if t in ("let", "var", "for") and nk == "ident" and nt not in KEYWORDS:
            names.append(nt)
    return names

def rename_map(span, toks, name_to, param_prefix="arg", local_prefix="var"):
    names = {}
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", span["name"]) and span["kind"] != "initializer":
        names[span["name"]] = name_to
    body_start = next((i for i, (k, t) in enumerate(toks) if t == "{"), len(toks))
    for i, p in enumerate(parameter_names(toks[:body_start])):
        names.setdefault(p, f"{param_prefix}{i}")
    for i, v in enumerate(local_names(toks)):
        names.setdefault(v, f"{local_prefix}{i}")
    return names

def rewrite(toks, names, literals):
    """The text with identifiers renamed (not after a '.': a member keeps its name) and,
    when `literals`, every number and every string's text changed."""
    out, previous, count = [], "", 0
    for kind, t in toks:
        if kind == "ident" and t in names and previous != ".":
            t = names[t]
        elif literals and kind == "number":
            t = "9" if t != "9" else "8"
        elif literals and kind == "string":
            count += 1
            if "\\(" in t:
                # Keep the interpolated code, renamed like the rest.
                t = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: names.get(m.group(), m.group()), t)
            elif t.lstrip("#").startswith('"""'):
                t = '"""\n    changed text %d\n    """' % count
            else:
                t = '"changed %d"' % count
        if kind != "other" or t.strip():
            previous = t
        out.append(t)
    return "".join(out)

def lightly_renamed(span, text):
    toks = tokens(text)
    names = rename_map(span, toks, span["name"] + "Copy")
    light = {span["name"]: names[span["name"]]} if span["name"] in names else {}
    for k, v in names.items():
        if k != span["name"]:
            light[k] = k + "Value"
            break
    return rewrite(toks, light, literals=False)

def renamed(span, text, index, literals):
    toks = tokens(text)
    return rewrite(toks, rename_map(span, toks, f"copied{index}"), literals)

def as_module(span, text):
    """A method goes into an extension of a new type; a top-level function stays as is."""
    if "." in span["qualifiedName"]:
        return "extension Copy {\n" + text + "}\n"
    return text
