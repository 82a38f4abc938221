// fp16 vs fp32 vectors: ranking agreement and score error (scripts/bench-index --precision).
import Foundation
import BenchSupport
import IndexStorage
import Search

func unit(_ v: [Float]) -> [Float] {
    let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return v.map { $0 / n }
}

let dims = 384, n = 100_000, queries = 200, k = 10
var rng = SeededRandom(state: 7)
// Two corpora: isotropic random unit vectors, and "embedding-like" ones
// (a shared mean direction + 500 topic clusters + noise), where near-ties are common.
let mean = unit(rng.vector(dims))
let centers = (0..<500).map { _ in unit(rng.vector(dims)) }
for corpus in ["isotropic", "clustered"] {
    var vectors: [[Float]] = []
    vectors.reserveCapacity(n)
    for i in 0..<n {
        if corpus == "isotropic" {
            vectors.append(unit(rng.vector(dims)))
        } else {
            let c = centers[i % centers.count], noise = rng.vector(dims)
            vectors.append(unit((0..<dims).map { 0.6 * mean[$0] + 0.6 * c[$0] + 0.035 * noise[$0] }))
        }
    }
    let halves = vectors.flatMap { $0.map(HalfFloat.bits) }
    let floats = vectors.flatMap { $0 }
    var overlap = 0.0, top1 = 0, maxDelta: Float = 0, sumDelta: Double = 0
    var s16 = [Float](repeating: 0, count: n), s32 = [Float](repeating: 0, count: n)
    for qi in 0..<queries {
        // Queries near a stored vector, like a real query near its answer.
        let base = vectors[(qi * 7919) % n], noise = rng.vector(dims)
        let q = unit((0..<dims).map { base[$0] + 0.05 * noise[$0] })
        let prepared = DotProductKernel.prepareFloat16Query(q, scale: HalfFloat.widenScale)
        halves.withUnsafeBytes { m in prepared.withUnsafeBufferPointer { p in s16.withUnsafeMutableBufferPointer { o in
            DotProductKernel.scoresFloat16(preparedQuery: p.baseAddress!, matrix: m.baseAddress!, dims: dims, rows: 0..<n, scores: o.baseAddress!)
        } } }
        floats.withUnsafeBytes { m in q.withUnsafeBufferPointer { p in s32.withUnsafeMutableBufferPointer { o in
            DotProductKernel.scoresFloat32(query: p.baseAddress!, matrix: m.baseAddress!, dims: dims, rows: 0..<n, scores: o.baseAddress!)
        } } }
        var t16 = TopK(k: k), t32 = TopK(k: k)
        for i in 0..<n {
            t16.insert(score: s16[i], id: i)
            t32.insert(score: s32[i], id: i)
            let d = abs(s16[i] - s32[i])
            maxDelta = max(maxDelta, d)
            sumDelta += Double(d)
        }
        let a = t16.sorted().map(\.id), b = t32.sorted().map(\.id)
        overlap += Double(Set(a).intersection(b).count) / Double(k)
        if a.first == b.first { top1 += 1 }
    }
    print("\(corpus): n=\(n) dims=\(dims) queries=\(queries): top-\(k) overlap \(String(format: "%.4f", overlap / Double(queries))), top-1 agreement \(top1)/\(queries), score |delta| mean \(String(format: "%.2e", sumDelta / Double(n * queries))), max \(String(format: "%.2e", maxDelta))")
}
print("bytes per vector at \(dims) dims: fp16 \(dims * 2), fp32 \(dims * 4)")
