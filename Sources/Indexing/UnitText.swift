import IndexStorage
import Scanning

/// What a type unit or a module unit is embedded with: a summary, not its whole
/// source (the model reads 256 word pieces; the members are units of their own).
/// Built from the blob's bytes and its other units only, so it never depends on a path.
///
/// - A type: its qualified name, its doc comment or docstring, its header, then its
///   members in source order: the signatures of the units named `Type.member`
///   (methods, nested types, Go methods by receiver) and the first line of each
///   other statement at member level (fields, properties, enum cases).
/// - A module: its header comment or docstring, the names of the units it defines
///   at top level, then its top-level lines outside every unit (imports, constants,
///   statements).
enum UnitText {
    static let docLimit = 300
    static let memberLimit = 700
    static let memberLineLimit = 120
    static let namesLimit = 400
    static let topLevelLimit = 500

    /// The units of one blob, indexed once for all its type units' summaries: a file
    /// with thousands of types and members (generated code) costs linear time, not
    /// types × units.
    struct Index {
        /// Unit indexes by the qualified name of what they are a member of (`A.b` under `A`).
        var membersByParent: [String: [Int]] = [:]
        /// Non-module unit indexes by first line, for the units nested in a type's lines.
        var byFirstLine: [Int] = []

        init(_ units: [FunctionSpan]) {
            for (i, u) in units.enumerated() where u.kind != .module {
                // `u` is a member of P when its qualified name is P + "." + its name.
                let q = Array(u.qualifiedName.utf8), n = Array(u.name.utf8)
                if q.count > n.count, q[q.count - n.count - 1] == UInt8(ascii: "."), q.suffix(n.count).elementsEqual(n) {
                    membersByParent[String(decoding: q.prefix(q.count - n.count - 1), as: UTF8.self), default: []].append(i)
                }
                byFirstLine.append(i)
            }
            byFirstLine.sort { units[$0].firstLine < units[$1].firstLine }
        }
    }

    static func type(_ unit: FunctionSpan, at position: Int, units: [FunctionSpan], index: Index,
                     lines: LineTable) -> String {
        var out = unit.qualifiedName + "\n"
        if let first = unit.docFirstLine, let last = unit.docLastLine {
            out += lines.folded(first...last, limit: docLimit) + "\n"
        }
        out += unit.signature + "\n"
        var members: [(line: Int, text: String)] = []
        for i in index.membersByParent[unit.qualifiedName] ?? [] where i != position {
            members.append((units[i].declarationLine, Characters.prefix(units[i].signature, memberLineLimit)))
        }
        // Units starting after the declaration line and ending within the type (first
        // lines are sorted: a binary search finds where they begin).
        var nested: [ClosedRange<Int>] = []
        var low = 0, high = index.byFirstLine.count
        while low < high {
            let mid = (low + high) / 2
            if units[index.byFirstLine[mid]].firstLine <= unit.declarationLine { low = mid + 1 } else { high = mid }
        }
        for i in index.byFirstLine[low...] where i != position {
            if units[i].firstLine > unit.lastLine { break }
            if units[i].lastLine <= unit.lastLine { nested.append(units[i].firstLine...units[i].lastLine) }
        }
        members += memberLines(of: unit, skipping: nested, lines: lines)
        members.sort { $0.line < $1.line }
        var budget = memberLimit
        for m in members where budget > 0 {
            let text = Characters.prefix(m.text, budget)
            out += text + "\n"
            budget -= Characters.count(text) + 1
        }
        return out
    }

    /// The body's lines at the smallest indentation that start a statement with a
    /// word or an attribute, outside nested units and the doc: fields, properties, cases.
    static func memberLines(of unit: FunctionSpan, skipping nested: [ClosedRange<Int>],
                            lines: LineTable) -> [(line: Int, text: String)] {
        guard unit.lastLine > unit.declarationLine else { return [] }
        // Lines inside nested units, marked once (not one search per line).
        let base = unit.declarationLine + 1
        var inside = [Bool](repeating: false, count: unit.lastLine - base + 1)
        for range in nested {
            for k in range where k >= base && k <= unit.lastLine { inside[k - base] = true }
        }
        var candidates: [(line: Int, indent: Int)] = []
        for k in base...unit.lastLine {
            if let first = unit.docFirstLine, let last = unit.docLastLine, first <= k && k <= last { continue }
            if inside[k - base] { continue }
            guard let (indent, byte) = lines.firstByte(of: k) else { continue }
            let isWord = byte == UInt8(ascii: "_") || byte == UInt8(ascii: "@") || byte >= 0x80
                || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            if isWord { candidates.append((k, indent)) }
            if candidates.count >= 256 { break }
        }
        guard let level = candidates.map(\.indent).min() else { return [] }
        return candidates.filter { $0.indent == level }.map {
            ($0.line, lines.folded($0.line...$0.line, limit: memberLineLimit))
        }
    }

    static func module(_ unit: FunctionSpan, units: [FunctionSpan], lines: LineTable) -> String {
        var out = ""
        if let first = unit.docFirstLine, let last = unit.docLastLine {
            out += lines.folded(first...last, limit: docLimit) + "\n"
        }
        // A unit starting after every earlier top-level one ends is top-level; its doc
        // comment (above `firstLine`) belongs to it, not to the module.
        func start(_ u: FunctionSpan) -> Int { min(u.firstLine, u.docFirstLine ?? u.firstLine) }
        let ordered = units.filter { $0.kind != .module }
            .sorted { (start($0), -$0.lastLine) < (start($1), -$1.lastLine) }
        var topLevel: [FunctionSpan] = []
        var coveredTo = 0
        for u in ordered where start(u) > coveredTo {
            topLevel.append(u)
            coveredTo = u.lastLine
        }
        var names = ""
        for u in topLevel where names.count < namesLimit {
            names += (names.isEmpty ? "" : ", ") + u.qualifiedName
        }
        if !names.isEmpty { out += Characters.prefix(names, namesLimit) + "\n" }
        var budget = topLevelLimit
        var next = 0
        var k = 1
        while k <= lines.count && budget > 0 {
            if next < topLevel.count && k >= start(topLevel[next]) {
                k = topLevel[next].lastLine + 1
                next += 1
                continue
            }
            let inDoc = unit.docFirstLine.map { $0 <= k && k <= (unit.docLastLine ?? $0) } ?? false
            if !inDoc, lines.firstByte(of: k) != nil {
                let text = lines.folded(k...k, limit: min(budget, memberLineLimit))
                out += text + "\n"
                budget -= Characters.count(text) + 1
            }
            k += 1
        }
        return out
    }
}

/// Line access over a blob's bytes, 1-based.
struct LineTable {
    let bytes: [UInt8]
    private var starts: [Int] = [0]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        for (i, b) in bytes.enumerated() where b == 10 { starts.append(i + 1) }
    }

    var count: Int { starts.count }

    func range(of line: Int) -> Range<Int> {
        guard line >= 1 && line <= starts.count else { return 0..<0 }
        let end = line < starts.count ? starts[line] - 1 : bytes.count
        return starts[line - 1]..<max(end, starts[line - 1])
    }

    /// The indentation width and the first byte that is not white space, or nil for a blank line.
    func firstByte(of line: Int) -> (Int, UInt8)? {
        var indent = 0
        for i in range(of: line) {
            let b = bytes[i]
            if b == 32 { indent += 1 } else if b == 9 { indent = (indent / 8 + 1) * 8 } else if b != 13 { return (indent, b) }
        }
        return nil
    }

    /// The lines' text with runs of white space folded to one space, at most `limit` characters.
    func folded(_ lines: ClosedRange<Int>, limit: Int) -> String {
        var out: [UInt8] = []
        for line in lines {
            for i in range(of: line) {
                let b = bytes[i]
                if b == 32 || b == 9 || b == 13 {
                    if let last = out.last, last != 32 { out.append(32) }
                } else {
                    out.append(b)
                }
                if out.count >= limit * 2 { break }
            }
            if let last = out.last, last != 32 { out.append(32) }
            if out.count >= limit * 2 { break }
        }
        while out.last == 32 { out.removeLast() }
        return Characters.prefix(String(decoding: out, as: UTF8.self), limit)
    }
}
