#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's byte-string routines, for code that handles bytes in place (paths in
/// the memory of a git index, directory entries). Inlinable: they sit in hot loops.
public enum Bytes {
    /// Whether `count` bytes at `a` equal those at `b` (`memcmp`). Both must hold `count`
    /// readable bytes.
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        memcmp(a, b, count) == 0
    }

    /// The length of a NUL-terminated string (`strlen`).
    @inlinable @inline(__always)
    public static func length(ofCString string: UnsafePointer<CChar>) -> Int {
        strlen(string)
    }
}

/// The C math library's functions that the standard library lacks (libm: `Glibc` on Linux,
/// `Darwin` on macOS, so they too are reached through this module).
public enum Math {
    /// The natural logarithm (`logf`).
    @inlinable @inline(__always)
    public static func log(_ x: Float) -> Float { logf(x) }

    /// The natural logarithm of a Double (`log`).
    @inlinable @inline(__always)
    public static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.log(x)
        #else
        Darwin.log(x)
        #endif
    }

    /// The base-2 logarithm (`log2f`).
    @inlinable @inline(__always)
    public static func log2(_ x: Float) -> Float { log2f(x) }

    /// e raised to `x` (`expf`).
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float { expf(x) }

    /// The cube root (`cbrt`).
    @inlinable @inline(__always)
    public static func cbrt(_ x: Double) -> Double {
        #if canImport(Glibc)
        Glibc.cbrt(x)
        #else
        Darwin.cbrt(x)
        #endif
    }
}
