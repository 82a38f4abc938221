/// Reads little-endian fields in order from a buffer, checking each read against its end:
/// a read past it throws `failure` (what the format's owner calls a truncated or damaged
/// file) and never traps. The decoder for what `ByteWriter` writes.
///
/// The buffer must outlive the reader (it is usually the argument of a `withUnsafeBytes`
/// closure, or a mapping the caller keeps).
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    /// Where the next read starts.
    public var offset = 0
    /// Thrown by a read past the end; formats throw it for other damage they find too.
    public let failure: any Error

    /// The error thrown when no other is given.
    public struct Truncated: Error, Equatable {
        public init() {}
    }

    public init(_ buffer: UnsafeRawBufferPointer, failure: any Error = Truncated()) {
        self.buffer = buffer
        self.failure = failure
    }

    public var remaining: Int { buffer.count - offset }
    public var isAtEnd: Bool { offset == buffer.count }

    /// Checks that `n` more bytes are there and moves past them; returns where they start.
    @inlinable @inline(__always)
    mutating func take(_ n: Int) throws -> Int {
        guard n >= 0, n <= remaining else { throw failure }
        defer { offset += n }
        return offset
    }

    @inlinable public mutating func u8() throws -> UInt8 { buffer[try take(1)] }
    @inlinable public mutating func u16() throws -> UInt16 { buffer.u16(at: try take(2)) }
    @inlinable public mutating func u32() throws -> UInt32 { buffer.u32(at: try take(4)) }
    @inlinable public mutating func u64() throws -> UInt64 { buffer.u64(at: try take(8)) }
    /// A u32 as an `Int` (a count or an offset).
    @inlinable public mutating func int() throws -> Int { Int(try u32()) }
    @inlinable public mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

    /// The next `n` bytes, in place (no copy).
    @inlinable public mutating func raw(_ n: Int) throws -> UnsafeRawBufferPointer {
        let start = try take(n)
        return UnsafeRawBufferPointer(rebasing: buffer[start..<(start + n)])
    }

    /// The next `n` bytes, copied.
    @inlinable public mutating func bytes(_ n: Int) throws -> [UInt8] { Array(try raw(n)) }

    /// A u32 byte count, then that much UTF-8 (ill-formed sequences become U+FFFD).
    @inlinable public mutating func string() throws -> String {
        String(decoding: try raw(try int()), as: UTF8.self)
    }

    /// `n` u32s, in one copy on a little-endian host.
    public mutating func u32s(_ n: Int) throws -> [UInt32] {
        guard n >= 0, n <= remaining / 4 else { throw failure }
        let source = try raw(n * 4)
        return [UInt32](unsafeUninitializedCapacity: n) { out, initialized in
            UnsafeMutableRawBufferPointer(out).copyMemory(from: source)
            if UInt32(littleEndian: 1) != 1 { for i in 0..<n { out[i] = UInt32(littleEndian: out[i]) } }
            initialized = n
        }
    }

    /// A LEB128 number (see `ByteWriter.varint`).
    public mutating func varint() throws -> UInt64 {
        var at = offset
        guard let value = LEB128.decode(buffer, at: &at) else { throw failure }
        offset = at
        return value
    }
}

/// LEB128 numbers, as `ByteWriter.varint` writes them.
public enum LEB128 {
    /// The number at `at`, moving `at` past it; nil when the bytes end first or it runs
    /// past 64 bits (then `at` is left anywhere in between).
    @inlinable @inline(__always)
    public static func decode(_ bytes: UnsafeRawBufferPointer, at: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count && shift < 64 {
            let b = bytes[at]
            at += 1
            value |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return value }
            shift += 7
        }
        return nil
    }
}

extension UnsafeRawBufferPointer {
    // Fixed-offset fields of a table whose size the caller has checked as a whole (a mapped
    // index section, a record): no bounds check beyond the standard library's debug one.

    @inlinable @inline(__always)
    public func u16(at offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    public func u32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    public func u64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
