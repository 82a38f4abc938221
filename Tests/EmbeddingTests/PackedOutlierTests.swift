import CKernels
import Foundation
import Testing
@testable import BertEngine

/// int8 products with outlier input channels kept in fp32 (`cs_packed_create`'s outliers):
/// a few channels far larger than the rest, as LayerNorm's outlier dimensions are, no
/// longer set every row's int8 step.
struct PackedOutlierTests {
    typealias Product = PackedKernelTests.Product
    /// Four, the count the encoder uses (cs_packed_finish_512 has a path for it), and three.
    static let outlierSets = [[5, 100, 250, 383], [5, 100, 383]]

    /// 37 rows of 384 inputs, the channels `outliers` 40× the rest.
    static func product(_ outliers: [Int]) -> Product {
        var product = Product(rows: 37, n: 96, k: 384, seed: 9)
        for i in 0..<product.rows {
            for c in outliers { product.input[i * product.k + c] *= 40 }
        }
        return product
    }

    /// The error bound of `Product.bound` over the inlier channels alone (the outliers' terms
    /// are fp32 products, within 1e-6 relative).
    static func inlierBound(_ p: Product, _ outliers: [Int], _ i: Int, _ j: Int) -> Double {
        let inliers = (0..<p.k).filter { !outliers.contains($0) }
        let x = inliers.map { Double(p.input[i * p.k + $0]) }, w = inliers.map { Double(p.weight[j * p.k + $0]) }
        let stepX = (x.max()! - x.min()!) / 255, stepW = w.map(abs).max()! / 127
        let magnitude = (0..<p.k).reduce(0) { $0 + abs(Double(p.input[i * p.k + $1]) * Double(p.weight[j * p.k + $1])) }
        return w.reduce(0) { $0 + abs($1) } * stepX / 2 + x.reduce(0) { $0 + abs($1) } * stepW / 2
            + Double(inliers.count) * stepX * stepW / 4 + magnitude * 1e-6 + 1e-5
    }

    @Test(arguments: outlierSets)
    func outliersRunInFP32AtEveryLevel(outliers: [Int]) {
        let p = Self.product(outliers)
        let portable = p.run(CS_PACKED_INT8, level: 0, outliers: outliers)
        let plain = p.run(CS_PACKED_INT8, level: 0)
        var worst = 0.0, worstPlain = 0.0
        for level in 0...max(cs_packed_level(CS_PACKED_INT8), 0) where cs_packed_level_available(CS_PACKED_INT8, level) != 0 {
            let out = level == 0 ? portable : p.run(CS_PACKED_INT8, level: level, outliers: outliers)
            for i in 0..<p.rows {
                for j in 0..<(p.n + 3) {
                    let value = out[i * (p.n + 3) + j]
                    guard j < p.n else { #expect(value.isNaN, "padding written"); continue }
                    #expect(value == portable[i * (p.n + 3) + j], "level \(level) differs from portable C")
                    let error = abs(Double(value) - p.reference(i, j))
                    #expect(error <= Self.inlierBound(p, outliers, i, j), "level \(level) [\(i)][\(j)]: \(error)")
                    worst = max(worst, error)
                    worstPlain = max(worstPlain, abs(Double(plain[i * (p.n + 3) + j]) - p.reference(i, j)))
                }
            }
        }
        // What the outliers buy: the same product without them errs many times more.
        #expect(worst * 5 < worstPlain, "with outliers \(worst), without \(worstPlain)")
    }

    /// Invalid outlier lists are refused, not run: out of range, repeated, too many, or on bf16.
    @Test func invalidOutliersAreRefused() {
        let p = Self.product(Self.outlierSets[0])
        p.weight.withUnsafeBufferPointer { w in
            p.bias.withUnsafeBufferPointer { b in
                let parts = [(weight: w.baseAddress!, bias: b.baseAddress!, rows: p.n)]
                #expect(PackedMatrix(kind: CS_PACKED_INT8, parts: parts, k: p.k, outliers: [384]) == nil)
                #expect(PackedMatrix(kind: CS_PACKED_INT8, parts: parts, k: p.k, outliers: [3, 3]) == nil)
                #expect(PackedMatrix(kind: CS_PACKED_INT8, parts: parts, k: p.k, outliers: Array(0..<9)) == nil)
                #expect(PackedMatrix(kind: CS_PACKED_BF16, parts: parts, k: p.k, outliers: [3]) == nil)
                #expect(PackedMatrix(kind: CS_PACKED_INT8, parts: parts, k: p.k, outliers: [0, 383]) != nil)
            }
        }
    }
}
