// Self-attention of one sequence with AVX-512, per head:
//   scores = (Q · Kᵀ) · scale, softmax per row, context = P · V.
// For a query's ten tokens the BLAS route (two sgemm calls per head, a scalar softmax) is
// all call overhead; for long sequences the exponentials dominate. Here Kᵀ is copied once
// per head so that a score row is a sum of broadcast q values times contiguous Kᵀ rows
// (no lane sums), the exponential runs 16 lanes at a time, and P · V accumulates four rows
// at once. Head widths that are multiples of 16 up to 64 (MiniLM 32, BERT-base 64).

#include "CKernels.h"
#include "AttentionBlocks.h"

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CS_X86 1
#endif

long cs_attention_scratch(long length, long d) {
    long lp = cs_attention_padded(length), bf16 = cs_attention_bf16_scratch(length, d);
    return lp * lp + d * lp > bf16 ? lp * lp + d * lp : bf16;
}

#if CS_X86
#define TARGET512 __attribute__((target("avx512f,avx512vl,fma")))

/// e^x as BertLayers' fastExp (Cephes range reduction and polynomial), 16 lanes; 0 below -87.3.
TARGET512 ALWAYS_INLINE __m512 exp512(__m512 input) {
    __m512 x0 = _mm512_min_ps(_mm512_max_ps(input, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
    const __m512 shifter = _mm512_set1_ps(12582912.f);
    __m512 shifted = _mm512_fmadd_ps(x0, _mm512_set1_ps(1.44269504088896341f), shifter);
    __m512 n = _mm512_sub_ps(shifted, shifter);
    __m512 x = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x0);
    x = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), x);
    __m512 x2 = _mm512_mul_ps(x, x);
    __m512 y = _mm512_set1_ps(1.9875691500e-4f);
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(1.3981999507e-3f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(8.3334519073e-3f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(4.1665795894e-2f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(1.6666665459e-1f));
    y = _mm512_fmadd_ps(y, x, _mm512_set1_ps(5.0000001201e-1f));
    y = _mm512_add_ps(_mm512_fmadd_ps(y, x2, x), _mm512_set1_ps(1.f));
    __m512i bits = _mm512_slli_epi32(
        _mm512_add_epi32(_mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_set1_epi32(0x4B400000)),
                         _mm512_set1_epi32(127)), 23);
    __mmask16 live = _mm512_cmp_ps_mask(input, _mm512_set1_ps(-87.3f), _CMP_GE_OQ);
    return _mm512_maskz_mul_ps(live, y, _mm512_castsi512_ps(bits));
}

/// Score rows [i0, i0 + R) against columns [j0, j0 + 16·NV): Σ_e q[i][e]·Kᵀ[e][j], scaled.
TARGET512 ALWAYS_INLINE void score_block(const int R, const int NV, const float *q, long ld_qkv, const float *kt,
                                         long lp, long d, long j0, __m512 scale, float *scores) {
    __m512 acc[4][4];
    for (int r = 0; r < 4; r++) for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_ps();
    for (long e = 0; e < d; e++) {
        __m512 k[4];
        for (int v = 0; v < NV; v++) k[v] = _mm512_loadu_ps(kt + e * lp + j0 + 16 * v);
        for (int r = 0; r < R; r++) {
            __m512 qe = _mm512_set1_ps(q[r * ld_qkv + e]);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(qe, k[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; r++) {
        for (int v = 0; v < NV; v++) _mm512_storeu_ps(scores + r * lp + j0 + 16 * v, _mm512_mul_ps(acc[r][v], scale));
    }
}

/// Context rows [i0, i0 + R): Σ_j p[i][j]·V[j], DV vectors of 16 wide.
TARGET512 ALWAYS_INLINE void context_block(const int R, const int DV, const float *p, long lp, const float *v,
                                           long ld_qkv, long length, float *context, long ld_context) {
    __m512 acc[4][4];
    for (int r = 0; r < 4; r++) for (int u = 0; u < 4; u++) acc[r][u] = _mm512_setzero_ps();
    for (long j = 0; j < length; j++) {
        __m512 vj[4];
        for (int u = 0; u < DV; u++) vj[u] = _mm512_loadu_ps(v + j * ld_qkv + 16 * u);
        for (int r = 0; r < R; r++) {
            __m512 pj = _mm512_set1_ps(p[r * lp + j]);
            for (int u = 0; u < DV; u++) acc[r][u] = _mm512_fmadd_ps(pj, vj[u], acc[r][u]);
        }
    }
    for (int r = 0; r < R; r++) {
        for (int u = 0; u < DV; u++) _mm512_storeu_ps(context + r * ld_context + 16 * u, acc[r][u]);
    }
}

TARGET512 static void attention512(const float *qkv, long ld_qkv, long length, long heads, long d, float scale,
                                   float *scratch, float *context, long ld_context) {
    const long c = heads * d, lp = cs_attention_padded(length), dv = d / 16;
    float *scores = scratch, *kt = scratch + lp * lp;
    const __m512 scale_v = _mm512_set1_ps(scale);
    for (long h = 0; h < heads; h++) {
        const float *q = qkv + h * d, *k = q + c, *v = q + 2 * c;
        // Kᵀ (d, lp), zero past the sequence.
        for (long e = 0; e < d; e++) {
            float *row = kt + e * lp;
            for (long j = 0; j < length; j++) row[j] = k[j * ld_qkv + e];
            for (long j = length; j < lp; j++) row[j] = 0;
        }
        for (long i = 0; i < length; i += 4) {
            int r = length - i < 4 ? (int)(length - i) : 4;
            const float *qi = q + i * ld_qkv;
            float *si = scores + i * lp;
            long j0 = 0;
            for (; j0 + 64 <= lp; j0 += 64) ROWS_CASES(SCORE_BLOCK, r, 4, qi, ld_qkv, kt, lp, d, j0, scale_v, si)
            switch ((lp - j0) / 16) {
            case 1: ROWS_CASES(SCORE_BLOCK, r, 1, qi, ld_qkv, kt, lp, d, j0, scale_v, si) break;
            case 2: ROWS_CASES(SCORE_BLOCK, r, 2, qi, ld_qkv, kt, lp, d, j0, scale_v, si) break;
            case 3: ROWS_CASES(SCORE_BLOCK, r, 3, qi, ld_qkv, kt, lp, d, j0, scale_v, si) break;
            default: break;
            }
        }
        // Softmax per row over the first `length` columns; the padding becomes 0.
        for (long i = 0; i < length; i++) {
            float *row = scores + i * lp;
            __m512 top = _mm512_set1_ps(-__builtin_inff());
            for (long j = 0; j < lp; j += 16) {
                __mmask16 live = length - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (length - j)) - 1);
                top = _mm512_mask_max_ps(top, live, top, _mm512_loadu_ps(row + j));
            }
            __m512 top_v = _mm512_set1_ps(_mm512_reduce_max_ps(top));
            __m512 total = _mm512_setzero_ps();
            for (long j = 0; j < lp; j += 16) {
                __mmask16 live = length - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (length - j)) - 1);
                __m512 e = _mm512_maskz_mov_ps(live, exp512(_mm512_sub_ps(_mm512_loadu_ps(row + j), top_v)));
                _mm512_storeu_ps(row + j, e);
                total = _mm512_add_ps(total, e);
            }
            __m512 inverse = _mm512_set1_ps(1.f / _mm512_reduce_add_ps(total));
            for (long j = 0; j < lp; j += 16) _mm512_storeu_ps(row + j, _mm512_mul_ps(_mm512_loadu_ps(row + j), inverse));
        }
        for (long i = 0; i < length; i += 4) {
            int r = length - i < 4 ? (int)(length - i) : 4;
            const float *pi = scores + i * lp;
            float *ci = context + i * ld_context + h * d;
            switch (dv) {
            case 1: ROWS_CASES(CONTEXT_BLOCK, r, 1, pi, lp, v, ld_qkv, length, ci, ld_context) break;
            case 2: ROWS_CASES(CONTEXT_BLOCK, r, 2, pi, lp, v, ld_qkv, length, ci, ld_context) break;
            case 3: ROWS_CASES(CONTEXT_BLOCK, r, 3, pi, lp, v, ld_qkv, length, ci, ld_context) break;
            default: ROWS_CASES(CONTEXT_BLOCK, r, 4, pi, lp, v, ld_qkv, length, ci, ld_context) break;
            }
        }
    }
}
#endif  // CS_X86

int cs_attention_supported(int level, long d) {
#if CS_X86
    return level >= 2 && d % 16 == 0 && d >= 16 && d <= 64;
#else
    (void)level; (void)d;
    return 0;
#endif
}

int cs_attention(int level, const float *qkv, long ld_qkv, long length, long heads, long d,
                 float scale, float *scratch, float *context, long ld_context) {
#if CS_X86
    if (cs_attention_supported(level, d) && length >= 1) {
        attention512(qkv, ld_qkv, length, heads, d, scale, scratch, context, ld_context);
        return 1;
    }
#endif
    (void)level; (void)qkv; (void)ld_qkv; (void)length; (void)heads; (void)d; (void)scale;
    (void)scratch; (void)context; (void)ld_context;
    return 0;
}
