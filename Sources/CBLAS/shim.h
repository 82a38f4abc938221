#ifndef CODESEARCH_CBLAS_SHIM_H
#define CODESEARCH_CBLAS_SHIM_H
#include <cblas.h>
#endif
