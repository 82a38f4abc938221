import Scanning
/// One unit in the pool the stack ranks: its cosine to the question (nil without
/// an embedding) and its BM25 (0 when no word matched).
public struct RankCandidate: Sendable {
    public var hit: SearchHit
    public var dense: Float?
    public var lexical: Float

    public init(hit: SearchHit, dense: Float?, lexical: Float) {
        self.hit = hit
        self.dense = dense
        self.lexical = lexical
    }
}

/// The query-time ranking over the candidates of the dense and the lexical halves.
/// Each step is one rule with one weight (`RankingWeights`), measured alone and
/// together in `Benchmarks/RESULTS-quality.md`:
///
/// 1. fusion: min-max normalised cosine and BM25, weighted by the question's kind (a
///    description: the raw cosine plus a share of BM25);
/// 2. definition: a unit named what the question names comes first;
/// 3. path: question words in the file's or its folder's name lift its units;
/// 4. step-back: a type or module unit goes below its own unit that matches nearly
///    as well (`ContainerStepBack`);
/// 5. coherence: a file with many matching units lifts its best one;
/// 6. priors: tests, examples, docs, benchmarks and vendored code step back,
///    unless the question asks for them;
/// 7. diversity: a file's later units decay, so the first results cover more files.
///
/// A question that reads like one unit's documentation (`QueryAnalysis.isDescription`)
/// is ranked with `RankingWeights.forDescription`: containers, path, coherence and
/// diversity, the rules that favour files, step back for it.
///
/// The score given back is the stack's score scaled so the best hit carries the best
/// cosine of the pool: comparable across questions, so `--min-score` means the same
/// for all (in lexical mode, where there is no cosine, the best hit scores 1).
public struct RankingStack: Sendable {
    public var weights: RankingWeights
    public let analysis: QueryAnalysis

    public init(query: String, weights: RankingWeights = .default) {
        analysis = QueryAnalysis(query)
        self.weights = analysis.isDescription ? weights.forDescription : weights
    }

    public func rank(_ pool: [RankCandidate], limit: Int, minScore: Float = -1) -> [SearchHit] {
        let pool = oneHitPerLine(pool)
        guard !pool.isEmpty, limit > 0 else { return [] }
        var scores = fused(pool)
        let unit = max(scores.max() ?? 0, 1e-6)
        for (i, candidate) in pool.enumerated() {
            scores[i] += unit * (definitionBoost(candidate.hit) + pathBoost(candidate.hit.path))
        }
        ContainerStepBack.apply(pool, &scores, ratio: weights.stepBack)
        addCoherence(pool, &scores, unit: unit)
        for (i, candidate) in pool.enumerated() { scores[i] *= kindFactor(candidate.hit.function.span.kind) }
        if !analysis.asksForSecondaryCode {
            for (i, candidate) in pool.enumerated() {
                guard let role = PathPrior.role(of: candidate.hit.path) else { continue }
                // A function defined in `__init__.py` is real code; what re-exports is the
                // file's import list, which its module unit (or a type) carries.
                if role == .reexport && candidate.hit.function.span.kind.isCallable { continue }
                scores[i] *= weights.priors[role] ?? 1
            }
        }
        // A container unit may be left out of its file's diversity count (it shares the file
        // with the units inside it); the key `nil` exempts it.
        let keys = pool.map { c -> String? in
            weights.diversityContainers == 0 && !c.hit.function.span.kind.isCallable ? nil : c.hit.path
        }
        let chosen = DiverseSelection.select(paths: pool.map(\.hit.path), keys: keys, scores: scores, limit: limit,
                                             free: weights.diversityFree, decay: weights.diversityDecay)
        let top = chosen.first?.score ?? 0
        let anchor = pool.compactMap(\.dense).max() ?? 1
        return chosen.compactMap { choice -> SearchHit? in
            var hit = pool[choice.index].hit
            // All tied at nothing (no word matched, every cosine equal): still an order.
            hit.score = top > 0 ? choice.score / top * anchor : anchor
            return hit.score >= minScore ? hit : nil
        }
    }

    /// A unit's cosine (or BM25) times its kind factor; a kind set aside (factor 0) loses to any.
    private func weighed(_ c: RankCandidate) -> Float {
        let factor = kindFactor(c.hit.function.span.kind)
        return factor > 0 ? (c.dense ?? c.lexical) * factor : -.infinity
    }

    /// The factor on a unit's score for its kind: `moduleUnit`, `typeUnit` or 1.
    func kindFactor(_ kind: FunctionSpan.Kind) -> Float {
        kind == .module ? weights.moduleUnit : kind.isType ? weights.typeUnit : 1
    }

    /// The pool without a second unit at a line already held by a better one (a module
    /// unit starts on its file's first code line, which may be a function's line): one
    /// result per `path:line`, as an editor's list shows them. Better is judged with the
    /// kind factors applied, so a container these weights set aside never hides a function.
    func oneHitPerLine(_ pool: [RankCandidate]) -> [RankCandidate] {
        var best: [String: Int] = [:]
        for (i, c) in pool.enumerated() {
            let key = "\(c.hit.function.span.declarationLine):\(c.hit.path)"
            if let j = best[key], prefer(pool[j], over: c) { continue }
            best[key] = i
        }
        return best.count == pool.count ? pool : best.values.sorted().map { pool[$0] }
    }

    /// The better of two units at one line: the higher cosine (or BM25) times the kind
    /// factor, then the callable.
    func prefer(_ a: RankCandidate, over b: RankCandidate) -> Bool {
        let x = weighed(a), y = weighed(b)
        if x != y { return x > y }
        return a.hit.function.span.kind.isCallable && !b.hit.function.span.kind.isCallable
    }

    /// α × normalised cosine + (1 − α) × normalised BM25, α by the question's kind (or, for
    /// `FusionScale.raw`, the cosine plus `rawLexicalShare` × normalised BM25). A unit without
    /// a cosine (lexical mode, or a unit still waiting for its vector) takes its normalised
    /// BM25 in place of its normalised cosine, so lacking a vector does not bury it.
    func fused(_ pool: [RankCandidate]) -> [Float] {
        let cosines = pool.compactMap(\.dense)
        let low = cosines.min() ?? 0, high = cosines.max() ?? 0
        // Equal cosines are equally good: all 1, not all 0.
        let flat = high - low <= 1e-6, span = flat ? 1 : high - low
        let best = max(pool.map(\.lexical).max() ?? 0, 1e-6)
        if weights.fusion == .raw && !cosines.isEmpty {
            let share = weights.rawLexicalShare
            return pool.map { c in
                let words = c.lexical / best
                return (c.dense ?? low + (flat ? 0 : span) * words) + share * words
            }
        }
        let alpha: Float = analysis.kind == .symbol ? weights.alphaSymbol : weights.alphaLanguage
        return pool.map { c in
            guard let cosine = c.dense else { return c.lexical / best }
            let dense = flat ? 1 : (cosine - low) / span
            return alpha * dense + (1 - alpha) * c.lexical / best
        }
    }

    /// In units of the best fused score: `definition` when the unit's name (or qualified
    /// name) is one the question names, `definitionInSentence` of that for a name inside a sentence, times
    /// `definitionFileName` when the file is named after it too.
    func definitionBoost(_ hit: SearchHit) -> Float {
        let span = hit.function.span
        for name in analysis.names where RankingStack.names(span.name, span.qualifiedName, match: name) {
            let share = analysis.kind == .symbol ? 1
                : name == analysis.calledName ? max(weights.definitionInSentence, weights.definitionCalled)
                : weights.definitionInSentence
            var boost = weights.definition * share
            if PathWords.stemMatches(path: hit.path, name: name) { boost *= weights.definitionFileName }
            return boost
        }
        return 0
    }

    /// `Session.send` matches the qualified name's tail, `send` the bare name; case is
    /// ignored, so `field_validator` and `FieldValidator` stay apart but `httpadapter` does not.
    static func names(_ name: String, _ qualified: String, match query: String) -> Bool {
        let q = query.replacing("::", with: ".").lowercased()
        if q.contains(".") {
            let tail = qualified.lowercased()
            return tail == q || tail.hasSuffix("." + q)
        }
        return name.lowercased() == q
    }

    /// In units of the best fused score: `path` times the share of the question's words
    /// that the file's name or its folder's name carry (a question in words only).
    func pathBoost(_ path: String) -> Float {
        guard analysis.kind == .language, !analysis.pathWords.isEmpty, weights.path > 0 else { return 0 }
        let parts = PathWords.parts(of: path)
        let matched = analysis.pathWords.filter { word in parts.contains { PathWords.sameWord($0, word) } }.count
        return weights.path * Float(matched) / Float(analysis.pathWords.count)
    }

    /// Lifts each file's best unit by `coherence` × unit × its file's summed scores over
    /// the best file's sum.
    func addCoherence(_ pool: [RankCandidate], _ scores: inout [Float], unit: Float) {
        guard weights.coherence > 0 else { return }
        var sums: [String: Float] = [:]
        var best: [String: Int] = [:]
        for (i, candidate) in pool.enumerated() {
            let path = candidate.hit.path
            sums[path, default: 0] += max(0, scores[i])
            if let b = best[path], scores[b] >= scores[i] { continue }
            best[path] = i
        }
        guard let top = sums.values.max(), top > 0 else { return }
        for (path, i) in best { scores[i] += weights.coherence * unit * (sums[path] ?? 0) / top }
    }
}
