import ByteCoding
import Testing

@Suite struct ByteCodingTests {
    @Test func fieldsAreLittleEndianAndReadBack() throws {
        var w = ByteWriter()
        w.u8(0xAB)
        w.u16(0x0102)
        w.u32(0x0304_0506)
        w.u64(0x0708_090A_0B0C_0D0E)
        w.i64(-2)
        w.string("é")
        w.u32s([1, 0xFFFF_FFFF])
        w.varint(300)
        w.pad(to: 8)
        #expect(w.bytes.prefix(16) == [0xAB, 0x02, 0x01, 0x06, 0x05, 0x04, 0x03, 0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07, 0xFE])
        #expect(w.count % 8 == 0)
        try w.bytes.withUnsafeBytes { buffer throws in
            var r = ByteReader(buffer)
            #expect(try r.u8() == 0xAB)
            #expect(try r.u16() == 0x0102)
            #expect(try r.u32() == 0x0304_0506)
            #expect(try r.u64() == 0x0708_090A_0B0C_0D0E)
            #expect(try r.i64() == -2)
            #expect(try r.string() == "é")
            #expect(try r.u32s(2) == [1, 0xFFFF_FFFF])
            #expect(try r.varint() == 300)
            #expect(buffer.u32(at: 3) == 0x0304_0506 && buffer.u16(at: 1) == 0x0102)
        }
    }

    @Test func aReadPastTheEndThrowsTheGivenError() {
        struct Damaged: Error, Equatable {}
        let bytes: [UInt8] = [3, 0, 0, 0, 65, 66]  // a string of three bytes, two present
        bytes.withUnsafeBytes { buffer in
            var r = ByteReader(buffer, failure: Damaged())
            #expect(throws: Damaged()) { try r.string() }
            var s = ByteReader(buffer)
            #expect(throws: ByteReader.Truncated()) { try s.u64() }
            #expect(throws: ByteReader.Truncated()) { try s.u32s(2) }
            #expect(throws: ByteReader.Truncated()) { try s.bytes(-1) }
            #expect(s.offset == 0, "a failed read consumes nothing")
        }
    }

    @Test func varintsStopAtTheEndAndAt64Bits() {
        var w = ByteWriter()
        for v: UInt64 in [0, 127, 128, 1 << 35, .max] { w.varint(v) }
        w.bytes.withUnsafeBytes { buffer in
            var at = 0
            for v: UInt64 in [0, 127, 128, 1 << 35, .max] { #expect(LEB128.decode(buffer, at: &at) == v) }
            #expect(at == buffer.count && LEB128.decode(buffer, at: &at) == nil)
        }
        let endless = [UInt8](repeating: 0xFF, count: 11)
        endless.withUnsafeBytes { buffer in
            var at = 0
            #expect(LEB128.decode(buffer, at: &at) == nil)
        }
    }
}
