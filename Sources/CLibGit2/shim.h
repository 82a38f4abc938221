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

#endif
