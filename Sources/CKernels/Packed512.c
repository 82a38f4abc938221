// Packed products with AVX-512: int8 by vpdpbusd (AVX512_VNNI), bf16 by vdpbf16ps
// (AVX512_BF16). One 64-byte step of a 16-channel block is 16 channels × 4 int8 (or 2 bf16)
// of k; the row's matching 4 bytes are broadcast, so one instruction does 64 (or 32)
// multiply-adds with no lane sums at the end.
//
// Register tile: up to 6 rows × 4 blocks (64 channels) = 24 accumulators, 4 weight vectors,
// 1 broadcast. Loop order: 48-row chunks of x (72 KiB at k = 1536, in L2), then 64-channel
// panels of the weights (≤ 96 KiB, L2), then the chunk's row tiles, so the weights are
// streamed from memory once per chunk and each panel is reused from L2 by every tile.

#include "PackedInternal.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,fma")))
#define TARGET_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,fma")))

enum { ROW_CHUNK = 48 };

#define DOT_INT8(acc, xb, wv) _mm512_dpbusd_epi32((acc), (xb), (wv))
#define DOT_BF16(acc, xb, wv) \
    _mm512_castps_si512(_mm512_dpbf16_ps(_mm512_castsi512_ps(acc), (__m512bh)(xb), (__m512bh)(wv)))

/// The tile: rows [0, MR) of x (row_bytes apart) against NB blocks, the whole of k (`groups`
/// 64-byte steps); sums (int32 or fp32 bits) to `sums` as MR rows of 64.
#define DEFINE_TILE(NAME, TARGET, DOT)                                                                  \
    TARGET ALWAYS_INLINE void NAME(const int MR, const int NB, const uint8_t *x, long row_bytes,        \
                                   const uint8_t *w, long block_bytes, long groups, int32_t *sums) {    \
        __m512i acc[24];                                                                                \
        for (int a = 0; a < MR * NB; a++) acc[a] = _mm512_setzero_si512();                              \
        for (long g = 0; g < groups; g++) {                                                             \
            __m512i wv[4];                                                                              \
            for (int j = 0; j < NB; j++) wv[j] = _mm512_load_si512(w + j * block_bytes + g * 64);       \
            for (int i = 0; i < MR; i++) {                                                              \
                int32_t four;                                                                           \
                memcpy(&four, x + i * row_bytes + g * 4, 4);                                            \
                __m512i xb = _mm512_set1_epi32(four);                                                   \
                for (int j = 0; j < NB; j++) acc[i * NB + j] = DOT(acc[i * NB + j], xb, wv[j]);         \
            }                                                                                           \
        }                                                                                               \
        for (int i = 0; i < MR; i++)                                                                    \
            for (int j = 0; j < NB; j++) _mm512_storeu_si512(sums + i * 64 + j * 16, acc[i * NB + j]);  \
    }

DEFINE_TILE(tile_int8, TARGET_VNNI, DOT_INT8)
DEFINE_TILE(tile_bf16, TARGET_BF16, DOT_BF16)

#define TILE_CASE(TILE, MR, NB) \
    case MR * 8 + NB: TILE(MR, NB, xr, in->row_bytes, wb, block_bytes, groups, sums); break;
#define TILE_CASES(TILE, MR) TILE_CASE(TILE, MR, 2) TILE_CASE(TILE, MR, 4)

/// Every tile of the product, then the epilogue of each (while its sums are in L1).
#define DEFINE_RUN(NAME, TARGET, TILE)                                                                  \
    TARGET static void NAME(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, \
                            int gelu) {                                                                 \
        const long block_bytes = cs_block_bytes(w), groups = block_bytes / 64, blocks = w->np / 16;     \
        int32_t sums[6 * 64] __attribute__((aligned(64)));                                              \
        for (long r0 = 0; r0 < in->m; r0 += ROW_CHUNK) {                                                \
            const long rows = in->m - r0 < ROW_CHUNK ? in->m - r0 : ROW_CHUNK;                          \
            /* Row tiles of at most 6, as even as possible (a lone row costs a whole pass). */          \
            const long tiles = (rows + 5) / 6, base = rows / tiles, extra = rows % tiles;               \
            for (long b = 0; b < blocks; b += 4) {                                                      \
                const int nb = blocks - b >= 4 ? 4 : 2; /* blocks is even: np is a multiple of 32 */    \
                const uint8_t *wb = (const uint8_t *)w->packed + b * block_bytes;                       \
                for (long t = 0, i = r0; t < tiles; t++) {                                              \
                    const int mr = (int)(base + (t < extra));                                           \
                    const uint8_t *xr = in->x + i * in->row_bytes;                                      \
                    switch (mr * 8 + nb) {                                                              \
                    TILE_CASES(TILE, 1) TILE_CASES(TILE, 2) TILE_CASES(TILE, 3)                         \
                    TILE_CASES(TILE, 4) TILE_CASES(TILE, 5) TILE_CASES(TILE, 6)                         \
                    default: break;                                                                     \
                    }                                                                                   \
                    for (int r = 0; r < mr; r++) {                                                      \
                        cs_packed_finish_512(w, in, i + r, b * 16, nb * 16, sums + r * 64,              \
                                             out + (i + r) * ld_out, gelu);                             \
                    }                                                                                   \
                    i += mr;                                                                            \
                }                                                                                       \
            }                                                                                           \
        }                                                                                               \
    }

DEFINE_RUN(run_int8, TARGET_VNNI, tile_int8)
DEFINE_RUN(run_bf16, TARGET_BF16, tile_bf16)

void cs_packed_run_512(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu) {
    if (w->kind == CS_PACKED_INT8) run_int8(w, in, out, ld_out, gelu);
    else run_bf16(w, in, out, ld_out, gelu);
}

#else
void cs_packed_run_512(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu) {
    cs_packed_run_portable(w, in, out, ld_out, gelu);
}
#endif
