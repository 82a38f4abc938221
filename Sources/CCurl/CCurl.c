#define _GNU_SOURCE
#define CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_DEPRECATION  // CURLOPT_PROTOCOLS: the fallback for libcurl before 7.85
#include "CCurl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// libcurl's functions, resolved with dlsym: nothing here links against libcurl.
static CURLcode (*p_global_init)(long);
static CURL *(*p_easy_init)(void);
static void (*p_easy_cleanup)(CURL *);
static void (*p_easy_reset)(CURL *);
static CURLcode (*p_easy_setopt)(CURL *, CURLoption, ...);
static CURLcode (*p_easy_getinfo)(CURL *, CURLINFO, ...);
static const char *(*p_easy_strerror)(CURLcode);
static CURLM *(*p_multi_init)(void);
static CURLMcode (*p_multi_cleanup)(CURLM *);
static CURLMcode (*p_multi_add_handle)(CURLM *, CURL *);
static CURLMcode (*p_multi_remove_handle)(CURLM *, CURL *);
static CURLMcode (*p_multi_perform)(CURLM *, int *);
static CURLMcode (*p_multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
static CURLMcode (*p_multi_wakeup)(CURLM *);
static CURLMsg *(*p_multi_info_read)(CURLM *, int *);
static const char *(*p_multi_strerror)(CURLMcode);
static struct curl_slist *(*p_slist_append)(struct curl_slist *, const char *);
static void (*p_slist_free_all)(struct curl_slist *);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;
static char error[512];

#define RESOLVE(name, symbol)                                                                   \
    do {                                                                                         \
        *(void **)&name = dlsym(handle, symbol);                                                 \
        if (!name) {                                                                             \
            snprintf(error, sizeof error,                                                        \
                     "the libcurl found lacks %s (7.68 or later is needed); install it with "    \
                     "`apt-get install libcurl4`", symbol);                                      \
            return;                                                                              \
        }                                                                                        \
    } while (0)

static void load(void) {
    // libcurl4 is the OpenSSL build; the GnuTLS one (libcurl3-gnutls, which git needs) will do too.
#ifdef __APPLE__
    static const char *names[] = {"libcurl.4.dylib"};
#else
    static const char *names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"};
#endif
    void *handle = NULL;
    const char *first_error = NULL;
    char reason[256] = "";
    for (unsigned i = 0; i < sizeof names / sizeof names[0] && !handle; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (!handle && !first_error) {
            first_error = dlerror();
            if (first_error) snprintf(reason, sizeof reason, "%s", first_error);
        }
    }
    if (!handle) {
        snprintf(error, sizeof error, "cannot load libcurl (%s); install it with `apt-get install libcurl4`",
                 reason[0] ? reason : "not found");
        return;
    }
    RESOLVE(p_global_init, "curl_global_init");
    RESOLVE(p_easy_init, "curl_easy_init");
    RESOLVE(p_easy_cleanup, "curl_easy_cleanup");
    RESOLVE(p_easy_reset, "curl_easy_reset");
    RESOLVE(p_easy_setopt, "curl_easy_setopt");
    RESOLVE(p_easy_getinfo, "curl_easy_getinfo");
    RESOLVE(p_easy_strerror, "curl_easy_strerror");
    RESOLVE(p_multi_init, "curl_multi_init");
    RESOLVE(p_multi_cleanup, "curl_multi_cleanup");
    RESOLVE(p_multi_add_handle, "curl_multi_add_handle");
    RESOLVE(p_multi_remove_handle, "curl_multi_remove_handle");
    RESOLVE(p_multi_perform, "curl_multi_perform");
    RESOLVE(p_multi_poll, "curl_multi_poll");
    RESOLVE(p_multi_wakeup, "curl_multi_wakeup");
    RESOLVE(p_multi_info_read, "curl_multi_info_read");
    RESOLVE(p_multi_strerror, "curl_multi_strerror");
    RESOLVE(p_slist_append, "curl_slist_append");
    RESOLVE(p_slist_free_all, "curl_slist_free_all");
    CURLcode code = p_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(error, sizeof error, "cannot initialise libcurl: %s", p_easy_strerror(code));
        return;
    }
    loaded = 1;
}

int codesearch_http_load(void) {
    pthread_once(&once, load);
    return loaded ? 0 : -1;
}

const char *codesearch_http_error(void) { return error; }

struct codesearch_http {
    CURL *easy;
    // Each handle drives its transfers through its own multi handle, which keeps the
    // connection open for the next transfer and can be woken from another thread.
    CURLM *multi;
    int cancelled;  // read and written with __atomic builtins only
};

codesearch_http *codesearch_http_create(void) {
    if (codesearch_http_load() != 0) return NULL;
    codesearch_http *http = calloc(1, sizeof *http);
    if (!http) return NULL;
    http->easy = p_easy_init();
    http->multi = p_multi_init();
    if (!http->easy || !http->multi) {
        codesearch_http_destroy(http);
        return NULL;
    }
    return http;
}

void codesearch_http_destroy(codesearch_http *http) {
    if (!http) return;
    if (http->easy) p_easy_cleanup(http->easy);
    if (http->multi) p_multi_cleanup(http->multi);
    free(http);
}

void codesearch_http_cancel(codesearch_http *http) {
    __atomic_store_n(&http->cancelled, 1, __ATOMIC_SEQ_CST);
    p_multi_wakeup(http->multi);
}

void codesearch_http_reset_cancel(codesearch_http *http) {
    __atomic_store_n(&http->cancelled, 0, __ATOMIC_SEQ_CST);
}

static int is_cancelled(codesearch_http *http) { return __atomic_load_n(&http->cancelled, __ATOMIC_SEQ_CST); }

/// A growing malloc'd buffer.
typedef struct {
    char *data;
    size_t length, capacity;
} buffer;

static int append(buffer *b, const char *data, size_t length) {
    if (length > b->capacity - b->length) {
        size_t capacity = b->capacity ? b->capacity : 16384;
        while (capacity - b->length < length) {
            if (capacity > SIZE_MAX / 2) return -1;
            capacity *= 2;
        }
        char *grown = realloc(b->data, capacity);
        if (!grown) return -1;
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, data, length);
    b->length += length;
    return 0;
}

typedef struct {
    buffer headers, body;
    int fd;
    size_t max_body;
    int too_large, headers_too_large, out_of_memory, write_errno;
} sink;

enum { max_headers = 1 << 20 };

static size_t on_header(char *data, size_t size, size_t count, void *context) {
    sink *s = context;
    size_t length = size * count;
    // A new status line starts a new response (after `100 Continue`): keep the last only.
    if (length >= 5 && memcmp(data, "HTTP/", 5) == 0) s->headers.length = 0;
    if (s->headers.length + length > max_headers) {
        s->headers_too_large = 1;
        return 0;
    }
    if (append(&s->headers, data, length) != 0) {
        s->out_of_memory = 1;
        return 0;
    }
    return length;
}

static size_t on_body(char *data, size_t size, size_t count, void *context) {
    sink *s = context;
    size_t length = size * count;
    if (s->fd >= 0) {
        size_t written = 0;
        while (written < length) {
            ssize_t n = write(s->fd, data + written, length - written);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                s->write_errno = n < 0 ? errno : EIO;
                return 0;
            }
            written += (size_t)n;
        }
        return length;
    }
    if (s->max_body && (s->body.length > s->max_body || length > s->max_body - s->body.length)) {
        s->too_large = 1;
        return 0;
    }
    if (append(&s->body, data, length) != 0) {
        s->out_of_memory = 1;
        return 0;
    }
    return length;
}

static codesearch_http_outcome finish(codesearch_http_response *response, codesearch_http_outcome outcome,
                                      const char *message) {
    response->outcome = outcome;
    if (message && !response->message[0]) snprintf(response->message, sizeof response->message, "%s", message);
    return outcome;
}

codesearch_http_outcome codesearch_http_perform(codesearch_http *http, const codesearch_http_request *request,
                                                codesearch_http_response *response) {
    memset(response, 0, sizeof *response);
    if (codesearch_http_load() != 0) return finish(response, CODESEARCH_HTTP_UNAVAILABLE, error);
    if (!http) return finish(response, CODESEARCH_HTTP_FAILED, "out of memory");
    if (is_cancelled(http)) return finish(response, CODESEARCH_HTTP_CANCELLED, "cancelled");

    CURL *easy = http->easy;
    p_easy_reset(easy);  // keeps the open connection, which lives in the multi handle
    char curl_error[CURL_ERROR_SIZE] = "";
    sink s = {.fd = request->body_fd, .max_body = request->max_body_length};
    struct curl_slist *headers = NULL;
    int ok = 1;
    for (int i = 0; i < request->header_count && ok; i++) {
        struct curl_slist *more = p_slist_append(headers, request->headers[i]);
        if (more) headers = more; else ok = 0;
    }
    const char *method = request->method ? request->method : "GET";
    int post = strcmp(method, "POST") == 0;
    if (post && ok) {
        // Send the body straight away rather than wait for `100 Continue`.
        struct curl_slist *more = p_slist_append(headers, "Expect:");
        if (more) headers = more; else ok = 0;
    }
    if (!ok) {
        p_slist_free_all(headers);
        return finish(response, CODESEARCH_HTTP_FAILED, "out of memory");
    }

    p_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_error);
    p_easy_setopt(easy, CURLOPT_URL, request->url);
    // Only HTTP(S), also for the address of a redirect. Redirects are followed only when
    // asked: following one would send an API key wherever the server says.
    if (p_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
        p_easy_setopt(easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    }
    if (request->max_redirects > 0) {
        if (p_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") != CURLE_OK) {
            p_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
        }
        p_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
        p_easy_setopt(easy, CURLOPT_MAXREDIRS, request->max_redirects);
    } else {
        p_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    }
    p_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS time-outs
    p_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl can decode
    p_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    if (post) {
        p_easy_setopt(easy, CURLOPT_POST, 1L);
        p_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(request->body ? request->body_length : 0));
        p_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body ? request->body : "");
    } else if (strcmp(method, "GET") == 0) {
        p_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else {
        p_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
        if (request->body) {
            p_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_length);
            p_easy_setopt(easy, CURLOPT_POSTFIELDS, request->body);
        }
    }
    if (request->timeout_ms > 0) p_easy_setopt(easy, CURLOPT_TIMEOUT_MS, request->timeout_ms);
    if (request->connect_timeout_ms > 0) p_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    if (request->idle_timeout_s > 0) {
        p_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
        p_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, request->idle_timeout_s);
    }
    p_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
    p_easy_setopt(easy, CURLOPT_HEADERDATA, &s);
    p_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    p_easy_setopt(easy, CURLOPT_WRITEDATA, &s);

    codesearch_http_outcome outcome = CODESEARCH_HTTP_OK;
    CURLcode result = CURLE_OK;
    CURLMcode mc = p_multi_add_handle(http->multi, easy);
    if (mc == CURLM_OK) {
        for (;;) {
            int running = 0;
            mc = p_multi_perform(http->multi, &running);
            if (mc != CURLM_OK || !running) break;
            if (is_cancelled(http)) {
                outcome = CODESEARCH_HTTP_CANCELLED;
                break;
            }
            // Returns on network activity, a libcurl timer, or `codesearch_http_cancel`.
            mc = p_multi_poll(http->multi, NULL, 0, 1000, NULL);
            if (mc != CURLM_OK) break;
        }
        if (outcome == CODESEARCH_HTTP_OK && mc == CURLM_OK) {
            int queued = 0;
            CURLMsg *message;
            result = CURLE_GOT_NOTHING;
            while ((message = p_multi_info_read(http->multi, &queued))) {
                if (message->msg == CURLMSG_DONE && message->easy_handle == easy) result = message->data.result;
            }
        }
        // Removing the handle mid-transfer (cancelled) closes that connection.
        p_multi_remove_handle(http->multi, easy);
    }
    p_easy_setopt(easy, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
    p_easy_setopt(easy, CURLOPT_ERRORBUFFER, (char *)NULL);
    p_slist_free_all(headers);

    response->headers = s.headers.data;
    response->headers_length = s.headers.length;
    response->body = s.body.data;
    response->body_length = s.body.length;
    if (outcome == CODESEARCH_HTTP_CANCELLED) return finish(response, outcome, "cancelled");
    if (mc != CURLM_OK) return finish(response, CODESEARCH_HTTP_FAILED, p_multi_strerror(mc));
    if (s.too_large) return finish(response, CODESEARCH_HTTP_TOO_LARGE, "the response body is too large");
    if (s.headers_too_large) return finish(response, CODESEARCH_HTTP_FAILED, "the response headers pass 1 MiB");
    if (s.out_of_memory) return finish(response, CODESEARCH_HTTP_FAILED, "out of memory for the response");
    if (s.write_errno) {
        char reason[128];
        return finish(response, CODESEARCH_HTTP_WRITE_FAILED, strerror_r(s.write_errno, reason, sizeof reason));
    }
    if (result != CURLE_OK) {
        finish(response, result == CURLE_OPERATION_TIMEDOUT ? CODESEARCH_HTTP_TIMED_OUT : CODESEARCH_HTTP_FAILED,
               curl_error[0] ? curl_error : p_easy_strerror(result));
        return response->outcome;
    }
    long status = 0;
    p_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    response->status = status;
    return finish(response, CODESEARCH_HTTP_OK, NULL);
}

void codesearch_http_response_free(codesearch_http_response *response) {
    free(response->headers);
    free(response->body);
    response->headers = NULL;
    response->body = NULL;
    response->headers_length = 0;
    response->body_length = 0;
}
