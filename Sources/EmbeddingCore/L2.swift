/// The one L2 normalisation: what every embedder's vectors, the query before a cosine and
/// a duplicate check's candidates go through. Divides by `max(‖v‖, 1e-12)`, as
/// sentence-transformers' `Normalize` module does, so the native engine keeps its parity
/// and a zero vector stays zero.
public enum L2 {
    /// Below this norm a vector is treated as zero (it stays zero, never blows up).
    public static let epsilon: Float = 1e-12

    /// ‖v‖.
    public static func norm(_ v: some Collection<Float>) -> Float {
        v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
    }

    /// `v` scaled to length 1 (a zero vector stays zero).
    public static func normalized(_ v: [Float]) -> [Float] {
        var v = v
        normalize(&v)
        return v
    }

    /// Scales `v` in place to length 1 (a zero vector stays zero).
    public static func normalize(_ v: inout [Float]) {
        v.withUnsafeMutableBufferPointer { normalize($0) }
    }

    /// Scales the buffer in place to length 1 (a zero vector stays zero).
    public static func normalize(_ v: UnsafeMutableBufferPointer<Float>) {
        var squares: Float = 0
        for x in v { squares += x * x }
        let inverse = 1 / max(squares.squareRoot(), epsilon)
        for j in v.indices { v[j] *= inverse }
    }
}
