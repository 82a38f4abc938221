#ifndef CODESEARCH_CPACKED_H
#define CODESEARCH_CPACKED_H

/// Lower-precision matrix products for the native BERT encoder's bulk passes: the weights
/// packed once (int8 per output channel, or bf16), the activations converted per row at run
/// time, out = x · wᵀ + bias in fp32 for the fp32 attention, LayerNorm and GELU around it.
///
/// Packed layout, for both kinds (the layout VNNI, AVX512_BF16 and AMX all read): the
/// output channels in blocks of 16; within a block, for each group of 4 (int8) or 2 (bf16)
/// consecutive k, 64 bytes = 16 channels × that group. k is padded to a multiple of 64 and
/// the channels to a multiple of 32 with zero weights, so padding adds nothing to a sum.

#include <stddef.h>
#include <stdint.h>

#include "CKernels.h"

/// CPU features the packed kernels use (bits of cs_cpu_features).
enum {
    CS_CPU_AVX2 = 1,          ///< AVX2 + FMA
    CS_CPU_AVX512 = 2,        ///< AVX-512 F, BW, VL
    CS_CPU_AVX_VNNI = 4,      ///< VEX vpdpbusd (Alder Lake, Sapphire Rapids, Zen 5)
    CS_CPU_AVX512_VNNI = 8,   ///< EVEX vpdpbusd (Cascade Lake, Ice Lake, Zen 4)
    CS_CPU_AVX512_BF16 = 16,  ///< vdpbf16ps (Cooper Lake, Sapphire Rapids, Zen 4)
    CS_CPU_AMX_INT8 = 32,     ///< AMX tiles with tdpbusd, usable (the kernel granted the state)
    CS_CPU_AMX_BF16 = 64,     ///< AMX tiles with tdpbf16ps, usable
};

/// What the CPU reports (AMX only if Linux grants this process the tile state).
int cs_cpu_features_detected(void);

/// The features the kernels may use: cs_cpu_features_detected() capped by
/// `CODESEARCH_KERNEL` (`blas`: none; `avx2`: AVX2 only; `avx512`: AVX-512 without VNNI or
/// BF16; `avx512-vnni`: plus VNNI; `no-amx`: everything but AMX), to measure and test the
/// fallbacks on a CPU that has more.
int cs_cpu_features(void);

typedef enum {
    CS_PACKED_INT8 = 1,
    CS_PACKED_BF16 = 2,
} cs_packed_kind;

/// Kernel levels per kind, from cs_cpu_features(): int8 4 AMX, 3 AVX-512 VNNI, 2 AVX-VNNI,
/// 1 AVX2 (exact emulation of vpdpbusd; slower than fp32), 0 portable C. bf16: 2 AMX,
/// 1 AVX512_BF16, 0 none (the kind is unavailable).
int cs_packed_level(cs_packed_kind kind);

/// Whether this CPU runs `level`'s instructions for `kind`. The levels are not nested:
/// AMD's Zen 4 has AVX-512 VNNI (3) but not the VEX-encoded AVX-VNNI (2).
int cs_packed_level_available(cs_packed_kind kind, int level);

/// Most input channels an int8 matrix keeps in fp32 (`cs_packed_create`'s outliers).
#define CS_PACKED_MAX_OUTLIERS 8

/// A packed weight matrix (N, K) and its bias; owns its memory.
typedef struct {
    cs_packed_kind kind;
    long n, k;            ///< the logical shape
    long np, kp;          ///< padded: np a multiple of 32, kp of 64
    void *packed;         ///< np/16 blocks × (kp/4 int8 or kp/2 bf16 groups) × 64 bytes
    float *scales;        ///< int8: per channel, w ≈ scale · q (np); NULL for bf16
    float *column_sums;   ///< int8: Σ_k q per channel, as float (np); NULL for bf16
    float *bias;          ///< (np), zero past n
    int outliers;         ///< int8: input channels computed in fp32 beside the int8 sums
    long outlier_channel[CS_PACKED_MAX_OUTLIERS];
    long inlier_channel;  ///< the first input channel that is not an outlier
    uint16_t *inlier_lanes;  ///< with outliers: per 16 input channels, bit l set if channel 16g + l is an inlier
    float *outlier_weights;  ///< (outliers, np): w[j][outlier_channel[o]] at [o · np + j]
} cs_packed_matrix;

/// Packs the rows of `count` fp32 matrices stacked into one (N = Σ rows[i], K), e.g. the
/// Q, K and V projections into one (3C, C) product; `biases[i]` may be NULL. Rows are
/// [out, in] as in the checkpoint. int8 only: the `outlier_count` input channels listed
/// (at most CS_PACKED_MAX_OUTLIERS, each < k, fewer than k) are left out of the int8
/// weights and of each activation row's range and computed in fp32 instead, since a few
/// channels far larger than the rest (LayerNorm's outlier dimensions) would otherwise
/// set every row's int8 step. NULL when memory runs out or the outliers are invalid.
cs_packed_matrix *cs_packed_create(cs_packed_kind kind, const float *const *weights, const float *const *biases,
                                   const long *rows, int count, long k, const long *outliers, int outlier_count);
void cs_packed_destroy(cs_packed_matrix *matrix);

/// Bytes of scratch cs_packed_linear needs for up to m rows of inputs k wide.
long cs_packed_scratch_bytes(long m, long k);

/// out[i][j] = x[i] · w[j] + bias[j] (then GELU with CS_EPILOGUE_GELU) for i < m, j < n, with
/// the kernel of `level` for the matrix's kind (clamped to what cs_cpu_features allows).
/// x rows are `ld_x` floats apart, out rows `ld_out`; `scratch` holds
/// cs_packed_scratch_bytes(m, k) bytes, 64-byte aligned. One thread; reentrant.
void cs_packed_linear(int level, const cs_packed_matrix *w, const float *x, long m, long ld_x, float *out,
                      long ld_out, cs_epilogue epilogue, void *scratch);

#endif
