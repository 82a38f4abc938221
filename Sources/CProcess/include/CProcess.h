#ifndef CPROCESS_H
#define CPROCESS_H

/// Process scheduling calls Swift cannot make itself (`syscall` is variadic), for the
/// background filler (Sources/codesearch/BackgroundFiller.swift).

/// Puts the calling process in the idle I/O class (ioprio_set, IOPRIO_CLASS_IDLE): its
/// disk reads and writes wait for every other process's. 0 on success, -1 with errno.
int codesearch_set_io_idle(void);

/// The calling process's I/O class (0 none, 1 real time, 2 best effort, 3 idle), or -1.
int codesearch_io_class(void);

/// The flag that makes posix_spawn start the child in a new session (glibc 2.26+):
/// detached from the terminal, so a Ctrl-C or a closed terminal does not reach it.
int codesearch_spawn_setsid_flag(void);

#endif
