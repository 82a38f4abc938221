import CBLAS
import Dispatch

/// Matrix products through OpenBLAS, by the loader the encoder uses (`codesearch_blas_load`,
/// single-threaded BLAS). Large products are split into fixed blocks of rows run on every
/// core: a block's result does not depend on which thread computes it, so the products,
/// and everything built on them, are the same on every run.
enum MatrixProduct {
    /// Rows of `a` per block: big enough for sgemm's blocking, small enough that two
    /// blocks' outputs against 100k rows (2 × 256 × 100k floats) stay near 200 MB.
    static let blockRows = 256

    /// Loads OpenBLAS; throws `AtlasError.blas` with the loader's reason.
    static func load() throws {
        if codesearch_blas_load() != 0 { throw AtlasError.blas(String(cString: codesearch_blas_error())) }
    }

    /// c = a · bᵀ.   a (m, k), b (n, k), c (m, n) with row stride `ldc` (default n); all row-major.
    static func multiplyTransposed(_ a: UnsafePointer<Float>, rows m: Int, _ b: UnsafePointer<Float>, rows n: Int,
                                   depth k: Int, into c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        guard m > 0, n > 0 else { return }
        codesearch_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                         1, a, Int32(k), b, Int32(k), 0, c, Int32(ldc ?? n))
    }

    /// c = aᵀ · a.   a (m, k), c (k, k).
    static func gram(_ a: UnsafePointer<Float>, rows m: Int, columns k: Int, into c: UnsafeMutablePointer<Float>) {
        codesearch_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(k), Int32(m),
                         1, a, Int32(k), a, Int32(k), 0, c, Int32(k))
    }

    /// c = a · b.   a (m, k), b (k, n), c (m, n).
    static func multiply(_ a: UnsafePointer<Float>, rows m: Int, _ b: UnsafePointer<Float>, columns n: Int,
                         depth k: Int, into c: UnsafeMutablePointer<Float>) {
        guard m > 0 else { return }
        codesearch_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                         1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }
}

/// A pointer handed to concurrent blocks that each write their own disjoint rows.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

struct SharedConstPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
}

enum Blocks {
    /// `body(range)` for consecutive ranges of `blockSize` covering `0..<count`, on every
    /// core. Ranges are fixed by `count` and `blockSize` alone, never by the thread count.
    static func forEach(count: Int, blockSize: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let blocks = (count + blockSize - 1) / blockSize
        guard blocks > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: blocks) { b in
            body((b * blockSize)..<min(count, (b + 1) * blockSize))
        }
    }
}
