// Which packed kernels this CPU runs (see CPacked.h), detected once per process.
//
// AMX needs more than the CPUID bits: Linux keeps the 8 KiB tile state off until a process
// asks for it (arch_prctl ARCH_REQ_XCOMP_PERM), and refuses when a thread's signal stack is
// too small for the larger signal frames. So AMX counts only once the request succeeded.
// Under AddressSanitizer or ThreadSanitizer it is never asked for: their per-thread signal
// stacks are sized for frames without the tile state.

#define _GNU_SOURCE
#include "CPacked.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#define CS_X86_64 1
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CS_SANITIZED 1
#endif
#endif

static int detected = -1;  // cached (benign race: every thread computes the same)
static int capped = -1;

#if CS_X86_64
/// Asks Linux for the AMX tile data state; 1 when granted.
static int request_amx(void) {
#if CS_SANITIZED
    return 0;
#else
    const long ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18;
    return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
#endif
}
#endif

int cs_cpu_features_detected(void) {
    int features = __atomic_load_n(&detected, __ATOMIC_RELAXED);
    if (features >= 0) return features;
    features = 0;
#if CS_X86_64
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) features |= CS_CPU_AVX2;
    if ((features & CS_CPU_AVX2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl")) {
        features |= CS_CPU_AVX512;
        if (__builtin_cpu_supports("avx512vnni")) features |= CS_CPU_AVX512_VNNI;
        if (__builtin_cpu_supports("avx512bf16")) features |= CS_CPU_AVX512_BF16;
    }
    if ((features & CS_CPU_AVX2) && __builtin_cpu_supports("avxvnni")) features |= CS_CPU_AVX_VNNI;
    int amx_int8 = __builtin_cpu_supports("amx-int8"), amx_bf16 = __builtin_cpu_supports("amx-bf16");
    if ((features & CS_CPU_AVX512) && __builtin_cpu_supports("amx-tile") && (amx_int8 || amx_bf16)
        && request_amx()) {
        if (amx_int8) features |= CS_CPU_AMX_INT8;
        if (amx_bf16) features |= CS_CPU_AMX_BF16;
    }
#endif
    __atomic_store_n(&detected, features, __ATOMIC_RELAXED);
    return features;
}

int cs_cpu_features(void) {
    int features = __atomic_load_n(&capped, __ATOMIC_RELAXED);
    if (features >= 0) return features;
    features = cs_cpu_features_detected();
    const char *cap = getenv("CODESEARCH_KERNEL");
    if (cap) {
        const int avx512 = CS_CPU_AVX2 | CS_CPU_AVX512;
        if (strcmp(cap, "blas") == 0) features = 0;
        else if (strcmp(cap, "avx2") == 0) features &= CS_CPU_AVX2;
        else if (strcmp(cap, "avx512") == 0) features &= avx512;
        else if (strcmp(cap, "avx512-vnni") == 0) features &= avx512 | CS_CPU_AVX512_VNNI;
        else if (strcmp(cap, "no-amx") == 0) features &= ~(CS_CPU_AMX_INT8 | CS_CPU_AMX_BF16);
    }
    __atomic_store_n(&capped, features, __ATOMIC_RELAXED);
    return features;
}

int cs_packed_level(cs_packed_kind kind) {
    int f = cs_cpu_features();
    if (kind == CS_PACKED_BF16) {
        if (f & CS_CPU_AMX_BF16) return 2;
        return (f & CS_CPU_AVX512_BF16) ? 1 : 0;
    }
    if (f & CS_CPU_AMX_INT8) return 4;
    if (f & CS_CPU_AVX512_VNNI) return 3;
    if (f & CS_CPU_AVX_VNNI) return 2;
    return (f & CS_CPU_AVX2) ? 1 : 0;
}

int cs_packed_level_available(cs_packed_kind kind, int level) {
    int f = cs_cpu_features();
    if (kind == CS_PACKED_BF16) {
        switch (level) {
        case 0: return 1;
        case 1: return (f & CS_CPU_AVX512_BF16) != 0;
        case 2: return (f & CS_CPU_AMX_BF16) != 0;
        default: return 0;
        }
    }
    switch (level) {
    case 0: return 1;
    case 1: return (f & CS_CPU_AVX2) != 0;
    case 2: return (f & CS_CPU_AVX_VNNI) != 0;
    case 3: return (f & CS_CPU_AVX512_VNNI) != 0;
    case 4: return (f & CS_CPU_AMX_INT8) != 0;
    default: return 0;
    }
}
