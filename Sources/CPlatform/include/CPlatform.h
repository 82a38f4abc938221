#ifndef CPLATFORM_H
#define CPLATFORM_H

/// System calls Swift cannot make itself (`syscall` is variadic) and constants it cannot
/// see, for the `Platform` module only (Sources/Platform). Each has a Linux and a Darwin
/// body; where Darwin has no such call the function says what it does instead.

/// getdents64(2) on a directory descriptor: the raw `linux_dirent64` records, with d_type,
/// and none of fdopendir's extra fstat and fcntl calls. Bytes filled, 0 at the end, or -1
/// with errno. Linux only: elsewhere -1 with ENOSYS (Platform reads with readdir there).
long codesearch_getdents64(int fd, void *buffer, unsigned long size);

/// Puts the calling process in the idle I/O class: its disk reads and writes wait for
/// every other process's (Linux: ioprio_set, IOPRIO_CLASS_IDLE; Darwin: setiopolicy_np,
/// IOPOL_THROTTLE). 0 on success, -1 with errno.
int codesearch_set_io_idle(void);

/// The calling process's I/O class (0 none, 1 real time, 2 best effort, 3 idle), or -1.
/// Darwin: 3 when throttled, else 2.
int codesearch_io_class(void);

/// The flag that makes posix_spawn start the child in a new session (glibc 2.26+, macOS
/// 10.15+): detached from the terminal, so a Ctrl-C or a closed terminal does not reach it.
/// 0 where the C library has none.
int codesearch_spawn_setsid_flag(void);

#endif
