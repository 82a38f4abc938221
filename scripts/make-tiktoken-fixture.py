"""Writes the tokenizer parity fixture from real tiktoken (run via make-tiktoken-fixture.sh).

cl100k_parity.json   {"tiktoken": version, "cases": [{"text": ..., "tokens": [...]}]}
cl100k_subset.tiktoken  the real cl100k_base ranks of every token the BPE forms
    (final or intermediate) while encoding those texts, plus all 256 single bytes.
    BPE merges the lowest-ranked adjacent pair first, so ranks that are never formed
    cannot change the result: the subset encodes these texts exactly as the full file.
"""
import base64, json, os, sys
import regex
import tiktoken

out = sys.argv[1]
enc = tiktoken.get_encoding("cl100k_base")

texts = [
    # prose
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    "I'm sure they'll say we'd've known; you're right, it isn't.",
    "IT'S LOUD. WE'LL SEE. THEY'RE HERE. I'VE GOT IT. I'M OK. HE'D GO. DON'T.",
    "Mixed Case: It'S, We'Ll, They'rE, I'vE, I'M, He'D, don'T",
    "Long s contraction: it\u017f here'\u017f (U+017F)",
    "a'b 'll 've 're 's 't 'm 'd ''s",
    "Semantic code search finds functions by meaning rather than by exact words.",
    "Embeddings are vectors; cosine similarity compares them.\n\nSecond paragraph after a blank line.",
    # digits
    "1234567890",
    "Pi is 3.14159265358979 and e is 2.71828.",
    "Version 10.0.19045, build 2024-11-29T01:13:46Z, port 8080, 0x7fffffff",
    "12 123 1234 12345 123456 1234567",
    "\u0661\u0662\u0663\u0664 \u00b2\u00b3 \u2167 \u2460\u2461",
    # whitespace runs, CRLF, trailing whitespace
    "a  b   c    d     e",
    "tabs\tand\t\tdouble\t\t\ttabs",
    "line one\r\nline two\r\n\r\nline four\r\n",
    "trailing spaces   ",
    "trailing newline\n",
    "trailing newline then spaces\n   ",
    "trailing blank lines\n\n\n",
    "trailing mixed \n \t\n  ",
    "   leading spaces",
    "\n\n\nleading newlines",
    "",
    " ",
    "\n",
    "\r\n",
    "    \n    \n",
    "x \n y \r\n z",
    "word\u00a0nbsp\u2003emspace\u3000ideographic",
    # punctuation
    "!!!???...,,,;;;:::",
    "==> <== != === !== <=> ->* ::",
    "/* comment */ // another --- ### @@@",
    "foo(bar[baz{qux}]);\n",
    # unicode
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00fcber Stra\u00dfe",
    "e\u0301 combining acute, a\u030a ring, n\u0303 tilde",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3002\u6f22\u5b57\u3068\u304b\u306a\u3002",
    "\u4e2d\u6587\u5206\u8bcd\u6d4b\u8bd5\uff1a\u8bed\u4e49\u4ee3\u7801\u641c\u7d22",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
    "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u0415\u0449\u0451 \u0440\u0430\u0437.",
    "\u0393\u03b5\u03b9\u03ac \u03c3\u03bf\u03c5 \u039a\u03cc\u03c3\u03bc\u03b5",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
    "emoji \U0001F600\U0001F680 family \U0001F468\u200d\U0001F469\u200d\U0001F467 flag \U0001F1FA\U0001F1F8",
    "math \u2200x\u2208\u211d: x\u00b2 \u2265 0 \u2227 \u221a4 = 2",
    "zero\u200bwidth and \ufeffBOM",
    # code
    "def add(a, b):\n    return a + b\n",
    "class Foo:\n    def __init__(self):\n        self.x = 1\n\n    def bar(self) -> int:\n        return self.x\n",
    "func greet(_ name: String) -> String {\n    return \"Hello, \\(name)!\"\n}\n",
    "public struct Point: Hashable {\n    public var x: Double\n    public var y: Double\n}",
    "fn main() {\n    let v: Vec<u32> = (0..10).map(|i| i * i).collect();\n    println!(\"{:?}\", v);\n}\n",
    "int main(int argc, char **argv) {\r\n\tprintf(\"%d\\n\", argc);\r\n\treturn 0;\r\n}\r\n",
    "const sum = (xs) => xs.reduce((a, b) => a + b, 0);",
    "SELECT id, name FROM users WHERE created_at >= '2024-01-01' ORDER BY id DESC;",
    "if err != nil {\n\t\treturn nil, fmt.Errorf(\"open %s: %w\", path, err)\n\t}",
    "#include <stdio.h>\n#define MAX(a,b) ((a)>(b)?(a):(b))\n",
    "    // indented comment\n        deeply_nested_call(arg1, arg2, kwarg=None)  \n",
    "{\"input\": [\"text\"], \"model\": \"text-embedding-ada-002\", \"dimensions\": 1536}",
    "<div class=\"container\"><p>Hello&nbsp;world</p></div>",
    "x=1;y=2;z=x+y*3/4-5%6",
    "snake_case_name camelCaseName PascalCaseName SCREAMING_CASE kebab-case-name",
    "url: https://example.com/path?q=semantic+search&page=2#top",
    "path/to/some/file.swift:42:7: error: cannot find 'foo' in scope",
    "    \n\tmixed indentation\n  \t  \n",
    "let s = \"it's\" + 'don\\'t' // isn't it",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "================================================================",
    "0000000000000000000000000000000000000000",
    "base64: SGVsbG8sIHdvcmxkIQ== c2VtYW50aWMgY29kZSBzZWFyY2g=",
    "<|endoftext|> is treated as plain text here",
    "    return x  # type: ignore[attr-defined]\n\n\n\ndef next():\n    pass",
    "\t\t\t\n\n\t\t",
    "end with punctuation?!\r\n\r\n",
    " 'quoted' \"double\" `back`",
    "\u00bfQu\u00e9 tal? \u00a1Muy bien! \u00c0 bient\u00f4t, \u00e7a va.",
]
assert len(texts) >= 50

pat = regex.compile(enc._pat_str)
ranks = enc._mergeable_ranks

def formed_parts(piece: bytes):
    """Every part the BPE forms for one piece, mirroring tiktoken's byte_pair_merge."""
    if piece in ranks:
        return {piece}
    parts = [piece[i:i + 1] for i in range(len(piece))]
    seen = set(parts)
    while len(parts) > 1:
        best = None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and (best is None or r < best[0]):
                best = (r, i)
        if best is None:
            break
        i = best[1]
        parts[i:i + 2] = [parts[i] + parts[i + 1]]
        seen.add(parts[i])
    return seen

subset = {bytes([b]): ranks[bytes([b])] for b in range(256)}
cases = []
for text in texts:
    tokens = enc.encode_ordinary(text)
    cases.append({"text": text, "tokens": tokens})
    for piece in pat.findall(text):
        for part in formed_parts(piece.encode("utf-8")):
            subset[part] = ranks[part]

small = tiktoken.Encoding(name="cl100k_subset", pat_str=enc._pat_str,
                          mergeable_ranks=subset, special_tokens={})
for case in cases:
    assert small.encode_ordinary(case["text"]) == case["tokens"], case["text"]

os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "cl100k_parity.json"), "w", encoding="utf-8") as f:
    json.dump({"tiktoken": tiktoken.__version__, "encoding": "cl100k_base",
               "pat_str": enc._pat_str, "cases": cases}, f, ensure_ascii=True, indent=1)
    f.write("\n")
with open(os.path.join(out, "cl100k_subset.tiktoken"), "w") as f:
    for token, rank in sorted(subset.items(), key=lambda kv: kv[1]):
        f.write(base64.b64encode(token).decode() + " " + str(rank) + "\n")
print(f"{len(cases)} texts, {sum(len(c['tokens']) for c in cases)} tokens, "
      f"{len(subset)} ranks in the subset, tiktoken {tiktoken.__version__}")
