import ByteCoding
/// The lexicon section of a mapped index (layout in `IndexFormat`): BM25's
/// postings, bag lengths and term table, read in place.
public struct LexiconView: @unchecked Sendable {
    package let bytes: UnsafeRawBufferPointer
    private let strings: UnsafeRawBufferPointer
    public let functionCount: Int
    public let termCount: Int
    public let postingCount: Int
    /// Sum of all bag lengths, for BM25's average document length.
    public let totalLength: UInt64
    /// The section's size in bytes.
    public var byteCount: Int { bytes.count }
    private let termsAt: Int
    private let streamAt: Int
    private let streamLength: Int

    package static let headerSize = 24
    package static let termRecordSize = 16

    /// Nil when the section's structure does not add up.
    package init?(bytes: UnsafeRawBufferPointer, strings: UnsafeRawBufferPointer, functionCount: Int) {
        guard bytes.count >= LexiconView.headerSize else { return nil }
        self.bytes = bytes
        self.strings = strings
        self.functionCount = functionCount
        termCount = Int(bytes.u32(at: 0))
        postingCount = Int(bytes.u32(at: 4))
        totalLength = bytes.u64(at: 8)
        streamLength = Int(bytes.u32(at: 16))
        termsAt = LexiconView.headerSize + functionCount * 2
        streamAt = termsAt + termCount * LexiconView.termRecordSize
        guard streamAt + streamLength == bytes.count else { return nil }
        var postings = 0
        var previousStart = 0
        for t in 0..<termCount {
            let at = termsAt + t * LexiconView.termRecordSize
            let start = Int(bytes.u32(at: at + 8)), count = Int(bytes.u32(at: at + 12))
            guard UInt64(bytes.u32(at: at)) + UInt64(bytes.u32(at: at + 4)) <= UInt64(strings.count),
                  start >= previousStart, start <= streamLength, count <= streamLength else { return nil }
            previousStart = start
            postings += count
        }
        guard postings == postingCount else { return nil }
    }

    /// Number of terms in function `row`'s bag (clamped to 65535).
    @inline(__always)
    public func length(ofFunction row: Int) -> Int {
        Int(bytes.u16(at: LexiconView.headerSize + row * 2))
    }

    /// The postings of `term`, by binary search over the sorted term table.
    public func postings(of term: String) -> Postings? {
        let key = Array(term.utf8)
        var low = 0, high = termCount
        while low < high {
            let mid = (low + high) / 2
            let order = compare(termAt: mid, key)
            if order == 0 { return postings(ofTermAt: mid) }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    private func postings(ofTermAt t: Int) -> Postings {
        let at = termsAt + t * LexiconView.termRecordSize
        let start = Int(bytes.u32(at: at + 8))
        let end = t + 1 < termCount ? Int(bytes.u32(at: at + LexiconView.termRecordSize + 8)) : streamLength
        return Postings(bytes: UnsafeRawBufferPointer(rebasing: bytes[(streamAt + start)..<(streamAt + max(start, end))]),
                        count: Int(bytes.u32(at: at + 12)))
    }

    /// One term's postings: (function row, occurrences) with rows ascending. The section
    /// is not hashed on open, so decoding stops at the term's bytes or a malformed number,
    /// and callers skip rows `>= functionCount`.
    public struct Postings: Sequence {
        let bytes: UnsafeRawBufferPointer
        /// How many functions hold the term (its document frequency).
        public let count: Int

        public struct Iterator: IteratorProtocol {
            let bytes: UnsafeRawBufferPointer
            var at = 0
            var row = 0
            var remaining: Int

            @inline(__always)
            mutating func varint() -> UInt64? { LEB128.decode(bytes, at: &at) }

            public mutating func next() -> (row: Int, count: Int)? {
                guard remaining > 0, let head = varint() else { return nil }
                remaining -= 1
                let (sum, overflow) = row.addingReportingOverflow(Int(truncatingIfNeeded: head >> 1))
                guard !overflow, sum >= 0 else { return nil }
                row = sum
                if head & 1 == 0 { return (row, 1) }
                guard let count = varint() else { return nil }
                return (row, Int(truncatingIfNeeded: Swift.min(count, UInt64(UInt32.max))))
            }
        }

        public func makeIterator() -> Iterator { Iterator(bytes: bytes, remaining: count) }
    }

    private func term(at t: Int) -> UnsafeRawBufferPointer {
        let at = termsAt + t * LexiconView.termRecordSize
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

    /// Every term with its postings, in term order (for words that describe groups of units).
    public func forEachTerm(_ body: (String, Postings) -> Void) {
        for t in 0..<termCount { body(String(decoding: term(at: t), as: UTF8.self), postings(ofTermAt: t)) }
    }

    /// Every function's bag, rebuilt from the postings (for rewriting the index).
    package func bags() -> [[(term: String, count: UInt16)]] {
        var out = Array(repeating: [(term: String, count: UInt16)](), count: functionCount)
        for t in 0..<termCount {
            let name = String(decoding: term(at: t), as: UTF8.self)
            for (row, count) in postings(ofTermAt: t) where row < functionCount {
                out[row].append((name, UInt16(clamping: count)))
            }
        }
        return out
    }
}
