/// The structure layer: reads the token stream of one file and tracks scopes
/// (indentation or braces), decorators/attributes, definition headers and bodies.
struct ScanEngine {
    /// What the next token means. Every token is handled in O(1) whatever the mode.
    enum Mode {
        case idle
        /// The rest of a line-form decorator (Python `@...`).
        case skipLine
        /// After a token-form attribute's `@`, then after its name (`(` args may follow).
        case attributeName
        case afterAttributeName
        /// After a modifier: `private(set)` takes a group.
        case afterModifier
        /// Inside an attribute's or modifier's `( ... )`.
        case skipGroup(depth: Int)
        /// After a definition keyword, waiting for the name (or a Go receiver).
        case definitionName
        case receiver(depth: Int)
        /// Between the name and the body (or the end of a bodyless declaration).
        case header
        /// After a type keyword, waiting for the name, its dotted tail, then the body.
        case typeName(keyword: Token)
        case typeDotted(expectName: Bool)
        case typeHeader
    }
    /// A type scope holds its unit's index when the declaration is a unit.
    enum ScopeKind { case function(span: Int), type(span: Int?), anonymous }
    struct Scope {
        var kind: ScopeKind
        var name: String
        var indent: Int
        var baseDepth: Int
    }
    struct PendingDefinition {
        var rule: Int
        var name = ""
        var isOperator = false
        var receiverType: String?
        var receiverDone = false
        var firstLine: Int
        var declarationLine: Int
        var declarationColumn: Int
        var signatureStart: Int
        var lastHeaderEnd: Int
        var lastHeaderEndLine: Int
        var lastHeaderWord: Int32 = -1
        var angle = 0
        var docFirstLine: Int?
        var docLastLine: Int?
        var indent: Int
    }

    let g: CompiledGrammar
    var lexer: Lexer
    var spans: [FunctionSpan] = []
    var scopes: [Scope] = []
    var mode = Mode.idle
    var prefixToken: Token?
    var prefixDoc: (Int, Int)?
    var signatureStart: Int?
    var pending: PendingDefinition?
    var pendingTypeName = ""
    var pendingType: PendingType?
    /// Inside `type ( ... )`: statements at this depth name types (see `TypeUnits.swift`).
    var typeGroup: (depth: Int, rule: Int, scopes: Int)?
    /// The first token and whether it is a string (a module docstring).
    var firstToken: Token?
    var previous: Token?
    var previousEndLine = 0
    var logicalIndent = 0
    var receiverLastWord: String?
    var headerTokens: [(Int, Int)] = []
    var awaitingDocstring: Int?
    var docstringCandidate: (span: Int, first: Int, last: Int)?
    var skippingDirectiveLine = false
    struct Conditional {
        /// nil when too deep to snapshot cheaply: keeps time linear on absurd input.
        var atIf: [Scope]?
        var afterFirstUnbalancedBranch: [Scope]?
    }
    var conditionals: [Conditional] = []

    init(grammar: CompiledGrammar, bytes: UnsafeBufferPointer<UInt8>) {
        g = grammar
        lexer = Lexer(grammar: grammar, bytes: bytes)
    }

    func text(_ t: Token) -> String { text(t.start, t.end) }
    func text(_ s: Int, _ e: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: lexer.b[s..<e]), as: UTF8.self)
    }
    func role(_ t: Token) -> CompiledGrammar.WordRole? {
        t.word >= 0 ? g.roles[Int(t.word)] : nil
    }
    var baseDepth: Int { scopes.last?.baseDepth ?? 0 }

    mutating func run() -> [FunctionSpan] {
        while let t = lexer.next() {
            process(t)
            previous = t
            previousEndLine = t.endLine
        }
        finish()
        return spans
    }

    mutating func process(_ t: Token) {
        if firstToken == nil { firstToken = t }
        if g.indentation {
            let logicalStart = t.newlineBefore && t.depth == 0 && !t.closesJoin
            if let c = docstringCandidate {
                if logicalStart { spans[c.span].docFirstLine = c.first; spans[c.span].docLastLine = c.last }
                docstringCandidate = nil
            }
            if let s = awaitingDocstring {
                awaitingDocstring = nil
                if t.kind == .string { docstringCandidate = (s, t.line, t.endLine) }
            }
            if logicalStart {
                switch mode {
                case .idle, .afterModifier: break
                default: mode = .idle; pending = nil; pendingType = nil
                }
                while let top = scopes.last, top.indent >= t.indent { pop(lastLine: previousEndLine) }
                logicalIndent = t.indent
            }
        }
        if skippingDirectiveLine {
            if !t.newlineBefore { return }
            skippingDirectiveLine = false
        }
        if t.newlineBefore, t.kind == .word, let r = role(t), let which = r.directive {
            directive(which)
            skippingDirectiveLine = true
            return
        }
        dispatch(t)
    }

    mutating func directive(_ which: Directive) {
        switch which {
        case .if:
            conditionals.append(Conditional(atIf: scopes.count <= 64 && conditionals.count < 64 ? scopes : nil))
        case .else:
            guard var c = conditionals.popLast() else { return }
            if let atIf = c.atIf, scopes.count != atIf.count {
                if c.afterFirstUnbalancedBranch == nil { c.afterFirstUnbalancedBranch = scopes }
                scopes = atIf
            }
            conditionals.append(c)
        case .end:
            guard let c = conditionals.popLast() else { return }
            if let first = c.afterFirstUnbalancedBranch { scopes = first }
        }
    }

    mutating func resetPrefix() {
        prefixToken = nil
        prefixDoc = nil
        signatureStart = nil
    }

    mutating func notePrefix(_ t: Token) {
        if prefixToken == nil {
            prefixToken = t
            if lexer.docTokenCount == t.index && lexer.docEndLine >= t.line - 1 {
                prefixDoc = (lexer.docStartLine, lexer.docEndLine)
            } else {
                prefixDoc = nil
            }
        }
    }

    /// True when a keyword at `t` is really a keyword: at statement depth, not after `.`.
    func keywordPosition(_ t: Token) -> Bool {
        if t.depth != baseDepth { return false }
        if !t.newlineBefore, let p = previous, let r = role(p), r.ignoredAfter { return false }
        return true
    }

    mutating func dispatch(_ t: Token) {
        switch mode {
        case .idle:
            idle(t)
        case .skipLine:
            break
        case .attributeName:
            mode = t.kind == .word ? .afterAttributeName : .idle
            if t.kind != .word { idle(t) }
        case .afterAttributeName:
            if t.opensJoin && !t.newlineBefore {
                mode = .skipGroup(depth: t.depth)
            } else {
                mode = .idle
                idle(t)
            }
        case .afterModifier:
            if t.opensJoin && !t.newlineBefore {
                mode = .skipGroup(depth: t.depth)
            } else {
                mode = .idle
                idle(t)
            }
        case .skipGroup(let d):
            if t.closesJoin && t.depth <= d { mode = .idle }
        case .definitionName:
            definitionName(t)
        case .receiver(let d):
            headerTokens.append((t.start, t.end))
            if t.closesJoin && t.depth <= d {
                pending?.receiverType = receiverLastWord
                pending?.receiverDone = true
                mode = .definitionName
            } else if t.kind == .word && t.depth == d + 1 {
                receiverLastWord = text(t)
            }
        case .header:
            header(t)
        case .typeName(let keyword):
            typeName(t, keyword: keyword)
        case .typeDotted(let expectName):
            typeDotted(t, expectName: expectName)
        case .typeHeader:
            typeHeader(t)
        }
    }

    mutating func idle(_ t: Token) {
        if t.kind == .symbol && !g.indentation {
            if t.word == g.openBrace && t.word >= 0 {
                resetPrefix()
                scopes.append(Scope(kind: .anonymous, name: "", indent: 0, baseDepth: t.depth))
                return
            }
            if t.word == g.closeBrace && t.word >= 0 {
                resetPrefix()
                if let top = scopes.last {
                    lexer.depth = top.baseDepth
                    pop(lastLine: t.line)
                }
                return
            }
        }
        if typeGroup != nil, groupedTypeStatement(t) { return }
        guard let r = role(t), t.kind != .string else { resetPrefix(); return }
        if r.attributePrefix && (!g.attributeLineForm || t.newlineBefore && t.depth == 0) {
            notePrefix(t)
            signatureStart = nil
            mode = g.attributeLineForm ? .skipLine : .attributeName
            return
        }
        if r.type >= 0 && keywordPosition(t) {
            startType(t, rule: Int(r.type))
            return
        }
        if r.definition >= 0 && keywordPosition(t) && definitionAllowed(t, rule: r.definition) {
            startDefinition(t, rule: r.definition)
            return
        }
        if r.modifier && t.kind == .word && keywordPosition(t) {
            notePrefix(t)
            if signatureStart == nil { signatureStart = t.start }
            mode = .afterModifier
            return
        }
        resetPrefix()
    }

    mutating func pop(lastLine: Int) {
        guard let top = scopes.popLast() else { return }
        switch top.kind {
        case .function(let index), .type(let index?):
            spans[index].lastLine = max(lastLine, spans[index].declarationLine)
        default:
            break
        }
    }

    mutating func finish() {
        if let c = docstringCandidate {
            spans[c.span].docFirstLine = c.first
            spans[c.span].docLastLine = c.last
        }
        if case .header = mode, let p = pending, !g.indentation {
            closeBodyless(p)
        }
        while !scopes.isEmpty { pop(lastLine: previousEndLine) }
        insertModuleUnit()
        let starts = lexer.lineStarts
        let n = lexer.n
        for k in spans.indices {
            let first = min(spans[k].firstLine, starts.count)
            let last = min(max(spans[k].lastLine, first), starts.count)
            spans[k].lastLine = last
            spans[k].byteStart = starts[first - 1]
            var end = last < starts.count ? starts[last] - 1 : n
            if end > starts[last - 1], end <= n, end > 0, end - 1 < n, lexer.b[end - 1] == 13, last < starts.count { end -= 1 }
            spans[k].byteEnd = max(end, spans[k].byteStart)
        }
    }
}
