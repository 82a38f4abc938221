/// Dot products of one query against rows of stored vectors, in place.
/// Stdlib only (no BLAS), so `scripts/bench-search` can compile it alone.
public enum DotProductKernel {
    /// The query for `scoresFloat16`: scaled by 2^112 (see `HalfFloat`) and,
    /// per 16 dimensions, split into the 8 even then the 8 odd components, the
    /// order in which the kernel decodes a row; the tail past a multiple of 16
    /// stays in order.
    public static func prepareFloat16Query(_ query: [Float], scale: Float) -> [Float] {
        let dims = query.count, wide = dims & ~15
        var out = [Float](repeating: 0, count: dims)
        var i = 0
        while i < wide {
            for j in 0..<8 {
                out[i + j] = query[i + 2 * j] * scale
                out[i + 8 + j] = query[i + 2 * j + 1] * scale
            }
            i += 16
        }
        while i < dims {
            out[i] = query[i] * scale
            i += 1
        }
        return out
    }

    /// Scores rows `rows` of an fp16 matrix (`dims` halves per row) against a
    /// query from `prepareFloat16Query`, one score per row into `scores`.
    ///
    /// Sixteen halves are loaded as eight 32-bit lanes, each holding an even
    /// (low) and an odd (high) half; shifts and masks turn each into the Float
    /// `value * 2^-112` (see `HalfFloat`), so there is no widening, no F16C
    /// and no per-element call: only 32-bit lane operations.
    @inline(__always)
    public static func scoresFloat16(preparedQuery q: UnsafePointer<Float>, matrix: UnsafeRawPointer,
                                     dims: Int, rows: Range<Int>, scores: UnsafeMutablePointer<Float>) {
        let rowBytes = dims * 2
        let wide = dims & ~15
        let query = UnsafeRawPointer(q)
        let mask = SIMD8<Int32>(repeating: Int32(bitPattern: 0x8fff_e000))
        var out = scores
        for row in rows {
            let v = matrix + row * rowBytes
            var even = SIMD8<Float>(), odd = SIMD8<Float>()
            var i = 0
            while i < wide {
                // Arithmetic >> 3 moves exponent and mantissa to bits 13...27 and
                // smears the sign over 28...31; the mask keeps bit 31 of the smear.
                let w = v.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<Int32>.self)
                let low = ((w &<< 16) &>> 3) & mask
                let high = (w &>> 3) & mask
                even += unsafeBitCast(low, to: SIMD8<Float>.self) * query.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                odd += unsafeBitCast(high, to: SIMD8<Float>.self) * query.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self)
                i += 16
            }
            var sum = (even + odd).sum()
            while i < dims {
                let h = UInt32(UInt16(littleEndian: v.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)))
                sum += Float(bitPattern: (h & 0x8000) << 16 | (h & 0x7fff) << 13) * q[i]
                i += 1
            }
            out.pointee = sum
            out += 1
        }
    }

    /// The same over an fp32 matrix with an unscaled query.
    @inline(__always)
    public static func scoresFloat32(query q: UnsafePointer<Float>, matrix: UnsafeRawPointer,
                                     dims: Int, rows: Range<Int>, scores: UnsafeMutablePointer<Float>) {
        let rowBytes = dims * 4
        let wide = dims & ~15
        var out = scores
        for row in rows {
            let v = matrix + row * rowBytes
            var a0 = SIMD16<Float>()
            var i = 0
            while i < wide {
                let f = v.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                a0 += f * UnsafeRawPointer(q + i).loadUnaligned(as: SIMD16<Float>.self)
                i += 16
            }
            var sum = a0.sum()
            while i < dims {
                sum += v.loadUnaligned(fromByteOffset: i * 4, as: Float.self) * q[i]
                i += 1
            }
            out.pointee = sum
            out += 1
        }
    }
}
