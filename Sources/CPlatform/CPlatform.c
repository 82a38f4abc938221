#define _GNU_SOURCE
#include "CPlatform.h"
#include <errno.h>
#include <spawn.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/syscall.h>

// glibc only declares a getdents64 wrapper under _GNU_SOURCE, and only since 2.30.
long codesearch_getdents64(int fd, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}

// The Linux ioprio ABI (include/uapi/linux/ioprio.h): the class sits above 13 bits of level.
enum { IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_SHIFT = 13, IOPRIO_CLASS_IDLE = 3 };

int codesearch_set_io_idle(void) {
    return (int)syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT);
}

int codesearch_io_class(void) {
    long value = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
    return value < 0 ? -1 : (int)(value >> IOPRIO_CLASS_SHIFT);
}

#elif defined(__APPLE__)
#include <sys/resource.h>

long codesearch_getdents64(int fd, void *buffer, unsigned long size) {
    (void)fd; (void)buffer; (void)size;
    errno = ENOSYS;
    return -1;
}

int codesearch_set_io_idle(void) {
    return setiopolicy_np(IOPOL_TYPE_DISK, IOPOL_SCOPE_PROCESS, IOPOL_THROTTLE);
}

int codesearch_io_class(void) {
    int policy = getiopolicy_np(IOPOL_TYPE_DISK, IOPOL_SCOPE_PROCESS);
    return policy < 0 ? -1 : (policy == IOPOL_THROTTLE ? 3 : 2);
}

#else
long codesearch_getdents64(int fd, void *buffer, unsigned long size) {
    (void)fd; (void)buffer; (void)size;
    errno = ENOSYS;
    return -1;
}
int codesearch_set_io_idle(void) { errno = ENOSYS; return -1; }
int codesearch_io_class(void) { return -1; }
#endif

int codesearch_spawn_setsid_flag(void) {
#ifdef POSIX_SPAWN_SETSID
    return POSIX_SPAWN_SETSID;
#else
    return 0;
#endif
}
