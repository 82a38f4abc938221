/// A `Grammar` turned into byte tables and small word ids, so the hot loop never
/// hashes strings or allocates per byte.
final class CompiledGrammar: Sendable {
    struct ByteClass {
        static let identStart: UInt8 = 1
        static let identPart: UInt8 = 2
        static let op: UInt8 = 4
        static let space: UInt8 = 8
        static let joinOpen: UInt8 = 16
        static let joinClose: UInt8 = 32
        static let special: UInt8 = 64   // may start a comment, string or raw string
        static let prefixStart: UInt8 = 128
    }
    struct BlockComment: Sendable { let open: [UInt8]; let close: [UInt8]; let nestable: Bool }
    struct Interpolation: Sendable {
        let open: UInt8
        let close: UInt8
        let afterEscape: Bool
        let literalDoubled: Bool
        let formatSpec: UInt8?
        let prefix: UInt8?
    }
    struct StringForm: Sendable {
        let open: [UInt8]
        let close: [UInt8]
        let multiline: Bool
        let openEndsLine: Bool
        let escape: UInt8?
        let interpolation: Interpolation?
    }
    /// `Grammar.RegexLiterals` as bytes.
    struct RegexLiterals: Sendable {
        let delimiter: UInt8
        let extended: UInt8?
        let bare: Bool
        let escape: UInt8
        let notAfterWords: [[UInt8]]
    }
    /// What a word (identifier or symbol) means to the structure layer.
    struct WordRole: Sendable {
        var definition: Int = -1
        var type: Int = -1
        var modifier = false
        var ignoredAfter = false
        var continuesAfter = false
        var continuesBefore = false
        var attributePrefix = false
        var bodyOpen = false
        var reserved = false
        /// A conditional-compilation word that starts a line (`#if`, `#else`, `#endif`).
        var directive: Directive?
    }

    let grammar: Grammar
    let byteClass: [UInt8]
    let lineComments: [[UInt8]]
    let blockComments: [BlockComment]
    let docLinePrefixes: [[UInt8]]
    let docBlockOpens: [[UInt8]]
    let strings: [StringForm]
    let stringPrefixes: [[UInt8]]
    let maxPrefixLength: Int
    let rawHash: UInt8?
    let identifierQuote: UInt8?
    let continuation: UInt8?
    let indentation: Bool
    let tabWidth: Int
    let bodylessAtNewline: Bool
    let attributeLineForm: Bool
    let angleBrackets: Bool
    let regex: RegexLiterals?
    /// Words bucketed by first byte: (bytes, id).
    let buckets: [[(bytes: [UInt8], id: Int32)]]
    let roles: [WordRole]
    let openBrace: Int32, closeBrace: Int32, semicolon: Int32, dot: Int32
    /// `grammar.keywords` bucketed by first byte, apart from `buckets` so that the
    /// structure layer's word ids are the same with or without them.
    let keywordBuckets: [[[UInt8]]]

    init(_ g: Grammar) throws {
        grammar = g
        func fail(_ reason: String) -> ScanningError { .invalidGrammar(file: g.name, reason: reason) }
        var table = try Self.baseByteClasses(g)
        lineComments = g.lineComments.map { Array($0.utf8) }
        blockComments = g.blockComments.map { BlockComment(open: Array($0.open.utf8), close: Array($0.close.utf8), nestable: $0.nestable) }
        docLinePrefixes = g.docComments.linePrefixes.map { Array($0.utf8) }
        docBlockOpens = g.docComments.blockOpens.map { Array($0.utf8) }
        func single(_ s: String?, _ what: String) throws -> UInt8? {
            guard let s else { return nil }
            guard s.utf8.count == 1, let c = s.utf8.first else { throw fail("\(what) must be one ASCII character") }
            return c
        }
        strings = try g.strings.map { form in
            guard !form.open.isEmpty, !form.close.isEmpty else { throw fail("string open/close must not be empty") }
            var interpolation: Interpolation?
            if let i = form.interpolation {
                interpolation = Interpolation(
                    open: try single(i.open, "interpolation open") ?? 0,
                    close: try single(i.close, "interpolation close") ?? 0,
                    afterEscape: i.afterEscape ?? false,
                    literalDoubled: i.literalDoubled ?? false,
                    formatSpec: try single(i.formatSpec, "formatSpec"),
                    prefix: try single(i.prefix?.lowercased(), "interpolation prefix"))
            }
            return StringForm(open: Array(form.open.utf8), close: Array(form.close.utf8),
                              multiline: form.multiline, openEndsLine: form.openEndsLine ?? false, escape: try single(form.escape, "escape"),
                              interpolation: interpolation)
        }
        stringPrefixes = (g.stringPrefixes ?? []).map { Array($0.lowercased().utf8) }
        maxPrefixLength = stringPrefixes.map(\.count).max() ?? 0
        rawHash = try single(g.rawStringDelimiter, "rawStringDelimiter")
        identifierQuote = try single(g.identifierQuote, "identifierQuote")
        continuation = try single(g.lineContinuation, "lineContinuation")
        indentation = g.block == .indentation
        tabWidth = max(1, g.tabWidth ?? 8)
        bodylessAtNewline = g.header.bodylessAtNewline ?? false
        attributeLineForm = g.attributes?.form == .line
        angleBrackets = g.header.angleBrackets ?? false
        regex = try g.regexLiterals.map { r in
            guard let delimiter = try single(r.delimiter, "regex delimiter"), let escape = try single(r.escape, "regex escape") else {
                throw fail("regex delimiter and escape are required")
            }
            // A bare literal is found where the lexer reads an operator.
            if r.bare && table[Int(delimiter)] & ByteClass.op == 0 { throw fail("a bare regex delimiter must be an operator character") }
            return RegexLiterals(delimiter: delimiter, extended: try single(r.extendedDelimiter, "regex extendedDelimiter"),
                                 bare: r.bare, escape: escape, notAfterWords: (r.notAfterWords ?? []).map { Array($0.utf8) })
        }

        for open in lineComments + blockComments.map(\.open) + strings.map(\.open) {
            if let c = open.first { table[Int(c)] |= ByteClass.special }
        }
        if let rawHash { table[Int(rawHash)] |= ByteClass.special }
        if let extended = regex?.extended { table[Int(extended)] |= ByteClass.special }
        for p in stringPrefixes {
            if let c = p.first {
                table[Int(c)] |= ByteClass.prefixStart
                let upper = c >= 97 && c <= 122 ? c - 32 : c
                table[Int(upper)] |= ByteClass.prefixStart
            }
        }
        byteClass = table

        let words = Self.wordTable(g)
        buckets = words.buckets
        roles = words.roles
        (openBrace, closeBrace, semicolon, dot) = (words.ids[0], words.ids[1], words.ids[2], words.ids[3])
        var keywordBuckets = [[[UInt8]]](repeating: [], count: 256)
        for word in g.keywords ?? [] {
            let bytes = Array(word.utf8)
            if let first = bytes.first { keywordBuckets[Int(first)].append(bytes) }
        }
        self.keywordBuckets = keywordBuckets
        if g.definitions.isEmpty { throw fail("a grammar needs at least one definition keyword") }
    }

    /// Each byte's classes from the grammar's identifier, operator, space and bracket
    /// characters; the comment, string and prefix starts are added once those are compiled.
    static func baseByteClasses(_ g: Grammar) throws -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 256)
        for c in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(c)] |= ByteClass.identStart | ByteClass.identPart }
        for c in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(c)] |= ByteClass.identStart | ByteClass.identPart }
        for c in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(c)] |= ByteClass.identStart | ByteClass.identPart }
        table[Int(UInt8(ascii: "_"))] |= ByteClass.identStart | ByteClass.identPart
        for c in 0x80...0xFF { table[c] |= ByteClass.identStart | ByteClass.identPart }
        for c in g.identifierStart.utf8 { table[Int(c)] |= ByteClass.identStart }
        for c in g.identifierPart.utf8 { table[Int(c)] |= ByteClass.identStart | ByteClass.identPart }
        for c in g.operatorCharacters.utf8 { table[Int(c)] |= ByteClass.op }
        for c in [UInt8(ascii: " "), 9, 11, 12, 13] { table[Int(c)] |= ByteClass.space }
        let closers: [UInt8: UInt8] = [UInt8(ascii: "("): UInt8(ascii: ")"),
                                       UInt8(ascii: "["): UInt8(ascii: "]"),
                                       UInt8(ascii: "{"): UInt8(ascii: "}")]
        for c in g.lineJoiningBrackets.utf8 {
            guard let close = closers[c] else { throw ScanningError.invalidGrammar(file: g.name, reason: "lineJoiningBrackets may only hold ( [ {") }
            table[Int(c)] |= ByteClass.joinOpen
            table[Int(close)] |= ByteClass.joinClose
        }
        return table
    }

    /// The words the structure layer knows, bucketed by first byte, with each one's roles
    /// (definition, type, modifier, directive...); and the ids of `{`, `}`, `;` and `.`.
    static func wordTable(_ g: Grammar) -> (buckets: [[(bytes: [UInt8], id: Int32)]], roles: [WordRole], ids: [Int32]) {
        var buckets = [[(bytes: [UInt8], id: Int32)]](repeating: [], count: 256)
        var roles: [WordRole] = []
        func id(_ word: String) -> Int32 {
            let bytes = Array(word.utf8)
            guard let first = bytes.first else { return -1 }
            if let found = buckets[Int(first)].first(where: { $0.bytes == bytes }) { return found.id }
            let new = Int32(roles.count)
            roles.append(WordRole())
            buckets[Int(first)].append((bytes, new))
            return new
        }
        for (i, d) in g.definitions.enumerated() { roles[Int(id(d.keyword))].definition = i }
        for (i, t) in g.types.enumerated() { roles[Int(id(t.keyword))].type = i }
        for m in g.modifiers { roles[Int(id(m))].modifier = true }
        for w in g.keywordsIgnoredAfter { roles[Int(id(w))].ignoredAfter = true }
        for w in g.header.continuesAfter { roles[Int(id(w))].continuesAfter = true }
        for w in g.header.continuesBefore { roles[Int(id(w))].continuesBefore = true }
        for w in g.reservedWords ?? [] { roles[Int(id(w))].reserved = true }
        if let cc = g.conditionalCompilation {
            for w in cc.if { roles[Int(id(w))].directive = .if }
            for w in cc.else { roles[Int(id(w))].directive = .else }
            for w in cc.end { roles[Int(id(w))].directive = .end }
        }
        if let a = g.attributes { roles[Int(id(a.prefix))].attributePrefix = true }
        roles[Int(id(g.header.bodyOpen))].bodyOpen = true
        let ids = [id("{"), id("}"), id(";"), id(".")]
        return (buckets, roles, ids)
    }

    /// Whether `b[start..<end]` is one of `grammar.keywords`.
    func isKeyword(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let count = end - start
        guard count > 0 else { return false }
        outer: for entry in keywordBuckets[Int(b[start])] where entry.count == count {
            for k in 1..<count where entry[k] != b[start + k] { continue outer }
            return true
        }
        return false
    }

    /// The word id of `b[start..<end]`, or -1.
    @inline(__always)
    func wordID(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int32 {
        let bucket = buckets[Int(b[start])]
        if bucket.isEmpty { return -1 }
        let count = end - start
        outer: for entry in bucket where entry.bytes.count == count {
            var k = 1
            while k < count {
                if entry.bytes[k] != b[start + k] { continue outer }
                k += 1
            }
            return entry.id
        }
        return -1
    }
}

/// The three words of conditional compilation a grammar names (`conditionalCompilation`).
enum Directive: UInt8, Sendable {
    /// Opens a block whose branches are all scanned (`#if`).
    case `if`
    /// Starts the next branch (`#else`, `#elseif`).
    case `else`
    /// Closes the block (`#endif`).
    case end
}
