/// The definitions the scan meets: their start, name, header and span (`ScanEngine`).
extension ScanEngine {
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
}
