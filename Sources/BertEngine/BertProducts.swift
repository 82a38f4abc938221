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

/// How one forward pass runs its matrix products: OpenBLAS for batches, or for query-sized
/// passes the CKernels kernels (straight from the mapped weights, no packing), split over two
/// cores when the embedder's helper thread is free.
///
/// Crossover, measured on this project's 2-core AMD EPYC (Zen 4) over all six layers'
/// products (scripts/bench-embed notes): on one thread the kernel beats single-threaded
/// sgemm by 2.3× at 11 rows, 1.2× at 64 and draws level at 128–256 (both at the FMA peak);
/// with the helper it is 2× single-threaded sgemm from 64 to 256 rows. So: the AVX-512
/// kernel up to 128 rows on one thread (x then stays in the 1 MB L2 for k = 1536), up to
/// 256 with the helper, and sgemm above, where its blocking pays and batches run one
/// stream per worker.
struct ProductEngine {
    /// CKernels level: 2 AVX-512, 1 AVX2 + FMA, 0 BLAS only.
    let level: Int32
    /// The embedder's helper thread, borrowed for this pass; nil to run on the caller alone.
    let team: OpaquePointer?

    /// The CPU's kernel level (CODESEARCH_KERNEL=blas or =avx2 lowers it).
    static let cpuLevel: Int32 = cs_kernel_level()
    /// Most rows (tokens in the pass) for the kernels on one thread, and with the helper.
    /// The AVX2 kernel (2 × 4 tiles) falls behind sgemm sooner: level with it near 48 rows.
    static var maxKernelRows: Int { cpuLevel >= 2 ? 128 : 32 }
    static var maxSharedKernelRows: Int { cpuLevel >= 2 ? 256 : 64 }

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

    /// Whether a pass of `rows` tokens with heads `headWidth` wide runs without BLAS
    /// whether or not the helper thread is free: products on the calling thread's kernels,
    /// attention in its kernel.
    static func runsWithoutBLAS(rows: Int, headWidth: Int) -> Bool {
        ProductEngine(rows: rows, team: nil).usesKernels && cs_attention_supported(cpuLevel, headWidth) != 0
    }

    /// Every segment's out = input · weightᵀ + bias, then GELU on them when `gelu`.   input (rows, K)
    func linear(_ input: UnsafePointer<Float>, rows: Int, k: Int, _ segments: LinearSegment..., gelu applyGelu: Bool = false) {
        guard usesKernels else {
            for s in segments {
                BertEngine.linear(input, rows: rows, k: k, weight: s.weight, bias: s.bias, n: s.n, out: s.out, ldOut: s.ldOut)
                if applyGelu {
                    // The CPU's widest GELU (the kernels' epilogue), 16 lanes where Swift's loop has 4.
                    for r in 0..<rows { cs_gelu(Self.cpuLevel, s.out + r * s.ldOut, s.n) }
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

    /// Multi-head self-attention per sequence (see `selfAttention`): with the AVX-512 kernel
    /// when the CPU and the head width allow (for any length: 1.4× faster than the BLAS route
    /// at 8 tokens, 3× at 256), else with BLAS. `scores` holds `attentionScratch` floats.
    /// `bf16` (the packed paths only; fp32 stays the reference) asks for the kernel with
    /// bf16 products (cs_attention_bf16, AVX512_BF16), about 2× faster at 256 tokens; where
    /// the CPU lacks it, the fp32 routes run.
    static func attention(qkv: UnsafePointer<Float>, offsets: [Int], c: Int, heads: Int,
                          scores: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                          bf16: Bool = false) {
        let d = c / heads
        let scale = 1 / Float(d).squareRoot()
        for s in 0..<(offsets.count - 1) {
            let start = offsets[s], length = offsets[s + 1] - offsets[s]
            var done: Int32 = 0
            if bf16 {
                done = cs_attention_bf16(qkv + start * 3 * c, 3 * c, length, heads, d, scale, scores,
                                         context + start * c, c)
            }
            if done == 0 {
                done = cs_attention(cpuLevel, qkv + start * 3 * c, 3 * c, length, heads, d, scale, scores,
                                    context + start * c, c)
            }
            if done == 0 {
                selfAttention(qkv: qkv + start * 3 * c, offsets: [0, length], c: c, heads: heads,
                              scores: scores, context: context + start * c)
            }
        }
    }

    /// Floats of attention scratch for sequences of up to `longest` tokens, either route.
    static func attentionScratch(longest: Int, headWidth: Int) -> Int {
        max(longest * longest, cs_attention_scratch(longest, headWidth))
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
