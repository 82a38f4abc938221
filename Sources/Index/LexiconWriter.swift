/// Builds the lexicon section (see `IndexFormat`): an inverted index of the
/// functions' `LexicalBag`s, rows in function-table order.
struct LexiconWriter {
    private var termIDs: [String: Int] = [:]
    private var termNames: [String] = []
    private var postings: [[(row: UInt32, count: UInt16)]] = []
    private var lengths: [UInt16] = []
    private var totalLength: UInt64 = 0

    /// Adds the next function row.
    mutating func add(_ bag: LexicalBag) {
        let row = UInt32(lengths.count)
        for (term, count) in bag.terms {
            let id: Int
            if let known = termIDs[term] {
                id = known
            } else {
                id = termNames.count
                termIDs[term] = id
                termNames.append(term)
                postings.append([])
            }
            postings[id].append((row, count))
        }
        let length = bag.length
        lengths.append(UInt16(clamping: length))
        totalLength += UInt64(length)
    }

    func bytes(pool: inout StringPool) -> [UInt8] {
        let order = termNames.indices.sorted { termNames[$0].utf8.lexicographicallyPrecedes(termNames[$1].utf8) }
        let postingCount = postings.reduce(0) { $0 + $1.count }
        var w = ByteWriter()
        w.bytes.reserveCapacity(16 + lengths.count * 2 + order.count * 16 + postingCount * 6)
        w.u32(order.count)
        w.u32(postingCount)
        w.u64(totalLength)
        for l in lengths { w.u16(l) }
        var first = 0
        for id in order {
            pool.write(termNames[id], into: &w)
            w.u32(first)
            w.u32(postings[id].count)
            first += postings[id].count
        }
        for id in order { for p in postings[id] { w.u32(p.row) } }
        for id in order { for p in postings[id] { w.u16(p.count) } }
        return w.bytes
    }
}

extension ByteWriter {
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
}
