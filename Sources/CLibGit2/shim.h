#ifndef CODESEARCH_CLIBGIT2_SHIM_H
#define CODESEARCH_CLIBGIT2_SHIM_H
#include <git2.h>

// git_libgit2_opts is variadic and cannot be called from Swift directly.
static inline int codesearch_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}
static inline int codesearch_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
// getdents64(2) on a directory fd the caller opened: the raw entries, with d_type, and
// none of fdopendir's extra fstat and fcntl calls (the working-tree walk reads every
// directory of a repository). glibc only declares a wrapper under _GNU_SOURCE.
static inline long codesearch_getdents64(int fd, void *buffer, unsigned long size) {
    return syscall(SYS_getdents64, fd, buffer, size);
}
#endif
#endif
