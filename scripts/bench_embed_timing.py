"""The timing protocol both Python peers of scripts/bench-embed follow, as the native
engine's `embed --benchmark` does: a warm-up on 64 texts, the best of two runs over the
whole corpus, then 55 one-text queries of which the first 5 are dropped and the median is
kept. Imported by bench-embed-onnx.py and bench-embed-st.py (same folder)."""
import time

QUERY = "parse a json config file"


def measure(embed, texts, tokens, engine):
    """The JSON line of one engine: `embed` takes a list of texts; `tokens` counts the corpus."""
    embed(texts[:64])
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        embed(texts)
        best = min(best, time.perf_counter() - start)
    latencies = []
    for _ in range(55):
        start = time.perf_counter()
        embed([QUERY])
        latencies.append(time.perf_counter() - start)
    latencies = sorted(latencies[5:])
    return {"engine": engine, "texts": len(texts), "tokens": tokens, "seconds": best,
            "tokens_per_s": tokens / best, "texts_per_s": len(texts) / best, "query_ms": latencies[25] * 1000}
