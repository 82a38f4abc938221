import Scanning

/// A type or module unit matches the words of everything inside it, so when one of
/// its own units matches nearly as well, that unit is the answer and the container
/// is only its echo: the container steps back to just below its best member.
///
/// Must hold: only containers move, and only down; a container whose members all
/// match much worse than it does (its doc comment or its shape is what matches)
/// keeps its place. Membership is by lines within one file: a unit lies inside a
/// type when its lines lie within the type's, and inside a module unit always.
enum ContainerStepBack {
    /// How far below its member a stepped-back container lands (a factor on the member's score).
    static let below: Float = 0.99

    /// `ratio`: a member scoring at least `ratio` × the container's score makes it step
    /// back; 0 turns the rule off.
    static func apply(_ pool: [RankCandidate], _ scores: inout [Float], ratio: Float) {
        guard ratio > 0 else { return }
        var byPath: [String: [Int]] = [:]
        for (i, candidate) in pool.enumerated() { byPath[candidate.hit.path, default: []].append(i) }
        let original = scores
        for indices in byPath.values where indices.count > 1 {
            for c in indices where !pool[c].hit.function.span.kind.isCallable {
                let container = pool[c].hit.function.span
                var best = -Float.infinity
                for m in indices where m != c && contains(container, pool[m].hit.function.span) {
                    best = max(best, original[m])
                }
                if best.isFinite, best > 0, best >= ratio * original[c] {
                    scores[c] = min(scores[c], best * below)
                }
            }
        }
    }

    /// Whether `inner` lies inside `outer` (same file assumed): any unit inside a module
    /// unit; inside a type, lines within its lines and not the type itself.
    static func contains(_ outer: FunctionSpan, _ inner: FunctionSpan) -> Bool {
        if inner.kind == .module { return false }
        if outer.kind == .module { return true }
        let within = inner.firstLine >= outer.firstLine && inner.lastLine <= outer.lastLine
        return within && !(inner.firstLine == outer.firstLine && inner.lastLine == outer.lastLine && inner.kind == outer.kind)
    }
}
