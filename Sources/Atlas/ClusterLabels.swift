import Platform

/// Which units hold which words: for each term, the distinct units (rows of the matrix
/// being clustered) whose words include it.
public struct TermTable: Sendable {
    public var names: [String] = []
    public var units: [[Int32]] = []

    public init() {}

    public mutating func add(_ name: String, units: [Int32]) {
        guard !units.isEmpty else { return }
        names.append(name)
        self.units.append(units)
    }
}

/// Cluster labels by class-based TF-IDF (as BERTopic does): a word scores high in a cluster
/// when many of the cluster's units use it and few units elsewhere do. A unit counts once
/// per word, so one long function cannot name its cluster alone.
public enum ClusterLabels {
    /// A label word must be used by at least this share of the cluster's units (and by two).
    static let minimumShare = 0.03
    /// A word used by more than this share of all units describes none of them (`def`, `self`).
    static let maximumShareOfAll = 0.5

    /// The `count` most distinctive words of each cluster, best first.
    public static func words(_ terms: TermTable, assignments: [Int32], k: Int, count: Int = 6) -> [[String]] {
        var sizes = [Int](repeating: 0, count: k)
        for a in assignments { sizes[Int(a)] += 1 }
        var perCluster = [Double](repeating: 0, count: k)
        var perTerm = [[Int32]](repeating: [], count: terms.names.count)
        var held = [Int32](repeating: 0, count: k)
        for (t, units) in terms.units.enumerated() {
            for c in 0..<k { held[c] = 0 }
            for u in units where Int(u) < assignments.count { held[Int(assignments[Int(u)])] += 1 }
            perTerm[t] = held
            for c in 0..<k { perCluster[c] += Double(held[c]) }
        }
        // The average number of words per cluster, BERTopic's A.
        let average = perCluster.reduce(0, +) / Double(max(k, 1))
        var best = [[(score: Double, term: Int)]](repeating: [], count: k)
        for (t, held) in perTerm.enumerated() where isLabelWord(terms.names[t]) {
            let frequency = Double(held.reduce(0) { $0 + Int($1) })
            guard frequency <= maximumShareOfAll * Double(assignments.count) else { continue }
            let idf = Math.log(1 + average / frequency)
            for c in 0..<k where perCluster[c] > 0 {
                let n = Int(held[c])
                guard n >= 2, Double(n) >= minimumShare * Double(sizes[c]) else { continue }
                best[c].append((Double(n) / perCluster[c] * idf, t))
            }
        }
        return best.map { scored in
            scored.sorted { $0.score > $1.score || ($0.score == $1.score && terms.names[$0.term] < terms.names[$1.term]) }
                .prefix(count).map { terms.names[$0.term] }
        }
    }

    /// Words of two or more letters that are not just digits nor a keyword of a language.
    static func isLabelWord(_ word: String) -> Bool {
        word.utf8.count >= 2 && word.utf8.contains { !(48...57).contains($0) } && !keywords.contains(word)
    }

    /// Keywords of the languages with grammars (after the lexicon's folding of a final `s`:
    /// `always` is `alway`): they tell how code is written, not what it is about.
    static let keywords: Set<String> = Set("""
        let var func public private fileprivate internal open static inline alway self init deinit return throw try \
        guard else case switch default for while repeat do break continue import class struct enum extension protocol \
        true false none nil null final override mutating nonmutating lazy weak unowned where some any async await \
        def elif lambda pas yield global nonlocal del assert with raise except finally \
        go chan defer package type interface range fallthrough goto const map
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}
