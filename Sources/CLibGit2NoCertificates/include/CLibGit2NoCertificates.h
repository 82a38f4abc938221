#ifndef CODESEARCH_LIBGIT2_NO_CERTIFICATES_H
#define CODESEARCH_LIBGIT2_NO_CERTIFICATES_H

/// Debian builds libgit2 with mbedTLS, and `git_libgit2_init` parses the whole system
/// CA bundle (/etc/ssl/certs/ca-certificates.crt, about 140 certificates) for its HTTPS
/// transport: about 4 ms on every codesearch start, a sixth of a no-op `index` run.
/// codesearch never uses libgit2's network transports (it reads local repositories
/// only; its own HTTP goes through libcurl), so this target defines the two mbedTLS
/// functions libgit2 calls to load certificates, and the executable's definitions take
/// precedence over libmbedx509's for libgit2's calls. They load nothing: should libgit2
/// ever open a TLS connection in this process, it would trust no certificate and fail,
/// never the reverse. A libgit2 built with OpenSSL never calls them.

/// The number of times libgit2 asked for certificates (for tests).
int codesearch_libgit2_certificate_requests(void);

#endif
