// out = x · wᵀ + bias for few rows of x (a query's tokens), straight from the weights.
//
// Each output is a dot product of an x row and a w row over k. A tile of MR x rows by NR
// w rows keeps MR·NR vector accumulators in registers (AVX-512: MR ≤ 6, NR ≤ 4, 16 floats
// a step; AVX2: MR ≤ 2, NR ≤ 4, 8 floats); per step it loads MR + NR vectors for MR·NR
// fused multiply-adds. Tiles walk the w rows in order (the NR rows of a tile are
// contiguous, so w is read once, front to back, as one stream) and, for each, every row
// block of x: the w tile (NR·k floats, ≤ 24 KiB) is read from memory once and from L1 for
// the other blocks, while x (m·k floats) stays in L1/L2. The accumulators are summed
// across lanes at the end of a tile by a transposing tree (16 vectors into one vector of
// 16 sums in 45 instructions). The k tail (k not a multiple of 16 or 8) uses masked loads.
//
// With few rows the arithmetic per weight byte is small, so memory matters as much as the
// FMA units: while a tile computes, the kernel prefetches (into L2) the w rows about 12 KiB
// ahead, spread over the row blocks so the requests flow evenly. Measured on Zen 4, that
// took the six layers' products at 10 rows from 2.6 to 1.8 ms on two cores.

#include "CKernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CS_X86 1
#endif

#define ALWAYS_INLINE static inline __attribute__((always_inline))

// ---------------------------------------------------------------------------------------
// Level detection

static int detected = -1;      // CPU level, cached (benign race: every thread computes the same)
static int overridden = -1;    // after CODESEARCH_KERNEL

int cs_kernel_cpu_level(void) {
    int level = __atomic_load_n(&detected, __ATOMIC_RELAXED);
    if (level >= 0) return level;
    level = 0;
#if CS_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma")) {
        level = 2;
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        level = 1;
    }
#endif
    __atomic_store_n(&detected, level, __ATOMIC_RELAXED);
    return level;
}

int cs_kernel_level(void) {
    int level = __atomic_load_n(&overridden, __ATOMIC_RELAXED);
    if (level >= 0) return level;
    level = cs_kernel_cpu_level();
    const char *choice = getenv("CODESEARCH_KERNEL");
    if (choice) {
        if (strcmp(choice, "blas") == 0) level = 0;
        else if (strcmp(choice, "avx2") == 0 && level > 1) level = 1;
    }
    __atomic_store_n(&overridden, level, __ATOMIC_RELAXED);
    return level;
}

// ---------------------------------------------------------------------------------------
// GELU epilogue: x · 0.5 · (1 + erf(x / √2)), erf as BertLayers' fastErf (rational fit on [-4, 4]).

static inline float erf_scalar(float input) {
    float x = input < -4.f ? -4.f : (input > 4.f ? 4.f : input);
    float x2 = x * x;
    float p = -2.72614225801306e-10f;
    p = p * x2 + 2.77068142495902e-08f;
    p = p * x2 - 2.10102402082508e-06f;
    p = p * x2 - 5.69250639462346e-05f;
    p = p * x2 - 7.34990630326855e-04f;
    p = p * x2 - 2.95459980854025e-03f;
    p = p * x2 - 1.60960333262415e-02f;
    p = p * x;
    float q = -1.45660718464996e-05f;
    q = q * x2 - 2.13374055278905e-04f;
    q = q * x2 - 1.68282697438203e-03f;
    q = q * x2 - 7.37332916720468e-03f;
    q = q * x2 - 1.42647390514189e-02f;
    return p / q;
}

static inline float gelu_scalar(float v) { return 0.5f * v * (1.f + erf_scalar(v * 0.70710678118654752f)); }

#if CS_X86

#define TARGET512 __attribute__((target("avx512f,avx512vl,fma")))
#ifndef PREFETCH_BYTES
#define PREFETCH_BYTES 12288
#endif
/// How far ahead (in w rows, whole tiles) the kernels fetch: about PREFETCH_BYTES.
static inline long prefetch_rows(long k) {
    long tiles = PREFETCH_BYTES / (16 * k);
    return 4 * (tiles < 1 ? 1 : tiles);
}
/// The w tile `ahead_rows` rows past column n, which the kernels fetch while tile n computes,
/// with how many of its 4 rows to fetch: none when it would pass column `prefetch_end`.
static inline const float *tile_ahead(const float *w, long n, long k, long ahead_rows, long prefetch_end,
                                      int *rows) {
    int inside = n + ahead_rows + 4 <= prefetch_end;
    *rows = inside ? 4 : 0;
    return inside ? w + (n + ahead_rows) * k : w;
}
#ifndef PREFETCH_HINT
#define PREFETCH_HINT _MM_HINT_T1
#endif
#define TARGET256 __attribute__((target("avx2,fma")))

#define ERF_POLY(VEC, SET1, FMA, MUL, DIV, MIN, MAX)                                   \
    VEC x = MIN(MAX(input, SET1(-4.f)), SET1(4.f));                                    \
    VEC x2 = MUL(x, x);                                                                \
    VEC p = SET1(-2.72614225801306e-10f);                                              \
    p = FMA(p, x2, SET1(2.77068142495902e-08f));                                       \
    p = FMA(p, x2, SET1(-2.10102402082508e-06f));                                      \
    p = FMA(p, x2, SET1(-5.69250639462346e-05f));                                      \
    p = FMA(p, x2, SET1(-7.34990630326855e-04f));                                      \
    p = FMA(p, x2, SET1(-2.95459980854025e-03f));                                      \
    p = FMA(p, x2, SET1(-1.60960333262415e-02f));                                      \
    p = MUL(p, x);                                                                     \
    VEC q = SET1(-1.45660718464996e-05f);                                              \
    q = FMA(q, x2, SET1(-2.13374055278905e-04f));                                      \
    q = FMA(q, x2, SET1(-1.68282697438203e-03f));                                      \
    q = FMA(q, x2, SET1(-7.37332916720468e-03f));                                      \
    q = FMA(q, x2, SET1(-1.42647390514189e-02f));                                      \
    return DIV(p, q);

TARGET512 ALWAYS_INLINE __m512 erf512(__m512 input) {
    ERF_POLY(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_mul_ps, _mm512_div_ps, _mm512_min_ps, _mm512_max_ps)
}

TARGET256 ALWAYS_INLINE __m256 erf256(__m256 input) {
    ERF_POLY(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_mul_ps, _mm256_div_ps, _mm256_min_ps, _mm256_max_ps)
}

TARGET512 static void gelu512(float *row, long count) {
    const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.f), r2 = _mm512_set1_ps(0.70710678118654752f);
    long j = 0;
    for (; j < count; j += 16) {
        __mmask16 mask = count - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - j)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(mask, row + j);
        __m512 e = erf512(_mm512_mul_ps(v, r2));
        _mm512_mask_storeu_ps(row + j, mask, _mm512_mul_ps(_mm512_mul_ps(half, v), _mm512_add_ps(one, e)));
    }
}

TARGET256 static void gelu256(float *row, long count) {
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.f), r2 = _mm256_set1_ps(0.70710678118654752f);
    long j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256 v = _mm256_loadu_ps(row + j);
        __m256 e = erf256(_mm256_mul_ps(v, r2));
        _mm256_storeu_ps(row + j, _mm256_mul_ps(_mm256_mul_ps(half, v), _mm256_add_ps(one, e)));
    }
    for (; j < count; j++) row[j] = gelu_scalar(row[j]);
}

// ---------------------------------------------------------------------------------------
// AVX-512: tiles of up to 6 x rows by 4 w rows, 16 floats per step.

/// Lane masks for a k tail of r floats (1 ≤ r < 16).
TARGET512 ALWAYS_INLINE __mmask16 tail_mask16(long r) { return (__mmask16)((1u << r) - 1); }

/// v[0..15] → one vector: lanes 4q..4q+3 of block q hold the sums of v[4b..4b+3],
/// with b = 0, 2, 1, 3 for q = 0, 1, 2, 3 (so with v[4i + j] = row i, column j:
/// block 0 = row 0, block 1 = row 2, block 2 = row 1, block 3 = row 3).
TARGET512 ALWAYS_INLINE __m512 reduce16(const __m512 v[16]) {
    __m512 t[8], u[4], w[2];
    for (int p = 0; p < 8; p++) {  // 512 → 256: lanes 0-7 from v[p], 8-15 from v[p+8]
        t[p] = _mm512_add_ps(_mm512_shuffle_f32x4(v[p], v[p + 8], 0x44), _mm512_shuffle_f32x4(v[p], v[p + 8], 0xEE));
    }
    for (int p = 0; p < 4; p++) {  // 256 → 128: blocks v[p], v[p+8], v[p+4], v[p+12]
        u[p] = _mm512_add_ps(_mm512_shuffle_f32x4(t[p], t[p + 4], 0x88), _mm512_shuffle_f32x4(t[p], t[p + 4], 0xDD));
    }
    for (int p = 0; p < 2; p++) {  // 128 → 64, interleaved with u[p+2]
        w[p] = _mm512_add_ps(_mm512_unpacklo_ps(u[p], u[p + 2]), _mm512_unpackhi_ps(u[p], u[p + 2]));
    }
    // → lane l of block q: u[l]'s block q
    return _mm512_add_ps(_mm512_unpacklo_ps(w[0], w[1]), _mm512_unpackhi_ps(w[0], w[1]));
}

/// Stores rows [0, rows) of a reduce16 result (rows 0, 1, 2, 3 in blocks 0, 2, 1, 3) plus bias.
TARGET512 ALWAYS_INLINE void store_rows512(const int rows, const int NR, __m512 sums, __m128 bias, float *out, long ld_out) {
    const __mmask8 columns = (__mmask8)((1u << NR) - 1);
    for (int i = 0; i < rows; i++) {
        __m128 s;
        switch (i) {
        case 0: s = _mm512_extractf32x4_ps(sums, 0); break;
        case 1: s = _mm512_extractf32x4_ps(sums, 2); break;
        case 2: s = _mm512_extractf32x4_ps(sums, 1); break;
        default: s = _mm512_extractf32x4_ps(sums, 3); break;
        }
        s = _mm_add_ps(s, bias);
        if (NR == 4) _mm_storeu_ps(out + i * ld_out, s);
        else _mm_mask_storeu_ps(out + i * ld_out, columns, s);
    }
}

/// out[i][j] = Σ x[i]·w[j] + bias[j] for i < MR ≤ 6, j < NR ≤ 4: the whole of k at once,
/// MR·NR accumulators (≤ 24 of the 32 registers) plus MR x vectors and one w vector.
TARGET512 ALWAYS_INLINE void tile512(const int MR, const int NR, const float *x, long ld_x, const float *w, long k,
                                     const float *bias, float *out, long ld_out, const float *prefetch, int pf0, int pf1) {
    __m512 acc[32];
    for (int a = 0; a < 32; a++) acc[a] = _mm512_setzero_ps();
    long kk = 0;
    for (; kk + 16 <= k; kk += 16) {
        // Rows [pf0, pf1) of a tile ahead at this step's offset: they arrive while this tile computes.
        for (int j = pf0; j < pf1; j++) _mm_prefetch((const char *)(prefetch + j * k + kk), PREFETCH_HINT);
        __m512 xv[6];
        for (int i = 0; i < MR; i++) xv[i] = _mm512_loadu_ps(x + i * ld_x + kk);
        for (int j = 0; j < NR; j++) {
            __m512 wv = _mm512_loadu_ps(w + j * k + kk);
            for (int i = 0; i < MR; i++) acc[4 * i + j] = _mm512_fmadd_ps(xv[i], wv, acc[4 * i + j]);
        }
    }
    if (kk < k) {
        __mmask16 mask = tail_mask16(k - kk);
        __m512 xv[6];
        for (int i = 0; i < MR; i++) xv[i] = _mm512_maskz_loadu_ps(mask, x + i * ld_x + kk);
        for (int j = 0; j < NR; j++) {
            __m512 wv = _mm512_maskz_loadu_ps(mask, w + j * k + kk);
            for (int i = 0; i < MR; i++) acc[4 * i + j] = _mm512_fmadd_ps(xv[i], wv, acc[4 * i + j]);
        }
    }
    const __mmask8 columns = (__mmask8)((1u << NR) - 1);
    const __m128 b = bias ? _mm_maskz_loadu_ps(columns, bias) : _mm_setzero_ps();
    store_rows512(MR < 4 ? MR : 4, NR, reduce16(acc), b, out, ld_out);
    if (MR > 4) store_rows512(MR - 4, NR, reduce16(acc + 16), b, out + 4 * ld_out, ld_out);
}

#define TILE_ROWS_CASES(TILE, MR, ...)                                                 \
    case 4 * MR + 1: TILE(MR, 1, __VA_ARGS__); break;                                  \
    case 4 * MR + 2: TILE(MR, 2, __VA_ARGS__); break;                                  \
    case 4 * MR + 3: TILE(MR, 3, __VA_ARGS__); break;                                  \
    case 4 * MR + 4: TILE(MR, 4, __VA_ARGS__); break;

TARGET512 static void columns512(const float *x, long m, long k, long ld_x, const float *w, const float *bias,
                                 float *out, long ld_out, long n0, long n1, long prefetch_end) {
    const long ahead_rows = prefetch_rows(k);
    // Row blocks of at most 6, as even as possible (10 = 5 + 5, 13 = 5 + 4 + 4): a block of
    // 2 would cost a whole pass of w loads and lane sums for a third of the arithmetic.
    const long blocks = (m + 5) / 6, base = m / blocks, extra = m % blocks;
    for (long n = n0; n < n1; n += 4) {
        int nr = n1 - n < 4 ? (int)(n1 - n) : 4;
        const float *wt = w + n * k;
        const float *bt = bias ? bias + n : NULL;
        // While this tile computes, fetch the one about PREFETCH_BYTES ahead (up to column
        // prefetch_end), its 4 rows spread over the row blocks so that requests flow evenly.
        int pf_rows;
        const float *ahead = tile_ahead(w, n, k, ahead_rows, prefetch_end, &pf_rows);
        for (long b = 0, i = 0; b < blocks; b++) {
            int mr = (int)(base + (b < extra));
            int pf0 = (int)(b * pf_rows / blocks), pf1 = (int)((b + 1) * pf_rows / blocks);
            const float *xb = x + i * ld_x;
            float *ob = out + i * ld_out + n;
            switch (mr * 4 + nr) {
            TILE_ROWS_CASES(tile512, 1, xb, ld_x, wt, k, bt, ob, ld_out, ahead, pf0, pf1)
            TILE_ROWS_CASES(tile512, 2, xb, ld_x, wt, k, bt, ob, ld_out, ahead, pf0, pf1)
            TILE_ROWS_CASES(tile512, 3, xb, ld_x, wt, k, bt, ob, ld_out, ahead, pf0, pf1)
            TILE_ROWS_CASES(tile512, 4, xb, ld_x, wt, k, bt, ob, ld_out, ahead, pf0, pf1)
            TILE_ROWS_CASES(tile512, 5, xb, ld_x, wt, k, bt, ob, ld_out, ahead, pf0, pf1)
            TILE_ROWS_CASES(tile512, 6, xb, ld_x, wt, k, bt, ob, ld_out, ahead, pf0, pf1)
            default: break;
            }
            i += mr;
        }
    }
}

// ---------------------------------------------------------------------------------------
// AVX2 + FMA: tiles of up to 2 x rows by 4 w rows, 8 floats per step (16 ymm registers).

TARGET256 ALWAYS_INLINE __m256i tail_mask8(long r) {
    static const int32_t ones[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *)(ones + 8 - r));
}

/// The sums of v[0..3] as one 4-lane vector.
TARGET256 ALWAYS_INLINE __m128 reduce4x256(__m256 v0, __m256 v1, __m256 v2, __m256 v3) {
    __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(v0, v1), _mm256_hadd_ps(v2, v3));
    return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

TARGET256 ALWAYS_INLINE void tile256(const int MR, const int NR, const float *x, long ld_x, const float *w, long k,
                                     const float *bias, float *out, long ld_out, const float *prefetch, int pf0, int pf1) {
    __m256 acc[2][4];
    for (int i = 0; i < 2; i++) for (int j = 0; j < 4; j++) acc[i][j] = _mm256_setzero_ps();
    long kk = 0;
    for (; kk + 8 <= k; kk += 8) {
        if ((kk & 15) == 0) {  // one line per row every 16 floats
            for (int j = pf0; j < pf1; j++) _mm_prefetch((const char *)(prefetch + j * k + kk), PREFETCH_HINT);
        }
        __m256 xv[2];
        for (int i = 0; i < MR; i++) xv[i] = _mm256_loadu_ps(x + i * ld_x + kk);
        for (int j = 0; j < NR; j++) {
            __m256 wv = _mm256_loadu_ps(w + j * k + kk);
            for (int i = 0; i < MR; i++) acc[i][j] = _mm256_fmadd_ps(xv[i], wv, acc[i][j]);
        }
    }
    if (kk < k) {
        __m256i mask = tail_mask8(k - kk);
        __m256 xv[2];
        for (int i = 0; i < MR; i++) xv[i] = _mm256_maskload_ps(x + i * ld_x + kk, mask);
        for (int j = 0; j < NR; j++) {
            __m256 wv = _mm256_maskload_ps(w + j * k + kk, mask);
            for (int i = 0; i < MR; i++) acc[i][j] = _mm256_fmadd_ps(xv[i], wv, acc[i][j]);
        }
    }
    float b[4] = {0, 0, 0, 0};
    if (bias) for (int j = 0; j < NR; j++) b[j] = bias[j];
    for (int i = 0; i < MR; i++) {
        __m128 s = _mm_add_ps(reduce4x256(acc[i][0], acc[i][1], acc[i][2], acc[i][3]), _mm_loadu_ps(b));
        if (NR == 4) {
            _mm_storeu_ps(out + i * ld_out, s);
        } else {
            float lanes[4];
            _mm_storeu_ps(lanes, s);
            for (int j = 0; j < NR; j++) out[i * ld_out + j] = lanes[j];
        }
    }
}

#define TILE2_CASES(TILE, ...)                                                         \
    switch (mr * 4 + nr) {                                                             \
    case 4 * 1 + 1: TILE(1, 1, __VA_ARGS__); break;                                    \
    case 4 * 1 + 2: TILE(1, 2, __VA_ARGS__); break;                                    \
    case 4 * 1 + 3: TILE(1, 3, __VA_ARGS__); break;                                    \
    case 4 * 1 + 4: TILE(1, 4, __VA_ARGS__); break;                                    \
    case 4 * 2 + 1: TILE(2, 1, __VA_ARGS__); break;                                    \
    case 4 * 2 + 2: TILE(2, 2, __VA_ARGS__); break;                                    \
    case 4 * 2 + 3: TILE(2, 3, __VA_ARGS__); break;                                    \
    default: TILE(2, 4, __VA_ARGS__); break;                                           \
    }

TARGET256 static void columns256(const float *x, long m, long k, long ld_x, const float *w, const float *bias,
                                 float *out, long ld_out, long n0, long n1, long prefetch_end) {
    const long ahead_rows = prefetch_rows(k);
    for (long n = n0; n < n1; n += 4) {
        int nr = n1 - n < 4 ? (int)(n1 - n) : 4;
        const float *wt = w + n * k;
        const float *bt = bias ? bias + n : NULL;
        int pf_rows;
        const float *ahead = tile_ahead(w, n, k, ahead_rows, prefetch_end, &pf_rows);
        long blocks = (m + 1) / 2;
        for (long i = 0, b = 0; i < m; i += 2, b++) {
            int mr = m - i < 2 ? (int)(m - i) : 2;
            int pf0 = (int)(b * pf_rows / blocks), pf1 = (int)((b + 1) * pf_rows / blocks);
            TILE2_CASES(tile256, x + i * ld_x, ld_x, wt, k, bt, out + i * ld_out + n, ld_out, ahead, pf0, pf1)
        }
    }
}

#endif  // CS_X86

// ---------------------------------------------------------------------------------------
// Portable reference, for level 0 callers that insist (tests); BLAS is the real fallback.

static void columns_scalar(const float *x, long m, long k, long ld_x, const float *w, const float *bias,
                           float *out, long ld_out, long n0, long n1) {
    for (long i = 0; i < m; i++) {
        for (long j = n0; j < n1; j++) {
            float s = 0;
            for (long kk = 0; kk < k; kk++) s += x[i * ld_x + kk] * w[j * k + kk];
            out[i * ld_out + j] = s + (bias ? bias[j] : 0.f);
        }
    }
}

void cs_linear_columns(int level, const float *x, long m, long k, long ld_x,
                       const cs_linear_segment *segment, long n0, long n1, cs_epilogue epilogue) {
    cs_linear_columns_prefetching(level, x, m, k, ld_x, segment, n0, n1, epilogue, n1);
}

void cs_linear_columns_prefetching(int level, const float *x, long m, long k, long ld_x,
                                   const cs_linear_segment *segment, long n0, long n1, cs_epilogue epilogue,
                                   long prefetch_end) {
    if (n1 <= n0 || m <= 0) return;
    const float *w = segment->weight, *bias = segment->bias;
    float *out = segment->out;
    long ld_out = segment->ld_out;
#if CS_X86
    if (level >= 2) columns512(x, m, k, ld_x, w, bias, out, ld_out, n0, n1, prefetch_end);
    else if (level == 1) columns256(x, m, k, ld_x, w, bias, out, ld_out, n0, n1, prefetch_end);
    else columns_scalar(x, m, k, ld_x, w, bias, out, ld_out, n0, n1);
#else
    (void)level;
    columns_scalar(x, m, k, ld_x, w, bias, out, ld_out, n0, n1);
#endif
    if (epilogue == CS_EPILOGUE_GELU) {
        for (long i = 0; i < m; i++) {
            float *row = out + i * ld_out + n0;
#if CS_X86
            if (level >= 2) { gelu512(row, n1 - n0); continue; }
            if (level == 1) { gelu256(row, n1 - n0); continue; }
#endif
            for (long j = 0; j < n1 - n0; j++) row[j] = gelu_scalar(row[j]);
        }
    }
}

void cs_gelu(int level, float *x, long count) {
#if CS_X86
    if (level >= 2) { gelu512(x, count); return; }
    if (level == 1) { gelu256(x, count); return; }
#endif
    (void)level;
    for (long i = 0; i < count; i++) x[i] = gelu_scalar(x[i]);
}
