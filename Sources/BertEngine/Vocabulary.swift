/// A WordPiece vocabulary (token → id) as one flat open-addressing table over UTF-8
/// bytes. Lookups hash and compare bytes in place (no `String` is built per candidate
/// piece), and the table is two arrays, so the tokenizer cache stores it as it is and
/// loading it costs a copy rather than 30,000 dictionary insertions.
import Hashing
struct Vocabulary: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// Per slot: byte offset, byte length, id; offset `UInt32.max` marks an empty slot.
    private(set) var slots: [UInt32]
    /// Every token's UTF-8 bytes, back to back.
    private(set) var bytes: [UInt8]
    let count: Int
    /// The longest token in Unicode scalars, which bounds WordPiece's match search.
    let longestPiece: Int

    static let empty = UInt32.max

    init(_ tokens: [String: Int32]) {
        var capacity = 16
        while capacity < tokens.count * 2 { capacity *= 2 }
        var slots = [UInt32](repeating: 0, count: capacity * 3)
        for s in 0..<capacity { slots[s * 3] = Vocabulary.empty }
        var bytes: [UInt8] = []
        var longest = 0
        // Sorted by id, so the table (and the cache file) is the same for the same vocabulary.
        for (token, id) in tokens.sorted(by: { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }) {
            let utf8 = Array(token.utf8)
            var slot = Int(truncatingIfNeeded: XXHash64.hash(utf8)) & (capacity - 1)
            while slots[slot * 3] != Vocabulary.empty { slot = (slot + 1) & (capacity - 1) }
            slots[slot * 3] = UInt32(bytes.count)
            slots[slot * 3 + 1] = UInt32(utf8.count)
            slots[slot * 3 + 2] = UInt32(bitPattern: id)
            bytes.append(contentsOf: utf8)
            longest = max(longest, token.unicodeScalars.count)
        }
        self.slots = slots
        self.bytes = bytes
        count = tokens.count
        longestPiece = longest
    }

    init(dictionaryLiteral elements: (String, Int32)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { first, _ in first }))
    }

    /// A table read back from `slots` and `bytes` (the tokenizer cache); nil when it does not hold together.
    init?(slots: [UInt32], bytes: [UInt8], count: Int, longestPiece: Int) {
        let capacity = slots.count / 3
        guard capacity > 0, capacity & (capacity - 1) == 0, slots.count == capacity * 3, count < capacity else { return nil }
        var used = 0
        for s in 0..<capacity where slots[s * 3] != Vocabulary.empty {
            guard UInt64(slots[s * 3]) + UInt64(slots[s * 3 + 1]) <= UInt64(bytes.count) else { return nil }
            used += 1
        }
        guard used == count else { return nil }
        self.slots = slots
        self.bytes = bytes
        self.count = count
        self.longestPiece = longestPiece
    }

    subscript(token: String) -> Int32? {
        var token = token
        return token.withUTF8 { id(prefix: [], UnsafeRawBufferPointer($0)) }
    }

    /// The id of `prefix` followed by `piece`, if that is a token.
    func id(prefix: [UInt8], _ piece: UnsafeRawBufferPointer) -> Int32? {
        let h = Self.slotHash(prefix: prefix, piece)
        let mask = slots.count / 3 - 1
        let length = prefix.count + piece.count
        return slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBufferPointer { bytes in
                var slot = Int(truncatingIfNeeded: h) & mask
                while true {
                    let offset = slots[slot * 3]
                    if offset == Vocabulary.empty { return nil }
                    if Int(slots[slot * 3 + 1]) == length {
                        let at = Int(offset)
                        var equal = true
                        for (i, b) in prefix.enumerated() where bytes[at + i] != b { equal = false; break }
                        if equal {
                            let rest = at + prefix.count
                            for i in 0..<piece.count where bytes[rest + i] != piece[i] { equal = false; break }
                        }
                        if equal { return Int32(bitPattern: slots[slot * 3 + 2]) }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Every (token, id), in slot order.
    var entries: [(token: String, id: Int32)] {
        stride(from: 0, to: slots.count, by: 3).compactMap { s in
            guard slots[s] != Vocabulary.empty else { return nil }
            let at = Int(slots[s])
            let token = String(decoding: bytes[at..<(at + Int(slots[s + 1]))], as: UTF8.self)
            return (token, Int32(bitPattern: slots[s + 2]))
        }
    }

    var dictionary: [String: Int32] {
        Dictionary(entries.map { ($0.token, $0.id) }, uniquingKeysWith: { first, _ in first })
    }

    static func == (a: Vocabulary, b: Vocabulary) -> Bool {
        a.count == b.count && a.dictionary == b.dictionary
    }
}

extension Vocabulary {
    /// XXH64 of `prefix` followed by `piece`, as `init` hashed the token's bytes: the two
    /// are copied side by side on the stack (a WordPiece candidate is at most a word long).
    static func slotHash(prefix: [UInt8], _ piece: UnsafeRawBufferPointer) -> UInt64 {
        let length = prefix.count + piece.count
        return withUnsafeTemporaryAllocation(byteCount: max(length, 1), alignment: 8) { buffer in
            prefix.withUnsafeBytes { buffer.copyMemory(from: $0) }
            if !piece.isEmpty {
                UnsafeMutableRawBufferPointer(rebasing: buffer[prefix.count...]).copyMemory(from: piece)
            }
            return XXHash64.hash(UnsafeRawBufferPointer(rebasing: buffer[..<length]))
        }
    }
}
