import Hashing
/// The shape of a function's code, blind to its names and literal values: what stays
/// the same when a function is copied and its name, parameters, locals and constants
/// are renamed or changed (a "type-2 clone").
///
/// The function's tokens come from the grammar's own lexer (comments dropped, a whole
/// string literal one token). Every identifier that is not one of the grammar's
/// `keywords` becomes one placeholder, every string or number literal another; keywords
/// and operators stay as they are. Each run of `shingleLength` consecutive tokens is
/// hashed, and two functions compare by the Jaccard similarity of their sets of hashes.
///
/// Embeddings weigh names heavily (renaming everything costs a copy 0.1 to 0.5 of
/// cosine), this weighs them not at all; so the duplicate check uses both.
public struct CloneFingerprint: Sendable, Equatable {
    /// Tokens per shingle: long enough that unrelated code rarely shares a run (short
    /// runs like `) : return ID` are everywhere), short enough that one inserted
    /// statement spoils only a few shingles.
    public static let shingleLength = 8

    /// Distinct shingle hashes, sorted ascending.
    public let shingles: [UInt64]
    /// Tokens in the function, comments excluded.
    public let tokenCount: Int

    init(tokenHashes: [UInt64]) {
        tokenCount = tokenHashes.count
        let k = Self.shingleLength
        var hashes: [UInt64] = []
        if tokenHashes.count <= k {
            if !tokenHashes.isEmpty { hashes.append(Self.combine(tokenHashes[...])) }
        } else {
            hashes.reserveCapacity(tokenHashes.count - k + 1)
            for start in 0...(tokenHashes.count - k) {
                hashes.append(Self.combine(tokenHashes[start..<(start + k)]))
            }
        }
        shingles = Array(Set(hashes)).sorted()
    }

    /// Jaccard similarity of the two shingle sets, 0 to 1 (0 when either is empty).
    public func similarity(to other: CloneFingerprint) -> Float {
        let a = shingles, b = other.shingles
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var i = 0, j = 0, shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                shared += 1; i += 1; j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Float(shared) / Float(a.count + b.count - shared)
    }

    private static func combine(_ window: ArraySlice<UInt64>) -> UInt64 {
        var h: UInt64 = 0x9E3779B97F4A7C15
        for t in window {
            h = (h ^ t) &* 0x100000001b3
            h ^= h >> 29
        }
        return h
    }
}

/// One token as the fingerprint sees it.
enum CloneToken: Equatable {
    case identifier, literal
    /// A keyword or operator, kept as its bytes.
    case text(Range<Int>)
}

extension FunctionScanner {
    /// The fingerprint of `span`'s code in the file `bytes` it was scanned from.
    public func cloneFingerprint(of span: FunctionSpan, in bytes: [UInt8]) -> CloneFingerprint {
        bytes.withUnsafeBufferPointer { buffer in
            var hashes: [UInt64] = []
            forEachCloneToken(in: buffer, span: span) { token in
                switch token {
                case .identifier: hashes.append(1)
                case .literal: hashes.append(2)
                case .text(let range):
                    let h = XXHash64.hash(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[range])))
                    hashes.append(h | 0x8000_0000_0000_0000)
                }
            }
            return CloneFingerprint(tokenHashes: hashes)
        }
    }

    /// The normalised tokens of `span`, `ID` and `LIT` for identifiers and literals, for
    /// tests and for reading what the fingerprint compares.
    public func cloneTokens(of span: FunctionSpan, in bytes: [UInt8]) -> [String] {
        bytes.withUnsafeBufferPointer { buffer in
            var out: [String] = []
            forEachCloneToken(in: buffer, span: span) { token in
                switch token {
                case .identifier: out.append("ID")
                case .literal: out.append("LIT")
                case .text(let range): out.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self))
                }
            }
            return out
        }
    }

    /// Lexes only the span's bytes: a span starts at the beginning of a line outside
    /// any string or comment, so the lexer starts in the state it would be in there.
    func forEachCloneToken(in buffer: UnsafeBufferPointer<UInt8>, span: FunctionSpan, _ body: (CloneToken) -> Void) {
        let start = max(0, min(span.byteStart, buffer.count))
        let end = max(start, min(span.byteEnd, buffer.count))
        let slice = UnsafeBufferPointer(rebasing: buffer[start..<end])
        let g = compiled
        var lexer = Lexer(grammar: g, bytes: slice)
        while let t = lexer.next() {
            switch t.kind {
            case .string:
                body(.literal)
            case .word:
                let first = slice[t.start]
                if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                    body(.literal)
                } else if g.isKeyword(slice, t.start, t.end) {
                    body(.text((start + t.start)..<(start + t.end)))
                } else {
                    body(.identifier)
                }
            case .symbol:
                body(.text((start + t.start)..<(start + t.end)))
            }
        }
    }
}
