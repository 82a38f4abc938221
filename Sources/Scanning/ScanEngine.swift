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
        if t.newlineBefore, t.kind == .word, let r = role(t), r.directive != 0 {
            directive(r.directive)
            skippingDirectiveLine = true
            return
        }
        dispatch(t)
    }

    mutating func directive(_ which: UInt8) {
        switch which {
        case 1:
            conditionals.append(Conditional(atIf: scopes.count <= 64 && conditionals.count < 64 ? scopes : nil))
        case 2:
            guard var c = conditionals.popLast() else { return }
            if let atIf = c.atIf, scopes.count != atIf.count {
                if c.afterFirstUnbalancedBranch == nil { c.afterFirstUnbalancedBranch = scopes }
                scopes = atIf
            }
            conditionals.append(c)
        default:
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

    mutating func startDefinition(_ t: Token, rule: Int) {
        notePrefix(t)
        let first = prefixToken ?? t
        let sigStart = signatureStart ?? t.start
        var p = PendingDefinition(rule: rule, firstLine: first.line, declarationLine: t.line,
                                  declarationColumn: t.column, signatureStart: sigStart,
                                  lastHeaderEnd: t.end, lastHeaderEndLine: t.endLine,
                                  lastHeaderWord: t.word, indent: logicalIndent)
        if let d = prefixDoc { p.docFirstLine = d.0; p.docLastLine = d.1 }
        resetPrefix()
        headerTokens.removeAll(keepingCapacity: true)
        headerTokens.append((t.start, t.end))
        let def = g.grammar.definitions[rule]
        if def.name == .keyword {
            p.name = def.keyword
            pending = p
            mode = .header
        } else {
            pending = p
            mode = .definitionName
        }
    }

    mutating func definitionName(_ t: Token) {
        guard var p = pending else { mode = .idle; return }
        let def = g.grammar.definitions[p.rule]
        if def.receiver == true && !p.receiverDone && t.opensJoin {
            receiverLastWord = nil
            mode = .receiver(depth: t.depth)
            headerTokens.append((t.start, t.end))
            return
        }
        let isName = t.kind == .word && !(role(t).map { $0.reserved || $0.definition >= 0 || $0.type >= 0 } ?? false)
        let isOperator = def.name == .identifierOrOperator && t.kind == .symbol
            && g.byteClass[Int(lexer.b[t.start])] & CompiledGrammar.ByteClass.op != 0
        if isName || isOperator {
            p.name = text(t)
            // `func ==<T>(`: the trailing `<` opens the generic parameters.
            if isOperator, p.name.utf8.count > 1, p.name.hasSuffix("<"), t.end < lexer.n,
               g.byteClass[Int(lexer.b[t.end])] & CompiledGrammar.ByteClass.identStart != 0 {
                p.name.removeLast()
                p.angle = 1
            }
            p.isOperator = isOperator
            p.lastHeaderEnd = t.end
            p.lastHeaderEndLine = t.endLine
            p.lastHeaderWord = t.word
            pending = p
            headerTokens.append((t.start, t.end))
            mode = .header
            return
        }
        // An anonymous function literal or broken code: not a definition.
        pending = nil
        mode = .idle
        idle(t)
    }

    mutating func header(_ t: Token) {
        guard var p = pending else { mode = .idle; return }
        let r = role(t)
        let atBase = t.depth <= baseDepth
        if atBase, let r, r.bodyOpen, t.kind != .string {
            if g.indentation {
                headerTokens.append((t.start, t.end))
                p.lastHeaderEnd = t.end
            }
            pending = p
            openFunction(p, baseDepth: t.depth)
            mode = .idle
            return
        }
        if !g.indentation && atBase && !t.closesJoin {
            var ends = false
            var reprocess = false
            if t.word >= 0 && (t.word == g.semicolon) {
                ends = true
            } else if t.word >= 0 && t.word == g.closeBrace {
                ends = true; reprocess = true
            } else if t.newlineBefore && g.bodylessAtNewline && p.angle == 0 {
                let prevContinues = p.lastHeaderWord >= 0 && g.roles[Int(p.lastHeaderWord)].continuesAfter
                let nextContinues = r?.continuesBefore ?? false
                if !prevContinues && !nextContinues { ends = true; reprocess = true }
            } else if let r, r.definition >= 0 && definitionAllowed(t, rule: r.definition) || r.type >= 0 {
                // Only a keyword that starts a definition here: Go's `func() T` return type does not.
                ends = true; reprocess = true
            }
            if ends {
                closeBodyless(p)
                pending = nil
                mode = .idle
                if reprocess { idle(t) }
                return
            }
        }
        if g.angleBrackets && t.kind == .symbol && t.depth <= baseDepth {
            var k = t.start
            while k < t.end {
                let c = lexer.b[k]
                if c == 60 { p.angle += 1 }
                if c == 62 && !(k > t.start && lexer.b[k - 1] == 45) { p.angle = max(0, p.angle - 1) }
                k += 1
            }
        }
        p.lastHeaderEnd = t.end
        p.lastHeaderEndLine = t.endLine
        p.lastHeaderWord = t.word
        pending = p
        if headerTokens.count < 512 { headerTokens.append((t.start, t.end)) }
    }

    func qualifiedName(_ name: String, receiver: String?) -> (String, Bool) {
        var parts: [String] = []
        var inType = false
        var sawInnermost = false
        // Bounded so absurd nesting stays linear; real names are never this deep.
        for s in scopes.reversed().prefix(32) {
            switch s.kind {
            case .anonymous: continue
            case .type:
                parts.append(s.name)
                if !sawInnermost { inType = true }
                sawInnermost = true
            case .function:
                parts.append(s.name)
                sawInnermost = true
            }
        }
        if let receiver {
            parts.append(receiver)
            inType = true
        }
        parts.reverse()
        parts.append(name)
        return (parts.joined(separator: "."), inType)
    }

    mutating func makeSpan(_ p: PendingDefinition, lastLine: Int) -> Int {
        let (qualified, inType) = qualifiedName(p.name, receiver: p.receiverType)
        var kind = g.grammar.definitions[p.rule].kind
        if kind == .function {
            if p.isOperator { kind = .operator } else if inType { kind = .method }
        }
        let signature = foldedSignature(from: p.signatureStart)
        spans.append(FunctionSpan(
            name: p.name, qualifiedName: qualified, kind: kind, firstLine: p.firstLine,
            declarationLine: p.declarationLine, declarationColumn: p.declarationColumn,
            lastLine: lastLine, signature: signature,
            docFirstLine: p.docFirstLine, docLastLine: p.docLastLine, byteStart: 0, byteEnd: 0))
        return spans.count - 1
    }

    mutating func openFunction(_ p: PendingDefinition, baseDepth: Int) {
        let index = makeSpan(p, lastLine: p.lastHeaderEndLine)
        scopes.append(Scope(kind: .function(span: index), name: p.name, indent: p.indent, baseDepth: baseDepth))
        if g.grammar.docComments.firstStatementString { awaitingDocstring = index }
        pending = nil
    }

    mutating func closeBodyless(_ p: PendingDefinition) {
        _ = makeSpan(p, lastLine: p.lastHeaderEndLine)
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
