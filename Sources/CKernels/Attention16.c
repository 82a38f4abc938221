// Self-attention of one sequence with its two products in bf16 (AVX512_BF16, vdpbf16ps),
// for the packed (int8, bf16, mixed) encoder paths; the fp32 path keeps Attention.c.
//
// Per head:
//   Kᵀ: K rounded to bf16 (nearest even), as (d/2, lp) 32-bit words, each the pair
//       (k[j][2p], k[j][2p + 1]): the layout vdpbf16ps multiplies against a broadcast pair
//       of q, so one instruction adds two e of 16 scores.
//   V:  rounded to bf16 as (lp/2, d) words, each (v[2t][u], v[2t + 1][u]): the pairs of
//       tokens a broadcast pair of p meets.
// then per block of up to 4 query rows, everything in L1:
//   scores = Q·Kᵀ (Q rounded to bf16, fp32 sums), softmax in fp32 (exp as 2^x, the scale
//   folded in), P rounded to bf16, context = (P·V) / Σ P with fp32 sums.
// The softmax's sum is taken over the rounded P, so every context row is a convex
// combination of V's rows: bf16 moves the weights (relative 2⁻⁹), never their total.

#include "CPacked.h"
#include "AttentionBlocks.h"

#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define CS_X86 1
#endif

enum { ROWS = 4 };  // query rows per block

/// Floats of scratch: Kᵀ (d/2 · lp words), V (lp/2 · d words), a block's fp32 scores
/// (ROWS · lp) and its bf16 P (ROWS · lp/2 words).
long cs_attention_bf16_scratch(long length, long d) {
    long lp = cs_attention_padded(length);
    return d * lp / 2 + lp / 2 * d + ROWS * lp + ROWS * lp / 2;
}

int cs_attention_bf16_supported(long d) {
#if CS_X86
    // Every CPU with AVX512_BF16 has AVX512DQ (vreduceps), but ask rather than assume.
    return cs_packed_level_available(CS_PACKED_BF16, 1) && __builtin_cpu_supports("avx512dq") && d % 16 == 0
           && d >= 16 && d <= 64;
#else
    (void)d;
    return 0;
#endif
}

#if CS_X86
#define TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512bf16,fma")))

#define DOT(acc, a, b) _mm512_dpbf16_ps((acc), (__m512bh)(a), (__m512bh)(b))

/// 16 lanes of pairs (x[2p], x[2p + 1]) in bf16 from 32 floats, the upper 16 only where
/// `upper` (a head width of 16 or 48 ends half way): zero there.
TARGET ALWAYS_INLINE __m512i pairs_of(const float *x, int upper) {
    __m512 lo = _mm512_loadu_ps(x), hi = upper ? _mm512_loadu_ps(x + 16) : _mm512_setzero_ps();
    return (__m512i)_mm512_cvtne2ps_pbh(hi, lo);  // lanes 0-15 from lo, 16-31 from hi
}

/// r[t] lane p -> r[p] lane t, for 16 vectors of 16 words.
TARGET ALWAYS_INLINE void transpose16(__m512i r[16]) {
    __m512i t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        r[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        r[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        r[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    // r[4b + c] now holds, in 128-bit lane L, rows 4b..4b+3 of column 4L + c; the two
    // 128-bit shuffles gather each column's four lanes in order.
    for (int c = 0; c < 4; c++) {
        t[c] = _mm512_shuffle_i32x4(r[c], r[c + 4], 0x88);       // lanes 0, 2 of each
        t[c + 4] = _mm512_shuffle_i32x4(r[c], r[c + 4], 0xdd);   // lanes 1, 3 of each
        t[c + 8] = _mm512_shuffle_i32x4(r[c + 8], r[c + 12], 0x88);
        t[c + 12] = _mm512_shuffle_i32x4(r[c + 8], r[c + 12], 0xdd);
    }
    for (int i = 0; i < 8; i++) {
        r[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
    }
}

/// The cache lines of d floats from x, into L1 (`T0`) or L2 (`T1`).
#define PREFETCH_ROW(x, d, hint)                                                             \
    do {                                                                                     \
        for (long e_ = 0; e_ < (d); e_ += 16) _mm_prefetch((const char *)((x) + e_), hint); \
        _mm_prefetch((const char *)((x) + (d) - 1), hint);                                  \
    } while (0)
ALWAYS_INLINE void prefetch_row(const float *x, long d) { PREFETCH_ROW(x, d, _MM_HINT_T0); }

/// Kᵀ (d/2 rows of lp words) and V (lp/2 rows of d words) of one head in bf16; the tokens
/// from `length` to lp are zero in both, so the padding adds nothing to any sum.
TARGET static void convert_head(const float *k, const float *v, long ld_qkv, long length, long d, long lp,
                                uint32_t *kt, uint32_t *vb) {
    const long hp = d / 2;
    for (long j0 = 0; j0 < lp; j0 += 16) {
        // qkv's rows are 3·heads·d floats apart and rarely in L2: fetch the next 16 ahead.
        for (long t = j0 + 16; t < j0 + 32 && t < length; t++) prefetch_row(k + t * ld_qkv, d);
        for (long g = 0; g < hp; g += 16) {  // 16 pairs of e at a time
            __m512i r[16];
            for (long t = 0; t < 16; t++)
                r[t] = j0 + t < length ? pairs_of(k + (j0 + t) * ld_qkv + 2 * g, 2 * g + 16 < d) : _mm512_setzero_si512();
            transpose16(r);
            for (long p = 0; p < 16 && g + p < hp; p++) _mm512_storeu_si512(kt + (g + p) * lp + j0, r[p]);
        }
    }
    // Interleave the tokens 2t and 2t + 1 of each column u: word u = (v[2t][u], v[2t + 1][u]).
    const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                                23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    for (long t = 0; t < lp / 2; t++) {
        for (long a = 2 * t + 16; a < 2 * t + 18 && a < length; a++) prefetch_row(v + a * ld_qkv, d);
        for (long u = 0; u < d; u += 16) {
            __m512 a = 2 * t < length ? _mm512_loadu_ps(v + 2 * t * ld_qkv + u) : _mm512_setzero_ps();
            __m512 b = 2 * t + 1 < length ? _mm512_loadu_ps(v + (2 * t + 1) * ld_qkv + u) : _mm512_setzero_ps();
            __m512i both = (__m512i)_mm512_cvtne2ps_pbh(b, a);  // a's 16 then b's 16
            _mm512_storeu_si512(vb + t * d + u, _mm512_permutexvar_epi16(interleave, both));
        }
    }
}

/// Raw dot products q[r]·k[j] of the block's R rows (bf16 pairs `qb`, hp apart) with the
/// columns [j0, j0 + 16·NV), to `scores` (rows lp apart).
TARGET ALWAYS_INLINE void score_block(const int R, const int NV, const uint32_t *qb, long hp, const uint32_t *kt,
                                      long lp, long j0, float *scores) {
    __m512 acc[ROWS][4];
    for (int r = 0; r < R; r++) for (int u = 0; u < NV; u++) acc[r][u] = _mm512_setzero_ps();
    for (long p = 0; p < hp; p++) {
        __m512i kv[4];
        for (int u = 0; u < NV; u++) kv[u] = _mm512_loadu_si512(kt + p * lp + j0 + 16 * u);
        for (int r = 0; r < R; r++) {
            __m512i q = _mm512_set1_epi32((int)qb[r * hp + p]);
            for (int u = 0; u < NV; u++) acc[r][u] = DOT(acc[r][u], q, kv[u]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int u = 0; u < NV; u++) _mm512_storeu_ps(scores + r * lp + j0 + 16 * u, acc[r][u]);
}

/// 2^x for x ≤ 0, 16 lanes: 2^f · 2^n with n = floor(x), f = x - n in [0, 1) (vreduceps),
/// 2^f by a degree-4 polynomial (relative error 2.6e-6, far under bf16's 2⁻⁹) and 2^n by
/// vscalefps. x is first raised to -125, so 2^n stays a normal float (no denormals); such
/// weights are 1e-38 of the row's largest and vanish in its sum.
TARGET ALWAYS_INLINE __m512 exp2_nonpositive(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-125.f));
    __m512 f = _mm512_reduce_ps(x, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);  // x - floor(x)
    __m512 y = _mm512_set1_ps(1.3534121215e-2f);
    y = _mm512_fmadd_ps(y, f, _mm512_set1_ps(5.2011482418e-2f));
    y = _mm512_fmadd_ps(y, f, _mm512_set1_ps(2.4144279957e-1f));
    y = _mm512_fmadd_ps(y, f, _mm512_set1_ps(6.9300383329e-1f));
    y = _mm512_fmadd_ps(y, f, _mm512_set1_ps(1.0000026226f));
    return _mm512_scalef_ps(y, x);  // y · 2^floor(x)
}

/// exp((s - max)·scale) of 16 scores, 0 outside `live`.
TARGET ALWAYS_INLINE __m512 weights16(const float *s, __mmask16 live, __m512 c, __m512 offset) {
    return _mm512_maskz_mov_ps(live, exp2_nonpositive(_mm512_fmsub_ps(_mm512_maskz_loadu_ps(live, s), c, offset)));
}

ALWAYS_INLINE __mmask16 live_lanes(long length, long j) {
    return length - j >= 16 ? (__mmask16)0xFFFF : length > j ? (__mmask16)((1u << (length - j)) - 1) : 0;
}

/// One row's softmax weights from its raw scores: p[j] = exp((s[j] - max)·scale) rounded to
/// bf16 for j < length, 0 up to lp; returns 1 / Σ p over the rounded values (summed by
/// vdpbf16ps against ones, 32 at a time).
TARGET static float softmax_row(const float *row, long length, long lp, float scale, uint16_t *p) {
    __m512 top = _mm512_set1_ps(-__builtin_inff());
    for (long j = 0; j < length; j += 16)
        top = _mm512_mask_max_ps(top, live_lanes(length, j), top, _mm512_loadu_ps(row + j));
    const float c = scale * 1.44269504088896341f;  // e^(s·scale) = 2^(s·scale·log2 e)
    const __m512 c_v = _mm512_set1_ps(c), offset = _mm512_set1_ps(_mm512_reduce_max_ps(top) * c);
    const __m512i ones = _mm512_set1_epi16(0x3F80);  // bf16 1.0
    __m512 total = _mm512_setzero_ps();
    for (long j = 0; j < lp; j += 32) {
        __m512 lo = weights16(row + j, live_lanes(length, j), c_v, offset);
        __m512 hi = j + 16 < lp ? weights16(row + j + 16, live_lanes(length, j + 16), c_v, offset) : _mm512_setzero_ps();
        __m512i both = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
        _mm512_mask_storeu_epi16(p + j, j + 16 < lp ? ~(__mmask32)0 : (__mmask32)0xFFFF, both);
        total = DOT(total, both, ones);
    }
    return 1.f / _mm512_reduce_add_ps(total);
}

/// Context rows of the block: Σ_t p[r][t]·v[t] over the token pairs, times inverse[r];
/// DV vectors of 16 columns.
TARGET ALWAYS_INLINE void context_block(const int R, const int DV, const uint32_t *pb, long lph, const uint32_t *vb,
                                        long d, long pairs, const float *inverse, float *context, long ld_context) {
    __m512 acc[ROWS][4];
    for (int r = 0; r < R; r++) for (int u = 0; u < DV; u++) acc[r][u] = _mm512_setzero_ps();
    for (long t = 0; t < pairs; t++) {
        __m512i vt[4];
        for (int u = 0; u < DV; u++) vt[u] = _mm512_loadu_si512(vb + t * d + 16 * u);
        for (int r = 0; r < R; r++) {
            __m512i p = _mm512_set1_epi32((int)pb[r * lph + t]);
            for (int u = 0; u < DV; u++) acc[r][u] = DOT(acc[r][u], p, vt[u]);
        }
    }
    for (int r = 0; r < R; r++) {
        __m512 s = _mm512_set1_ps(inverse[r]);
        for (int u = 0; u < DV; u++) _mm512_storeu_ps(context + r * ld_context + 16 * u, _mm512_mul_ps(acc[r][u], s));
    }
}

/// Query rows [i, i + R) of one head: scores, softmax and context, all in L1.
TARGET static void row_block(int R, const float *q, long ld_qkv, long length, long d, long lp, float scale,
                             const uint32_t *kt, const uint32_t *vb, float *scores, uint16_t *pb, float *context,
                             long ld_context) {
    const long hp = d / 2;
    uint32_t qb[ROWS * 32];  // d ≤ 64
    for (int r = 0; r < R; r++)
        for (long g = 0; g < hp; g += 16) {
            __m512i pairs = pairs_of(q + r * ld_qkv + 2 * g, 2 * g + 16 < d);
            _mm512_mask_storeu_epi32(qb + r * hp + g, hp - g >= 16 ? (__mmask16)0xFFFF : (__mmask16)0xFF, pairs);
        }
    long j0 = 0;
    for (; j0 + 64 <= lp; j0 += 64) ROWS_CASES(SCORE_BLOCK, R, 4, qb, hp, kt, lp, j0, scores)
    switch ((lp - j0) / 16) {
    case 1: ROWS_CASES(SCORE_BLOCK, R, 1, qb, hp, kt, lp, j0, scores) break;
    case 2: ROWS_CASES(SCORE_BLOCK, R, 2, qb, hp, kt, lp, j0, scores) break;
    case 3: ROWS_CASES(SCORE_BLOCK, R, 3, qb, hp, kt, lp, j0, scores) break;
    default: break;
    }
    float inverse[ROWS];
    for (int r = 0; r < R; r++) inverse[r] = softmax_row(scores + r * lp, length, lp, scale, pb + r * lp);
    const uint32_t *pw = (const uint32_t *)pb;
    const long pairs = (length + 1) / 2;  // an odd length's last pair has p = 0 and v = 0
    switch (d / 16) {
    case 1: ROWS_CASES(CONTEXT_BLOCK, R, 1, pw, lp / 2, vb, d, pairs, inverse, context, ld_context) break;
    case 2: ROWS_CASES(CONTEXT_BLOCK, R, 2, pw, lp / 2, vb, d, pairs, inverse, context, ld_context) break;
    case 3: ROWS_CASES(CONTEXT_BLOCK, R, 3, pw, lp / 2, vb, d, pairs, inverse, context, ld_context) break;
    default: ROWS_CASES(CONTEXT_BLOCK, R, 4, pw, lp / 2, vb, d, pairs, inverse, context, ld_context) break;
    }
}

TARGET static void attention_bf16(const float *qkv, long ld_qkv, long length, long heads, long d, float scale,
                                  float *scratch, float *context, long ld_context) {
    const long c = heads * d, lp = cs_attention_padded(length);
    uint32_t *kt = (uint32_t *)scratch, *vb = kt + d / 2 * lp;
    float *scores = (float *)(vb + lp / 2 * d);
    uint16_t *pb = (uint16_t *)(scores + ROWS * lp);
    for (long h = 0; h < heads; h++) {
        const float *q = qkv + h * d;
        convert_head(q + c, q + 2 * c, ld_qkv, length, d, lp, kt, vb);
        for (long i = 0; i < length; i += ROWS) {
            int r = length - i < ROWS ? (int)(length - i) : ROWS;
            for (long a = i + ROWS; a < i + 2 * ROWS && a < length; a++) prefetch_row(q + a * ld_qkv, d);
            // The next head's Q, K and V of these rows into L2, while this head computes:
            // qkv (3·heads·d floats a row) outgrows L2 at a few hundred tokens.
            for (long a = i; a < i + r && h + 1 < heads; a++)
                for (long part = 0; part < 3; part++) PREFETCH_ROW(q + d + part * c + a * ld_qkv, d, _MM_HINT_T1);
            row_block(r, q + i * ld_qkv, ld_qkv, length, d, lp, scale, kt, vb, scores, pb,
                      context + i * ld_context + h * d, ld_context);
        }
    }
}
#endif  // CS_X86

int cs_attention_bf16(const float *qkv, long ld_qkv, long length, long heads, long d, float scale, float *scratch,
                      float *context, long ld_context) {
#if CS_X86
    if (cs_attention_bf16_supported(d) && length >= 1) {
        attention_bf16(qkv, ld_qkv, length, heads, d, scale, scratch, context, ld_context);
        return 1;
    }
#endif
    (void)qkv; (void)ld_qkv; (void)length; (void)heads; (void)d; (void)scale;
    (void)scratch; (void)context; (void)ld_context;
    return 0;
}
