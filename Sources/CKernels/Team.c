// Two cores for one query: the calling thread and one helper thread owned by the team
// (one team per embedder; nothing process-global, unlike OpenBLAS's thread count).
//
// A product's columns (the w rows; up to 8 products sharing x, such as Q, K and V) are cut
// into about 16 chunks. The first half belongs to the caller, the second to the helper:
// each claims its own chunks from the front, in order, so it streams its half of the
// weights front to back (and prefetches across chunk ends), then steals what is left of the
// other half from the back. The caller then waits only for chunks the helper is computing.
// A helper that is late (asleep, descheduled by a busy machine) claims nothing and the
// caller steals its whole half: the caller never waits for it to start.
//
// Each half's claim word packs (job sequence, front, back), so a helper arriving after its
// job ended cannot claim a chunk of the next one by mistake: its compare-and-swap fails on
// the sequence. A successful claim for job s means the caller is still in job s (it waits
// for every claimed chunk), so the job's fields are stable while the helper reads them.
//
// Between the products of one forward pass the helper spins (with pause) for up to 50 µs,
// then sleeps on a condition variable; `cs_team_release` sends it to sleep at once and
// `cs_team_acquire` wakes it.

#define _GNU_SOURCE
#include "CKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define PAUSE() __asm__ __volatile__("yield")
#else
#define PAUSE() ((void)0)
#endif

enum { MAX_SEGMENTS = 8, MAX_CHUNKS = 64 };  // chunk_width gives at most 16 + segments

struct cs_team {
    // Written by the caller before publishing a job; read by the helper after a claim.
    int level;
    const float *x;
    long m, k, ld_x;
    cs_linear_segment segments[MAX_SEGMENTS];
    int count;
    long width;             // columns per chunk (a multiple of 4)
    int chunk_start[MAX_SEGMENTS + 1];  // first chunk of each segment
    cs_epilogue epilogue;

    // Chunks [0, half) belong to the caller, [half, chunks) to the helper: each claims its own
    // from the front (so it streams the weights in order), then takes the other's from the back.
    _Atomic uint64_t range[2];  // sequence << 32 | front << 16 | back
    _Atomic uint32_t sequence;  // the last published job (the helper waits for a change)
    _Atomic int finished;       // chunks of the current job completed
    _Atomic int busy;           // held by one call between acquire and release
    _Atomic int idle;           // released: the helper should sleep rather than spin
    _Atomic int sleeping;
    _Atomic int stop;
    _Atomic uint32_t calls;     // acquisitions, to wake a sleeping helper for a new call

    int started;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t wake;        // the helper sleeps on it
    pthread_cond_t done;        // the caller sleeps on it, waiting for the helper's last chunk
    _Atomic int caller_waiting;
};

/// How long the helper spins for the next product before sleeping, in nanoseconds. The
/// gaps between a forward pass's products (attention, LayerNorm) are microseconds.
static const long spin_ns = 50000;

/// How long the caller spins for the helper's last chunk before sleeping (a chunk takes
/// 5–30 µs at query sizes).
static const long wait_spin_ns = 50000;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void run_chunk(struct cs_team *t, int chunk, int owned) {
    int s = 0;
    while (chunk >= t->chunk_start[s + 1]) s++;
    const cs_linear_segment *segment = &t->segments[s];
    long n0 = (long)(chunk - t->chunk_start[s]) * t->width;
    long n1 = n0 + t->width < segment->n ? n0 + t->width : segment->n;
    // An owner's next chunk is most likely the following one: prefetch on into it.
    cs_linear_columns_prefetching(t->level, t->x, t->m, t->k, t->ld_x, segment, n0, n1, t->epilogue,
                                  owned ? segment->n : n1);
}

/// A chunk of job `sequence` from range r (its front, or its back when stealing), or -1.
static int take(struct cs_team *t, int r, uint32_t sequence, int back) {
    uint64_t v = atomic_load_explicit(&t->range[r], memory_order_acquire);
    for (;;) {
        if ((uint32_t)(v >> 32) != sequence) return -1;
        uint32_t first = (uint32_t)((v >> 16) & 0xFFFF), end = (uint32_t)(v & 0xFFFF);
        if (first >= end) return -1;
        uint64_t claimed = back ? v - 1 : v + (1u << 16);
        if (atomic_compare_exchange_weak_explicit(&t->range[r], &v, claimed, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            return back ? (int)end - 1 : (int)first;
        }
    }
}

static void chunk_done(struct cs_team *t, int self) {
    atomic_fetch_add(&t->finished, 1);
    if (self == 1 && atomic_load(&t->caller_waiting)) {
        pthread_mutex_lock(&t->mutex);
        pthread_cond_signal(&t->done);
        pthread_mutex_unlock(&t->mutex);
    }
}

/// Runs chunks of job `sequence` as worker `self` (0 caller, 1 helper) until none are left.
static void work(struct cs_team *t, uint32_t sequence, int self) {
    int chunk;
    while ((chunk = take(t, self, sequence, 0)) >= 0) {
        run_chunk(t, chunk, 1);
        chunk_done(t, self);
    }
    while ((chunk = take(t, 1 - self, sequence, 1)) >= 0) {
        run_chunk(t, chunk, 0);
        chunk_done(t, self);
    }
}

static void *helper_main(void *argument) {
    struct cs_team *t = argument;
    uint32_t seen = atomic_load(&t->sequence);
    for (;;) {
        long deadline = 0;
        for (unsigned polls = 1;; polls++) {
            uint32_t s = atomic_load(&t->sequence);
            if (s != seen) { seen = s; break; }
            int rest = atomic_load(&t->idle) || atomic_load(&t->stop);
            if (!rest && (polls & 255) == 0) {
                long now = now_ns();
                if (deadline == 0) deadline = now + spin_ns;
                else rest = now > deadline;
            }
            if (!rest) { PAUSE(); continue; }
            // Sleep until a job, a new call (cs_team_acquire) or the stop.
            pthread_mutex_lock(&t->mutex);
            uint32_t calls = atomic_load(&t->calls);
            atomic_store(&t->sleeping, 1);
            while (atomic_load(&t->sequence) == seen && !atomic_load(&t->stop) && atomic_load(&t->calls) == calls) {
                pthread_cond_wait(&t->wake, &t->mutex);
            }
            atomic_store(&t->sleeping, 0);
            int stop = atomic_load(&t->stop);
            pthread_mutex_unlock(&t->mutex);
            if (stop) return NULL;
            deadline = 0;
        }
        work(t, seen, 1);
    }
}

static void wake_helper(struct cs_team *t) {
    if (atomic_load(&t->sleeping)) {
        pthread_mutex_lock(&t->mutex);
        pthread_cond_signal(&t->wake);
        pthread_mutex_unlock(&t->mutex);
    }
}

cs_team *cs_team_create(void) {
    struct cs_team *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    pthread_mutex_init(&t->mutex, NULL);
    pthread_cond_init(&t->wake, NULL);
    pthread_cond_init(&t->done, NULL);
    atomic_store(&t->idle, 1);
    return t;
}

void cs_team_destroy(cs_team *t) {
    if (!t) return;
    if (t->started) {
        pthread_mutex_lock(&t->mutex);
        atomic_store(&t->stop, 1);
        pthread_cond_signal(&t->wake);
        pthread_mutex_unlock(&t->mutex);
        pthread_join(t->thread, NULL);
    }
    pthread_cond_destroy(&t->wake);
    pthread_cond_destroy(&t->done);
    pthread_mutex_destroy(&t->mutex);
    free(t);
}

int cs_team_acquire(cs_team *t) {
    if (!t) return 0;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&t->busy, &expected, 1)) return 0;
    if (!t->started) {
        // Only the holder gets here, so the thread starts once. (The default stack: an
        // unoptimised build's kernels take a few hundred KiB of it.)
        t->started = pthread_create(&t->thread, NULL, helper_main, t) == 0;
        if (!t->started) {
            atomic_store(&t->busy, 0);
            return 0;
        }
    }
    atomic_store(&t->idle, 0);
    // Wake it now, so it is up by the first product.
    pthread_mutex_lock(&t->mutex);
    atomic_fetch_add(&t->calls, 1);
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->mutex);
    return 1;
}

void cs_team_release(cs_team *t) {
    if (!t) return;
    atomic_store(&t->idle, 1);
    atomic_store(&t->busy, 0);
}

/// Columns per chunk: about 16 chunks per product, so a late or slow helper costs little,
/// each still a few microseconds of work.
static long chunk_width(long total) {
    long width = (total / 16 + 3) & ~3L;
    return width < 8 ? 8 : width;
}

void cs_team_linear(cs_team *t, int level, const float *x, long m, long k, long ld_x,
                    const cs_linear_segment *segments, int count, cs_epilogue epilogue) {
    long total = 0;
    for (int s = 0; s < count; s++) total += segments[s].n;
    if (!t || !atomic_load_explicit(&t->busy, memory_order_relaxed) || count > MAX_SEGMENTS || total < 16) {
        for (int s = 0; s < count; s++) cs_linear_columns(level, x, m, k, ld_x, &segments[s], 0, segments[s].n, epilogue);
        return;
    }
    long width = chunk_width(total);
    int chunks = 0;
    t->chunk_start[0] = 0;
    for (int s = 0; s < count; s++) {
        t->segments[s] = segments[s];
        chunks += (int)((segments[s].n + width - 1) / width);
        t->chunk_start[s + 1] = chunks;
    }
    if (chunks > MAX_CHUNKS) {  // never with chunk_width's ~16 per segment set, but stay safe
        for (int s = 0; s < count; s++) cs_linear_columns(level, x, m, k, ld_x, &segments[s], 0, segments[s].n, epilogue);
        return;
    }
    t->level = level;
    t->x = x; t->m = m; t->k = k; t->ld_x = ld_x;
    t->count = count;
    t->width = width;
    t->epilogue = epilogue;
    atomic_store_explicit(&t->finished, 0, memory_order_relaxed);
    uint32_t sequence = atomic_load_explicit(&t->sequence, memory_order_relaxed) + 1;
    uint64_t half = (uint64_t)(chunks + 1) / 2;
    atomic_store_explicit(&t->range[1], (uint64_t)sequence << 32 | half << 16 | (uint64_t)chunks, memory_order_release);
    atomic_store_explicit(&t->range[0], (uint64_t)sequence << 32 | half, memory_order_release);
    atomic_store(&t->sequence, sequence);
    wake_helper(t);
    work(t, sequence, 0);
    // Wait for the chunks the helper claimed: microseconds each, unless a busy machine
    // descheduled it. Then sleep rather than yield: an idle core makes the scheduler pull the
    // waiting helper over at once, where a spinning or yielding caller would keep it queued.
    long deadline = 0;
    for (unsigned polls = 1; atomic_load(&t->finished) < chunks; polls++) {
        if ((polls & 63) == 0) {
            long now = now_ns();
            if (deadline == 0) deadline = now + wait_spin_ns;
            else if (now > deadline) {
                pthread_mutex_lock(&t->mutex);
                atomic_store(&t->caller_waiting, 1);
                while (atomic_load(&t->finished) < chunks) pthread_cond_wait(&t->done, &t->mutex);
                atomic_store(&t->caller_waiting, 0);
                pthread_mutex_unlock(&t->mutex);
                break;
            }
        }
        PAUSE();
    }
}
