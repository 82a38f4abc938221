@testable import BertEngine
import Foundation
import Testing

struct LayerTests {
    @Test func fastErfMatchesErf() {
        var worst: Double = 0
        for i in -6000...6000 {
            let x = Float(i) / 1000
            worst = max(worst, abs(Double(fastErf(x)) - erf(Double(x))))
        }
        #expect(worst < 5e-7)
    }

    @Test func fastExpMatchesExp() {
        var worst: Double = 0
        for i in -87000...0 {
            let x = Float(i) / 1000
            worst = max(worst, abs(Double(fastExp(x)) - exp(Double(x))) / exp(Double(x)))
        }
        #expect(worst < 5e-7)
    }

    /// The exact GELU differs from the tanh approximation by ~1e-4 near x = ±2; ours must not.
    @Test func geluIsTheErfForm() {
        var values: [Float] = [-3, -2, -1, -0.5, 0, 0.5, 1, 2, 3]
        let expected = values.map { x in 0.5 * Double(x) * (1 + erf(Double(x) / 2.0.squareRoot())) }
        values.withUnsafeMutableBufferPointer { gelu($0.baseAddress!, count: $0.count) }
        for (v, e) in zip(values, expected) { #expect(abs(Double(v) - e) < 1e-6) }
    }

    @Test func softmaxRowsSumToOne() {
        var x: [Float] = [1, 2, 3, -1000, 0, 0]
        x.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: 2, columns: 3) }
        #expect(abs(x[0...2].reduce(0, +) - 1) < 1e-6 && abs(x[3...5].reduce(0, +) - 1) < 1e-6)
        #expect(x[3] == 0 && abs(x[4] - 0.5) < 1e-6)
    }

    @Test func bucketingSortsAndBoundsBatches() {
        let lengths = (0..<100).map { ($0 * 37) % 256 + 2 }
        let batches = BertEmbedder.bucket(lengths: lengths)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<100))
        for batch in batches {
            #expect(batch.count <= BertEmbedder.batchSize)
            #expect(batch.map { lengths[$0] }.reduce(0, +) <= BertEmbedder.maxBatchTokens)
            #expect(batch.map { lengths[$0] } == batch.map { lengths[$0] }.sorted(by: >))
        }
    }
}
