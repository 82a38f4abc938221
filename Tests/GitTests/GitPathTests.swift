import Foundation
import Git
import Testing

/// `GitPath`: a path's bytes survive the trip through `String`, whatever they are.
@Suite struct GitPathTests {
    @Test func validUTF8IsUnchanged() {
        for path in ["a.py", "src/café.py", "日本/語.swift", "emoji-\u{1F600}.py", ""] {
            #expect(GitPath.decode(Array(path.utf8)) == path)
            #expect(GitPath.bytes(of: path) == Array(path.utf8))
            #expect(GitPath.isValidUTF8(path))
        }
    }

    /// Regression (issue 12 item 7): `caf\xe9.py` came back as `caf\u{FFFD}.py`, a name
    /// no file has.
    @Test func latin1ByteIsKeptAndGivenBack() {
        let bytes: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".py".utf8)
        let path = GitPath.decode(bytes)
        #expect(!GitPath.isValidUTF8(path))
        #expect(GitPath.bytes(of: path) == bytes)
        #expect(GitPath.lossy(path) == "caf\u{FFFD}.py")
        #expect(path.hasPrefix("caf") && path.hasSuffix(".py"))
    }

    /// Overlong forms, surrogates, truncated sequences and the escape range itself
    /// (F4 8F BC..BF ...) all round-trip.
    @Test func awkwardSequencesRoundTrip() {
        let cases: [[UInt8]] = [
            [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFF, 0xFE],
            [0xF4, 0x8F, 0xBC, 0x80], [0xF4, 0x8F, 0xBF, 0xBF, 0x41], Array("ok/".utf8) + [0x80],
        ]
        for bytes in cases {
            #expect(GitPath.bytes(of: GitPath.decode(bytes)) == bytes, "\(bytes)")
        }
    }

    @Test func randomBytesRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...12, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(GitPath.bytes(of: GitPath.decode(bytes)) == bytes, "\(bytes)")
        }
    }

    @Test func cStringCarriesTheOriginalBytes() {
        let bytes: [UInt8] = [0x61, 0xE9, 0x62]
        let path = GitPath.decode(bytes)
        let seen = GitPath.withCString(path) { Array(UnsafeBufferPointer(start: $0, count: strlen($0))) }
        #expect(seen.map { UInt8(bitPattern: $0) } == bytes)
    }
}
