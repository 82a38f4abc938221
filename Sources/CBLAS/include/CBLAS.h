#ifndef CODESEARCH_CBLAS_H
#define CODESEARCH_CBLAS_H

/// OpenBLAS, loaded on first use with dlopen rather than linked: a linked OpenBLAS
/// starts its thread pool when the process starts, and those threads spin for a
/// tenth of a second, which every command (even `codesearch status`) would pay.
/// Loading it late also lets OPENBLAS_NUM_THREADS default to 1 before it starts:
/// the embedder runs its own workers, each with single-threaded BLAS.
/// On Darwin the library is Accelerate's (VECLIB_MAXIMUM_THREADS set likewise).

/// The CBLAS constants, with the values every CBLAS uses.
typedef enum { CblasRowMajor = 101, CblasColMajor = 102 } CBLAS_ORDER;
typedef enum { CblasNoTrans = 111, CblasTrans = 112 } CBLAS_TRANSPOSE;

/// Loads the BLAS once (libopenblas.so.0; Accelerate on Darwin); 0 on success, -1 with a message in
/// `codesearch_blas_error()`. Safe to call from any thread, any number of times.
int codesearch_blas_load(void);
const char *codesearch_blas_error(void);

/// `cblas_sgemm`; call `codesearch_blas_load` first.
void codesearch_sgemm(CBLAS_ORDER order, CBLAS_TRANSPOSE transA, CBLAS_TRANSPOSE transB,
                      int m, int n, int k, float alpha, const float *a, int lda,
                      const float *b, int ldb, float beta, float *c, int ldc);

/// `openblas_set_num_threads` (nothing on Darwin); call `codesearch_blas_load` first.
void codesearch_blas_set_num_threads(int threads);

#endif
