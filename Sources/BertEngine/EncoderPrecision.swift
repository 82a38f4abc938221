import EmbeddingCore
import CKernels

/// The arithmetic of the native encoder's matrix products (attention, LayerNorm and GELU
/// stay fp32 in every case).
///
/// - `fp32`: the reference; sentence-transformers' vectors to 1e-5.
/// - `int8`: weights per output channel, activations per row, int32 sums (VNNI or AMX);
///   each product's few outlier input channels in fp32 beside them (`OutlierChannels`).
/// - `bf16`: weights and activations rounded to bf16, fp32 sums (AVX512_BF16 or AMX).
/// - `mixed`: int8 for the products whose quantisation costs little (attention output, FFN
///   input), bf16 for the two that cost the most (Q·K·V, whose input is a LayerNorm output
///   with outlier channels, and the FFN output, whose input is GELU's long-tailed output);
///   measured one product at a time in Benchmarks/RESULTS-precision.md.
/// - `auto`: the fastest of them that meets the quality bar on this CPU (see `resolve`).
public enum EncoderPrecision: String, CaseIterable, Sendable, Codable {
    case auto, fp32, bf16, int8, mixed

    /// The name an embedder identity (and so an index) carries: the scheme's version, since
    /// a change of scheme changes the vectors. `int8v2` is int8 with outlier channels; an
    /// index of the first int8 (`int8`) is another precision and is re-embedded.
    public var identityName: String { self == .int8 ? "int8v2" : rawValue }

    /// The precision an identity names; nil for a retired scheme (or auto, never stored).
    public init?(identityName: String) {
        guard let precision = Self.allCases.first(where: { $0 != .auto && $0.identityName == identityName }) else { return nil }
        self = precision
    }
}

/// Which of the encoder layer's four products a packed path runs in int8 (the rest in bf16),
/// and how many outlier input channels each int8 product computes in fp32 (`OutlierChannels`).
public struct PackedProducts: Sendable, Equatable {
    public var qkv, attentionOut, intermediate, output: cs_packed_kind
    public var outliers = 0

    static let int8 = PackedProducts(qkv: CS_PACKED_INT8, attentionOut: CS_PACKED_INT8,
                                     intermediate: CS_PACKED_INT8, output: CS_PACKED_INT8,
                                     outliers: outlierCount)
    static let bf16 = PackedProducts(qkv: CS_PACKED_BF16, attentionOut: CS_PACKED_BF16,
                                     intermediate: CS_PACKED_BF16, output: CS_PACKED_BF16)
    static let mixed = PackedProducts(qkv: CS_PACKED_BF16, attentionOut: CS_PACKED_INT8,
                                      intermediate: CS_PACKED_INT8, output: CS_PACKED_BF16)

    /// Outlier channels per int8 product: parity corpus min / mean cosine to fp32 0.9922 /
    /// 0.9981 with none, 0.9990 / 0.9995 with 4, 0.9990 / 0.9995 with 8
    /// (Benchmarks/RESULTS-precision.md). Part of `int8v2`: changing it changes the vectors.
    static let outlierCount = 4
}

/// A precision resolved for this CPU: what runs, on which instructions, and why.
public struct PrecisionChoice: Sendable, Equatable {
    /// fp32, bf16, int8 or mixed; never auto.
    public var precision: EncoderPrecision
    /// The instructions that run the products, e.g. "AMX tiles (tdpbusd)".
    public var kernel: String
    /// One line for `status` and `model list`: why this path.
    public var reason: String

    /// The products' packed kinds; nil for fp32 (nothing is packed).
    var products: PackedProducts? {
        switch precision {
        case .int8: .int8
        case .bf16: .bf16
        case .mixed: .mixed
        default: nil
        }
    }

    /// `auto` (Benchmarks/RESULTS-precision.md) is `int8` where its kernel is the one
    /// measured, AVX-512 VNNI without AMX (AMD Zen 4): int8 with four outlier channels per
    /// product in fp32 (`OutlierChannels`) embeds documents about 2.5× as fast as fp32, within
    /// cosine 0.999 minimum and 0.9995 mean of fp32's vectors on the parity corpus (the bar:
    /// 0.995 and 0.999), retrieval within 0.005 of fp32 on both benchmarks. Queries run at
    /// fp32 whatever the precision (`EmbeddingRole`), so a search never packs weights.
    /// Everywhere else fp32: AVX-VNNI and AMX have not been measured against fp32 with it.
    /// `kept`, the precision an existing index of this model holds, is what auto keeps when
    /// this CPU runs it: an index made before auto changed (or on another CPU) is not
    /// re-embedded behind the user's back; `--precision` re-embeds it on purpose.
    /// An explicit `bf16` or `mixed` on a CPU without AVX512_BF16 or AMX is an error: there is
    /// no bf16 path to run. An explicit `int8` always runs (correct everywhere, slow without VNNI).
    public static func resolve(_ requested: EncoderPrecision, kept: EncoderPrecision? = nil) throws -> PrecisionChoice {
        let int8Level = cs_packed_level(CS_PACKED_INT8), bf16Level = cs_packed_level(CS_PACKED_BF16)
        if requested == .auto, let kept, kept != .auto, let choice = try? resolve(kept) {
            let fresh = try resolve(.auto)
            guard fresh.precision != kept else { return fresh }
            return PrecisionChoice(precision: kept, kernel: choice.kernel,
                                   reason: "auto: \(kept), which the index holds; a new index here would be \(fresh.precision), and `--precision \(fresh.precision)` re-embeds this one at it")
        }
        switch requested {
        case .fp32:
            return PrecisionChoice(precision: .fp32, kernel: fp32Kernel, reason: "fp32 as asked (the reference)")
        case .int8:
            return PrecisionChoice(precision: .int8, kernel: int8Kernel(int8Level),
                                   reason: int8Level >= 2 ? "int8 as asked" : "int8 as asked; this CPU has no int8 dot product, so it runs slower than fp32")
        case .bf16:
            guard bf16Level > 0 else {
                throw EmbeddingError.unsupportedPrecision(
                    "bf16 needs AVX512_BF16 or AMX, which this CPU lacks (or CODESEARCH_KERNEL hides); use --precision int8 or fp32")
            }
            return PrecisionChoice(precision: .bf16, kernel: bf16Kernel(bf16Level), reason: "bf16 as asked")
        case .mixed:
            guard bf16Level > 0 else {
                throw EmbeddingError.unsupportedPrecision(
                    "mixed needs AVX512_BF16 or AMX for its bf16 products, which this CPU lacks (or CODESEARCH_KERNEL hides); use --precision int8 or fp32")
            }
            return PrecisionChoice(precision: .mixed, kernel: int8Kernel(int8Level) + " and " + bf16Kernel(bf16Level),
                                   reason: "mixed as asked")
        case .auto:
            if int8Level == 3 {
                return PrecisionChoice(precision: .int8, kernel: int8Kernel(int8Level),
                                       reason: "auto: int8 for documents, the fastest path on this CPU within the quality bar; queries at fp32")
            }
            return PrecisionChoice(precision: .fp32, kernel: fp32Kernel, reason: int8Level == 4 || int8Level == 2
                ? "auto: fp32, since int8 is not yet measured faster than fp32 on \(int8Level == 4 ? "AMX" : "AVX-VNNI")"
                : "auto: fp32, since this CPU lacks AVX-512 VNNI, the int8 dot product the int8 path needs to be fast")
        }
    }

    static func bf16Kernel(_ level: Int32) -> String {
        level == 2 ? "AMX tiles (tdpbf16ps)" : "AVX512_BF16 (vdpbf16ps)"
    }

    static func int8Kernel(_ level: Int32) -> String {
        switch level {
        case 4: "AMX tiles (tdpbusd)"
        case 3: "AVX-512 VNNI (vpdpbusd)"
        case 2: "AVX-VNNI (vpdpbusd)"
        case 1: "AVX2 (vpdpbusd emulated)"
        default: "portable C"
        }
    }

    static var fp32Kernel: String {
        switch ProductEngine.cpuLevel {
        case 2: "OpenBLAS sgemm; AVX-512 kernels for queries"
        case 1: "OpenBLAS sgemm; AVX2 kernels for queries"
        default: "OpenBLAS sgemm"
        }
    }
}
