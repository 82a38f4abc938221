#!/usr/bin/env python3
"""Copies of the semble benchmark's indexes with a share of their units marked as
waiting for their vectors (issue 14's two tiers), to measure how the ranking holds
up while vectors fill in:

    python3 scripts/eval/coverage_mask.py --work /work/semble-work --out /tmp/cov-25 --coverage 0.25
    scripts/eval-semble --no-index --work /tmp/cov-25 --label cov25

Each unit keeps its vector with probability --coverage (seeded, per repository); the
others get the function record's "no vector" flag (offset 29, bit 0; see
Sources/Index/IndexFormat.swift), which is all a reader consults, and the function
table's and the header's XXH64 are recomputed. Nothing else in the file changes.
"""
import argparse, os, random, shutil, struct

M = (1 << 64) - 1
P1, P2, P3, P4, P5 = (0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                      0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5)


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def _round(acc, lane):
    return (_rotl((acc + lane * P2) & M, 31) * P1) & M


def xxh64(data, seed=0):
    """XXH64, as Sources/Hashing computes it (checked against the file's own hashes)."""
    n, i = len(data), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M]
        while i + 32 <= n:
            lanes = struct.unpack_from("<4Q", data, i)
            v = [_round(a, b) for a, b in zip(v, lanes)]
            i += 32
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & M
        for a in v:
            h = ((h ^ _round(0, a)) * P1 + P4) & M
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 8 <= n:
        h = (_rotl(h ^ _round(0, struct.unpack_from("<Q", data, i)[0]), 27) * P1 + P4) & M
        i += 8
    if i + 4 <= n:
        h = (_rotl(h ^ ((struct.unpack_from("<I", data, i)[0] * P1) & M), 23) * P2 + P3) & M
        i += 4
    while i < n:
        h = (_rotl(h ^ ((data[i] * P5) & M), 11) * P1) & M
        i += 1
    h ^= h >> 33; h = (h * P2) & M
    h ^= h >> 29; h = (h * P3) & M
    return h ^ (h >> 32)


FUNCTIONS, RECORD, FLAGS = 4, 72, 29


def mask(path, coverage, seed):
    data = bytearray(open(path, "rb").read())
    count = struct.unpack_from("<I", data, 16)[0]
    header_size = 32 + count * 32 + 8
    assert xxh64(bytes(data[:header_size - 8])) == struct.unpack_from("<Q", data, header_size - 8)[0], "header hash"
    for s in range(count):
        at = 32 + s * 32
        kind, _, offset, length, digest = struct.unpack_from("<IIQQQ", data, at)
        if kind != FUNCTIONS:
            continue
        assert xxh64(bytes(data[offset:offset + length])) == digest, "function table hash"
        rng = random.Random(seed)
        waiting = 0
        for row in range(length // RECORD):
            if rng.random() >= coverage:
                data[offset + row * RECORD + FLAGS] |= 1
                waiting += 1
        struct.pack_into("<Q", data, at + 24, xxh64(bytes(data[offset:offset + length])))
        struct.pack_into("<Q", data, header_size - 8, xxh64(bytes(data[:header_size - 8])))
        open(path, "wb").write(data)
        return waiting, length // RECORD
    raise SystemExit(f"{path}: no function table")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--work", default="/work/semble-work", help="folder of the indexes (WORK/NAME/index)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--coverage", type=float, required=True, help="share of units that keep their vector")
    ap.add_argument("--seed", type=int, default=14)
    a = ap.parse_args()
    for name in sorted(os.listdir(a.work)):
        source = os.path.join(a.work, name, "index")
        if not os.path.isfile(source):
            continue
        os.makedirs(os.path.join(a.out, name), exist_ok=True)
        target = os.path.join(a.out, name, "index")
        shutil.copyfile(source, target)
        waiting, total = mask(target, a.coverage, a.seed)
        print(f"{name}: {total - waiting} of {total} units keep their vector")


if __name__ == "__main__":
    main()
