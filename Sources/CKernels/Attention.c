// Self-attention of one short sequence without BLAS: for a query's ten tokens, the 24
// sgemm calls per layer (two per head) cost more in call overhead than in arithmetic.
// Plain loops, compiled once per instruction set so they vectorise over the head width.

#include "CKernels.h"

#include <stdint.h>
#include <string.h>

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/// e^x as BertLayers' fastExp (Cephes reduction and polynomial), branch-free.
ALWAYS_INLINE float exp_approx(float input) {
    float x0 = input < -87.3f ? -87.3f : (input > 88.3f ? 88.3f : input);
    const float shifter = 12582912.f;
    float shifted = x0 * 1.44269504088896341f + shifter;
    float n = shifted - shifter;
    float x = x0 - n * 0.693359375f;
    x = x + n * 2.12194440e-4f;
    float x2 = x * x;
    float y = 1.9875691500e-4f;
    y = y * x + 1.3981999507e-3f;
    y = y * x + 8.3334519073e-3f;
    y = y * x + 4.1665795894e-2f;
    y = y * x + 1.6666665459e-1f;
    y = y * x + 5.0000001201e-1f;
    y = y * x2 + x + 1.f;
    uint32_t bits;
    memcpy(&bits, &shifted, 4);
    bits = (bits - 0x4B400000u + 127u) << 23;
    float scale;
    memcpy(&scale, &bits, 4);
    return input < -87.3f ? 0.f : y * scale;
}

ALWAYS_INLINE float dot(const float *a, const float *b, long n) {
#pragma clang fp reassociate(on)
    float s = 0;
    for (long i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

ALWAYS_INLINE void attention_body(const float *qkv, long ld_qkv, long length, long heads, long d, float scale,
                                  float *scores, float *context, long ld_context) {
    const long c = heads * d;
    for (long h = 0; h < heads; h++) {
        const float *q = qkv + h * d, *k = q + c, *v = q + 2 * c;
        for (long i = 0; i < length; i++) {
            float *row = scores + i * length;
            float top = -__builtin_inff();
            for (long j = 0; j < length; j++) {
                row[j] = dot(q + i * ld_qkv, k + j * ld_qkv, d) * scale;
                top = row[j] > top ? row[j] : top;
            }
            float total = 0;
            for (long j = 0; j < length; j++) {
                row[j] = exp_approx(row[j] - top);
                total += row[j];
            }
            float inverse = 1.f / total;
            float *out = context + i * ld_context + h * d;
            for (long e = 0; e < d; e++) out[e] = 0;
            for (long j = 0; j < length; j++) {
                const float p = row[j] * inverse;
                const float *vj = v + j * ld_qkv;
                for (long e = 0; e < d; e++) out[e] += p * vj[e];
            }
        }
    }
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx512f,avx512vl,fma")))
static void attention512(const float *qkv, long ld_qkv, long length, long heads, long d, float scale,
                         float *scores, float *context, long ld_context) {
    attention_body(qkv, ld_qkv, length, heads, d, scale, scores, context, ld_context);
}

__attribute__((target("avx2,fma")))
static void attention256(const float *qkv, long ld_qkv, long length, long heads, long d, float scale,
                         float *scores, float *context, long ld_context) {
    attention_body(qkv, ld_qkv, length, heads, d, scale, scores, context, ld_context);
}
#endif

static void attention_generic(const float *qkv, long ld_qkv, long length, long heads, long d, float scale,
                              float *scores, float *context, long ld_context) {
    attention_body(qkv, ld_qkv, length, heads, d, scale, scores, context, ld_context);
}

void cs_attention(int level, const float *qkv, long ld_qkv, long length, long heads, long d,
                  float scale, float *scores, float *context, long ld_context) {
#if defined(__x86_64__) || defined(__i386__)
    if (level >= 2) { attention512(qkv, ld_qkv, length, heads, d, scale, scores, context, ld_context); return; }
    if (level == 1) { attention256(qkv, ld_qkv, length, heads, d, scale, scores, context, ld_context); return; }
#endif
    attention_generic(qkv, ld_qkv, length, heads, d, scale, scores, context, ld_context);
}
