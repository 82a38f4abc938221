/// Splits identifiers into lower-case words, the way a reader says them:
/// `parseHTTPHeader` → parse http header, `max_retry_count` → max retry count.
/// ASCII only; mirrored by `scripts/eval/common.py` (`split_identifier`).
public enum IdentifierWords {
    /// The words of one identifier, lower-cased; `_` and other separators dropped.
    public static func split<C: Collection>(_ identifier: C) -> [String] where C.Element == UInt8 {
        var words: [String] = []
        Array(identifier).withUnsafeBufferPointer { c in
            forEachWord(c) { words.append(String(decoding: $0, as: UTF8.self)) }
        }
        return words
    }

    /// Calls `body` with each word of the identifier `c`, lower-cased, in order, without
    /// allocating: the word's bytes are valid only during the call. The words `split`
    /// returns, which depends on it.
    @inline(__always)
    package static func forEachWord(_ c: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(1, c.count)) { scratch in
            var i = 0
            while let (start, end) = nextWord(c, from: &i) {
                for k in start..<end { scratch[k - start] = lower(c[k]) }
                body(UnsafeBufferPointer(rebasing: scratch[0..<(end - start)]))
            }
        }
    }

    /// The next word's bounds in `c` at or after `i` (moved past it), or nil at the end.
    @inline(__always)
    package static func nextWord(_ c: UnsafeBufferPointer<UInt8>, from i: inout Int) -> (Int, Int)? {
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
            return (start, i)
        }
        return nil
    }

    /// The text with every identifier of two or more words replaced by its
    /// words joined with spaces; everything else is kept byte for byte.
    public static func splitIdentifiers(in text: String) -> String {
        var text = text, out: [UInt8] = []
        text.withUTF8 { appendSplitting($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `splitIdentifiers` of raw bytes, appended to `out`. Only ASCII identifier runs change,
    /// so splitting bytes that are not valid UTF-8 and decoding afterwards gives what
    /// decoding first and splitting gives.
    package static func appendSplitting(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count + bytes.count / 8)
        var i = 0
        while i < bytes.count {
            guard isIdentifierStart(bytes[i]) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let start = i
            while i < bytes.count && isIdentifierPart(bytes[i]) { i += 1 }
            // Two or more words: the words joined by spaces; else the bytes as they are.
            let mark = out.count
            var count = 0
            IdentifierWords.forEachWord(UnsafeBufferPointer(rebasing: bytes[start..<i])) { word in
                if count > 0 { out.append(32) }
                out.append(contentsOf: word)
                count += 1
            }
            if count <= 1 {
                out.removeSubrange(mark...)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
            }
        }
    }

    @inline(__always) package static func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
    @inline(__always) package static func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
    @inline(__always) package static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    @inline(__always) package static func isIdentifierStart(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) || b == 95 }
    @inline(__always) package static func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
    @inline(__always) package static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b + 32 : b }
}
