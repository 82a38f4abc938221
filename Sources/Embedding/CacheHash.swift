/// The stable 64-bit hashes behind the user cache's file names and checksums (the
/// tokenizer table, the weights-digest memo) and the vocabulary's slots: unlike `Hasher`,
/// the same in every run.
enum CacheHash {
    // FNV-1a, 64-bit.
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return h
    }

    /// A checksum for a cache file of a megabyte: four independent multiply-xorshift lanes
    /// over 8-byte words (byte-wise FNV-1a would cost a millisecond per query start).
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var lanes: (UInt64, UInt64, UInt64, UInt64) = (seed, seed ^ 1, seed ^ 2, seed ^ 3)
            let words = raw.count / 32 * 4
            var i = 0
            @inline(__always) func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
                let x = (h ^ w) &* 0x9e37_79b9_7f4a_7c15
                return x ^ (x >> 29)
            }
            while i < words {
                lanes.0 = mix(lanes.0, raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
                lanes.1 = mix(lanes.1, raw.loadUnaligned(fromByteOffset: i * 8 + 8, as: UInt64.self))
                lanes.2 = mix(lanes.2, raw.loadUnaligned(fromByteOffset: i * 8 + 16, as: UInt64.self))
                lanes.3 = mix(lanes.3, raw.loadUnaligned(fromByteOffset: i * 8 + 24, as: UInt64.self))
                i += 4
            }
            var h = mix(mix(mix(mix(UInt64(raw.count), lanes.0), lanes.1), lanes.2), lanes.3)
            for b in raw[(words * 8)...] { h = (h ^ UInt64(b)) &* prime }
            return h
        }
    }
}
