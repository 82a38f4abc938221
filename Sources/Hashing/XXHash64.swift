/// XXH64 (Yann Collet's xxHash, 64-bit), streaming. Checksums every index
/// section and journal record, and hashes embedding texts and snapshots.
public struct XXHash64: Sendable {
    private static let p1: UInt64 = 11_400_714_785_074_694_791
    private static let p2: UInt64 = 14_029_467_366_897_019_727
    private static let p3: UInt64 = 1_609_587_929_392_839_161
    private static let p4: UInt64 = 9_650_029_242_287_828_579
    private static let p5: UInt64 = 2_870_177_450_012_600_261

    private var v1, v2, v3, v4: UInt64
    private let seed: UInt64
    private var total: UInt64 = 0
    // Up to 31 bytes not yet consumed as a full 32-byte stripe.
    private var pending: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var pendingCount = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        v1 = seed &+ XXHash64.p1 &+ XXHash64.p2
        v2 = seed &+ XXHash64.p2
        v3 = seed
        v4 = seed &- XXHash64.p1
    }

    /// One-shot hash of a byte buffer.
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var h = XXHash64(seed: seed)
        h.update(bytes)
        return h.finalize()
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        hash(Array(text.utf8), seed: seed)
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x &<< r) | (x &>> (64 - r)) }

    @inline(__always) private static func round(_ acc: UInt64, _ input: UInt64) -> UInt64 {
        rotl(acc &+ input &* p2, 31) &* p1
    }

    @inline(__always) private static func merge(_ acc: UInt64, _ val: UInt64) -> UInt64 {
        (acc ^ round(0, val)) &* p1 &+ p4
    }

    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        var count = buffer.count
        var p = base
        total &+= UInt64(count)
        if pendingCount > 0 {
            let take = min(32 - pendingCount, count)
            withUnsafeMutableBytes(of: &pending) { dst in
                dst.baseAddress!.advanced(by: pendingCount).copyMemory(from: p, byteCount: take)
            }
            pendingCount += take
            p += take
            count -= take
            if pendingCount < 32 { return }
            withUnsafeBytes(of: pending) { stripe(UnsafeRawPointer($0.baseAddress!)) }
            pendingCount = 0
        }
        while count >= 32 {
            stripe(p)
            p += 32
            count -= 32
        }
        if count > 0 {
            withUnsafeMutableBytes(of: &pending) { dst in
                dst.baseAddress!.copyMemory(from: p, byteCount: count)
            }
            pendingCount = count
        }
    }

    @inline(__always) private mutating func stripe(_ p: UnsafeRawPointer) {
        v1 = XXHash64.round(v1, UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        v2 = XXHash64.round(v2, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        v3 = XXHash64.round(v3, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
        v4 = XXHash64.round(v4, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
    }

    public func finalize() -> UInt64 {
        typealias H = XXHash64
        var h: UInt64
        if total >= 32 {
            h = H.rotl(v1, 1) &+ H.rotl(v2, 7) &+ H.rotl(v3, 12) &+ H.rotl(v4, 18)
            h = H.merge(h, v1)
            h = H.merge(h, v2)
            h = H.merge(h, v3)
            h = H.merge(h, v4)
        } else {
            h = seed &+ H.p5
        }
        h &+= total
        withUnsafeBytes(of: pending) { raw in
            let p = raw.baseAddress!
            var i = 0
            while i + 8 <= pendingCount {
                h ^= H.round(0, UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                h = H.rotl(h, 27) &* H.p1 &+ H.p4
                i += 8
            }
            if i + 4 <= pendingCount {
                h ^= UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* H.p1
                h = H.rotl(h, 23) &* H.p2 &+ H.p3
                i += 4
            }
            while i < pendingCount {
                h ^= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) &* H.p5
                h = H.rotl(h, 11) &* H.p1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= H.p2
        h ^= h >> 29
        h &*= H.p3
        h ^= h >> 32
        return h
    }
}
