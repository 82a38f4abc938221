// Ranking-kernel benchmark: synthetic unit vectors, one query, top-10 (scripts/bench-search --kernel).
import Dispatch
import Foundation
import BenchSupport
import IndexStorage
import Search

func unit(_ v: [Float]) -> [Float] {
    let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return v.map { $0 / n }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

let dims = 384
let counts = CommandLine.arguments.count > 1 ? CommandLine.arguments.dropFirst().compactMap { Int($0) } : [10_000, 100_000, 1_000_000]
var rng = SeededRandom(state: 42)
let query = unit((0..<dims).map { _ in rng.gaussian() })

for n in counts {
    // Fill with cheap pseudo-random halves of unit scale (speed does not depend on values).
    var halves = [UInt16](repeating: 0, count: n * dims)
    for i in 0..<halves.count { halves[i] = HalfFloat.bits(Float(Int64(rng.next() >> 40) - (1 << 23)) / Float(1 << 23) * 0.1) }
    var floats = [Float](repeating: 0, count: n * dims)
    for i in 0..<floats.count { floats[i] = HalfFloat.value(halves[i]) }
    let scaled = DotProductKernel.prepareFloat16Query(query, scale: HalfFloat.widenScale)

    for (name, parallel) in [("1 thread", 1), ("2 threads", 2)] {
        for encoding in ["fp16", "fp32"] {
            var best = Double.infinity
            for _ in 0..<5 {
                let t0 = now()
                let per = (n + parallel - 1) / parallel
                let box = Box(parallel)
                halves.withUnsafeBytes { h in
                    floats.withUnsafeBytes { f in
                        let hp = UnsafeSendable(h.baseAddress!), fp = UnsafeSendable(f.baseAddress!)
                        DispatchQueue.concurrentPerform(iterations: parallel) { c in
                            let rows = (c * per)..<min(n, (c + 1) * per)
                            var top = TopK(k: 10)
                            var scores = [Float](repeating: 0, count: 256)
                            scaled.withUnsafeBufferPointer { sq in query.withUnsafeBufferPointer { q in
                                scores.withUnsafeMutableBufferPointer { out in
                                    var start = rows.lowerBound
                                    while start < rows.upperBound {
                                        let end = min(rows.upperBound, start + 256)
                                        if encoding == "fp16" {
                                            DotProductKernel.scoresFloat16(preparedQuery: sq.baseAddress!, matrix: hp.value, dims: dims, rows: start..<end, scores: out.baseAddress!)
                                        } else {
                                            DotProductKernel.scoresFloat32(query: q.baseAddress!, matrix: fp.value, dims: dims, rows: start..<end, scores: out.baseAddress!)
                                        }
                                        let t = top.threshold
                                        for r in 0..<(end - start) where out[r] >= t { top.insert(score: out[r], id: start + r) }
                                        start = end
                                    }
                                }
                            } }
                            box.set(c, top)
                        }
                    }
                }
                _ = box.merged()
                best = min(best, now() - t0)
            }
            print("n=\(n) \(encoding) \(name): \(String(format: "%.2f", best * 1000)) ms (best of 5)")
        }
    }
}

final class Box: @unchecked Sendable {
    var slots: [TopK?]
    let q = DispatchQueue(label: "b")
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ t: TopK) { q.sync { slots[i] = t } }
    func merged() -> TopK { var t = TopK(k: 10); for s in slots { if let s { t.merge(s) } }; return t }
}
struct UnsafeSendable<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }
