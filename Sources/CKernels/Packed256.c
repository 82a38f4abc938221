// int8 packed products without AVX-512 VNNI: AVX-VNNI (the VEX vpdpbusd, 8 channels a
// vector), AVX2 (vpdpbusd emulated exactly by widening to 16 bits and vpmaddwd: slower
// than fp32 on such a CPU, kept so an int8 index stays usable there), and portable C.
// All three produce the integer sums the AVX-512 and AMX kernels do, so the same outputs.
// A tile is up to 6 rows (AVX-VNNI) or 4 rows (AVX2) by one 16-channel block.

#include "PackedInternal.h"

#include <string.h>

static void finish(const cs_packed_matrix *w, const cs_packed_input *in, long i, long j0, const int32_t *sums,
                   float *out_row, int gelu) {
    if (cs_cpu_features() & CS_CPU_AVX512) cs_packed_finish_512(w, in, i, j0, 16, sums, out_row, gelu);
    else cs_packed_finish_portable(w, in, i, j0, 16, sums, out_row, gelu);
}

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET_AVX_VNNI __attribute__((target("avx2,fma,avxvnni")))
#define TARGET_AVX2 __attribute__((target("avx2,fma")))

TARGET_AVX_VNNI ALWAYS_INLINE void tile_avx_vnni(const int MR, const uint8_t *x, long row_bytes, const uint8_t *w,
                                                 long groups, int32_t *sums) {
    __m256i acc[12];
    for (int a = 0; a < 2 * MR; a++) acc[a] = _mm256_setzero_si256();
    for (long g = 0; g < groups; g++) {
        __m256i w0 = _mm256_load_si256((const __m256i *)(w + g * 64));
        __m256i w1 = _mm256_load_si256((const __m256i *)(w + g * 64 + 32));
        for (int i = 0; i < MR; i++) {
            int32_t four;
            memcpy(&four, x + i * row_bytes + g * 4, 4);
            __m256i xb = _mm256_set1_epi32(four);
            acc[2 * i] = _mm256_dpbusd_avx_epi32(acc[2 * i], xb, w0);
            acc[2 * i + 1] = _mm256_dpbusd_avx_epi32(acc[2 * i + 1], xb, w1);
        }
    }
    for (int i = 0; i < MR; i++) {
        _mm256_storeu_si256((__m256i *)(sums + i * 16), acc[2 * i]);
        _mm256_storeu_si256((__m256i *)(sums + i * 16 + 8), acc[2 * i + 1]);
    }
}

/// 16 packed bytes (4 channels × 4 k) widened to 16 bits.
TARGET_AVX2 ALWAYS_INLINE __m256i widen(const uint8_t *w) {
    return _mm256_cvtepi8_epi16(_mm_load_si128((const __m128i *)w));
}

/// vpdpbusd emulated: per 4 channels, vpmaddwd gives two partial sums per channel (exact:
/// 2 · 255 · 127 fits 32 bits); vphaddd pairs them, leaving channels in the order
/// 0 1 4 5 2 3 6 7 per 8, which the store puts back.
TARGET_AVX2 ALWAYS_INLINE void tile_avx2(const int MR, const uint8_t *x, long row_bytes, const uint8_t *w, long groups,
                                         int32_t *sums) {
    __m256i acc[8];
    for (int a = 0; a < 2 * MR; a++) acc[a] = _mm256_setzero_si256();
    for (long g = 0; g < groups; g++) {
        const uint8_t *step = w + g * 64;
        __m256i w0 = widen(step), w1 = widen(step + 16), w2 = widen(step + 32), w3 = widen(step + 48);
        for (int i = 0; i < MR; i++) {
            int32_t four;
            memcpy(&four, x + i * row_bytes + g * 4, 4);
            __m256i xb = _mm256_broadcastq_epi64(_mm_cvtepu8_epi16(_mm_cvtsi32_si128(four)));
            __m256i lo = _mm256_hadd_epi32(_mm256_madd_epi16(xb, w0), _mm256_madd_epi16(xb, w1));
            __m256i hi = _mm256_hadd_epi32(_mm256_madd_epi16(xb, w2), _mm256_madd_epi16(xb, w3));
            acc[2 * i] = _mm256_add_epi32(acc[2 * i], lo);
            acc[2 * i + 1] = _mm256_add_epi32(acc[2 * i + 1], hi);
        }
    }
    const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    for (int i = 0; i < MR; i++) {
        _mm256_storeu_si256((__m256i *)(sums + i * 16), _mm256_permutevar8x32_epi32(acc[2 * i], order));
        _mm256_storeu_si256((__m256i *)(sums + i * 16 + 8), _mm256_permutevar8x32_epi32(acc[2 * i + 1], order));
    }
}

#define DEFINE_RUN(NAME, TARGET, TILE, MAX_ROWS)                                                        \
    TARGET void NAME(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu) { \
        const long block_bytes = cs_block_bytes(w), groups = block_bytes / 64;                          \
        int32_t sums[6 * 16] __attribute__((aligned(32)));                                              \
        for (long b = 0; b < w->np / 16; b++) {                                                         \
            const uint8_t *wb = (const uint8_t *)w->packed + b * block_bytes;                           \
            for (long i = 0; i < in->m; i += MAX_ROWS) {                                                \
                const int mr = in->m - i < MAX_ROWS ? (int)(in->m - i) : MAX_ROWS;                      \
                const uint8_t *xr = in->x + i * in->row_bytes;                                          \
                switch (mr) {                                                                           \
                case 1: TILE(1, xr, in->row_bytes, wb, groups, sums); break;                            \
                case 2: TILE(2, xr, in->row_bytes, wb, groups, sums); break;                            \
                case 3: TILE(3, xr, in->row_bytes, wb, groups, sums); break;                            \
                case 4: TILE(4, xr, in->row_bytes, wb, groups, sums); break;                            \
                case 5: TILE(5 < MAX_ROWS ? 5 : MAX_ROWS, xr, in->row_bytes, wb, groups, sums); break;  \
                default: TILE(MAX_ROWS, xr, in->row_bytes, wb, groups, sums); break;                    \
                }                                                                                       \
                for (int r = 0; r < mr; r++) finish(w, in, i + r, b * 16, sums + r * 16, out + (i + r) * ld_out, gelu); \
            }                                                                                           \
        }                                                                                               \
    }

DEFINE_RUN(cs_packed_run_avx_vnni, TARGET_AVX_VNNI, tile_avx_vnni, 6)
DEFINE_RUN(cs_packed_run_avx2, TARGET_AVX2, tile_avx2, 4)

#else
void cs_packed_run_avx_vnni(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu) {
    cs_packed_run_portable(w, in, out, ld_out, gelu);
}
void cs_packed_run_avx2(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu) {
    cs_packed_run_portable(w, in, out, ld_out, gelu);
}
#endif

/// Plain C, for CPUs without AVX2 and as the tests' reference: int8 or bf16, one channel
/// at a time.
void cs_packed_run_portable(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu) {
    const long block_bytes = cs_block_bytes(w), groups = block_bytes / 64;
    for (long i = 0; i < in->m; i++) {
        const uint8_t *xr = in->x + i * in->row_bytes;
        for (long b = 0; b < w->np / 16; b++) {
            const uint8_t *wb = (const uint8_t *)w->packed + b * block_bytes;
            union { int32_t i[16]; float f[16]; } sums;
            for (int c = 0; c < 16; c++) {
                int32_t si = 0;
                float sf = 0;
                for (long g = 0; g < groups; g++) {
                    const uint8_t *wc = wb + g * 64;
                    if (w->kind == CS_PACKED_INT8) {
                        for (int q = 0; q < 4; q++) si += (int32_t)xr[g * 4 + q] * (int8_t)wc[c * 4 + q];
                    } else {
                        for (int q = 0; q < 2; q++) {
                            uint16_t xv, wv;
                            memcpy(&xv, xr + g * 4 + q * 2, 2);
                            memcpy(&wv, wc + c * 4 + q * 2, 2);
                            uint32_t xb = (uint32_t)xv << 16, wb32 = (uint32_t)wv << 16;
                            float xf, wf;
                            memcpy(&xf, &xb, 4);
                            memcpy(&wf, &wb32, 4);
                            sf += xf * wf;
                        }
                    }
                }
                if (w->kind == CS_PACKED_INT8) sums.i[c] = si; else sums.f[c] = sf;
            }
            cs_packed_finish_portable(w, in, i, b * 16, 16, &sums, out + i * ld_out, gelu);
        }
    }
}
