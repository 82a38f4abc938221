// Shared by the attention kernels' files (not part of the module's interface): the padded
// row stride, and the dispatch from a run-time count of rows (1–4) to the compile-time one
// each file's block functions (`score_block`, `context_block`) are unrolled for.
#ifndef CODESEARCH_ATTENTION_BLOCKS_H
#define CODESEARCH_ATTENTION_BLOCKS_H

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/// A sequence's length rounded up to whole 16-float vectors, the kernels' row stride.
static inline long cs_attention_padded(long length) { return (length + 15) & ~15L; }

#define ROWS_CASES(F, R, ...)                 \
    switch (R) {                              \
    case 1: F(1, __VA_ARGS__); break;         \
    case 2: F(2, __VA_ARGS__); break;         \
    case 3: F(3, __VA_ARGS__); break;         \
    default: F(4, __VA_ARGS__); break;        \
    }

#define SCORE_BLOCK(R, NV, ...) score_block(R, NV, __VA_ARGS__)
#define CONTEXT_BLOCK(R, DV, ...) context_block(R, DV, __VA_ARGS__)

#endif
