#if defined(__linux__)
#define _GNU_SOURCE
#endif
#include "CBLAS.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static set_threads_fn set_threads;
static char error[512];

#if defined(__APPLE__)
// Accelerate (vecLib), part of every macOS: the same cblas_sgemm, no package to install.
// Its thread count is read from VECLIB_MAXIMUM_THREADS when it starts; it has no
// openblas_set_num_threads, so the setter below does nothing there.
static const char *names[] = {"/System/Library/Frameworks/Accelerate.framework/Accelerate"};
#define THREAD_VARIABLE "VECLIB_MAXIMUM_THREADS"
#define CANNOT_LOAD "cannot load Accelerate (%s)"
#define LACKS_SYMBOLS "the Accelerate framework lacks cblas_sgemm"
static void no_thread_setting(int threads) { (void)threads; }
#else
static const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
#define THREAD_VARIABLE "OPENBLAS_NUM_THREADS"
#define CANNOT_LOAD "cannot load OpenBLAS (%s); install it with `apt-get install libopenblas0`"
#define LACKS_SYMBOLS "the OpenBLAS library lacks cblas_sgemm or openblas_set_num_threads"
#endif

static void load(void) {
    // The embedder parallelises over batches itself; a user's explicit setting wins.
    setenv(THREAD_VARIABLE, "1", 0);
    void *handle = NULL;
    for (unsigned i = 0; i < sizeof names / sizeof names[0] && !handle; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!handle) {
        snprintf(error, sizeof error, CANNOT_LOAD, dlerror());
        return;
    }
    sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
#if defined(__APPLE__)
    set_threads = no_thread_setting;
#else
    set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
#endif
    if (!sgemm || !set_threads) {
        snprintf(error, sizeof error, LACKS_SYMBOLS);
        sgemm = NULL;
    }
}

int codesearch_blas_load(void) {
    pthread_once(&once, load);
    return sgemm ? 0 : -1;
}

const char *codesearch_blas_error(void) { return error; }

/// Callers check `codesearch_blas_load` first (BertEmbedder's init does); a layer run
/// without it still loads the library here, and stops with the reason if it cannot.
static void require(void) {
    if (codesearch_blas_load() != 0) {
        fprintf(stderr, "codesearch: %s\n", error);
        abort();
    }
}

void codesearch_sgemm(CBLAS_ORDER order, CBLAS_TRANSPOSE transA, CBLAS_TRANSPOSE transB,
                      int m, int n, int k, float alpha, const float *a, int lda,
                      const float *b, int ldb, float beta, float *c, int ldc) {
    if (!sgemm) require();
    sgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void codesearch_blas_set_num_threads(int threads) {
    if (!sgemm) require();
    set_threads(threads);
}
