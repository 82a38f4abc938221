import EmbeddingCore
import CKernels

/// The arithmetic of the native encoder's matrix products (attention, LayerNorm and GELU
/// stay fp32 in every case).
///
/// - `fp32`: the reference; sentence-transformers' vectors to 1e-5.
/// - `int8`: weights per output channel, activations per row, int32 sums (VNNI or AMX).
/// - `bf16`: weights and activations rounded to bf16, fp32 sums (AVX512_BF16 or AMX).
/// - `auto`: the fastest of them that meets the quality bar on this CPU (see `resolve`).
public enum EncoderPrecision: String, CaseIterable, Sendable, Codable {
    case auto, fp32, bf16, int8
}

/// A precision resolved for this CPU: what runs, on which instructions, and why.
public struct PrecisionChoice: Sendable, Equatable {
    /// fp32, bf16 or int8; never auto.
    public var precision: EncoderPrecision
    /// The instructions that run the products, e.g. "AMX tiles (tdpbusd)".
    public var kernel: String
    /// One line for `status` and `model list`: why this path.
    public var reason: String

    /// The packed kernels' level for `precision` (0 for fp32).
    var level: Int32 {
        switch precision {
        case .int8: cs_packed_level(CS_PACKED_INT8)
        case .bf16: cs_packed_level(CS_PACKED_BF16)
        default: 0
        }
    }

    /// `auto` is fp32 on every CPU for now (Benchmarks/RESULTS-precision.md): int8, the
    /// fastest path (1.3–1.6× fp32 in whole passes), misses the quality bar (cosine to fp32
    /// 0.992 minimum, 0.998 mean on the parity corpus against 0.995 and 0.999), and bf16,
    /// which meets it by far (0.99997), has not measured faster than fp32 in a whole pass.
    /// `autoChoosesInt8` is the switch for the day int8 meets the bar: then int8 where the CPU
    /// has an int8 dot product (AVX-512 VNNI, AVX-VNNI or AMX), never its AVX2 emulation.
    /// An explicit `bf16` on a CPU without AVX512_BF16 or AMX is an error: there is no
    /// bf16 path to run. An explicit `int8` always runs (correct everywhere, slow without VNNI).
    public static func resolve(_ requested: EncoderPrecision) throws -> PrecisionChoice {
        let int8Level = cs_packed_level(CS_PACKED_INT8), bf16Level = cs_packed_level(CS_PACKED_BF16)
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
            return PrecisionChoice(precision: .bf16, kernel: bf16Level == 2 ? "AMX tiles (tdpbf16ps)" : "AVX512_BF16 (vdpbf16ps)",
                                   reason: "bf16 as asked")
        case .auto:
            if autoChoosesInt8 && int8Level >= 2 {
                return PrecisionChoice(precision: .int8, kernel: int8Kernel(int8Level),
                                       reason: "auto: int8, the fastest path on this CPU within the quality bar")
            }
            return PrecisionChoice(precision: .fp32, kernel: fp32Kernel, reason: autoChoosesInt8
                ? "auto: fp32, since this CPU has no int8 dot product (AVX-512 VNNI, AVX-VNNI or AMX)"
                : "auto: fp32, since int8 misses the quality bar and bf16 is not measured faster")
        }
    }

    /// Whether `auto` may pick int8 (see `resolve`).
    static let autoChoosesInt8 = false

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
