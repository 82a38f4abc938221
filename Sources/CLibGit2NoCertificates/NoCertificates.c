#include "CLibGit2NoCertificates.h"

// See the header. The signatures are mbedTLS 2.28's; the chain is left empty.
struct mbedtls_x509_crt;

static int requests;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    (void)chain;
    (void)path;
    __atomic_add_fetch(&requests, 1, __ATOMIC_RELAXED);
    return 0;
}

int mbedtls_x509_crt_parse_path(struct mbedtls_x509_crt *chain, const char *path) {
    (void)chain;
    (void)path;
    __atomic_add_fetch(&requests, 1, __ATOMIC_RELAXED);
    return 0;
}

int codesearch_libgit2_certificate_requests(void) { return __atomic_load_n(&requests, __ATOMIC_RELAXED); }
