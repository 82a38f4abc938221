// Packed products on AMX tiles (Sapphire Rapids and later): tdpbusd (int8) or tdpbf16ps
// (bf16) multiply a 16-row × 64-byte tile of activations by a 16 × 64-byte tile of packed
// weights (16 steps of one 16-channel block: the layout is AMX's own) into 16 × 16 sums.
//
// Eight tile registers: sums C0-C3 for 32 rows × 32 channels, activations A0 (rows 0-15)
// and A1 (16-31), weights B0 and B1 (two blocks). Rows are padded to 32 in the converted
// input (zero rows), so every tile is whole. The sums go through a 4 KiB buffer to the
// shared AVX-512 epilogue, 32 channels of a row at a time.
//
// The tile configuration is per thread: each call loads it and releases the tiles at the
// end, so no state outlives the call (and signal frames stay small between calls).

#include "PackedInternal.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET_AMX __attribute__((target("amx-tile,amx-int8,amx-bf16,avx512f,avx512bw,avx512vl,fma")))

/// The 64-byte LDTILECFG operand (palette 1).
typedef struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
} __attribute__((packed, aligned(64))) tile_config;

TARGET_AMX static void configure(void) {
    tile_config config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) {
        config.bytes_per_row[t] = 64;
        config.rows[t] = 16;
    }
    _tile_loadconfig(&config);
}

/// The 32 × 32 sums of rows [r, r + 32) and blocks b, b + 1, into `tile` (128 bytes a row).
#define DEFINE_BLOCK(NAME, DOT)                                                                         \
    TARGET_AMX static void NAME(const cs_packed_input *in, const uint8_t *w, long block_bytes, long r, \
                                void *tile) {                                                           \
        const long steps = block_bytes / (16 * 64);                                                     \
        const uint8_t *a = in->x + r * in->row_bytes;                                                   \
        _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);                                     \
        for (long s = 0; s < steps; s++) {                                                              \
            _tile_loadd(4, a + s * 64, in->row_bytes);                                                  \
            _tile_loadd(5, a + 16 * in->row_bytes + s * 64, in->row_bytes);                             \
            _tile_loadd(6, w + s * 16 * 64, 64);                                                        \
            _tile_loadd(7, w + block_bytes + s * 16 * 64, 64);                                          \
            DOT(0, 4, 6); DOT(1, 4, 7); DOT(2, 5, 6); DOT(3, 5, 7);                                     \
        }                                                                                               \
        uint8_t *c = tile;                                                                              \
        _tile_stored(0, c, 128);                                                                        \
        _tile_stored(1, c + 64, 128);                                                                   \
        _tile_stored(2, c + 16 * 128, 128);                                                             \
        _tile_stored(3, c + 16 * 128 + 64, 128);                                                        \
    }

DEFINE_BLOCK(block_int8, _tile_dpbusd)
DEFINE_BLOCK(block_bf16, _tile_dpbf16ps)

TARGET_AMX void cs_packed_run_amx(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out,
                                  int gelu) {
    const long block_bytes = cs_block_bytes(w), blocks = w->np / 16;
    configure();
    for (long r = 0; r < in->mp; r += 32) {
        const long rows = in->m - r < 32 ? in->m - r : 32;
        for (long b = 0; b < blocks; b += 2) {
            const uint8_t *wb = (const uint8_t *)w->packed + b * block_bytes;
            if (w->kind == CS_PACKED_INT8) block_int8(in, wb, block_bytes, r, in->tile);
            else block_bf16(in, wb, block_bytes, r, in->tile);
            for (long i = 0; i < rows; i++) {
                cs_packed_finish_512(w, in, r + i, b * 16, 32, (const uint8_t *)in->tile + i * 128,
                                     out + (r + i) * ld_out, gelu);
            }
        }
    }
    _tile_release();
}

#else
void cs_packed_run_amx(const cs_packed_matrix *w, const cs_packed_input *in, float *out, long ld_out, int gelu) {
    cs_packed_run_portable(w, in, out, ld_out, gelu);
}
#endif
