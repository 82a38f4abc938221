/// A gitignore-style path pattern: `*` and `?` within one path component, `**`
/// across components. A pattern without a `/` matches a file name in any folder;
/// one with a `/` matches from the repository root. A pattern that matches a
/// folder matches everything below it.
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    private let components: [[UInt8]]
    private let anchored: Bool

    public init(_ pattern: String) {
        description = pattern
        var text = pattern
        while text.hasPrefix("./") { text.removeFirst(2) }
        // As in gitignore: a slash at the start or in the middle anchors; a trailing one does not.
        anchored = (text.hasSuffix("/") ? text.dropLast() : text[...]).contains("/")
        if text.hasPrefix("/") { text.removeFirst() }
        if text.hasSuffix("/") { text.removeLast() }
        components = text.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
    }

    /// Whether `path` (relative to the repository root, `/`-separated) matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
        if anchored {
            return PathPattern.match(components[...], parts[...])
        }
        // Unanchored: the pattern may start at any folder depth.
        for start in parts.indices where PathPattern.match(components[...], parts[start...]) {
            return true
        }
        return false
    }

    /// Matches pattern components against a prefix of the path's components.
    private static func match(_ pattern: ArraySlice<[UInt8]>, _ path: ArraySlice<[UInt8]>) -> Bool {
        guard let first = pattern.first else { return true }  // matched a folder prefix
        if first == Array("**".utf8) {
            let rest = pattern.dropFirst()
            var remaining = path
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let component = path.first, matchComponent(first[...], component[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }

    /// `*` and `?` within one component, iteratively with backtracking to the last star.
    static func matchComponent(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var star: Int? = nil, starText = t
        while t < text.endIndex {
            if p < pattern.endIndex && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
                p += 1; t += 1
            } else if p < pattern.endIndex && pattern[p] == UInt8(ascii: "*") {
                star = p; starText = t; p += 1
            } else if let s = star {
                p = s + 1; starText += 1; t = starText
            } else {
                return false
            }
        }
        while p < pattern.endIndex && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
