import ByteCoding
/// Builds the lexicon section (see `IndexFormat`): an inverted index of the
/// functions' `LexicalBag`s, rows in function-table order.
package struct LexiconWriter {
    private var termIDs: [String: Int] = [:]
    private var termNames: [String] = []
    private var postings: [[(row: UInt32, count: UInt16)]] = []
    private var lengths: [UInt16] = []
    private var totalLength: UInt64 = 0

    /// Adds the next function row.
    package mutating func add(_ bag: LexicalBag) {
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

    package func bytes(pool: inout StringPool) -> [UInt8] {
        let order = termNames.indices.sorted { termNames[$0].utf8.lexicographicallyPrecedes(termNames[$1].utf8) }
        let postingCount = postings.reduce(0) { $0 + $1.count }
        var stream = ByteWriter(capacity: postingCount * 2)
        var starts: [Int] = []
        starts.reserveCapacity(order.count)
        for id in order {
            starts.append(stream.count)
            var previous: UInt32 = 0
            for p in postings[id] {
                // The row's distance from the previous one, shifted to carry "count > 1".
                let delta = UInt64(p.row - previous)
                previous = p.row
                stream.varint(delta << 1 | (p.count > 1 ? 1 : 0))
                if p.count > 1 { stream.varint(UInt64(p.count)) }
            }
        }
        var w = ByteWriter(capacity: 24 + lengths.count * 2 + order.count * 16 + stream.count)
        w.u32(order.count)
        w.u32(postingCount)
        w.u64(totalLength)
        w.u32(stream.count)
        w.u32(0)
        for l in lengths { w.u16(l) }
        for (id, start) in zip(order, starts) {
            pool.write(termNames[id], into: &w)
            w.u32(start)
            w.u32(postings[id].count)
        }
        w.raw(stream.bytes)
        return w.bytes
    }
}
