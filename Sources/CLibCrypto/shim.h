#ifndef CODESEARCH_CLIBCRYPTO_SHIM_H
#define CODESEARCH_CLIBCRYPTO_SHIM_H
// OpenSSL's libcrypto, for SHA-256 only (Hashing.SHA256Hasher). libgit2 already loads it
// into every codesearch process, so linking it costs no start-up time, and unlike
// swift-crypto it compiles nothing (swift-crypto builds all of BoringSSL for one digest).
#include <openssl/evp.h>
#endif
