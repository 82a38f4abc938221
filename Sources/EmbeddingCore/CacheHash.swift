/// The stable 64-bit hash behind the user cache's file names (the tokenizer table, the
/// weights-digest memo) and the vocabulary's slots: unlike `Hasher`, the same in every
/// run. Cache files are checksummed with XXH64 (`Hashing`), like every file codesearch writes.
package enum CacheHash {
    // FNV-1a, 64-bit.
    package static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    package static let prime: UInt64 = 0x100_0000_01b3

    package static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h = seed
        for b in bytes { h = (h ^ UInt64(b)) &* prime }
        return h
    }
}
