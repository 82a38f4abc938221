#ifndef CODESEARCH_CKERNELS_H
#define CODESEARCH_CKERNELS_H

/// Kernels for query-sized inputs to the native BERT encoder, where OpenBLAS spends most of
/// its time packing weights: out = x · wᵀ + bias with few rows of x, read straight from the
/// memory-mapped weights (fp32, w stored [n × k] row-major as in the checkpoint).
///
/// Two builds of each kernel, chosen at run time: AVX-512 (F, VL, FMA) and AVX2 + FMA.
/// Other CPUs get level 0 and the callers use BLAS.

#include <stddef.h>

/// The best kernel this CPU runs: 2 = AVX-512, 1 = AVX2 + FMA, 0 = none (use BLAS).
/// `CODESEARCH_KERNEL=avx2` or `=blas` in the environment lowers it (for measurements).
int cs_kernel_level(void);

/// `cs_kernel_level()` before the environment override: what the CPU supports.
int cs_kernel_cpu_level(void);

/// The epilogue applied to the product's outputs.
typedef enum {
    CS_EPILOGUE_NONE = 0,
    CS_EPILOGUE_GELU = 1,  ///< the exact (erf) GELU, as BertLayers' `gelu`
} cs_epilogue;

/// One product sharing the input x: out[i][j] = x[i] · weight[j] + bias[j], for j < n,
/// out rows `ld_out` floats apart. `bias` may be NULL.
typedef struct {
    const float *weight;
    const float *bias;
    float *out;
    long n;
    long ld_out;
} cs_linear_segment;

/// Columns [n0, n1) of one segment, on this thread, with the kernel of `level` (1 or 2).
/// x is m rows of k floats, `ld_x` apart; any m, n, k ≥ 1, any alignment.
void cs_linear_columns(int level, const float *x, long m, long k, long ld_x,
                       const cs_linear_segment *segment, long n0, long n1, cs_epilogue epilogue);

/// As cs_linear_columns, and while computing fetches the weight rows ahead up to column
/// `prefetch_end` of the segment (the columns this thread will most likely run next).
void cs_linear_columns_prefetching(int level, const float *x, long m, long k, long ld_x,
                                   const cs_linear_segment *segment, long n0, long n1, cs_epilogue epilogue,
                                   long prefetch_end);

/// In place: the exact (erf) GELU of `count` floats, as cs_linear_columns' epilogue.
void cs_gelu(int level, float *x, long count);

/// A helper thread that one call at a time borrows to split products over two cores.
/// Each embedder owns its own; nothing is process-global. The thread starts on the first
/// `cs_team_acquire` and stops in `cs_team_destroy`.
typedef struct cs_team cs_team;

cs_team *cs_team_create(void);
/// Stops and joins the helper; no call may be using the team.
void cs_team_destroy(cs_team *team);

/// Borrows the team for a series of products (one forward pass); 1 when granted, 0 when
/// another call holds it (or the helper cannot start): then run single-threaded
/// (pass NULL to cs_team_linear). Never blocks.
int cs_team_acquire(cs_team *team);
/// Returns the team; the helper goes to sleep.
void cs_team_release(cs_team *team);

/// Runs up to 8 segments with the same input, their columns split in chunks that the
/// caller and the helper claim in turn; with `team` NULL (or not acquired by this caller)
/// the caller runs them all. Returns when every output is written.
void cs_team_linear(cs_team *team, int level, const float *x, long m, long k, long ld_x,
                    const cs_linear_segment *segments, int count, cs_epilogue epilogue);

/// Self-attention of one sequence without BLAS (AVX-512, head width d a multiple of 16 up
/// to 64): qkv rows are [Q | K | V] (`ld_qkv` floats apart, each part `heads * d` wide);
/// context rows (`ld_context` apart) get the heads side by side. `scratch` holds
/// `cs_attention_scratch(length, d)` floats. Returns 0, touching nothing, when `level` or
/// `d` is not supported: then use BLAS.
int cs_attention(int level, const float *qkv, long ld_qkv, long length, long heads, long d,
                 float scale, float *scratch, float *context, long ld_context);

/// Whether `cs_attention` handles heads `d` wide at `level` (else it returns 0).
int cs_attention_supported(int level, long d);

/// Floats of scratch `cs_attention` (and `cs_attention_bf16`) needs for a sequence of
/// `length` tokens.
long cs_attention_scratch(long length, long d);

/// `cs_attention` with its two products in bf16 (AVX512_BF16's vdpbf16ps), for the packed
/// (int8, bf16, mixed) encoder paths only; fp32 stays the reference: Q, K, the softmax
/// weights P and V are rounded to bf16 (nearest even), sums and softmax are fp32, so a
/// context value is off by about 2⁻⁸ of the magnitudes it sums. Same arguments and scratch
/// as `cs_attention`; returns 0, touching nothing, where `cs_attention_bf16_supported` is 0.
int cs_attention_bf16(const float *qkv, long ld_qkv, long length, long heads, long d,
                      float scale, float *scratch, float *context, long ld_context);

/// Whether `cs_attention_bf16` runs: the CPU has AVX512_BF16 (as cs_packed_level_available
/// (CS_PACKED_BF16, 1) says, so CODESEARCH_KERNEL caps it) and d is a multiple of 16 up to 64.
int cs_attention_bf16_supported(long d);

/// Floats of scratch the bf16 kernel alone needs (cs_attention_scratch covers it).
long cs_attention_bf16_scratch(long length, long d);

#include "CPacked.h"

#endif
