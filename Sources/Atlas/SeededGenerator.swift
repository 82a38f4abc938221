/// SplitMix64: every random choice of the atlas (k-means++ seeds, samples, the layout's
/// negative samples) draws from one of these, so the same seed gives the same clusters
/// and the same picture. The stdlib's `random(in:using:)` is not promised to map a
/// generator's numbers the same way across Swift versions, so the draws are done here.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in `0..<bound` (Lemire's multiply-high; the tiny bias is irrelevant here).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(0)")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A number in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `count` distinct indices of `0..<population`, in increasing order (all of them
    /// when `count >= population`): a partial Fisher-Yates shuffle.
    public mutating func sample(_ count: Int, of population: Int) -> [Int] {
        guard count < population else { return Array(0..<population) }
        var pool = Array(0..<population)
        for i in 0..<count { pool.swapAt(i, i + below(population - i)) }
        return pool[0..<count].sorted()
    }
}
