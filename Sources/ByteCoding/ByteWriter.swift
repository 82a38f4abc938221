/// Appends little-endian fields to a byte array: the one binary encoder behind every file
/// codesearch writes (the index, its journal and stamp, the index entry cache, the
/// tokenizer cache). Integers are little-endian on every host; strings are a u32 byte
/// count and their UTF-8; bulk data (vector rows, string pools, tables) goes in as one copy.
///
/// `ByteReader` reads what this writes; `UnsafeRawBufferPointer.u32(at:)` and its
/// siblings read fields at fixed offsets of a table whose size was checked as a whole.
public struct ByteWriter {
    public var bytes: [UInt8]

    public init(bytes: [UInt8] = [], capacity: Int = 0) {
        self.bytes = bytes
        self.bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    @inlinable public mutating func u8(_ v: UInt8) { bytes.append(v) }
    @inlinable public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inlinable public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    /// `v` as a u32, clamped to 0...UInt32.max (counts and offsets, which the formats cap).
    @inlinable public mutating func u32(_ v: Int) { u32(UInt32(clamping: v)) }
    @inlinable public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    /// `v`'s two's-complement bits as a u64.
    @inlinable public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    /// Bytes as they are, in one copy.
    @inlinable public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    @inlinable public mutating func raw(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
    @inlinable public mutating func raw(_ b: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: b) }

    /// `count` zero bytes.
    @inlinable public mutating func zeros(_ count: Int) {
        if count > 0 { bytes.append(contentsOf: repeatElement(0, count: count)) }
    }

    /// Zero bytes up to the next multiple of `alignment`.
    @inlinable public mutating func pad(to alignment: Int) {
        let rem = bytes.count % alignment
        if rem != 0 { zeros(alignment - rem) }
    }

    /// The u32 byte count, then the UTF-8.
    @inlinable public mutating func string(_ s: String) {
        let utf8 = s.utf8
        u32(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    /// u32s in one copy on a little-endian host.
    @inlinable public mutating func u32s(_ values: [UInt32]) {
        if UInt32(littleEndian: 1) == 1 {
            values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        } else {
            for v in values { u32(v) }
        }
    }

    /// LEB128: seven bits a byte, low first, the high bit set on all but the last.
    @inlinable public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
