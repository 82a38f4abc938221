import Scanning

/// The terms BM25 counts: identifier-aware words of a text, shared by the
/// index (function bags), the query and the path field so they always agree.
/// Mirrored by `scripts/eval/evaluate.py` (`terms`).
public enum LexicalTerms {
    /// How many times a function's qualified-name words count: the name is the strongest field.
    public static let nameWeight = 3

    static let stopWords: Set<String> = Set("""
        a an the of to in on for from by with and or is are be as at it its this that into if \
        not no all any each when which whether then than given return returns
        """.split(separator: " ").map(String.init))

    /// Words of identifiers and numbers, lower-cased, split at case and `_`;
    /// one-letter words and stop words dropped; a trailing plural `s` folded.
    public static func terms(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var out: [String] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let start = i
            if IdentifierWords.isIdentifierStart(b) {
                while i < bytes.count && IdentifierWords.isIdentifierPart(bytes[i]) { i += 1 }
            } else if IdentifierWords.isDigit(b) {
                while i < bytes.count && IdentifierWords.isDigit(bytes[i]) { i += 1 }
            } else {
                i += 1
                continue
            }
            bytes.withUnsafeBufferPointer { all in
                IdentifierWords.forEachWord(UnsafeBufferPointer(rebasing: all[start..<i])) { word in
                    guard word.count >= 2 else { return }
                    if let term = normalise(String(decoding: word, as: UTF8.self)) { out.append(term) }
                }
            }
        }
        return out
    }

    static func normalise(_ word: String) -> String? {
        let n = word.utf8.count
        if n < 2 || stopWords.contains(word) { return nil }
        if n > 3 && word.hasSuffix("s") && !word.hasSuffix("ss") { return String(word.dropLast()) }
        return word
    }

    /// A function's bag: its qualified name's terms `nameWeight` times, then the terms of its source.
    public static func bag(for span: FunctionSpan, in bytes: [UInt8]) -> LexicalBag {
        var counts: [String: Int] = [:]
        for t in terms(span.qualifiedName) { counts[t, default: 0] += nameWeight }
        for t in terms(EmbeddingText.source(of: span, in: bytes)) { counts[t, default: 0] += 1 }
        return LexicalBag(counts)
    }

    /// Any unit's bag. A type or module unit counts the terms of its embedded `text`
    /// (header, doc, member summary), not its whole source: its members are units of
    /// their own, and a module's source would repeat every term of the file.
    public static func bag(for span: FunctionSpan, text: String, in bytes: [UInt8]) -> LexicalBag {
        if span.kind.isCallable { return bag(for: span, in: bytes) }
        var counts: [String: Int] = [:]
        if span.kind != .module {
            for t in terms(span.qualifiedName) { counts[t, default: 0] += nameWeight - 1 }
        }
        for t in terms(text) { counts[t, default: 0] += 1 }
        return LexicalBag(counts)
    }
}

/// A function's terms with their counts, sorted by term.
public struct LexicalBag: Equatable, Sendable {
    public var terms: [(term: String, count: UInt16)]

    public init(_ counts: [String: Int]) {
        terms = counts.map { ($0.key, UInt16(clamping: $0.value)) }.sorted { $0.term < $1.term }
    }

    public init(sorted terms: [(term: String, count: UInt16)]) {
        self.terms = terms
    }

    /// The document length BM25 normalises by.
    public var length: Int { terms.reduce(0) { $0 + Int($1.count) } }

    public static func == (a: LexicalBag, b: LexicalBag) -> Bool {
        a.terms.count == b.terms.count && zip(a.terms, b.terms).allSatisfy { $0.term == $1.term && $0.count == $1.count }
    }
}
