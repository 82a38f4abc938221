/// Little-endian serialisation helpers for the index and journal.
package struct ByteWriter {
    package var bytes: [UInt8] = []

    package mutating func u8(_ v: UInt8) { bytes.append(v) }
    package mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    package mutating func u32(_ v: Int) { u32(UInt32(clamping: v)) }
    package mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    package mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    package mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(utf8.count)
        bytes.append(contentsOf: utf8)
    }
    package mutating func pad(to alignment: Int) {
        let rem = bytes.count % alignment
        if rem != 0 { bytes.append(contentsOf: repeatElement(0, count: alignment - rem)) }
    }

    package init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }
}

/// Bounds-checked reads; any overrun is `IndexError.corrupt` for `section`.
package struct ByteReader {
    package let buffer: UnsafeRawBufferPointer
    package var offset = 0
    package let path: String
    package let section: String

    package init(_ buffer: UnsafeRawBufferPointer, path: String, section: String) {
        self.buffer = buffer
        self.path = path
        self.section = section
    }

    package var remaining: Int { buffer.count - offset }

    private mutating func need(_ n: Int) throws {
        if n < 0 || n > remaining { throw IndexError.corrupt(path: path, section: section) }
    }

    package mutating func u8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return buffer[offset]
    }

    package mutating func u32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    package mutating func int() throws -> Int { Int(try u32()) }

    package mutating func u64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    package mutating func bytes(_ n: Int) throws -> [UInt8] {
        try need(n)
        defer { offset += n }
        return Array(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + n)]))
    }

    package mutating func string() throws -> String {
        let n = try int()
        return String(decoding: try bytes(n), as: UTF8.self)
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    package func u32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    package func u64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
