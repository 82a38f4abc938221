/// Type declarations (the grammar's `types`): they name the scope of what they hold
/// (`Cache.load`), and the ones with a `kind` or `bodyKinds` are units themselves,
/// spanning the declaration from its first attribute or decorator line to the end of
/// its body, with the header up to the body as their signature.
extension ScanEngine {
    struct PendingType {
        var rule: Int
        /// Statement depth of the declaration: its body opens at this depth.
        var depth: Int
        var firstLine: Int
        var declarationLine: Int
        var declarationColumn: Int
        var signatureStart: Int
        var docFirstLine: Int?
        var docLastLine: Int?
        /// Tokens at statement depth after the name (brackets aside) and the last of them:
        /// with `bodyKinds`, it must be the only one (`type T struct {`, not `type T map[K]struct{}`).
        var wordsAfterName = 0
        var lastWord: (start: Int, end: Int)?
        /// The group's keyword, for a type declared inside `type ( ... )`.
        var groupKeyword: String?
    }

    /// At a type keyword in keyword position: what precedes it (attributes, modifiers,
    /// doc comment) belongs to the declaration.
    mutating func startType(_ t: Token, rule: Int) {
        notePrefix(t)
        let first = prefixToken ?? t
        var p = PendingType(rule: rule, depth: t.depth, firstLine: first.line, declarationLine: t.line,
                            declarationColumn: t.column, signatureStart: signatureStart ?? t.start)
        if let d = prefixDoc { p.docFirstLine = d.0; p.docLastLine = d.1 }
        pendingType = p
        headerTokens.removeAll(keepingCapacity: true)
        headerTokens.append((t.start, t.end))
        mode = .typeName(keyword: t)
    }

    mutating func typeName(_ t: Token, keyword: Token) {
        if t.kind == .word, let r = role(t), r.reserved || r.definition >= 0 || r.type >= 0 || r.modifier {
            // `class func`, `class var`: the type keyword was a modifier.
            pendingType = nil
            notePrefix(keyword)
            if signatureStart == nil { signatureStart = keyword.start }
            mode = .idle
            idle(t)
            return
        }
        resetPrefix()
        guard let p = pendingType else { mode = .idle; idle(t); return }
        let rule = g.grammar.types[p.rule]
        if rule.grouped == true && t.opensJoin && !t.newlineBefore {
            pendingType = nil
            typeGroup = (depth: t.depth + 1, rule: p.rule, scopes: scopes.count)
            mode = .idle
            return
        }
        if t.kind == .word && !t.newlineBefore {
            pendingTypeName = text(t)
            headerTokens.append((t.start, t.end))
            mode = rule.dottedName == true ? .typeDotted(expectName: false) : .typeHeader
            return
        }
        pendingType = nil
        mode = .idle
        idle(t)
    }

    /// Inside `type ( ... )`, each statement's first word names a type; returns true
    /// when `t` was one. The group ends at its closing bracket.
    mutating func groupedTypeStatement(_ t: Token) -> Bool {
        guard let group = typeGroup else { return false }
        if t.depth < group.depth || scopes.count < group.scopes {
            typeGroup = nil
            return false
        }
        guard t.newlineBefore, t.kind == .word, t.depth == group.depth, scopes.count == group.scopes,
              role(t) == nil else { return false }
        notePrefix(t)
        var p = PendingType(rule: group.rule, depth: t.depth, firstLine: t.line, declarationLine: t.line,
                            declarationColumn: t.column, signatureStart: t.start)
        if let d = prefixDoc { p.docFirstLine = d.0; p.docLastLine = d.1 }
        p.groupKeyword = g.grammar.types[group.rule].keyword
        resetPrefix()
        pendingType = p
        pendingTypeName = text(t)
        headerTokens.removeAll(keepingCapacity: true)
        headerTokens.append((t.start, t.end))
        mode = .typeHeader
        return true
    }

    mutating func typeDotted(_ t: Token, expectName: Bool) {
        if expectName && t.kind == .word {
            pendingTypeName += "." + text(t)
            headerTokens.append((t.start, t.end))
            mode = .typeDotted(expectName: false)
        } else if !expectName && t.word == g.dot && t.word >= 0 {
            headerTokens.append((t.start, t.end))
            mode = .typeDotted(expectName: true)
        } else {
            mode = .typeHeader
            typeHeader(t)
        }
    }

    mutating func typeHeader(_ t: Token) {
        guard var p = pendingType else { mode = .idle; idle(t); return }
        let r = role(t)
        let atBase = t.depth <= p.depth
        if atBase, let r, r.bodyOpen, t.kind != .string {
            if g.indentation { headerTokens.append((t.start, t.end)) }
            openType(p, bodyDepth: t.depth)
            return
        }
        let ends = atBase && t.word >= 0
            && (t.word == g.semicolon || t.word == g.closeBrace || r?.definition ?? -1 >= 0 || r?.type ?? -1 >= 0)
        // With `bodyKinds` the body word and its opener are on the declaration's line.
        let bodylessLine = atBase && t.newlineBefore && g.grammar.types[p.rule].bodyKinds != nil
        if ends || bodylessLine {
            pendingType = nil
            mode = .idle
            idle(t)
            return
        }
        if atBase && !t.opensJoin && !t.closesJoin {
            p.wordsAfterName += 1
            p.lastWord = (t.start, t.end)
        }
        pendingType = p
        if headerTokens.count < 512 { headerTokens.append((t.start, t.end)) }
    }

    /// The body opens: a type scope, and a unit when the grammar gives the declaration a kind.
    mutating func openType(_ p: PendingType, bodyDepth: Int) {
        let rule = g.grammar.types[p.rule]
        var kind = rule.kind
        if let kinds = rule.bodyKinds {
            kind = nil
            if p.wordsAfterName == 1, let w = p.lastWord { kind = kinds[text(w.start, w.end)] }
        }
        var index: Int?
        if let kind {
            let (qualified, _) = qualifiedName(pendingTypeName, receiver: nil)
            var signature = foldedSignature(from: p.signatureStart)
            if let keyword = p.groupKeyword { signature = keyword + " " + signature }
            spans.append(FunctionSpan(
                name: pendingTypeName, qualifiedName: qualified, kind: kind, firstLine: p.firstLine,
                declarationLine: p.declarationLine, declarationColumn: p.declarationColumn,
                lastLine: p.declarationLine, signature: signature,
                docFirstLine: p.docFirstLine, docLastLine: p.docLastLine, byteStart: 0, byteEnd: 0))
            index = spans.count - 1
            if g.grammar.docComments.firstStatementString { awaitingDocstring = index }
        }
        scopes.append(Scope(kind: .type(span: index), name: pendingTypeName, indent: logicalIndent, baseDepth: bodyDepth))
        pendingType = nil
        mode = .idle
    }

    /// A definition keyword with `topLevel` names a definition only as the first token
    /// of a statement outside every scope; elsewhere it starts a literal (`func(x) {`).
    func definitionAllowed(_ t: Token, rule: Int) -> Bool {
        guard g.grammar.definitions[rule].topLevel == true else { return true }
        return scopes.isEmpty && t.newlineBefore && typeGroup == nil
    }

    /// The header tokens from `start` (modifiers) on, whitespace-folded, about 2000 bytes at most.
    func foldedSignature(from start: Int) -> String {
        var signature: [UInt8] = []
        var last = -1
        for (s, e) in headerTokens {
            if last >= 0 && s > last { signature.append(32) }
            for k in s..<e {
                let c = lexer.b[k]
                if c == 10 || c == 13 || c == 9 {
                    if signature.last != 32 { signature.append(32) }
                } else {
                    signature.append(c)
                }
            }
            last = e
            if signature.count > 2000 { break }
        }
        if let firstToken = headerTokens.first, start < firstToken.0 {
            let prefix = text(start, firstToken.0)
            let folded = prefix.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
            signature = Array((folded + " ").utf8) + signature
        }
        return String(decoding: signature, as: UTF8.self)
    }
}
