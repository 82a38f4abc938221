@testable import BertEngine
import CKernels
import Dispatch
import Foundation
import Testing

/// The query-sized kernels (Sources/CKernels) against plain double-precision loops, at every
/// instruction-set level this CPU runs, alone and with a helper thread.
struct KernelTests {
    /// Kernel levels to test: AVX2 and AVX-512 where the CPU has them.
    static let levels: [Int32] = [1, 2].filter { $0 <= cs_kernel_cpu_level() }

    /// Deterministic values in [-1, 1).
    struct Numbers {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
        }
        mutating func array(_ count: Int) -> [Float] { (0..<count).map { _ in next() } }
    }

    /// Runs `rows` × `n` × `k` through the engine and compares every output with the
    /// double-precision reference: relative error below 1e-6 · sqrt(k) (fp32 sums of k terms).
    func check(level: Int32, team: OpaquePointer?, rows: Int, n: Int, k: Int, offset: Int, gelu: Bool,
               seed: UInt64) -> Bool {
        var numbers = Numbers(state: seed)
        // `offset` floats into each buffer: 4-byte aligned only.
        let input = numbers.array(rows * k + offset), weight = numbers.array(n * k + offset)
        let bias = numbers.array(n + offset)
        let ldOut = n + 3
        var out = [Float](repeating: .nan, count: rows * ldOut + offset)
        input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { w in
                bias.withUnsafeBufferPointer { b in
                    out.withUnsafeMutableBufferPointer { o in
                        let engine = ProductEngine(level: level, team: team)
                        engine.linear(x.baseAddress! + offset, rows: rows, k: k,
                                      LinearSegment(weight: w.baseAddress! + offset, bias: b.baseAddress! + offset,
                                                    n: n, out: o.baseAddress! + offset, ldOut: ldOut),
                                      gelu: gelu)
                    }
                }
            }
        }
        let tolerance = 1e-6 * Double(k).squareRoot()
        let x = input.map(Double.init), w = weight.map(Double.init)
        for r in 0..<rows {
            for j in 0..<n {
                var sum = Double(bias[offset + j])
                x.withUnsafeBufferPointer { x in
                    w.withUnsafeBufferPointer { w in
                        let xr = x.baseAddress! + offset + r * k, wj = w.baseAddress! + offset + j * k
                        for i in 0..<k { sum += xr[i] * wj[i] }
                    }
                }
                if gelu { sum = 0.5 * sum * (1 + erf(sum / 2.0.squareRoot())) }
                let got = Double(out[offset + r * ldOut + j])
                guard abs(got - sum) <= tolerance * (1 + abs(sum)) else {
                    Issue.record("level \(level) rows \(rows) n \(n) k \(k) offset \(offset) gelu \(gelu) team \(team != nil): [\(r)][\(j)] \(got) vs \(sum)")
                    return false
                }
            }
            // The padding between rows is untouched.
            for j in n..<ldOut {
                if !out[offset + r * ldOut + j].isNaN {
                    Issue.record("wrote outside the output at [\(r)][\(j)]")
                    return false
                }
            }
        }
        return true
    }

    @Test func linearMatchesDoubleReferenceForEveryRowCount() {
        for level in [0] + Self.levels {  // 0: the BLAS route, with the kernels' GELU
            for rows in 1...40 {
                for (k, n) in [(37, 5), (17, 13), (384, 20), (1, 4), (16, 7)] {
                    for offset in [0, 1] {
                        let ok = check(level: level, team: nil, rows: rows, n: n, k: k, offset: offset,
                                       gelu: rows % 3 == 0, seed: UInt64(rows * 1000 + k + n))
                        if !ok { return }
                    }
                }
            }
        }
    }

    @Test func linearMatchesDoubleReferenceForModelShapes() {
        let team = KernelTeam()
        for level in Self.levels {
            for rows in [1, 3, 10, 33] {
                for (k, n) in [(384, 384), (384, 1152), (384, 1536), (1536, 384), (37, 1536), (1536, 5)]
                where rows < 33 || n * k < 384 * 1152 {
                    for offset in [0, 1] {
                        let ok: Bool
                        if let team {
                            ok = team.borrow { borrowed in
                                check(level: level, team: borrowed, rows: rows, n: n, k: k, offset: offset,
                                      gelu: k == 384 && n == 1536, seed: UInt64(rows + k * 7 + n))
                            }
                        } else {
                            ok = check(level: level, team: nil, rows: rows, n: n, k: k, offset: offset,
                                       gelu: k == 384 && n == 1536, seed: UInt64(rows + k * 7 + n))
                        }
                        if !ok { return }
                    }
                }
            }
        }
    }

    @Test func geluMatchesErfAtEveryLevel() {
        let inputs = (-6000...6000).map { Float($0) / 1000 }
        for level: Int32 in [0] + Self.levels {
            var values = inputs
            cs_gelu(level, &values, values.count)
            var worst = 0.0
            for (x, v) in zip(inputs, values) {
                let exact: Double = 0.5 * Double(x) * (1 + erf(Double(x) / 2.0.squareRoot()))
                worst = max(worst, abs(Double(v) - exact))
            }
            #expect(worst < 2e-6, "level \(level): \(worst)")
        }
    }

    /// The helper thread splits columns in chunks of whole 4-column tiles, so a product gives
    /// the same bits with it or without it; three segments share one input (Q, K, V).
    @Test func helperThreadGivesTheSameBits() throws {
        let team = try #require(KernelTeam())
        var numbers = Numbers(state: 7)
        let rows = 10, k = 384, n = 384
        let input = numbers.array(rows * k)
        let weights = (0..<3).map { _ in numbers.array(n * k) }
        let biases = (0..<3).map { _ in numbers.array(n) }
        func run(_ borrowed: OpaquePointer?) -> [Float] {
            var out = [Float](repeating: 0, count: rows * 3 * n)
            input.withUnsafeBufferPointer { x in
                weights[0].withUnsafeBufferPointer { w0 in weights[1].withUnsafeBufferPointer { w1 in weights[2].withUnsafeBufferPointer { w2 in
                    biases[0].withUnsafeBufferPointer { b0 in biases[1].withUnsafeBufferPointer { b1 in biases[2].withUnsafeBufferPointer { b2 in
                        out.withUnsafeMutableBufferPointer { o in
                            let o = o.baseAddress!
                            ProductEngine(level: ProductEngine.cpuLevel, team: borrowed).linear(
                                x.baseAddress!, rows: rows, k: k,
                                LinearSegment(weight: w0.baseAddress!, bias: b0.baseAddress!, n: n, out: o, ldOut: 3 * n),
                                LinearSegment(weight: w1.baseAddress!, bias: b1.baseAddress!, n: n, out: o + n, ldOut: 3 * n),
                                LinearSegment(weight: w2.baseAddress!, bias: b2.baseAddress!, n: n, out: o + 2 * n, ldOut: 3 * n))
                        }
                    } } }
                } } }
            }
            return out
        }
        let alone = run(nil)
        for _ in 0..<50 {
            #expect(team.borrow { run($0) } == alone)
        }
        // Segment j of row r is Q/K/V j: spot-check one against the reference.
        var sum = Double(biases[1][5])
        for i in 0..<k { sum += Double(input[2 * k + i]) * Double(weights[1][5 * k + i]) }
        #expect(abs(Double(alone[2 * 3 * n + n + 5]) - sum) < 1e-4)
    }

    /// A second borrower finds the team taken and runs alone; nothing blocks.
    @Test func teamIsBorrowedByOneCallAtATime() throws {
        let team = try #require(KernelTeam())
        team.borrow { outer in
            #expect(outer != nil)
            team.borrow { inner in #expect(inner == nil) }
        }
        team.borrow { again in #expect(again != nil) }
    }

    @Test func attentionMatchesBLAS() {
        for (heads, d) in [(12, 32), (4, 16), (2, 64), (3, 5)] {
            let c = heads * d
            for length in [1, 2, 3, 7, 10, 16, 17, 31, 64, 100] {
                var numbers = Numbers(state: UInt64(length * 31 + heads))
                let qkv = numbers.array(length * 3 * c).map { $0 * 3 }
                var viaBLAS = [Float](repeating: 0, count: length * c)
                var scores = [Float](repeating: .nan, count: ProductEngine.attentionScratch(longest: length, headWidth: d))
                qkv.withUnsafeBufferPointer { q in
                    selfAttention(qkv: q.baseAddress!, offsets: [0, length], c: c, heads: heads,
                                  scores: &scores, context: &viaBLAS)
                }
                for level: Int32 in [1, 2] {
                    var viaKernel = [Float](repeating: .nan, count: length * c)
                    let done = cs_attention(level, qkv, 3 * c, length, heads, d, 1 / Float(d).squareRoot(), &scores,
                                            &viaKernel, c)
                    let supported = level == 2 && cs_kernel_cpu_level() >= 2 && d % 16 == 0
                    #expect((done != 0) == supported, "heads \(heads) d \(d) level \(level)")
                    guard done != 0 else { continue }
                    let worst = zip(viaKernel, viaBLAS).map { abs($0 - $1) }.max() ?? .nan
                    #expect(worst < 1e-5, "heads \(heads) d \(d) length \(length): \(worst)")
                }
            }
        }
    }
}

/// Several embedders in one process, each with its own helper thread, running single
/// queries and batches at once: nothing hangs and every vector equals the one computed alone.
@Suite(.enabled(if: installedModel != nil, "needs scripts/install-model"))
struct ConcurrentEmbedderTests {
    @Test(.timeLimit(.minutes(5))) func embeddersRunConcurrentlyWithoutInterference() async throws {
        let model = try #require(installedModel)
        let fixture = try JSONDecoder().decode(ParityTests.Fixture.self, from: Data(contentsOf: try fixtureURL("parity.json")))
        let texts = fixture.cases.map(\.text)
        let queries = Array(texts.filter { $0.count < 60 }.prefix(6))
        let embedders = try (0..<3).map { _ in try BertEmbedder(modelDirectory: model, digestMemo: nil) }

        let queryVectors = try queries.map { try embedders[0].embedSynchronously([$0])[0] }
        let batchVectors = try embedders[0].embedSynchronously(texts)
        let longBatch = texts + texts.prefix(9)  // 33 texts: two batches, two workers
        let longVectors = try embedders[0].embedSynchronously(longBatch)

        // 6 threads (not GCD, which would run 2 at a time here) over 3 embedders: two share
        // each embedder, so one may find its helper taken.
        let failures = SharedCounter()
        let done = DispatchGroup()
        for job in 0..<6 {
            done.enter()
            let thread = Thread {
                let embedder = embedders[job % embedders.count]
                do {
                    for round in 0..<3 {
                        switch (job + round) % 3 {
                        case 0:
                            for (query, expected) in zip(queries, queryVectors) {
                                if maxAbsoluteDifference(try embedder.embedSynchronously([query])[0], expected) > 1e-6 { failures.add() }
                            }
                        case 1:
                            for (vector, expected) in zip(try embedder.embedSynchronously(texts), batchVectors)
                            where maxAbsoluteDifference(vector, expected) > 1e-6 { failures.add() }
                        default:
                            for (vector, expected) in zip(try embedder.embedSynchronously(longBatch), longVectors)
                            where maxAbsoluteDifference(vector, expected) > 1e-6 { failures.add() }
                        }
                    }
                } catch {
                    failures.add()
                }
                done.leave()
            }
            thread.start()
        }
        done.wait()
        #expect(failures.value == 0)
        // And through the async API, queries interleaved with a batch on one embedder.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for (query, expected) in zip(queries, queryVectors) {
                group.addTask { maxAbsoluteDifference(try await embedders[1].embed(query: query), expected) <= 1e-6 }
            }
            group.addTask {
                zip(try await embedders[1].embed(documents: texts), batchVectors).allSatisfy { maxAbsoluteDifference($0, $1) <= 1e-6 }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    /// Query-sized batches take the kernels (with and without the helper thread); they stay
    /// within the parity tolerance of the float64 reference.
    @Test func queryPathsMatchTheReference() throws {
        let model = try #require(installedModel)
        let fixture = try JSONDecoder().decode(ParityTests.Fixture.self, from: Data(contentsOf: try fixtureURL("parity.json")))
        let short = fixture.cases.filter { $0.ids.count <= 16 }
        #expect(short.count >= 8)
        for threads in [1, 2] {
            let embedder = try BertEmbedder(modelDirectory: model, threads: threads, digestMemo: nil)
            for c in short {
                let vector = try embedder.embedSynchronously([c.text])[0]
                #expect(maxAbsoluteDifference(vector, c.vector) <= ParityTests.tolerance, "text: \(c.text.debugDescription)")
            }
            // A few at once: one pass of up to 48 tokens.
            let group = Array(short.prefix(3))
            for (c, vector) in zip(group, try embedder.embedSynchronously(group.map(\.text))) {
                #expect(maxAbsoluteDifference(vector, c.vector) <= ParityTests.tolerance, "text: \(c.text.debugDescription)")
            }
        }
    }
}

private final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

@Suite struct BLASNeedTests {
    /// A pass needs OpenBLAS exactly when the calling thread's kernels or the attention
    /// kernel would hand it over: that is when `embedSynchronously` loads it first.
    @Test func passesThatMayReachBLASAreTheOnesThatLoadIt() {
        let level = ProductEngine.cpuLevel
        for rows in [1, 11, 32, 64, 128, 129, 256, 300] {
            for headWidth in [32, 48, 64, 128, 40] {
                let kernelsTakeProducts = level > 0 && rows <= ProductEngine.maxKernelRows
                let kernelTakesAttention = level >= 2 && headWidth % 16 == 0 && headWidth <= 64
                #expect(ProductEngine.runsWithoutBLAS(rows: rows, headWidth: headWidth)
                        == (kernelsTakeProducts && kernelTakesAttention), "rows \(rows), head width \(headWidth)")
            }
        }
    }
}
