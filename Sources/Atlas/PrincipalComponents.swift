/// Principal component analysis by orthogonal iteration on the covariance matrix: the
/// leading directions of the data, for the layout's neighbour search (50 dimensions keep
/// nearly all of a sentence embedding's neighbourhoods at an eighth of the cost) and its
/// starting positions (the first two).
enum PrincipalComponents {
    /// Iterations of orthogonal iteration; the start only needs the leading directions
    /// roughly right, and the neighbour search any good subspace.
    static let iterations = 60

    /// The rows of `points`, centred and projected on their `count` leading components:
    /// an n × count matrix, column 0 the direction of most variance.
    static func project(_ points: Matrix, count requested: Int, seed: UInt64) -> Matrix {
        let n = points.rows, d = points.columns, m = min(requested, d)
        var centred = points.values
        var mean = [Float](repeating: 0, count: d)
        centred.withUnsafeMutableBufferPointer { c in
            mean.withUnsafeMutableBufferPointer { m in
                for i in 0..<n { VectorMath.add(c.baseAddress! + i * d, to: m.baseAddress!, count: d) }
                for j in 0..<d { m[j] /= Float(max(n, 1)) }
                for i in 0..<n { for j in 0..<d { c[i * d + j] -= m[j] } }
            }
        }
        var covariance = [Float](repeating: 0, count: d * d)
        centred.withUnsafeBufferPointer { c in
            covariance.withUnsafeMutableBufferPointer { out in
                MatrixProduct.gram(c.baseAddress!, rows: n, columns: d, into: out.baseAddress!)
            }
        }
        let basis = leadingEigenvectors(covariance, d: d, count: m, seed: seed)
        var projected = [Float](repeating: 0, count: n * m)
        centred.withUnsafeBufferPointer { c in
            basis.withUnsafeBufferPointer { b in
                projected.withUnsafeMutableBufferPointer { out in
                    MatrixProduct.multiply(c.baseAddress!, rows: n, b.baseAddress!, columns: m, depth: d, into: out.baseAddress!)
                }
            }
        }
        return Matrix(rows: n, columns: m, values: projected)
    }

    /// The `count` leading eigenvectors of the symmetric d × d matrix `a`, as the columns
    /// of a d × count matrix: repeated Q ← orth(A·Q) from a seeded start. Each column's
    /// sign is fixed (largest component positive) so the picture never flips between runs.
    static func leadingEigenvectors(_ a: [Float], d: Int, count m: Int, seed: UInt64) -> [Float] {
        var random = SeededGenerator(seed: seed ^ 0x5043_41)
        var q = (0..<(d * m)).map { _ in Float(random.unit() - 0.5) }
        var next = [Float](repeating: 0, count: d * m)
        for _ in 0..<iterations {
            a.withUnsafeBufferPointer { ap in
                q.withUnsafeBufferPointer { qp in
                    next.withUnsafeMutableBufferPointer { out in
                        MatrixProduct.multiply(ap.baseAddress!, rows: d, qp.baseAddress!, columns: m, depth: d, into: out.baseAddress!)
                    }
                }
            }
            orthonormaliseColumns(&next, rows: d, columns: m)
            swap(&q, &next)
        }
        for c in 0..<m {
            var largest = 0
            for r in 0..<d where abs(q[r * m + c]) > abs(q[largest * m + c]) { largest = r }
            if q[largest * m + c] < 0 { for r in 0..<d { q[r * m + c] = -q[r * m + c] } }
        }
        return q
    }

    /// Modified Gram-Schmidt on the columns of a row-major rows × columns matrix, in order.
    static func orthonormaliseColumns(_ x: inout [Float], rows: Int, columns: Int) {
        for c in 0..<columns {
            for p in 0..<c {
                var dot: Float = 0
                for r in 0..<rows { dot += x[r * columns + c] * x[r * columns + p] }
                for r in 0..<rows { x[r * columns + c] -= dot * x[r * columns + p] }
            }
            var norm: Float = 0
            for r in 0..<rows { norm += x[r * columns + c] * x[r * columns + c] }
            norm = norm.squareRoot()
            if norm > 0 { for r in 0..<rows { x[r * columns + c] /= norm } }
        }
    }
}
