/// IEEE 754 binary16 conversion without the `Float16` type (unavailable on
/// some platforms) and without F16C, so the ranking kernel can widen with
/// plain integer SIMD.
///
/// Stored halves never hold subnormals: magnitudes below 2^-14 are flushed to
/// zero on encode (a unit vector loses < 1e-4 of any dot product). Then
/// `widenedBits(h)` = sign<<16 | (h & 0x7fff)<<13 is exactly the Float
/// `value * 2^-112`, a normal number, so a kernel widens with two shifts and
/// multiplies by a query pre-scaled by 2^112.
public enum HalfFloat {
    /// 2^112: the factor between `widenedBits` and the real value.
    public static let widenScale: Float = Float(sign: .plus, exponent: 112, significand: 1)

    /// Round-to-nearest-even; non-finite becomes 0, overflow clamps to ±65504.
    @inline(__always)
    public static func bits(_ value: Float) -> UInt16 {
        guard value.isFinite else { return 0 }
        let x = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (x >> 16) & 0x8000)
        let exponent = Int((x >> 23) & 0xff) - 127 + 15
        if exponent <= 0 { return sign }
        if exponent >= 31 { return sign | 0x7bff }
        let mantissa = x & 0x7f_ffff
        var h = UInt32(exponent) << 10 | mantissa >> 13
        let rest = mantissa & 0x1fff
        if rest > 0x1000 || (rest == 0x1000 && h & 1 == 1) { h += 1 }
        if h >= 0x7c00 { h = 0x7bff }
        return sign | UInt16(h)
    }

    @inline(__always)
    public static func widenedBits(_ h: UInt16) -> UInt32 {
        let w = UInt32(h)
        return (w & 0x8000) << 16 | (w & 0x7fff) << 13
    }

    @inline(__always)
    public static func value(_ h: UInt16) -> Float {
        Float(bitPattern: widenedBits(h)) * widenScale
    }
}
