/// Splits identifiers into lower-case words, the way a reader says them:
/// `parseHTTPHeader` → parse http header, `max_retry_count` → max retry count.
/// ASCII only; mirrored by `scripts/eval/common.py` (`split_identifier`).
public enum IdentifierWords {
    /// The words of one identifier, lower-cased; `_` and other separators dropped.
    public static func split<C: Collection>(_ identifier: C) -> [String] where C.Element == UInt8 {
        let c = Array(identifier)
        var words: [String] = []
        var i = 0
        while i < c.count {
            let start = i
            if isUpper(c[i]) {
                var j = i
                while j < c.count && isUpper(c[j]) { j += 1 }
                let run = j - i
                if j < c.count && isLower(c[j]) {
                    if run >= 2 {
                        i = j - 1  // HTTPHeader: the last capital starts the next word
                    } else {
                        i = j
                        while i < c.count && isLower(c[i]) { i += 1 }
                    }
                } else {
                    i = j
                }
            } else if isLower(c[i]) {
                while i < c.count && isLower(c[i]) { i += 1 }
            } else if isDigit(c[i]) {
                while i < c.count && isDigit(c[i]) { i += 1 }
            } else {
                i += 1
                continue
            }
            words.append(String(decoding: c[start..<i].map(lower), as: UTF8.self))
        }
        return words
    }

    /// The text with every identifier of two or more words replaced by its
    /// words joined with spaces; everything else is kept byte for byte.
    public static func splitIdentifiers(in text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var i = 0
        while i < bytes.count {
            guard isIdentifierStart(bytes[i]) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let start = i
            while i < bytes.count && isIdentifierPart(bytes[i]) { i += 1 }
            let words = split(bytes[start..<i])
            if words.count > 1 {
                out += Array(words.joined(separator: " ").utf8)
            } else {
                out += bytes[start..<i]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) static func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
    @inline(__always) static func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    @inline(__always) static func isIdentifierStart(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) || b == 95 }
    @inline(__always) static func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b + 32 : b }
}
