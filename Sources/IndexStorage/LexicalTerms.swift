import Scanning

/// The terms BM25 counts: identifier-aware words of a text, shared by the
/// index (function bags), the query and the path field so they always agree.
/// Mirrored by `scripts/eval/evaluate.py` (`terms`).
public enum LexicalTerms {
    /// How many times a function's qualified-name words count: the name is the strongest field.
    public static let nameWeight = 3

    package static let stopWords: Set<String> = Set("""
        a an the of to in on for from by with and or is are be as at it its this that into if \
        not no all any each when which whether then than given return returns
        """.split(separator: " ").map(String.init))

    /// Words of identifiers and numbers, lower-cased, split at case and `_`;
    /// one-letter words and stop words dropped; a trailing plural `s` folded.
    public static func terms(_ text: String) -> [String] {
        var text = text, out: [String] = []
        text.withUTF8 { forEachTerm(in: $0) { out.append($0) } }
        return out
    }

    /// `terms` of raw bytes, one by one: words are ASCII, so bytes that are not valid UTF-8
    /// give the same terms as their decoded text (the replacement character is no word).
    package static func forEachTerm(in bytes: UnsafeBufferPointer<UInt8>, _ body: (String) -> Void) {
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
            IdentifierWords.forEachWord(UnsafeBufferPointer(rebasing: bytes[start..<i])) { word in
                guard word.count >= 2 else { return }
                if let term = normalise(word) { body(term) }
            }
        }
    }

    /// A lower-case word's term, judged on its bytes so the common case builds one small
    /// string and hashes none (`stopWords` hold at most eight bytes: packed, one integer each).
    package static func normalise(_ word: UnsafeBufferPointer<UInt8>) -> String? {
        let n = word.count
        if n < 2 || (n <= 8 && packedStopWords.contains(pack(word))) { return nil }
        let plural = n > 3 && word[n - 1] == UInt8(ascii: "s") && word[n - 2] != UInt8(ascii: "s")
        return String(decoding: plural ? UnsafeBufferPointer(rebasing: word[..<(n - 1)]) : word, as: UTF8.self)
    }

    /// Up to eight bytes as one integer, the first byte lowest.
    @inline(__always) package static func pack(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<min(8, word.count) { value |= UInt64(word[i]) << (8 * UInt64(i)) }
        return value
    }

    package static let packedStopWords: Set<UInt64> = Set(stopWords.map { word in
        precondition(word.utf8.count <= 8, "a stop word longer than eight bytes: \(word)")
        var word = word
        return word.withUTF8 { pack($0) }
    })

    /// A function's bag: its qualified name's terms `nameWeight` times, then the terms of its source.
    public static func bag(for span: FunctionSpan, in bytes: [UInt8]) -> LexicalBag {
        var counts: [String: Int] = [:]
        for t in terms(span.qualifiedName) { counts[t, default: 0] += nameWeight }
        let start = min(max(0, span.byteStart), bytes.count)
        let end = min(max(start, span.byteEnd), bytes.count)
        bytes.withUnsafeBufferPointer { all in
            forEachTerm(in: UnsafeBufferPointer(rebasing: all[start..<end])) { counts[$0, default: 0] += 1 }
        }
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
