import Platform

/// An open-addressing hash set of byte strings that live elsewhere (index entry paths
/// and their directory prefixes, in memory the `CachedIndex` owns), so the working-tree
/// walk can ask "is this path tracked?" without building a String.
struct PathTable {
    private var keyStarts: [UnsafePointer<UInt8>] = []
    private var keyLengths: [Int] = []
    private var keyHashes: [UInt64] = []
    /// Key index + 1 per slot; 0 is empty.
    private var slots: [Int32]
    private var mask: Int

    init(expectedCount: Int) {
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        keyStarts.reserveCapacity(expectedCount)
        keyLengths.reserveCapacity(expectedCount)
        keyHashes.reserveCapacity(expectedCount)
    }

    var count: Int { keyStarts.count }

    /// The bytes of key `index`.
    func key(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: keyStarts[index], count: keyLengths[index])
    }

    /// A multiply-and-fold hash taking eight bytes at a time (paths are long).
    @inline(__always)
    static func hash(_ start: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(count)
        var i = 0
        let raw = UnsafeRawPointer(start)
        while i + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(start[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xc4ce_b9fe_1a85_ec53
        return h ^ (h >> 32)
    }

    /// The index of the key equal to `count` bytes at `start`, or nil.
    func find(_ start: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        let h = PathTable.hash(start, count)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return nil }
            let k = stored - 1
            // Safe: key k holds keyLengths[k] == count bytes (they outlive the table), and the
            // caller's `start` holds `count`.
            if keyHashes[k] == h && keyLengths[k] == count && Bytes.equal(keyStarts[k], start, count: count) {
                return k
            }
            slot = (slot + 1) & mask
        }
    }

    /// Inserts the key unless present; returns its index and whether it was new.
    /// The bytes must outlive the table.
    @discardableResult
    mutating func insert(_ start: UnsafePointer<UInt8>, _ count: Int) -> (index: Int, inserted: Bool) {
        let h = PathTable.hash(start, count)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { break }
            let k = stored - 1
            // Safe: as in `find`.
            if keyHashes[k] == h && keyLengths[k] == count && Bytes.equal(keyStarts[k], start, count: count) {
                return (k, false)
            }
            slot = (slot + 1) & mask
        }
        let index = keyStarts.count
        keyStarts.append(start)
        keyLengths.append(count)
        keyHashes.append(h)
        slots[slot] = Int32(index + 1)
        if keyStarts.count * 2 > slots.count { grow() }
        return (index, true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for k in 0..<keyStarts.count {
            var slot = Int(truncatingIfNeeded: keyHashes[k]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(k + 1)
        }
    }
}
