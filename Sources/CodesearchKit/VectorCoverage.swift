import IndexStorage

/// How much of an index has vectors, as the notes of `search`, `status` and `similar` say it.
public enum VectorCoverage {
    /// "35% of 51272 units".
    public static func text(_ coverage: (withVector: Int, total: Int)) -> String {
        let percent = coverage.total > 0 ? coverage.withVector * 100 / coverage.total : 100
        return "\(percent)% of \(coverage.total) units"
    }

    public static func text(of index: IndexFile) -> String { text(index.liveVectorCoverage()) }
}
