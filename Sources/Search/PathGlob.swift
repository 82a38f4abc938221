/// A small glob over `/`-separated paths: `*` and `?` stay within one path
/// segment, `**` spans segments (`**/` also matches no segment), `\` escapes.
/// A pattern without `/` matches the last segment anywhere (`*.py`), as in
/// `.gitignore`; a leading `/` anchors at the root.
public struct PathGlob: Sendable, Equatable {
    public let pattern: String
    private let bytes: [UInt8]
    private let basenameOnly: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        var bytes = Array(pattern.utf8)
        if bytes.first == UInt8(ascii: "/") { bytes.removeFirst() }
        basenameOnly = !pattern.contains("/")
        self.bytes = bytes
    }

    public func matches(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { subject in
            bytes.withUnsafeBufferPointer { p in
                var s = subject
                if basenameOnly, let slash = s.lastIndex(of: PathGlob.slash) {
                    s = UnsafeBufferPointer(rebasing: s[(slash + 1)...])
                }
                return PathGlob.match(p, 0, s, 0)
            }
        }
    }

    private static let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
    private static let slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\")

    private static func match(_ p: UnsafeBufferPointer<UInt8>, _ pi: Int, _ s: UnsafeBufferPointer<UInt8>, _ si: Int) -> Bool {
        var pi = pi, si = si
        while pi < p.count {
            let c = p[pi]
            if c == star {
                if pi + 1 < p.count && p[pi + 1] == star {
                    var next = pi + 2
                    if next < p.count && p[next] == slash {
                        next += 1
                        // Zero segments, or any run of whole segments.
                        if match(p, next, s, si) { return true }
                        var k = si
                        while k < s.count {
                            if s[k] == slash && match(p, next, s, k + 1) { return true }
                            k += 1
                        }
                        return false
                    }
                    var k = si
                    while k <= s.count {
                        if match(p, next, s, k) { return true }
                        k += 1
                    }
                    return false
                }
                var k = si
                while true {
                    if match(p, pi + 1, s, k) { return true }
                    if k >= s.count || s[k] == slash { return false }
                    k += 1
                }
            }
            guard si < s.count else { return false }
            if c == question {
                if s[si] == slash { return false }
            } else {
                var literal = c
                if c == backslash && pi + 1 < p.count {
                    pi += 1
                    literal = p[pi]
                }
                if s[si] != literal { return false }
            }
            pi += 1
            si += 1
        }
        return si == s.count
    }
}
