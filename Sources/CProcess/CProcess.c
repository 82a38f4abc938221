#define _GNU_SOURCE
#include "CProcess.h"
#include <spawn.h>
#include <sys/syscall.h>
#include <unistd.h>

// The Linux ioprio ABI (include/uapi/linux/ioprio.h): the class sits above 13 bits of level.
enum { IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_SHIFT = 13, IOPRIO_CLASS_IDLE = 3 };

int codesearch_set_io_idle(void) {
    return (int)syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT);
}

int codesearch_io_class(void) {
    long value = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
    return value < 0 ? -1 : (int)(value >> IOPRIO_CLASS_SHIFT);
}

int codesearch_spawn_setsid_flag(void) {
#ifdef POSIX_SPAWN_SETSID
    return POSIX_SPAWN_SETSID;
#else
    return 0;
#endif
}
