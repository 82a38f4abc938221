// The packed (int8, bf16) products: packing the weights, converting the activations,
// choosing the kernel, and the epilogue every kernel shares.
//
// int8: weights symmetric per output channel (w ≈ s_j · q, q in [-127, 127]); activations
// asymmetric per row (x ≈ a_i · u + b_i, u in [0, 255]), which suits vpdpbusd's unsigned ×
// signed bytes with no zero-point shift and spends all 256 levels on the row's actual range
// (GELU outputs run from -0.17 up). Then
//   Σ_k x·w ≈ s_j · (a_i · Σ_k u·q + b_i · Σ_k q),
// exact integer sums (int32: 255 · 127 · k stays below 2³¹ for k < 66,000), the second
// precomputed per channel. Every int8 kernel level yields the same integer sums, and the
// epilogue is the same arithmetic in the same order, so their outputs are identical.
// bf16: weights and activations rounded to bf16 (nearest even), sums in fp32.

#include "PackedInternal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define CS_X86 1
#endif

static long round_up(long value, long step) { return (value + step - 1) / step * step; }

/// An fp32 value rounded to the nearest bf16 (ties to even), as vcvtneps2bf16 does for
/// finite values; NaN stays NaN.
static uint16_t bf16_from_float(float value) {
    uint32_t bits;
    memcpy(&bits, &value, 4);
    if ((bits & 0x7FFFFFFF) > 0x7F800000) return (uint16_t)((bits >> 16) | 0x40);
    bits += 0x7FFF + ((bits >> 16) & 1);
    return (uint16_t)(bits >> 16);
}

static int is_outlier(const cs_packed_matrix *w, long k) {
    for (int o = 0; o < w->outliers; o++) {
        if (w->outlier_channel[o] == k) return 1;
    }
    return 0;
}

/// Row j of the weights: its outlier channels in fp32 (outlier_weights), the rest int8.
/// `inlier[k]` is 1 for the channels the int8 part holds, 0 for the outliers.
static void pack_int8_channel(cs_packed_matrix *w, const float *row, long j, const float *inlier) {
    for (int o = 0; o < w->outliers; o++) w->outlier_weights[o * w->np + j] = row[w->outlier_channel[o]];
    float largest = 0;
    for (long k = 0; k < w->k; k++) largest = fmaxf(largest, fabsf(row[k] * inlier[k]));
    float scale = largest > 0 ? largest / 127.f : 1.f, inverse = 1.f / scale;
    int8_t *block = (int8_t *)w->packed + (j / 16) * cs_block_bytes(w);
    long sum = 0;
    for (long k = 0; k < w->k; k++) {
        long q = lrintf(row[k] * inlier[k] * inverse);
        q = q > 127 ? 127 : (q < -127 ? -127 : q);
        block[(k / 4) * 64 + (j % 16) * 4 + k % 4] = (int8_t)q;
        sum += q;
    }
    w->scales[j] = scale;
    w->column_sums[j] = (float)sum;
}

static void pack_bf16_channel(cs_packed_matrix *w, const float *row, long j) {
    uint16_t *block = (uint16_t *)((uint8_t *)w->packed + (j / 16) * cs_block_bytes(w));
    for (long k = 0; k < w->k; k++) block[(k / 2) * 32 + (j % 16) * 2 + k % 2] = bf16_from_float(row[k]);
}

/// Takes the outlier channels if they are valid for an int8 matrix k wide: at most
/// CS_PACKED_MAX_OUTLIERS, distinct, each in [0, k), fewer than k.
static int take_outliers(cs_packed_matrix *w, const long *outliers, int count) {
    if (count == 0) return 1;
    if (w->kind != CS_PACKED_INT8 || !outliers || count < 0 || count > CS_PACKED_MAX_OUTLIERS || count >= w->k) return 0;
    for (int o = 0; o < count; o++) {
        if (outliers[o] < 0 || outliers[o] >= w->k || is_outlier(w, outliers[o])) return 0;
        w->outlier_channel[w->outliers++] = outliers[o];
    }
    while (is_outlier(w, w->inlier_channel)) w->inlier_channel++;
    return 1;
}

cs_packed_matrix *cs_packed_create(cs_packed_kind kind, const float *const *weights, const float *const *biases,
                                   const long *rows, int count, long k, const long *outliers, int outlier_count) {
    cs_packed_matrix *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->kind = kind;
    w->k = k;
    for (int p = 0; p < count; p++) w->n += rows[p];
    w->np = round_up(w->n, 32);
    w->kp = round_up(k, 64);
    if (!take_outliers(w, outliers, outlier_count)) {
        free(w);
        return NULL;
    }
    size_t bytes = (size_t)(w->np / 16) * (size_t)cs_block_bytes(w);
    w->packed = aligned_alloc(64, bytes);
    w->bias = calloc((size_t)w->np, sizeof(float));
    if (kind == CS_PACKED_INT8) {
        w->scales = calloc((size_t)w->np, sizeof(float));
        w->column_sums = calloc((size_t)w->np, sizeof(float));
        if (w->outliers) w->outlier_weights = calloc((size_t)(w->outliers * w->np), sizeof(float));
    }
    if (w->outliers) {
        w->inlier_lanes = calloc((size_t)(w->kp / 16), sizeof(uint16_t));
        if (w->inlier_lanes) {
            for (long c = 0; c < k; c++) {
                if (!is_outlier(w, c)) w->inlier_lanes[c / 16] |= (uint16_t)(1u << (c % 16));
            }
        }
    }
    if (!w->packed || !w->bias || (kind == CS_PACKED_INT8 && (!w->scales || !w->column_sums))
        || (w->outliers && (!w->outlier_weights || !w->inlier_lanes))) {
        cs_packed_destroy(w);
        return NULL;
    }
    memset(w->packed, 0, bytes);  // the padding: zero weights add nothing
    float *inlier = malloc((size_t)k * sizeof(float));
    if (!inlier) {
        cs_packed_destroy(w);
        return NULL;
    }
    for (long c = 0; c < k; c++) inlier[c] = 1.f;
    for (int o = 0; o < w->outliers; o++) inlier[w->outlier_channel[o]] = 0.f;
    long j = 0;
    for (int p = 0; p < count; p++) {
        for (long r = 0; r < rows[p]; r++, j++) {
            const float *row = weights[p] + r * k;
            if (kind == CS_PACKED_INT8) pack_int8_channel(w, row, j, inlier);
            else pack_bf16_channel(w, row, j);
            w->bias[j] = biases[p] ? biases[p][r] : 0.f;
        }
    }
    free(inlier);
    return w;
}

void cs_packed_destroy(cs_packed_matrix *w) {
    if (!w) return;
    free(w->packed);
    free(w->scales);
    free(w->column_sums);
    free(w->outlier_weights);
    free(w->inlier_lanes);
    free(w->bias);
    free(w);
}

enum { TILE_BYTES = 32 * 32 * 4 };

/// The converted rows, then each row's scale and minimum, the AMX sums' tile, and each
/// row's outlier inputs (see convert_rows).
long cs_packed_scratch_bytes(long m, long k) {
    long mp = round_up(m, 32), kp = round_up(k, 64);
    return round_up(mp * kp * 2, 64) + round_up(mp * 2 * (long)sizeof(float), 64) + TILE_BYTES
        + round_up(mp * CS_PACKED_MAX_OUTLIERS * (long)sizeof(float), 64);
}

// ---------------------------------------------------------------------------------------
// Activations

/// Whether input channel j counts towards a row's range (not an outlier of `w`).
static int in_range(const cs_packed_matrix *w, long j) {
    return !w->inlier_lanes || ((w->inlier_lanes[j / 16] >> (j % 16)) & 1);
}

/// Row i of x to bytes u with x ≈ scale · u + minimum (all 256 levels over the range of the
/// row's inlier channels; an outlier's byte is whatever it clips to, its int8 weight being 0).
static void quantize_row(const cs_packed_matrix *w, const float *x, uint8_t *u, float *scale, float *minimum) {
    const long k = w->k, kp = w->kp;
    float lo = x[w->inlier_channel], hi = lo;
    for (long j = 0; j < k; j++) {
        if (in_range(w, j)) { lo = fminf(lo, x[j]); hi = fmaxf(hi, x[j]); }
    }
    float step = hi > lo ? (hi - lo) / 255.f : 1.f;
    float inverse = 1.f / step;
    for (long j = 0; j < k; j++) {
        long q = lrintf((x[j] - lo) * inverse);
        u[j] = (uint8_t)(q < 0 ? 0 : (q > 255 ? 255 : q));
    }
    memset(u + k, 0, (size_t)(kp - k));
    *scale = step;
    *minimum = lo;
}

#if CS_X86
/// quantize_row with AVX-512: the same values (min, max and the rounding are exact
/// operations in either form; the one multiply and subtract match lane for lane).
__attribute__((target("avx512f,avx512bw,avx512vl"))) static void quantize_row512(const cs_packed_matrix *w, const float *x,
                                                                          uint8_t *u, float *scale, float *minimum) {
    const long k = w->k, kp = w->kp;
    __m512 lo = _mm512_set1_ps(x[w->inlier_channel]), hi = lo;
    for (long j = 0; j < k; j += 16) {
        __mmask16 mask = k - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - j)) - 1);
        if (w->inlier_lanes) mask &= (__mmask16)w->inlier_lanes[j / 16];
        __m512 v = _mm512_mask_loadu_ps(lo, mask, x + j);  // masked lanes repeat the bounds so far
        lo = _mm512_min_ps(lo, v);
        hi = _mm512_max_ps(hi, _mm512_mask_loadu_ps(hi, mask, x + j));
    }
    float low = _mm512_reduce_min_ps(lo), high = _mm512_reduce_max_ps(hi);
    float step = high > low ? (high - low) / 255.f : 1.f;
    __m512 inverse = _mm512_set1_ps(1.f / step), base = _mm512_set1_ps(low);
    for (long j = 0; j < k; j += 16) {
        __mmask16 mask = k - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - j)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(mask, x + j);
        __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_sub_ps(v, base), inverse));  // nearest even, as lrintf
        q = _mm512_min_epi32(_mm512_max_epi32(q, _mm512_setzero_si512()), _mm512_set1_epi32(255));
        _mm_mask_storeu_epi8(u + j, mask, _mm512_cvtepi32_epi8(q));
    }
    memset(u + k, 0, (size_t)(kp - k));
    *scale = step;
    *minimum = low;
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16"))) static void bf16_row512(const float *x, long k, uint16_t *out) {
    for (long j = 0; j < k; j += 16) {
        __mmask16 mask = k - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - j)) - 1);
        __m256bh v = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, x + j));
        _mm256_mask_storeu_epi16(out + j, mask, (__m256i)v);
    }
}
#endif

/// x (m, k) into the kernels' rows in `scratch`, described by `in`.
static void convert_rows(const cs_packed_matrix *w, int level, const float *x, long m, long ld_x, void *scratch,
                         cs_packed_input *in) {
    int features = cs_cpu_features();
    uint8_t *rows = scratch;
    in->x = rows;
    in->m = m;
    in->mp = round_up(m, 32);
    in->row_bytes = w->kind == CS_PACKED_INT8 ? w->kp : 2 * w->kp;
    float *row_scale = (float *)(rows + round_up(in->mp * w->kp * 2, 64));
    float *row_min = row_scale + in->mp;
    in->row_scale = row_scale;
    in->row_min = row_min;
    in->tile = (uint8_t *)row_scale + round_up(in->mp * 2 * (long)sizeof(float), 64);
    float *outlier_x = (float *)((uint8_t *)in->tile + TILE_BYTES);
    in->outlier_x = outlier_x;
    for (long i = 0; i < m; i++) {
        uint8_t *u = rows + i * in->row_bytes;
        if (w->kind == CS_PACKED_INT8) {
            const float *row = x + i * ld_x;
            for (int o = 0; o < w->outliers; o++) outlier_x[i * w->outliers + o] = row[w->outlier_channel[o]];
#if CS_X86
            if (features & CS_CPU_AVX512) { quantize_row512(w, row, u, row_scale + i, row_min + i); continue; }
#endif
            quantize_row(w, row, u, row_scale + i, row_min + i);
        } else {
            uint16_t *b = (uint16_t *)u;
#if CS_X86
            if (level >= 1) bf16_row512(x + i * ld_x, w->k, b);
            else
#endif
            for (long j = 0; j < w->k; j++) b[j] = bf16_from_float(x[i * ld_x + j]);
            memset(b + w->k, 0, (size_t)(w->kp - w->k) * 2);
        }
    }
    memset(rows + m * in->row_bytes, 0, (size_t)((in->mp - m) * in->row_bytes));
    for (long i = m; i < in->mp; i++) {
        row_scale[i] = 0; row_min[i] = 0;
        for (int o = 0; o < w->outliers; o++) outlier_x[i * w->outliers + o] = 0;
    }
}

void cs_packed_linear(int level, const cs_packed_matrix *w, const float *x, long m, long ld_x, float *out,
                      long ld_out, cs_epilogue epilogue, void *scratch) {
    if (m <= 0) return;
    int best = cs_packed_level(w->kind);
    if (level > best) level = best;
    // A level below the best may still be missing (AVX-VNNI on Zen 4): the next one down.
    while (level > 0 && !cs_packed_level_available(w->kind, level)) level--;
    cs_packed_input in;
    convert_rows(w, level, x, m, ld_x, scratch, &in);
    int gelu = epilogue == CS_EPILOGUE_GELU;
    if (w->kind == CS_PACKED_INT8) {
        switch (level) {
        case 4: cs_packed_run_amx(w, &in, out, ld_out, gelu); return;
        case 3: cs_packed_run_512(w, &in, out, ld_out, gelu); return;
        case 2: cs_packed_run_avx_vnni(w, &in, out, ld_out, gelu); return;
        case 1: cs_packed_run_avx2(w, &in, out, ld_out, gelu); return;
        default: cs_packed_run_portable(w, &in, out, ld_out, gelu); return;
        }
    }
    switch (level) {
    case 2: cs_packed_run_amx(w, &in, out, ld_out, gelu); return;
    case 1: cs_packed_run_512(w, &in, out, ld_out, gelu); return;
    default: cs_packed_run_portable(w, &in, out, ld_out, gelu); return;
    }
}

// ---------------------------------------------------------------------------------------
// The epilogue

void cs_packed_finish_portable(const cs_packed_matrix *w, const cs_packed_input *in, long i, long j0, long count,
                               const void *sums, float *out_row, int gelu) {
    if (j0 + count > w->n) count = w->n - j0;
    if (count <= 0) return;
    for (long c = 0; c < count; c++) {
        long j = j0 + c;
        float value;
        if (w->kind == CS_PACKED_INT8) {
            float s = (float)((const int32_t *)sums)[c];
            value = fmaf(w->scales[j], fmaf(in->row_scale[i], s, in->row_min[i] * w->column_sums[j]), w->bias[j]);
            for (int o = 0; o < w->outliers; o++)
                value = fmaf(in->outlier_x[i * w->outliers + o], w->outlier_weights[o * w->np + j], value);
        } else {
            value = ((const float *)sums)[c] + w->bias[j];
        }
        out_row[j] = value;
    }
    if (gelu) cs_gelu(cs_kernel_level(), out_row + j0, count);
}

#if CS_X86
__attribute__((target("avx512f,avx512bw,avx512vl,fma")))
void cs_packed_finish_512(const cs_packed_matrix *w, const cs_packed_input *in, long i, long j0, long count,
                          const void *sums, float *out_row, int gelu) {
    if (j0 + count > w->n) count = w->n - j0;
    if (count <= 0) return;
    const __m512 a = _mm512_set1_ps(in->row_scale[i]), b = _mm512_set1_ps(in->row_min[i]);
    // The row's outlier inputs, broadcast once (the stores below may alias nothing they
    // read, but the compiler cannot know that and would reload them per vector).
    const int outliers = w->outliers;
    const long np = w->np;
    const float *outlier_weights = w->outlier_weights;
    __m512 ox[CS_PACKED_MAX_OUTLIERS];
    for (int o = 0; o < outliers; o++) ox[o] = _mm512_set1_ps(in->outlier_x[i * outliers + o]);
    if (outliers == 4 && w->kind == CS_PACKED_INT8) {
        // The int8 path's count, in registers: the general loop keeps ox on the stack.
        const __m512 x0 = ox[0], x1 = ox[1], x2 = ox[2], x3 = ox[3];
        const float *w0 = outlier_weights, *w1 = w0 + np, *w2 = w1 + np, *w3 = w2 + np;
        for (long c = 0; c < count; c += 16) {
            __mmask16 mask = count - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - c)) - 1);
            long j = j0 + c;
            __m512 s = _mm512_cvtepi32_ps(_mm512_loadu_si512((const int32_t *)sums + c));
            __m512 inner = _mm512_fmadd_ps(a, s, _mm512_mul_ps(b, _mm512_loadu_ps(w->column_sums + j)));
            __m512 value = _mm512_fmadd_ps(_mm512_loadu_ps(w->scales + j), inner, _mm512_loadu_ps(w->bias + j));
            value = _mm512_fmadd_ps(x0, _mm512_loadu_ps(w0 + j), value);
            value = _mm512_fmadd_ps(x1, _mm512_loadu_ps(w1 + j), value);
            value = _mm512_fmadd_ps(x2, _mm512_loadu_ps(w2 + j), value);
            value = _mm512_fmadd_ps(x3, _mm512_loadu_ps(w3 + j), value);
            _mm512_mask_storeu_ps(out_row + j, mask, value);
        }
        if (gelu) cs_gelu(cs_kernel_level(), out_row + j0, count);
        return;
    }
    for (long c = 0; c < count; c += 16) {
        __mmask16 mask = count - c >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - c)) - 1);
        long j = j0 + c;
        __m512 value;
        if (w->kind == CS_PACKED_INT8) {
            __m512 s = _mm512_cvtepi32_ps(_mm512_loadu_si512((const int32_t *)sums + c));
            __m512 inner = _mm512_fmadd_ps(a, s, _mm512_mul_ps(b, _mm512_loadu_ps(w->column_sums + j)));
            value = _mm512_fmadd_ps(_mm512_loadu_ps(w->scales + j), inner, _mm512_loadu_ps(w->bias + j));
            for (int o = 0; o < outliers; o++)
                value = _mm512_fmadd_ps(ox[o], _mm512_loadu_ps(outlier_weights + o * np + j), value);
        } else {
            value = _mm512_add_ps(_mm512_loadu_ps((const float *)sums + c), _mm512_loadu_ps(w->bias + j));
        }
        _mm512_mask_storeu_ps(out_row + j, mask, value);
    }
    if (gelu) cs_gelu(cs_kernel_level(), out_row + j0, count);
}
#else
void cs_packed_finish_512(const cs_packed_matrix *w, const cs_packed_input *in, long i, long j0, long count,
                          const void *sums, float *out_row, int gelu) {
    cs_packed_finish_portable(w, in, i, j0, count, sums, out_row, gelu);
}
#endif
