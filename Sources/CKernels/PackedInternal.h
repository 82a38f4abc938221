// Shared by the packed kernels' files (not part of the module's interface).
#ifndef CODESEARCH_PACKED_INTERNAL_H
#define CODESEARCH_PACKED_INTERNAL_H

#include "CPacked.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/// The activations of one product, converted for the kernels: rows of `row_bytes` (kp int8
/// bytes or kp bf16 values), `mp` of them (m rounded up to 32; the extra rows are zero).
/// int8 rows are asymmetric: x ≈ row_scale · q + row_min with q in [0, 255].
typedef struct {
    const uint8_t *x;
    long row_bytes;
    long m, mp;
    const float *row_scale, *row_min;  // int8 only
    const float *outlier_x;            // int8 with outliers: (mp, w->outliers), row i's outlier inputs
    void *tile;                        // 32 × 32 × 4 bytes for the AMX kernel's sums
} cs_packed_input;

/// Bytes between two 16-channel blocks of the packed weights.
static inline long cs_block_bytes(const cs_packed_matrix *w) {
    return (w->kind == CS_PACKED_INT8 ? w->kp / 4 : w->kp / 2) * 64;
}

/// Each computes out rows [0, in->m), channels [0, w->n), with bias (and for int8 the
/// dequantisation); GELU after each tile when `gelu`. The kind decides the instruction.
void cs_packed_run_amx(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu);
void cs_packed_run_512(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu);
void cs_packed_run_avx_vnni(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu);
void cs_packed_run_avx2(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu);
void cs_packed_run_portable(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu);

/// Channels [j0, j0 + count) of row i from its int32 sums (int8) or fp32 sums (bf16),
/// `sums` holding `count` values; count ≤ 64. The AVX-512 and the portable forms; both
/// compute scale · (row_scale · sum + row_min · column_sum) + bias, then add each outlier
/// channel's x · w in turn, with the same roundings.
void cs_packed_finish_512(const cs_packed_matrix *w, const cs_packed_input *in, long i, long j0, long count,
                          const void *sums, float *out_row, int gelu);
void cs_packed_finish_portable(const cs_packed_matrix *w, const cs_packed_input *in, long i, long j0, long count,
                               const void *sums, float *out_row, int gelu);

#endif
