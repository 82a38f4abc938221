import Foundation
import Hashing
import TestSupport
import Testing

/// SHA-256 through OpenSSL's EVP interface: the FIPS 180-2 vectors, and streaming in
/// uneven pieces against Python's hashlib on the same bytes.
@Suite struct SHA256HasherTests {
    @Test func matchesTheStandardVectors() {
        #expect(SHA256Hasher.hex(of: Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hasher.hex(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hasher.hex(of: Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func streamingInPiecesEqualsHashlibOnTheWhole() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<100_003).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hasher = SHA256Hasher()
        var offset = 0, step = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            bytes[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
            step = step * 3 + 1
        }
        let file = FileManager.default.temporaryDirectory.appending(path: "sha256-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let expected = try TemporaryRepository.run("/usr/bin/env", [
            "python3", "-c", "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
            file.path,
        ], in: FileManager.default.temporaryDirectory.path)
        #expect(hasher.finalizeHex() == expected.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
