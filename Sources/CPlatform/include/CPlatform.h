#ifndef CPLATFORM_H
#define CPLATFORM_H

/// System calls Swift cannot make itself (`syscall` is variadic), for the `Platform`
/// module only (Sources/Platform). Each has a Linux and a Darwin body; where Darwin has no
/// such call the function says what it does instead.

/// getdents64(2) on a directory descriptor: the raw `linux_dirent64` records, with d_type,
/// and none of fdopendir's extra fstat and fcntl calls. Bytes filled, 0 at the end, or -1
/// with errno. Linux only: elsewhere -1 with ENOSYS (Platform reads with readdir there).
long codesearch_getdents64(int fd, void *buffer, unsigned long size);

#endif
