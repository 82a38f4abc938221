// The machine's int8 and bf16 multiply-add peaks on THREADS threads, for scripts/bench-embed:
// the ceilings of the int8 and bf16 encoder paths beside fma-peak.c's fp32 one. Each thread
// runs 12 independent chains of one instruction on the widest form the CPU has:
//   vpdpbusd zmm (AVX512_VNNI, 64 multiply-adds) or ymm (AVX-VNNI, 32),
//   vdpbf16ps zmm (AVX512_BF16, 32),
// and, where Linux grants the tile state, AMX's tdpbusd / tdpbf16ps on 4 accumulator tiles
// (16 × 16 × 64 and 16 × 16 × 32 multiply-adds each). Best of three runs; JSON on stdout,
// operations counted as 2 per multiply-add (GOPS), absent keys for what the CPU lacks.
// Build: clang -O2 -pthread scripts/lowp-peak.c -o lowp-peak; run: ./lowp-peak THREADS
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CHAINS 12
static const long iterations = 20L * 1000 * 1000;
static const long tile_iterations = 2L * 1000 * 1000;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define CHAIN_KERNEL(NAME, TARGET, VEC, SET1, OP, STORE)                                   \
    __attribute__((target(TARGET))) static int NAME(int seed) {                          \
        VEC a[CHAINS];                                                                   \
        for (int c = 0; c < CHAINS; c++) a[c] = SET1(seed + c);                          \
        const VEC x = SET1(0x01010101), y = SET1(0x01020304);                            \
        for (long i = 0; i < iterations; i++)                                            \
            for (int c = 0; c < CHAINS; c++) a[c] = OP(a[c], x, y);                      \
        int lanes[16];                                                                   \
        VEC s = a[0];                                                                    \
        for (int c = 1; c < CHAINS; c++) s = (VEC)((__v16si)s ^ (__v16si)a[c]);          \
        STORE(lanes, s);                                                                 \
        return lanes[0];                                                                 \
    }

#define DPBF16(a, x, y) (__m512i)_mm512_dpbf16_ps((__m512)(a), (__m512bh)(x), (__m512bh)(y))
#define STORE512(p, v) _mm512_storeu_si512((void *)(p), v)
CHAIN_KERNEL(vnni512, "avx512f,avx512vnni", __m512i, _mm512_set1_epi32, _mm512_dpbusd_epi32, STORE512)
CHAIN_KERNEL(bf16512, "avx512f,avx512bf16", __m512i, _mm512_set1_epi32, DPBF16, STORE512)

__attribute__((target("avx2,avxvnni"))) static int vnni256(int seed) {
    __m256i a[CHAINS];
    for (int c = 0; c < CHAINS; c++) a[c] = _mm256_set1_epi32(seed + c);
    const __m256i x = _mm256_set1_epi32(0x01010101), y = _mm256_set1_epi32(0x01020304);
    for (long i = 0; i < iterations; i++)
        for (int c = 0; c < CHAINS; c++) a[c] = _mm256_dpbusd_avx_epi32(a[c], x, y);
    int lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, a[0]);
    return lanes[0] + a[CHAINS - 1][0];
}

typedef struct { uint8_t palette, start_row, reserved[14]; uint16_t colsb[16]; uint8_t rows[16]; } tile_config;

__attribute__((target("amx-tile,amx-int8,amx-bf16"))) static int amx(int seed, int bf16) {
    static __thread uint8_t a[16 * 64] __attribute__((aligned(64)));
    tile_config config __attribute__((aligned(64)));
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) { config.colsb[t] = 64; config.rows[t] = 16; }
    _tile_loadconfig(&config);
    memset(a, seed, sizeof a);
    _tile_loadd(4, a, 64); _tile_loadd(5, a, 64); _tile_loadd(6, a, 64); _tile_loadd(7, a, 64);
    _tile_zero(0); _tile_zero(1); _tile_zero(2); _tile_zero(3);
    for (long i = 0; i < tile_iterations; i++) {
        if (bf16) { _tile_dpbf16ps(0, 4, 6); _tile_dpbf16ps(1, 4, 7); _tile_dpbf16ps(2, 5, 6); _tile_dpbf16ps(3, 5, 7); }
        else { _tile_dpbusd(0, 4, 6); _tile_dpbusd(1, 4, 7); _tile_dpbusd(2, 5, 6); _tile_dpbusd(3, 5, 7); }
    }
    static __thread int c[256];
    _tile_stored(0, c, 64);
    _tile_release();
    return c[0];
}

enum { VNNI512, VNNI256, BF16512, AMX_INT8, AMX_BF16, KINDS };
static const char *names[KINDS] = {"int8_vnni512_gops", "int8_avx_vnni_gops", "bf16_avx512_gflops",
                                   "int8_amx_gops", "bf16_amx_gflops"};
/// Multiply-adds one iteration of each kernel does.
static const double work_per_iteration[KINDS] = {CHAINS * 64.0, CHAINS * 32.0, CHAINS * 32.0,
                                                 4 * 16 * 16 * 64.0, 4 * 16 * 16 * 32.0};

typedef struct { int kind, seed, result; } job;

static void *work(void *p) {
    job *j = p;
    switch (j->kind) {
    case VNNI512: j->result = vnni512(j->seed); break;
    case VNNI256: j->result = vnni256(j->seed); break;
    case BF16512: j->result = bf16512(j->seed); break;
    case AMX_INT8: j->result = amx(j->seed, 0); break;
    default: j->result = amx(j->seed, 1); break;
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 256) threads = 2;
    __builtin_cpu_init();
    int has[KINDS] = {
        __builtin_cpu_supports("avx512vnni"), __builtin_cpu_supports("avxvnni"), __builtin_cpu_supports("avx512bf16"),
        __builtin_cpu_supports("amx-int8"), __builtin_cpu_supports("amx-bf16"),
    };
    if ((has[AMX_INT8] || has[AMX_BF16]) && syscall(SYS_arch_prctl, 0x1023, 18) != 0) has[AMX_INT8] = has[AMX_BF16] = 0;
    printf("{");
    int first = 1;
    for (int kind = 0; kind < KINDS; kind++) {
        if (!has[kind]) continue;
        long count = kind >= AMX_INT8 ? tile_iterations : iterations;
        double best = 0;
        for (int run = 0; run < 3; run++) {
            pthread_t ids[256];
            job jobs[256];
            double start = now();
            for (int t = 0; t < threads; t++) {
                jobs[t] = (job){.kind = kind, .seed = t + run + 1};
                pthread_create(&ids[t], NULL, work, &jobs[t]);
            }
            for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
            double rate = count * work_per_iteration[kind] * 2 * threads / (now() - start) / 1e9;
            if (rate > best) best = rate;
        }
        printf("%s\"%s\": %.1f", first ? "" : ", ", names[kind], best);
        first = 0;
    }
    printf("}\n");
    return 0;
}
