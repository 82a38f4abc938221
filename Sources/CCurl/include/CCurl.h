#ifndef CODESEARCH_CCURL_H
#define CODESEARCH_CCURL_H

#include <stddef.h>

/// HTTP over libcurl, loaded on first use with dlopen rather than linked: a linked libcurl
/// (and the thirty-odd libraries it needs) is resolved by the dynamic loader when the
/// process starts, which every command would pay, though only the OpenAI provider and
/// `model install` ever make a request.

/// Loads libcurl once (libcurl.so.4) and runs `curl_global_init`; 0 on success, -1 with a
/// message in `codesearch_http_error()`. Safe to call from any thread, any number of times.
int codesearch_http_load(void);
const char *codesearch_http_error(void);

/// One connection (kept open between transfers to the same server) and one transfer at a
/// time. Only `codesearch_http_cancel` may be called while a transfer runs on another thread.
typedef struct codesearch_http codesearch_http;

/// NULL when libcurl cannot be loaded (see `codesearch_http_error()`) or memory runs out.
codesearch_http *codesearch_http_create(void);
void codesearch_http_destroy(codesearch_http *http);

/// Makes the running transfer (or the next one, if none runs) stop at once with
/// CODESEARCH_HTTP_CANCELLED. Safe from any thread.
void codesearch_http_cancel(codesearch_http *http);
/// Forgets an earlier `codesearch_http_cancel`; call it before handing the handle to a new transfer.
void codesearch_http_reset_cancel(codesearch_http *http);

typedef struct {
    const char *url;
    /// "GET" (also when NULL), "POST", or another method sent as is.
    const char *method;
    /// "Name: value" lines.
    const char *const *headers;
    int header_count;
    /// Sent when not NULL; must stay valid until `codesearch_http_perform` returns.
    const void *body;
    size_t body_length;
    /// The whole transfer, connecting included; 0: no limit.
    long timeout_ms;
    /// Connecting only; 0: libcurl's default (300 s).
    long connect_timeout_ms;
    /// Stop when less than one byte a second arrives for this long; 0: never.
    long idle_timeout_s;
    /// Follow up to this many redirects (to http and https addresses only); 0: none, and a
    /// 3xx is the response. Never for a request that carries a secret.
    long max_redirects;
    /// The response body goes to this file descriptor when >= 0, else into memory.
    int body_fd;
    /// With the body in memory: stop with CODESEARCH_HTTP_TOO_LARGE beyond this many bytes; 0: no limit.
    size_t max_body_length;
} codesearch_http_request;

typedef enum {
    CODESEARCH_HTTP_OK = 0,
    /// libcurl cannot be loaded.
    CODESEARCH_HTTP_UNAVAILABLE = 1,
    CODESEARCH_HTTP_CANCELLED = 2,
    CODESEARCH_HTTP_TIMED_OUT = 3,
    /// The body passed `max_body_length`.
    CODESEARCH_HTTP_TOO_LARGE = 4,
    /// Writing the body to `body_fd` failed.
    CODESEARCH_HTTP_WRITE_FAILED = 5,
    /// Anything else: resolving, connecting, TLS, the protocol.
    CODESEARCH_HTTP_FAILED = 6,
} codesearch_http_outcome;

typedef struct {
    codesearch_http_outcome outcome;
    /// The HTTP status, with CODESEARCH_HTTP_OK.
    long status;
    /// The header lines of the final response (status line first), CRLF-separated; malloc'd.
    char *headers;
    size_t headers_length;
    /// The body, when it went into memory; malloc'd.
    char *body;
    size_t body_length;
    /// What went wrong, in libcurl's words; empty with CODESEARCH_HTTP_OK.
    char message[256];
} codesearch_http_response;

/// Runs one transfer to the end, blocking the calling thread.
/// Fills `response` (free it with `codesearch_http_response_free`) and returns its outcome.
codesearch_http_outcome codesearch_http_perform(codesearch_http *http, const codesearch_http_request *request,
                                                codesearch_http_response *response);
void codesearch_http_response_free(codesearch_http_response *response);

#endif
