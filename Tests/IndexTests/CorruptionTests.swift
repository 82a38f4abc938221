import ByteCoding
import Foundation
import Testing
@testable import Indexing
@testable import IndexStorage

/// Every damaged file must give a typed error, never a crash.
@Suite struct CorruptionTests {
    /// Builds a small index and returns the fixture and the file's bytes.
    func makeIndex() async throws -> (Fixture, [UInt8]) {
        let f = try Fixture()
        let snapshot = makeSnapshot([("a.py", pythonSource(["alpha", "beta"])),
                                     ("b.py", pythonSource(["gamma"]))], source: f.source)
        _ = try await f.run(snapshot)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: f.dir.location.indexPath)))
        return (f, bytes)
    }

    func write(_ bytes: [UInt8], _ f: Fixture) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: f.dir.location.indexPath))
    }

    /// (kind, offset, length) from the header's section table.
    func sections(_ bytes: [UInt8]) -> [(kind: UInt32, offset: Int, length: Int)] {
        bytes.withUnsafeBytes { b in
            (0..<Int(b.u32(at: 16))).map { i in
                let at = 32 + i * 32
                return (b.u32(at: at), Int(b.u64(at: at + 8)), Int(b.u64(at: at + 16)))
            }
        }
    }

    @Test func flippedByteInEachSection() async throws {
        let (f, original) = try await makeIndex()
        defer { f.dir.cleanup() }
        let path = f.dir.location.indexPath
        for section in sections(original) where section.length > 0 {
            var bytes = original
            bytes[section.offset + section.length / 2] ^= 0x40
            try write(bytes, f)
            let kind = IndexFormat.Section(rawValue: section.kind)!
            if kind == .vectors {
                let index = try IndexFile.open(path: path)
                #expect(throws: IndexError.corrupt(path: path, section: "vectors")) { try index.verify() }
            } else {
                #expect(throws: IndexError.corrupt(path: path, section: kind.name)) { try IndexFile.open(path: path) }
            }
        }
    }

    @Test func flippedByteInHeader() async throws {
        let (f, original) = try await makeIndex()
        defer { f.dir.cleanup() }
        let path = f.dir.location.indexPath
        for offset in [12, 20, 40, 60, 100] {
            var bytes = original
            bytes[offset] ^= 0x01
            try write(bytes, f)
            #expect(throws: IndexError.corrupt(path: path, section: "header")) { try IndexFile.open(path: path) }
        }
    }

    @Test func truncatedAtSeveralPoints() async throws {
        let (f, original) = try await makeIndex()
        defer { f.dir.cleanup() }
        let path = f.dir.location.indexPath
        for length in [0, 3, 8, 20, 31, 100, original.count / 2, original.count - 1] {
            try write(Array(original.prefix(length)), f)
            #expect(throws: IndexError.truncated(path: path), "length \(length)") { try IndexFile.open(path: path) }
        }
    }

    @Test func wrongMagic() async throws {
        let (f, original) = try await makeIndex()
        defer { f.dir.cleanup() }
        var bytes = original
        bytes[0] = UInt8(ascii: "X")
        try write(bytes, f)
        let path = f.dir.location.indexPath
        #expect(throws: IndexError.notAnIndex(path: path)) { try IndexFile.open(path: path) }
        try write(Array("hello, this is some text file that happens to be here\n".utf8), f)
        #expect(throws: IndexError.notAnIndex(path: path)) { try IndexFile.open(path: path) }
    }

    @Test func futureVersion() async throws {
        let (f, original) = try await makeIndex()
        defer { f.dir.cleanup() }
        var bytes = original
        bytes[8] = 99
        try write(bytes, f)
        let path = f.dir.location.indexPath
        #expect(throws: IndexError.futureVersion(path: path, found: 99, supported: IndexFormat.version)) {
            try IndexFile.open(path: path)
        }
    }

    @Test func indexerRebuildsAnUnreadableIndex() async throws {
        let (f, original) = try await makeIndex()
        defer { f.dir.cleanup() }
        try write(Array(original.prefix(original.count / 2)), f)
        let snapshot = makeSnapshot([("a.py", pythonSource(["alpha", "beta"])),
                                     ("b.py", pythonSource(["gamma"]))], source: f.source)
        let summary = try await f.run(snapshot)
        #expect(summary.discardedIndex?.contains("truncated") == true)
        #expect(summary.embeddedFunctions == 3)
        try f.open().verify()
    }

    @Test func messagesAreLowerCaseAndSayWhatToDo() {
        let errors: [IndexError] = [.notAnIndex(path: "p"), .truncated(path: "p"), .corrupt(path: "p", section: "s"),
                                    .futureVersion(path: "p", found: 2, supported: 1), .busy(path: "p")]
        for e in errors {
            #expect(e.description.first?.isLowercase == true)
            #expect(e.description.contains("re-run") || e.description.contains("upgrade") || e.description.contains("try again")
                    || e.description.contains("move it away"))
        }
    }
}
