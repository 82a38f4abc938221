import CBLAS

// The BERT forward pass as plain functions over flat row-major Float buffers.
// Sequences are packed without padding: T tokens in all, sequence s at rows
// offsets[s] ..< offsets[s+1]. Attention runs per sequence, so no mask is needed
// and the result equals a padded batch with an attention mask.
// C = hidden size, H = heads, D = C / H, I = intermediate size.

/// x = LayerNorm(word[id] + position[p] + tokenType[0]).   ids (T), positions (T) -> x (T, C)
func bertEmbeddings(ids: UnsafePointer<Int32>, positions: UnsafePointer<Int32>, tokens: Int,
                    weights: BertWeights, c: Int, eps: Float, out x: UnsafeMutablePointer<Float>) {
    for t in 0..<tokens {
        let row = x + t * c
        let word = weights.wordEmbeddings + Int(ids[t]) * c
        let position = weights.positionEmbeddings + Int(positions[t]) * c
        let type = weights.tokenTypeEmbeddings
        for j in 0..<c { row[j] = word[j] + position[j] + type[j] }
    }
    layerNorm(x, rows: tokens, c: c, weight: weights.embeddingNormWeight, bias: weights.embeddingNormBias, eps: eps)
}

/// out = input · weightᵀ + bias.   input (T, K), weight (N, K), bias (N) -> out (T, N) with row stride ldOut
func linear(_ input: UnsafePointer<Float>, rows: Int, k: Int, weight: UnsafePointer<Float>,
            bias: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>, ldOut: Int) {
    for t in 0..<rows { (out + t * ldOut).update(from: bias, count: n) }
    codesearch_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(n), Int32(k),
                1, input, Int32(k), weight, Int32(k), 1, out, Int32(ldOut))
}

/// In place, per row: (x - mean) / sqrt(var + eps) * weight + bias.   x (rows, C)
func layerNorm(_ x: UnsafeMutablePointer<Float>, rows: Int, c: Int,
               weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, eps: Float) {
    for r in 0..<rows {
        let row = x + r * c
        let mean = sum(row, count: c) / Float(c)
        for j in 0..<c { row[j] -= mean }
        let variance = sumOfSquares(row, count: c) / Float(c)
        let inverse = 1 / (variance + eps).squareRoot()
        for j in 0..<c { row[j] = row[j] * inverse * weight[j] + bias[j] }
    }
}

/// Sum with 16 partial sums in four SIMD4 registers: strict fp32 order stops the compiler
/// from vectorising a plain `+=` loop.
@inline(__always)
func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    reduce(x, count: count, initial: 0, combine: { $0 + $1 }, scalar: { $0 + $1 }, merge: { $0 + $1 })
}

@inline(__always)
func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
    reduce(x, count: count, initial: 0, combine: { $0 + $1 * $1 }, scalar: { $0 + $1 * $1 }, merge: { $0 + $1 })
}

@inline(__always)
func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    reduce(x, count: count, initial: -.infinity, combine: { pointwiseMax($0, $1) }, scalar: { max($0, $1) },
           merge: { max($0, $1) })
}

@inline(__always)
private func combineLanes(_ a: SIMD4<Float>, _ b: SIMD4<Float>, _ c: SIMD4<Float>, _ d: SIMD4<Float>,
                          _ merge: (Float, Float) -> Float) -> SIMD4<Float> {
    var out = SIMD4<Float>()
    for k in 0..<4 { out[k] = merge(merge(a[k], b[k]), merge(c[k], d[k])) }
    return out
}

@inline(__always)
private func reduce(_ x: UnsafePointer<Float>, count: Int, initial: Float,
                    combine: (SIMD4<Float>, SIMD4<Float>) -> SIMD4<Float>,
                    scalar: (Float, Float) -> Float, merge: (Float, Float) -> Float) -> Float {
    var a = SIMD4<Float>(repeating: initial), b = a, c = a, d = a
    let raw = UnsafeRawPointer(x)
    var i = 0
    while i + 16 <= count {
        a = combine(a, raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD4<Float>.self))
        b = combine(b, raw.loadUnaligned(fromByteOffset: 4 * (i + 4), as: SIMD4<Float>.self))
        c = combine(c, raw.loadUnaligned(fromByteOffset: 4 * (i + 8), as: SIMD4<Float>.self))
        d = combine(d, raw.loadUnaligned(fromByteOffset: 4 * (i + 12), as: SIMD4<Float>.self))
        i += 16
    }
    let lanes = combineLanes(a, b, c, d, merge)
    var result = merge(merge(lanes[0], lanes[1]), merge(lanes[2], lanes[3]))
    while i < count { result = scalar(result, x[i]); i += 1 }
    return result
}

/// x = LayerNorm(x + residual).   x, residual (rows, C)
func addLayerNorm(_ x: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>, rows: Int, c: Int,
                  weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, eps: Float) {
    for i in 0..<(rows * c) { x[i] += residual[i] }
    layerNorm(x, rows: rows, c: c, weight: weight, bias: bias, eps: eps)
}

/// Multi-head self-attention per sequence.   qkv (T, 3C) as [Q | K | V] -> context (T, C);
/// scores is scratch of at least (L, L) for the longest sequence.
func selfAttention(qkv: UnsafePointer<Float>, offsets: [Int], c: Int, heads: Int,
                   scores: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>) {
    let d = c / heads
    let scale = 1 / Float(d).squareRoot()
    let ld = Int32(3 * c)
    for s in 0..<(offsets.count - 1) {
        let start = offsets[s], length = offsets[s + 1] - offsets[s]
        let n = Int32(length)
        for h in 0..<heads {
            let q = qkv + start * 3 * c + h * d
            let k = q + c
            let v = q + 2 * c
            // scores (L, L) = Q (L, D) · Kᵀ (D, L) / sqrt(D)
            codesearch_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, Int32(d),
                        scale, q, ld, k, ld, 0, scores, n)
            softmaxRows(scores, rows: length, columns: length)
            // context (L, D) at column h*D = scores (L, L) · V (L, D)
            codesearch_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, Int32(d), n,
                        1, scores, n, v, ld, 0, context + start * c + h * d, Int32(c))
        }
    }
}

/// In place, per row: exp(x - max) / sum.
func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
    for r in 0..<rows {
        let row = x + r * columns
        let top = maximum(row, count: columns)
        for j in 0..<columns { row[j] = fastExp(row[j] - top) }
        let inverse = 1 / sum(row, count: columns)
        for j in 0..<columns { row[j] *= inverse }
    }
}

/// In place: x * 0.5 * (1 + erf(x / sqrt(2))), the exact (erf) GELU, not the tanh approximation.
func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
    let rsqrt2: Float = 0.70710678118654752
    for i in 0..<count {
        let v = x[i]
        x[i] = 0.5 * v * (1 + fastErf(v * rsqrt2))
    }
}

/// erf to within about 1e-7 absolute: a rational minimax fit on [-4, 4] (as in Eigen and XLA);
/// |erf| rounds to 1 in fp32 beyond 4. Branch-free so loops vectorise.
@inline(__always)
func fastErf(_ input: Float) -> Float {
    let x = min(max(input, -4), 4)
    let x2 = x * x
    var p: Float = -2.72614225801306e-10
    p = p * x2 + 2.77068142495902e-08
    p = p * x2 - 2.10102402082508e-06
    p = p * x2 - 5.69250639462346e-05
    p = p * x2 - 7.34990630326855e-04
    p = p * x2 - 2.95459980854025e-03
    p = p * x2 - 1.60960333262415e-02
    p = p * x
    var q: Float = -1.45660718464996e-05
    q = q * x2 - 2.13374055278905e-04
    q = q * x2 - 1.68282697438203e-03
    q = q * x2 - 7.37332916720468e-03
    q = q * x2 - 1.42647390514189e-02
    return p / q
}

/// e^x to about 1 ulp for x <= 0 (softmax inputs), 0 below -87.3: Cephes range reduction and
/// polynomial, branch-free so loops vectorise.
@inline(__always)
func fastExp(_ input: Float) -> Float {
    let x0 = min(max(input, -87.3), 88.3)
    // n = round(x0 / ln 2) by the 1.5 * 2^23 trick: floorf is a libm call that blocks vectorising.
    // The low bits of `shifted` hold n itself, which gives 2^n without a trapping Int32(Float).
    let shifter: Float = 12582912
    let shifted = x0 * 1.44269504088896341 + shifter
    let n = shifted - shifter
    var x = x0 - n * 0.693359375
    x = x + n * 2.12194440e-4
    let x2 = x * x
    var y: Float = 1.9875691500e-4
    y = y * x + 1.3981999507e-3
    y = y * x + 8.3334519073e-3
    y = y * x + 4.1665795894e-2
    y = y * x + 1.6666665459e-1
    y = y * x + 5.0000001201e-1
    y = y * x2 + x + 1
    let scale = Float(bitPattern: (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23)
    return input < -87.3 ? 0 : y * scale
}
