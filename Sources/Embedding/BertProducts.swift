import CBLAS
import CKernels

/// One matrix product of a layer: out = input · weightᵀ + bias.   weight (N, K), bias (N),
/// out (rows, N) with row stride ldOut.
struct LinearSegment {
    var weight: UnsafePointer<Float>
    var bias: UnsafePointer<Float>
    var n: Int
    var out: UnsafeMutablePointer<Float>
    var ldOut: Int
}

/// How one forward pass runs its matrix products and attention: OpenBLAS for batches, or
/// for query-sized passes the CKernels kernels (straight from the mapped weights, no
/// packing), split over two cores when the embedder's helper thread is free.
///
/// Crossover (Sources/CKernels, measured on a 2-core AMD EPYC Zen 4, all six layers'
/// products): single-threaded the kernel beats OpenBLAS's sgemm up to about 48 rows;
/// with the helper, up to about 96 rows against single-threaded sgemm. Above that sgemm's
/// packing pays for itself, and batches run one sgemm stream per worker anyway.
struct ProductEngine {
    /// CKernels level: 2 AVX-512, 1 AVX2 + FMA, 0 BLAS only.
    let level: Int32
    /// The embedder's helper thread, borrowed for this pass; nil to run on the caller alone.
    let team: OpaquePointer?

    /// The CPU's kernel level (CODESEARCH_KERNEL=blas or =avx2 lowers it).
    static let cpuLevel: Int32 = cs_kernel_level()
    /// Most rows (tokens in the pass) for the kernels on one thread, and with the helper.
    static let maxKernelRows = 48
    static let maxSharedKernelRows = 96
    /// Longest sequence whose attention runs in plain loops rather than 2 sgemm calls per head.
    static let maxKernelAttentionLength = 64

    init(level: Int32, team: OpaquePointer?) {
        self.level = level
        self.team = team
    }

    /// The engine for a pass of `rows` tokens; `team` must be borrowed by the caller.
    init(rows: Int, team: OpaquePointer?) {
        let level = Self.cpuLevel
        if level > 0 && team != nil && rows <= Self.maxSharedKernelRows {
            self.init(level: level, team: team)
        } else if level > 0 && rows <= Self.maxKernelRows {
            self.init(level: level, team: nil)
        } else {
            self.init(level: 0, team: nil)
        }
    }

    var usesKernels: Bool { level > 0 }

    /// Every segment's out = input · weightᵀ + bias, then GELU on them when `gelu`.   input (rows, K)
    func linear(_ input: UnsafePointer<Float>, rows: Int, k: Int, _ segments: LinearSegment..., gelu applyGelu: Bool = false) {
        guard usesKernels else {
            for s in segments {
                Embedding.linear(input, rows: rows, k: k, weight: s.weight, bias: s.bias, n: s.n, out: s.out, ldOut: s.ldOut)
                if applyGelu {
                    for r in 0..<rows { gelu(s.out + r * s.ldOut, count: s.n) }
                }
            }
            return
        }
        withUnsafeTemporaryAllocation(of: cs_linear_segment.self, capacity: segments.count) { buffer in
            for (i, s) in segments.enumerated() {
                buffer[i] = cs_linear_segment(weight: s.weight, bias: s.bias, out: s.out, n: s.n, ld_out: s.ldOut)
            }
            cs_team_linear(team, level, input, rows, k, k, buffer.baseAddress, Int32(segments.count),
                           applyGelu ? CS_EPILOGUE_GELU : CS_EPILOGUE_NONE)
        }
    }

    /// Multi-head self-attention per sequence (see `selfAttention`), short sequences in plain loops.
    func attention(qkv: UnsafePointer<Float>, offsets: [Int], c: Int, heads: Int,
                   scores: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>) {
        let kernelLevel = Self.cpuLevel
        let d = c / heads
        let scale = 1 / Float(d).squareRoot()
        for s in 0..<(offsets.count - 1) {
            let start = offsets[s], length = offsets[s + 1] - offsets[s]
            if kernelLevel > 0 && length <= Self.maxKernelAttentionLength {
                cs_attention(kernelLevel, qkv + start * 3 * c, 3 * c, length, heads, d, scale, scores,
                             context + start * c, c)
            } else {
                selfAttention(qkv: qkv + start * 3 * c, offsets: [0, length], c: c, heads: heads,
                              scores: scores, context: context + start * c)
            }
        }
    }
}

/// The embedder's helper thread for query-sized passes (CKernels' cs_team): one pass at a
/// time borrows it; a pass that finds it taken runs on its own thread.
final class KernelTeam: @unchecked Sendable {  // cs_team is thread-safe
    private let team: OpaquePointer

    init?() {
        guard ProductEngine.cpuLevel > 0, let team = cs_team_create() else { return nil }
        self.team = team
    }

    deinit { cs_team_destroy(team) }

    /// `body` with the team borrowed, or with nil when another pass holds it.
    func borrow<Result>(_ body: (OpaquePointer?) -> Result) -> Result {
        guard cs_team_acquire(team) != 0 else { return body(nil) }
        defer { cs_team_release(team) }
        return body(team)
    }
}
