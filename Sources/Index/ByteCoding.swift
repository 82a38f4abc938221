/// Little-endian serialisation helpers for the index and journal.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ v: Int) { u32(UInt32(clamping: v)) }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u32(utf8.count)
        bytes.append(contentsOf: utf8)
    }
    mutating func pad(to alignment: Int) {
        let rem = bytes.count % alignment
        if rem != 0 { bytes.append(contentsOf: repeatElement(0, count: alignment - rem)) }
    }
}

/// Bounds-checked reads; any overrun is `IndexError.corrupt` for `section`.
struct ByteReader {
    let buffer: UnsafeRawBufferPointer
    var offset = 0
    let path: String
    let section: String

    init(_ buffer: UnsafeRawBufferPointer, path: String, section: String) {
        self.buffer = buffer
        self.path = path
        self.section = section
    }

    var remaining: Int { buffer.count - offset }

    private mutating func need(_ n: Int) throws {
        if n < 0 || n > remaining { throw IndexError.corrupt(path: path, section: section) }
    }

    mutating func u8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return buffer[offset]
    }

    mutating func u32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    mutating func int() throws -> Int { Int(try u32()) }

    mutating func u64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        try need(n)
        defer { offset += n }
        return Array(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + n)]))
    }

    mutating func string() throws -> String {
        let n = try int()
        return String(decoding: try bytes(n), as: UTF8.self)
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func u32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func u64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
