/// Dot products of one query against rows of stored vectors, in place.
/// Stdlib only (no BLAS), so `scripts/bench-search` can compile it alone.
public enum DotProductKernel {
    /// Scores rows `rows` of an fp16 matrix (`dims` halves per row, see
    /// `HalfFloat`) against `scaledQuery`, which must already be multiplied
    /// by 2^112. Writes one score per row into `scores`.
    ///
    /// Halves are widened with integer shifts: no F16C, no per-element calls.
    @inline(__always)
    public static func scoresFloat16(scaledQuery q: UnsafePointer<Float>, matrix: UnsafeRawPointer,
                                     dims: Int, rows: Range<Int>, scores: UnsafeMutablePointer<Float>) {
        let rowBytes = dims * 2
        let wide = dims & ~15
        var out = scores
        for row in rows {
            let v = matrix + row * rowBytes
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
            var i = 0
            while i < wide {
                let h = v.loadUnaligned(fromByteOffset: i * 2, as: SIMD16<UInt16>.self)
                let w = SIMD16<UInt32>(truncatingIfNeeded: h)
                let bits = ((w & 0x8000) &<< 16) | ((w & 0x7fff) &<< 13)
                let f = unsafeBitCast(bits, to: SIMD16<Float>.self)
                let qv = UnsafeRawPointer(q + i).loadUnaligned(as: SIMD16<Float>.self)
                a0 += f.lowHalf * qv.lowHalf
                a1 += f.highHalf * qv.highHalf
                i += 16
            }
            var sum = (a0 + a1).sum()
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
