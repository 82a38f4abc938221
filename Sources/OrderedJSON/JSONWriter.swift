/// The output and the stack of open containers behind an `OrderedJSONEncoder` run.
/// A container is closed when something is written at a shallower depth, or when the
/// value that opened it is finished.
final class JSONWriter {
    var bytes: [UInt8] = []
    let escaping: OrderedJSONEncoder.Escaping
    /// Open containers, innermost last: the byte that closes each, and whether it holds an
    /// element yet (the next one is preceded by a comma).
    private var open: [(closer: UInt8, hasElement: Bool)] = []

    init(escaping: OrderedJSONEncoder.Escaping) {
        self.escaping = escaping
    }

    /// Opens an object or array; returns its depth, which its container writes at.
    func openContainer(_ opener: UInt8, _ closer: UInt8) -> Int {
        bytes.append(opener)
        open.append((closer, false))
        return open.count - 1
    }

    /// Closes the containers deeper than `depth`, then writes the separator before the next
    /// element of the container at `depth`.
    func beginElement(at depth: Int) {
        close(deeperThan: depth + 1)
        if open[depth].hasElement { bytes.append(UInt8(ascii: ",")) } else { open[depth].hasElement = true }
    }

    /// `"key":` as the next element of the object at `depth`.
    func key(_ key: String, at depth: Int) {
        beginElement(at: depth)
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private func close(deeperThan depth: Int) {
        while open.count > depth { bytes.append(open.removeLast().closer) }
    }

    /// Any value: written, and every container it opened closed. A value that writes
    /// nothing at all is `{}`, as `JSONEncoder` writes it.
    func value<T: Encodable>(_ value: T) throws {
        let depth = open.count, start = bytes.count
        try value.encode(to: JSONValueEncoder(writer: self))
        close(deeperThan: depth)
        if bytes.count == start { raw("{}") }
    }

    func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    func null() { raw("null") }

    func bool(_ v: Bool) { raw(v ? "true" : "false") }

    func integer<T: BinaryInteger>(_ v: T) { Self.appendInteger(v, to: &bytes) }

    /// Decimal digits written in place, with no `String` in between.
    static func appendInteger<T: BinaryInteger>(_ v: T, to out: inout [UInt8]) {
        guard var m = UInt64(exactly: v.magnitude) else { return out.append(contentsOf: String(v).utf8) }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(m % 10))
            m /= 10
        } while m > 0
        out[start...].reverse()
    }

    func float<T: BinaryFloatingPoint & LosslessStringConvertible>(_ v: T) throws {
        guard v.isFinite else {
            throw EncodingError.invalidValue(v, EncodingError.Context(codingPath: [], debugDescription: "\(v) is not a JSON number"))
        }
        raw(v.description)
    }

    // The escapers take the output `inout`: one exclusive access to `bytes` a string, not
    // one a byte (each access to a class's stored property is checked at run time).

    func string(_ s: String) {
        switch escaping {
        case .standard: Self.appendStandard(s, to: &bytes)
        case .script: Self.appendScript(s, to: &bytes)
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Whether a byte is escaped by `.standard`.
    @inline(__always)
    private static func needsEscape(_ c: UInt8) -> Bool { c < 0x20 || c == 0x22 || c == 0x5C || c == 0x7F }

    static func appendStandard(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = s
        s.withUTF8 { utf8 in
            var start = 0
            for (i, c) in utf8.enumerated() where needsEscape(c) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<i]))
                start = i + 1
                switch c {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                default: appendUnicodeEscape(UInt32(c), to: &out)
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        out.append(0x22)
    }

    private static func appendScript(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += [0x5C, 0x22]
            case "\\": out += [0x5C, 0x5C]
            case "\n": out += [0x5C, UInt8(ascii: "n")]
            case "\t": out += [0x5C, UInt8(ascii: "t")]
            case "<", ">", "&", "\u{2028}", "\u{2029}": appendUnicodeEscape(scalar.value, to: &out)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    appendUnicodeEscape(scalar.value, to: &out)
                } else {
                    UTF8.encode(scalar) { out.append($0) }
                }
            }
        }
        out.append(0x22)
    }

    /// `\uXXXX`, lowercase hex (values below U+10000 only).
    private static func appendUnicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
        out += [0x5C, UInt8(ascii: "u")]
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int(value >> UInt32(shift) & 15)]) }
    }
}
