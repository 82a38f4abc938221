/// Counts and truncates inputs for an embeddings API.
public protocol OpenAITokenCounter: Sendable {
    /// Tokens in `text`, or an upper bound on them when `isExact` is false.
    func count(_ text: String) -> Int
    /// A prefix of `text` whose count is at most `maxTokens`.
    func truncate(_ text: String, maxTokens: Int) -> String
    /// Whether `count` is the API's own count (cl100k_base) rather than a bound.
    var isExact: Bool { get }
}

extension TiktokenEncoding: OpenAITokenCounter {
    public var isExact: Bool { true }
}

/// The safe bound used when cl100k_base's rank file is not available: one token per
/// UTF-8 byte. Byte-level BPE never produces more tokens than bytes, so an input cut to
/// N bytes is never more than N tokens. It over-counts (real code is ~3-4 bytes a token),
/// so inputs are cut shorter and requests are smaller than they need be, but none is refused.
public struct UTF8ByteTokenBound: OpenAITokenCounter {
    public init() {}
    public var isExact: Bool { false }

    public func count(_ text: String) -> Int { text.utf8.count }

    public func truncate(_ text: String, maxTokens: Int) -> String {
        if text.utf8.count <= maxTokens { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: max(0, maxTokens))
        // Back up to a scalar boundary so no character is cut in half.
        while end.samePosition(in: text.unicodeScalars) == nil { end = text.utf8.index(before: end) }
        return String(text.unicodeScalars[..<end])
    }
}
