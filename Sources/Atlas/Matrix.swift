/// A dense row-major matrix of `Float`s: `rows` × `columns`, row `i` at
/// `values[i * columns ..< (i + 1) * columns]`.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "a \(rows) × \(columns) matrix needs \(rows * columns) values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    public func row(_ i: Int) -> ArraySlice<Float> { values[(i * columns)..<((i + 1) * columns)] }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> Matrix {
        var out = [Float]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: row(i)) }
        return Matrix(rows: indices.count, columns: columns, values: out)
    }

    /// Each row scaled to length 1 (a zero row stays zero).
    public mutating func normaliseRows() {
        let d = columns
        values.withUnsafeMutableBufferPointer { v in
            for r in 0..<rows {
                let row = v.baseAddress! + r * d
                let norm = VectorMath.dot(row, row, count: d).squareRoot()
                if norm > 0 { for j in 0..<d { row[j] /= norm } }
            }
        }
    }
}

/// Small vector kernels over raw rows, written for the compiler to vectorise.
enum VectorMath {
    /// Σ a[i]·b[i], in 8 partial sums (a strict left-to-right sum does not vectorise);
    /// the order is fixed, so the result is the same on every run.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            acc += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var sum = acc.sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// sum[i] += x[i].
    @inline(__always)
    static func add(_ x: UnsafePointer<Float>, to sum: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { sum[i] += x[i] }
    }

    /// Squared Euclidean distance.
    @inline(__always)
    static func distanceSquared(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            let d = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                - UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            acc += d * d
            i += 8
        }
        var sum = acc.sum()
        while i < count {
            sum += (a[i] - b[i]) * (a[i] - b[i])
            i += 1
        }
        return sum
    }
}
