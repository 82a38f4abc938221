import IndexStorage

/// What a question looks like, read once per search: whether it names a symbol
/// (`HTTPAdapter`, `field_validator`, `Session.send`) or asks in words, which
/// identifiers it names, and which of its words could match a file name.
///
/// Everything here is about the shape of the text, never about a language or a
/// repository: the same rules hold for any code base.
public struct QueryAnalysis: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The whole question is one identifier, maybe qualified (`a.b`, `A::B`).
        case symbol
        /// Words, possibly with identifiers inside (`how does SessionManager retry`).
        case language
    }

    public let kind: Kind
    /// Names a definition should carry to be boosted: the symbol itself (and its last
    /// component when qualified), or the CamelCase / snake_case identifiers inside a sentence.
    public let names: [String]
    /// Lower-cased words of the question worth matching against a file's name and folder.
    public let pathWords: [String]
    /// The question asks for tests, examples or benchmarks: path priors are switched off.
    public let asksForSecondaryCode: Bool
    /// The question reads like the documentation of one unit: it opens with a verb saying
    /// what the code does ("return the size of a file", "parses the header", "lazily
    /// creates the pool"), or it is a
    /// whole sentence of four or more words ending in a full stop ("The count of words a
    /// table needs."). It asks for that unit, so the rules that lift types, modules and
    /// files step back (`RankingWeights.description…`). A topic ("multipart form
    /// handling") or a question ("how are routes registered?") is not a description.
    public let isDescription: Bool
    /// The unit a question that opens with a call names (`openingCall`): the definition boost
    /// for it holds even in a description, whose other names usually point elsewhere.
    public let calledName: String?

    public init(_ query: String) {
        let text = query.trimmingSpaces()
        let words = QueryAnalysis.words(of: text)
        if let symbol = QueryAnalysis.symbol(text) {
            kind = .symbol
            var names = [symbol]
            if let last = QueryAnalysis.lastComponent(of: symbol), last != symbol { names.append(last) }
            self.names = names
        } else {
            kind = .language
            names = words.filter(QueryAnalysis.isCompoundIdentifier)
        }
        pathWords = Array(Set(words.flatMap { IdentifierWords.split(Array($0.utf8)[...]) }
            .map { $0.lowercased() }
            .filter { $0.utf8.count > 2 && !QueryAnalysis.stopWords.contains($0) })).sorted()
        calledName = kind == .language ? QueryAnalysis.openingCall(text) : nil
        isDescription = kind == .language && words.count > 1
            && (QueryAnalysis.opensWithVerb(words) || (text.hasSuffix(".") && words.count >= 4))
        asksForSecondaryCode = words.contains { word in
            let w = word.lowercased()
            return QueryAnalysis.secondaryWords.contains(w)
                || QueryAnalysis.secondaryWords.contains(String(w.dropLast()))  // tests, examples
        }
    }

    /// Whether the words open with an action verb, maybe after an adverb ("returns the
    /// size", "explicitly set the offset", "lazily creates the pool").
    static func opensWithVerb(_ words: [String]) -> Bool {
        let first = words[0].lowercased()
        if ActionVerbs.contains(first) { return true }
        return first.hasSuffix("ly") && first.utf8.count > 4 && words.count > 2 && ActionVerbs.contains(words[1].lowercased())
    }

    /// The identifier called when the question opens with a call or a signature
    /// (`slave_open(tty_name) -> fd ...`, `a, b = encode(value) ...`, `>>> read(...)`): code
    /// naming the unit it is about. The identifier (maybe qualified) must touch the first
    /// `(`, and what comes before it must be nothing, an assignment's targets (`a, b =`) or
    /// a prompt (`>>>`): a name inside prose ("by calling pkgutil.get_data(...)") is not one.
    static func openingCall(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "(") else { return nil }
        let head = text[..<open]
        let start = head.lastIndex { !($0 == "_" || $0 == "." || ($0.isASCII && ($0.isLetter || $0.isNumber))) }
            .map { head.index(after: $0) } ?? head.startIndex
        guard let name = head[start...].split(separator: ".").last, isIdentifier(name),
              !head[start...].hasSuffix(".") else { return nil }
        let before = String(head[..<start]).trimmingSpaces()
        if before.isEmpty || before.hasSuffix(">>>") { return String(name) }
        guard before.hasSuffix("=") else { return nil }
        let targets = before.dropLast().split(separator: ",").map { String($0).trimmingSpaces() }
        return targets.allSatisfy({ isIdentifier($0[...]) }) ? String(name) : nil
    }

    /// Common English words that say nothing about a file's name.
    static let stopWords: Set<String> = Set("""
        a an and are as at be by do does for from has have how if in is it not of on or the to was \
        what when where which who why with this that into its can get set use used using code
        """.split(separator: " ").map(String.init))

    static let secondaryWords: Set<String> = ["test", "testing", "unittest", "example", "benchmark", "fixture", "mock"]

    /// The query's identifier-like words, in order (`_`, letters, digits; dots and `::` split).
    static func words(of text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text.unicodeScalars {
            if ch == "_" || (ch.isASCII && (ch.properties.isAlphabetic || ("0"..."9").contains(ch))) {
                current.unicodeScalars.append(ch)
            } else if !current.isEmpty {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The question as a symbol name when it is one identifier, optionally qualified
    /// with `.` or `::`, that no plain lower-case word would be: it has an upper-case
    /// letter, an underscore or a qualifier (`session` alone is a word, `Session` a name).
    static func symbol(_ text: String) -> String? {
        guard !text.isEmpty, !text.contains(" ") else { return nil }
        let parts = text.replacing("::", with: ".").split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ isIdentifier($0) }) else { return nil }
        if parts.count > 1 { return text }
        let word = String(parts[0])
        return word.contains("_") || word.unicodeScalars.contains(where: { $0.properties.isUppercase }) ? word : nil
    }

    static func lastComponent(of symbol: String) -> String? {
        symbol.replacing("::", with: ".").split(separator: ".").last.map(String.init)
    }

    static func isIdentifier(_ s: Substring) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// camelCase, PascalCase with a second capital (`HTTPAdapter`), or snake_case: a word
    /// no sentence uses unless it names something. `URL`, `Session` or `_` alone are not.
    static func isCompoundIdentifier(_ word: String) -> Bool {
        let bytes = Array(word.utf8)
        guard bytes.count > 2 else { return false }
        let inner = word.drop { $0 == "_" }.reversed().drop { $0 == "_" }
        if inner.contains("_") { return true }
        let upperAfterFirst = bytes.dropFirst().contains { $0 >= 65 && $0 <= 90 }
        let lower = bytes.contains { $0 >= 97 && $0 <= 122 }
        return upperAfterFirst && lower
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\n" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\n" { s.removeLast() }
        return String(s)
    }
}
