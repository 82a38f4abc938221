// The machine's fp32 multiply-add peak and memory read bandwidth, for scripts/bench-embed:
// the ceilings no fp32 engine can pass (batches are bound by the first, a one-text query,
// which reads every weight once, by the second). Each thread runs 12 independent chains of
// fused multiply-adds on the widest vectors the CPU has (AVX-512, else AVX2+FMA), enough to
// hide the FMA latency on every current x86 core; then the threads sum a 256 MB buffer, far
// larger than any cache, in halves. The best of five runs of each is printed as JSON.
// Build: cc -O2 -pthread scripts/fma-peak.c -o fma-peak; run: ./fma-peak THREADS
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
static const long iterations = 40L * 1000 * 1000;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct { float seed; float result; int wide; } job;

__attribute__((target("avx512f")))
static float run512(float seed) {
    __m512 a[CHAINS];
    for (int c = 0; c < CHAINS; c++) a[c] = _mm512_set1_ps(seed + (float)c);  // distinct: no chain is merged
    const __m512 x = _mm512_set1_ps(0.9999999f), y = _mm512_set1_ps(1e-7f);
    for (long i = 0; i < iterations; i++) {
        for (int c = 0; c < CHAINS; c++) a[c] = _mm512_fmadd_ps(a[c], x, y);
    }
    __m512 s = a[0];
    for (int c = 1; c < CHAINS; c++) s = _mm512_add_ps(s, a[c]);  // every chain is used
    return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma")))
static float run256(float seed) {
    __m256 a[CHAINS];
    for (int c = 0; c < CHAINS; c++) a[c] = _mm256_set1_ps(seed + (float)c);
    const __m256 x = _mm256_set1_ps(0.9999999f), y = _mm256_set1_ps(1e-7f);
    for (long i = 0; i < iterations; i++) {
        for (int c = 0; c < CHAINS; c++) a[c] = _mm256_fmadd_ps(a[c], x, y);
    }
    __m256 s = a[0];
    for (int c = 1; c < CHAINS; c++) s = _mm256_add_ps(s, a[c]);
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    return lanes[0] + lanes[7];
}

static void *work(void *p) {
    job *j = p;
    j->result = j->wide ? run512(j->seed) : run256(j->seed);
    return NULL;
}

typedef struct { const float *start; long count; float result; } read_job;

__attribute__((target("avx2")))
static void *read_work(void *p) {
    read_job *j = p;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (long i = 0; i + 32 <= j->count; i += 32) {
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(j->start + i));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(j->start + i + 8));
        a2 = _mm256_add_ps(a2, _mm256_loadu_ps(j->start + i + 16));
        a3 = _mm256_add_ps(a3, _mm256_loadu_ps(j->start + i + 24));
    }
    float lanes[8];
    _mm256_storeu_ps(lanes, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    j->result = lanes[0] + lanes[5];
    return NULL;
}

/// Best read bandwidth of `threads` threads over a buffer no cache holds, in GB/s.
static double read_bandwidth(int threads) {
    const long count = 64L << 20;  // 256 MB of floats
    float *buffer = malloc(count * sizeof(float));
    if (!buffer) return 0;
    for (long i = 0; i < count; i++) buffer[i] = (float)(i & 7);
    pthread_t ids[256];
    read_job jobs[256];
    double best = 0;
    for (int run = 0; run < 5; run++) {
        double start = now();
        for (int t = 0; t < threads; t++) {
            jobs[t] = (read_job){ .start = buffer + t * (count / threads), .count = count / threads };
            pthread_create(&ids[t], NULL, read_work, &jobs[t]);
        }
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        double gbs = count * sizeof(float) / (now() - start) / 1e9;
        if (gbs > best) best = gbs;
    }
    free(buffer);
    return best;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 256) threads = 2;
    __builtin_cpu_init();
    int wide = __builtin_cpu_supports("avx512f");
    if (!wide && !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) {
        fprintf(stderr, "fma-peak: needs AVX2 and FMA\n");
        return 2;
    }
    int lanes = wide ? 16 : 8;
    double flops = (double)iterations * CHAINS * lanes * 2 * threads;
    double best = 0;
    pthread_t ids[256];
    job jobs[256];
    for (int run = 0; run < 5; run++) {
        double start = now();
        for (int t = 0; t < threads; t++) {
            jobs[t] = (job){ .seed = (float)(t + run + 1), .wide = wide };
            pthread_create(&ids[t], NULL, work, &jobs[t]);
        }
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        double gflops = flops / (now() - start) / 1e9;
        if (gflops > best) best = gflops;
    }
    float check = 0;
    for (int t = 0; t < threads; t++) check += jobs[t].result;
    double bandwidth = read_bandwidth(threads);
    printf("{\"threads\":%d,\"vector_bits\":%d,\"gflops\":%.1f,\"read_gb_per_s\":%.1f,\"check\":%g}\n",
           threads, lanes * 32, best, bandwidth, check);
    return 0;
}
