#define _GNU_SOURCE
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

static void load(void) {
    // The embedder parallelises over batches itself; a user's explicit setting wins.
    setenv("OPENBLAS_NUM_THREADS", "1", 0);
    static const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
    void *handle = NULL;
    for (unsigned i = 0; i < sizeof names / sizeof names[0] && !handle; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!handle) {
        snprintf(error, sizeof error, "cannot load OpenBLAS (%s); install it with `apt-get install libopenblas0`", dlerror());
        return;
    }
    sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    if (!sgemm || !set_threads) {
        snprintf(error, sizeof error, "the OpenBLAS library lacks cblas_sgemm or openblas_set_num_threads");
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
