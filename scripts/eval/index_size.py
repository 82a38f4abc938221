#!/usr/bin/env python3
"""Bytes per function of an index file, with and without the lexicon section
(layout in Sources/Index/IndexFormat.swift). Usage: index_size.py INDEX_FILE"""
import struct, sys

data = open(sys.argv[1], "rb").read()
version, _, count = struct.unpack_from("<III", data, 8)
names = {1: "meta", 2: "strings", 3: "blobs", 4: "functions", 5: "vectors", 6: "snapshot", 7: "lexicon"}
sections = {}
for i in range(count):
    kind, _, offset, length, _ = struct.unpack_from("<IIQQQ", data, 32 + i * 32)
    sections[names.get(kind, kind)] = length
functions = sections["functions"] // 72
lexicon = sections.get("lexicon", 0)
print(f"format {version}, {functions} functions, {len(data)} bytes: {len(data) / functions:.0f} B/function; "
      f"lexicon {lexicon / functions:.0f} B/function; without it {(len(data) - lexicon) / functions:.0f} B/function "
      f"(+{100 * lexicon / (len(data) - lexicon):.0f}%)")
