import Foundation

/// A tiktoken byte-level BPE encoding (cl100k_base), counting tokens exactly as tiktoken's
/// `encode_ordinary` does: special tokens such as `<|endoftext|>` are plain text here.
public struct TiktokenEncoding: Sendable {
    /// Token bytes → rank. The rank is the token id and the merge priority.
    private let ranks: [ArraySlice<UInt8>: Int]
    private let tokens: [Int: [UInt8]]

    /// Builds an encoding from `.tiktoken` text: one `base64(token) rank` per line.
    public init(rankFile contents: Data) throws {
        var ranks: [ArraySlice<UInt8>: Int] = [:]
        var tokens: [Int: [UInt8]] = [:]
        ranks.reserveCapacity(110_000)
        tokens.reserveCapacity(110_000)
        var lineNumber = 0
        for line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            lineNumber += 1
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count == 2,
                  let bytes = Data(base64Encoded: Data(fields[0])),
                  let rank = Int(String(decoding: fields[1], as: UTF8.self)),
                  !bytes.isEmpty
            else {
                throw OpenAIError.invalidTokenizerFile("line \(lineNumber) is not 'base64 rank'")
            }
            let token = [UInt8](bytes)
            ranks[token[...]] = rank
            tokens[rank] = token
        }
        for byte in 0...255 where ranks[[UInt8(byte)][...]] == nil {
            throw OpenAIError.invalidTokenizerFile("it has no token for byte \(byte)")
        }
        self.ranks = ranks
        self.tokens = tokens
    }

    /// Number of ranks (tokens without the special ones).
    public var vocabularySize: Int { ranks.count }

    /// Token ids of `text`.
    public func encode(_ text: String) -> [Int] {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        var out: [Int] = []
        out.reserveCapacity(bytes.count / 3)
        for piece in TiktokenPreTokenizer.pieces(of: text) {
            encode(piece: bytes[piece], into: &out)
        }
        return out
    }

    /// Number of tokens in `text`.
    public func count(_ text: String) -> Int {
        encode(text).count
    }

    /// The bytes of `tokens`, joined. May end inside a UTF-8 sequence.
    public func decodeBytes(_ ids: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        for id in ids { out += tokens[id] ?? [] }
        return out
    }

    /// The longest prefix of `text` that encodes to at most `maxTokens` tokens, cut at a
    /// token boundary (and a character boundary).
    public func truncate(_ text: String, maxTokens: Int) -> String {
        let ids = encode(text)
        if ids.count <= maxTokens { return text }
        var budget = max(0, maxTokens)
        while budget > 0 {
            let prefix = Self.validUTF8Prefix(decodeBytes(Array(ids[..<budget])))
            // Re-encoding a prefix can split its last piece differently; check, and shrink if needed.
            let used = count(prefix)
            if used <= maxTokens { return prefix }
            budget -= max(1, used - maxTokens)
        }
        return ""
    }

    /// Drops a trailing incomplete UTF-8 sequence.
    static func validUTF8Prefix(_ bytes: [UInt8]) -> String {
        var end = bytes.count
        // A sequence is at most 4 bytes: step back over continuation bytes to its lead byte.
        var back = 0
        while back < 4, end - back - 1 >= 0, bytes[end - back - 1] & 0xC0 == 0x80 { back += 1 }
        if end - back - 1 >= 0 {
            let lead = bytes[end - back - 1]
            let needed = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            if back + 1 < needed { end = end - back - 1 }
        }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    private func encode(piece: ArraySlice<UInt8>, into out: inout [Int]) {
        if let rank = ranks[piece] {
            out.append(rank)
            return
        }
        for part in merge(piece) { out.append(ranks[part] ?? 0) }
    }

    /// tiktoken's `byte_pair_merge`: repeatedly merge the adjacent pair whose joined bytes have
    /// the lowest rank (leftmost on ties) until no joined pair is a token.
    private func merge(_ piece: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        let base = piece.startIndex
        // starts[i] is where part i begins; pairRank[i] the rank of parts i and i+1 joined.
        var starts = Array(base...piece.endIndex)
        var pairRank = [Int](repeating: .max, count: starts.count)
        func rank(_ i: Int) -> Int {
            guard i + 2 < starts.count else { return .max }
            return ranks[piece[starts[i]..<starts[i + 2]]] ?? .max
        }
        for i in 0..<starts.count { pairRank[i] = rank(i) }
        while starts.count > 2 {
            var best = Int.max
            var at = -1
            for i in 0..<(starts.count - 2) where pairRank[i] < best {
                best = pairRank[i]
                at = i
            }
            if at < 0 { break }
            starts.remove(at: at + 1)
            pairRank.remove(at: at + 1)
            pairRank[at] = rank(at)
            if at > 0 { pairRank[at - 1] = rank(at - 1) }
        }
        return (0..<(starts.count - 1)).map { piece[starts[$0]..<starts[$0 + 1]] }
    }
}
