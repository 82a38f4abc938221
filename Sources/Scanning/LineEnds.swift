import Foundation

/// Line ends as every part of codesearch counts them: LF, CRLF, and a lone CR (classic
/// Mac files). Python's and Swift's own lexers end a line at a lone CR too, so a scanner
/// that did not would put every function of such a file on line 1.
public enum LineEnds {
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// `bytes` with every lone CR (one not followed by LF) turned into LF, or nil when there
    /// is none, which is nearly always. The copy has the same length, so byte offsets into
    /// it are offsets into the original, and a CRLF stays one line end.
    public static func loneCRsAsLF(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let base = bytes.baseAddress, firstLoneCR(base, bytes.count, from: 0) != nil else { return nil }
        var copy = Array(bytes)
        var from = 0
        while let k = firstLoneCR(base, bytes.count, from: from) {
            copy[k] = lf
            from = k + 1
        }
        return copy
    }

    /// The lines `first...last` (1-based) of `bytes`, each without its line end, decoded as
    /// UTF-8 (invalid bytes replaced).
    public static func lines(of bytes: [UInt8], from first: Int, through last: Int) -> [String] {
        guard first <= last else { return [] }
        var out: [String] = []
        var line = 1
        var start = 0
        var i = 0
        while i <= bytes.count && line <= last {
            let atEnd = i == bytes.count
            let c = atEnd ? 0 : bytes[i]
            if atEnd || c == lf || c == cr {
                if line >= first {
                    out.append(String(decoding: bytes[start..<i], as: UTF8.self))
                }
                if c == cr, i + 1 < bytes.count, bytes[i + 1] == lf { i += 1 }
                line += 1
                start = i + 1
            }
            i += 1
        }
        return out
    }

    /// The offset of the first lone CR at or after `from`.
    private static func firstLoneCR(_ base: UnsafePointer<UInt8>, _ count: Int, from: Int) -> Int? {
        var p = from
        while p < count, let hit = memchr(base + p, Int32(cr), count - p) {
            let k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if k + 1 >= count || base[k + 1] != lf { return k }
            p = k + 2
        }
        return nil
    }
}
