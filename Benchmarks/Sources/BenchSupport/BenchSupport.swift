// What every benchmark here shares: a seeded generator, a deterministic "embedder",
// and a median.
import EmbeddingCore
import Foundation
import Hashing

/// SplitMix64: seeded, so every run measures the same data.
public struct SeededRandom: RandomNumberGenerator {
    public var state: UInt64
    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal sample (Box–Muller).
    public mutating func gaussian() -> Float {
        let u1 = max(Float(next() >> 40) / Float(1 << 24), 1e-7), u2 = Float(next() >> 40) / Float(1 << 24)
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }

    public mutating func vector(_ d: Int) -> [Float] { (0..<d).map { _ in gaussian() } }
}

/// Unit vectors derived from a hash of the text: stands in for a model where only the
/// index and ranking are being timed.
public struct HashEmbedder: Embedder {
    public var identity: EmbedderIdentity

    public init(dimensions: Int = 384) {
        identity = EmbedderIdentity(provider: "bench", model: "hash", fingerprint: "", dimensions: dimensions,
                                    pooling: "mean", maxTokens: 256)
    }

    public func embed(documents: [String]) async throws -> [[Float]] { documents.map(vector) }
    public func embed(query: String) async throws -> [Float] { vector(query) }

    public func vector(_ text: String) -> [Float] {
        var state = XXHash64.hash(text) | 1
        let raw = (0..<identity.dimensions).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
        }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }
}

public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}
