/// The lexicon section of a mapped index (layout in `IndexFormat`): BM25's
/// postings, bag lengths and term table, read in place.
public struct LexiconView: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let strings: UnsafeRawBufferPointer
    public let functionCount: Int
    public let termCount: Int
    public let postingCount: Int
    /// Sum of all bag lengths, for BM25's average document length.
    public let totalLength: UInt64
    /// The section's size in bytes.
    public var byteCount: Int { bytes.count }
    private let termsAt: Int
    private let rowsAt: Int
    private let countsAt: Int

    /// Nil when the section's structure does not add up.
    init?(bytes: UnsafeRawBufferPointer, strings: UnsafeRawBufferPointer, functionCount: Int) {
        guard bytes.count >= 16 else { return nil }
        self.bytes = bytes
        self.strings = strings
        self.functionCount = functionCount
        termCount = Int(bytes.u32(at: 0))
        postingCount = Int(bytes.u32(at: 4))
        totalLength = bytes.u64(at: 8)
        termsAt = 16 + functionCount * 2
        rowsAt = termsAt + termCount * 16
        countsAt = rowsAt + postingCount * 4
        guard countsAt + postingCount * 2 == bytes.count else { return nil }
        var expected = 0
        for t in 0..<termCount {
            let at = termsAt + t * 16
            guard UInt64(bytes.u32(at: at)) + UInt64(bytes.u32(at: at + 4)) <= UInt64(strings.count),
                  Int(bytes.u32(at: at + 8)) == expected else { return nil }
            expected += Int(bytes.u32(at: at + 12))
        }
        guard expected == postingCount else { return nil }
    }

    /// Number of terms in function `row`'s bag (clamped to 65535).
    @inline(__always)
    public func length(ofFunction row: Int) -> Int {
        Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 16 + row * 2, as: UInt16.self)))
    }

    /// The postings range of `term`, by binary search over the sorted term table.
    public func postings(of term: String) -> Range<Int>? {
        let key = Array(term.utf8)
        var low = 0, high = termCount
        while low < high {
            let mid = (low + high) / 2
            let order = compare(termAt: mid, key)
            if order == 0 {
                let at = termsAt + mid * 16
                let first = Int(bytes.u32(at: at + 8))
                return first..<(first + Int(bytes.u32(at: at + 12)))
            }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// Function row of posting `i` (callers skip rows `>= functionCount`: the section is not hashed on open).
    @inline(__always)
    public func row(ofPosting i: Int) -> Int { Int(bytes.u32(at: rowsAt + i * 4)) }

    @inline(__always)
    public func count(ofPosting i: Int) -> Int {
        Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: countsAt + i * 2, as: UInt16.self)))
    }

    private func term(at t: Int) -> UnsafeRawBufferPointer {
        let at = termsAt + t * 16
        let offset = Int(bytes.u32(at: at))
        return UnsafeRawBufferPointer(rebasing: strings[offset..<(offset + Int(bytes.u32(at: at + 4)))])
    }

    /// Byte-wise comparison of term `t` with `key`: negative, zero or positive.
    private func compare(termAt t: Int, _ key: [UInt8]) -> Int {
        let stored = term(at: t)
        let n = min(stored.count, key.count)
        for i in 0..<n where stored[i] != key[i] { return Int(stored[i]) - Int(key[i]) }
        return stored.count - key.count
    }

    /// Every function's bag, rebuilt from the postings (for rewriting the index).
    func bags() -> [[(term: String, count: UInt16)]] {
        var out = Array(repeating: [(term: String, count: UInt16)](), count: functionCount)
        for t in 0..<termCount {
            let name = String(decoding: term(at: t), as: UTF8.self)
            let at = termsAt + t * 16
            let first = Int(bytes.u32(at: at + 8))
            for i in first..<(first + Int(bytes.u32(at: at + 12))) {
                let row = row(ofPosting: i)
                if row < functionCount { out[row].append((name, UInt16(count(ofPosting: i)))) }
            }
        }
        return out
    }
}
