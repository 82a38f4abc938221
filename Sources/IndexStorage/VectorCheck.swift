import ByteCoding
/// What a stored vector component may be. Rows are unit vectors, so every component
/// lies in [-1, 1]; `limit` leaves room for rounding (fp16 steps are 1/1024 near 1).
/// NaN, an infinity or a larger magnitude means damage, never data: such a row would
/// rank with a score like 48025 or not at all.
package enum VectorCheck {
    package static let limit: Float = 1.0625
    /// `limit`'s fp16 and fp32 bit patterns (sign bit cleared).
    private static let halfLimitBits: UInt16 = 0x3C40
    private static let floatLimitBits: UInt32 = 0x3F88_0000

    /// True when every component of the little-endian rows in `bytes` is finite and within `limit`.
    package static func isPlausible(_ bytes: UnsafeRawBufferPointer, encoding: VectorEncoding) -> Bool {
        switch encoding {
        case .float16:
            // Comparing magnitudes as integers orders them, and NaN/inf sort above every finite value.
            var worst: UInt16 = 0
            for i in 0..<(bytes.count / 2) {
                worst = max(worst, bytes.u16(at: 2 * i) & 0x7FFF)
            }
            return worst <= halfLimitBits
        case .float32:
            var worst: UInt32 = 0
            for i in 0..<(bytes.count / 4) {
                worst = max(worst, bytes.u32(at: 4 * i) & 0x7FFF_FFFF)
            }
            return worst <= floatLimitBits
        }
    }

    package static func isPlausible(_ bytes: [UInt8], encoding: VectorEncoding) -> Bool {
        bytes.withUnsafeBytes { isPlausible($0, encoding: encoding) }
    }
}
