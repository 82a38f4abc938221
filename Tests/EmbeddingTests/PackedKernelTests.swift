import CKernels
import Foundation
import Testing
@testable import BertEngine
@testable import EmbeddingCore

/// The int8 and bf16 products (Sources/CKernels/Packed*.c) against double-precision loops,
/// at every level this CPU runs. int8's error is bounded exactly by its rounding steps, and
/// every int8 level must give the very same outputs (the same integer sums, the same epilogue).
struct PackedKernelTests {
    typealias Numbers = KernelTests.Numbers

    struct Product {
        var rows, n, k: Int
        var input, weight, bias: [Float]

        init(rows: Int, n: Int, k: Int, seed: UInt64) {
            var numbers = Numbers(state: seed)
            self.rows = rows; self.n = n; self.k = k
            input = numbers.array(rows * k).map { $0 * 2 + 0.3 }  // skewed, as GELU outputs are
            weight = numbers.array(n * k).map { $0 * 0.1 }
            bias = numbers.array(n)
        }

        /// out (rows, n + 3): the padding columns must stay untouched.
        func run(_ kind: cs_packed_kind, level: Int32, gelu: Bool = false, outliers: [Int] = []) -> [Float] {
            let ldOut = n + 3
            var out = [Float](repeating: .nan, count: rows * ldOut)
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    let matrix = PackedMatrix(kind: kind, parts: [(w.baseAddress!, b.baseAddress!, n)], k: k, outliers: outliers)!
                    let bytes = cs_packed_scratch_bytes(rows, k)
                    let scratch = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                    defer { scratch.deallocate() }
                    input.withUnsafeBufferPointer { x in
                        out.withUnsafeMutableBufferPointer { o in
                            matrix.apply(x.baseAddress!, rows: rows, ldInput: k, out: o.baseAddress!, ldOut: ldOut,
                                         gelu: gelu, level: level, scratch: scratch)
                        }
                    }
                }
            }
            return out
        }

        /// |error| bound of out[i][j]: x and w each off by at most half a rounding step.
        func bound(_ kind: cs_packed_kind, _ i: Int, _ j: Int) -> Double {
            let x = input[(i * k)..<((i + 1) * k)].map(Double.init), w = weight[(j * k)..<((j + 1) * k)].map(Double.init)
            let magnitude = zip(x, w).reduce(0) { $0 + abs($1.0 * $1.1) }
            if kind == CS_PACKED_BF16 { return magnitude * 2 * 0.00391 + 1e-5 }
            let stepX = (x.max()! - x.min()!) / 255, stepW = w.map(abs).max()! / 127
            return w.reduce(0) { $0 + abs($1) } * stepX / 2 + x.reduce(0) { $0 + abs($1) } * stepW / 2
                + Double(k) * stepX * stepW / 4 + magnitude * 1e-6 + 1e-5
        }

        func reference(_ i: Int, _ j: Int) -> Double {
            (0..<k).reduce(Double(bias[j])) { $0 + Double(input[i * k + $1]) * Double(weight[j * k + $1]) }
        }
    }

    static let shapes: [(rows: Int, n: Int, k: Int)] = [(1, 16, 8), (7, 40, 100), (37, 96, 384), (33, 64, 70), (64, 48, 130)]

    @Test(arguments: [CS_PACKED_INT8, CS_PACKED_BF16])
    func productsWithinTheirRoundingAtEveryLevel(kind: cs_packed_kind) {
        let best = cs_packed_level(kind)
        for (index, shape) in Self.shapes.enumerated() {
            let product = Product(rows: shape.rows, n: shape.n, k: shape.k, seed: UInt64(index + 1))
            let portable = product.run(kind, level: 0)
            for level in 0...max(best, 0) where cs_packed_level_available(kind, level) != 0 {
                let out = level == 0 ? portable : product.run(kind, level: level)
                for i in 0..<shape.rows {
                    for j in 0..<(shape.n + 3) {
                        let value = out[i * (shape.n + 3) + j]
                        guard j < shape.n else { #expect(value.isNaN, "padding written"); continue }
                        let error = abs(Double(value) - product.reference(i, j))
                        #expect(error <= product.bound(kind, i, j), "\(kind) level \(level) \(shape) [\(i)][\(j)]: \(error)")
                        if kind == CS_PACKED_INT8 {
                            #expect(value == portable[i * (shape.n + 3) + j], "int8 level \(level) differs from portable C")
                        }
                    }
                }
            }
        }
    }

    /// x rounded to the nearest bf16 (ties to even), as vcvtne2ps2bf16 does.
    static func bf16(_ x: Float) -> Float {
        let bits = x.bitPattern
        return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
    }

    /// cs_attention_bf16 runs exactly where the CPU has AVX512_BF16 (and d fits), and is
    /// within its rounding of a double-precision reference that rounds Q, K and V to bf16
    /// as it does: the softmax weights, rounded to bf16 and renormalised, move each by at most
    /// 2·2⁻⁹ of itself, so an output by at most 2·2⁻⁹·Σ_j p_j·|v_j| (0.0045 allows for the
    /// exponential's 3e-6 and fp32 sums). A wrong pairing or transpose would be off by |v|.
    @Test func bf16AttentionWithinItsRounding() {
        for (heads, d) in [(12, 32), (4, 16), (2, 64), (3, 48), (3, 5)] {
            let c = heads * d, ldContext = c + 3
            for length in [1, 2, 3, 7, 16, 17, 31, 33, 100] + (d == 16 ? [257] : []) {
                var numbers = Numbers(state: UInt64(length * 17 + d))
                let qkv = numbers.array(length * 3 * c).map { $0 * 2 }
                var scratch = [Float](repeating: .nan, count: ProductEngine.attentionScratch(longest: length, headWidth: d))
                var context = [Float](repeating: .nan, count: length * ldContext)
                let scale = 1 / Float(d).squareRoot()
                let done = cs_attention_bf16(qkv, 3 * c, length, heads, d, scale, &scratch, &context, ldContext)
                let runs = cs_packed_level_available(CS_PACKED_BF16, 1) != 0 && d % 16 == 0
                #expect((done != 0) == runs, "heads \(heads) d \(d)")
                #expect((cs_attention_bf16_supported(d) != 0) == runs)
                guard done != 0 else { #expect(context.allSatisfy { $0.isNaN }); continue }
                let rounded = qkv.map(Self.bf16).map(Double.init)
                for h in 0..<heads {
                    for i in 0..<length {
                        var weights = [Double](repeating: 0, count: length)
                        for j in 0..<length {
                            var dot = 0.0
                            for e in 0..<d { dot += rounded[i * 3 * c + h * d + e] * rounded[j * 3 * c + c + h * d + e] }
                            weights[j] = dot * Double(scale)
                        }
                        let top = weights.max()!
                        for j in 0..<length { weights[j] = Foundation.exp(weights[j] - top) }
                        let total = weights.reduce(0, +)
                        for u in 0..<d {
                            var exact = 0.0, spread = 0.0
                            for j in 0..<length {
                                let v = rounded[j * 3 * c + 2 * c + h * d + u]
                                exact += weights[j] * v
                                spread += weights[j] * abs(v)
                            }
                            exact /= total
                            spread /= total
                            let error = abs(Double(context[i * ldContext + h * d + u]) - exact)
                            #expect(error <= 0.0045 * spread + 1e-5, "d \(d) length \(length) [\(i)][\(h * d + u)]: \(error)")
                        }
                    }
                }
                #expect((0..<length).allSatisfy { i in (c..<ldContext).allSatisfy { context[i * ldContext + $0].isNaN } },
                        "padding written")
            }
        }
    }

    @Test func geluEpilogueIsTheGELUOfTheProduct() {
        let product = Product(rows: 5, n: 70, k: 64, seed: 9)
        let level = cs_packed_level(CS_PACKED_INT8)
        var plain = product.run(CS_PACKED_INT8, level: level)
        let fused = product.run(CS_PACKED_INT8, level: level, gelu: true)
        for i in 0..<5 { plain.withUnsafeMutableBufferPointer { cs_gelu(cs_kernel_level(), $0.baseAddress! + i * 73, 70) } }
        #expect(zip(plain, fused).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }
}
