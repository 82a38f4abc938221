#define _GNU_SOURCE
#include "CPlatform.h"
#include <errno.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/syscall.h>

// glibc only declares a getdents64 wrapper under _GNU_SOURCE, and only since 2.30.
long codesearch_getdents64(int fd, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}

#else
long codesearch_getdents64(int fd, void *buffer, unsigned long size) {
    (void)fd; (void)buffer; (void)size;
    errno = ENOSYS;
    return -1;
}
#endif
