import Foundation
import Testing
import EmbeddingCore
import Git
import Hashing
import Scanning
@testable import IndexStorage
@testable import Indexing

/// The exact bytes of the index file, a journal record and a snapshot hash for fixed
/// contents. Existing indexes must stay readable: a change to any of these is a format
/// change (a new `IndexFormat.version` or journal magic), never a side effect of a refactor.
@Suite struct FormatPinTests {
    static func span(_ name: String, line: Int, doc: Bool) -> FunctionSpan {
        FunctionSpan(name: name, qualifiedName: "Cache." + name, kind: line == 1 ? .class : .method, firstLine: line,
                     declarationLine: line + 1, declarationColumn: 5, lastLine: line + 4, signature: "def \(name)(self, é):",
                     docFirstLine: doc ? line + 2 : nil, docLastLine: doc ? line + 3 : nil,
                     byteStart: line * 40, byteEnd: line * 40 + 120)
    }

    static func blob(_ hexDigit: Character, names: [String], encoding: VectorEncoding) -> StoredBlob {
        let functions = names.enumerated().map { i, name in
            StoredFunction(span: span(name, line: 1 + 6 * i, doc: i % 2 == 0), textHash: 0x0123_4567_89AB_CDEF &* UInt64(i + 1),
                           bag: LexicalBag(["cache": i + 1, name: 1, "déjà": 2]), hasVector: i != 1)
        }
        // Components within [-1, 1], written byte by byte (little-endian) so the test
        // shares no code with the writer.
        var vectors: [UInt8] = []
        for i in 0..<(names.count * 8) {
            let sign: UInt32 = i % 3 == 0 ? 1 : 0
            if encoding == .float16 {
                let bits = sign << 15 | 0x3000 | UInt32(i &* 37 % 0x400)
                vectors += [UInt8(bits & 0xFF), UInt8(bits >> 8)]
            } else {
                let bits = sign << 31 | 0x3E00_0000 | UInt32(i &* 7919 % 0x80_0000)
                vectors += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
            }
        }
        return StoredBlob(key: BlobKey(id: BlobID(hex: String(repeating: hexDigit, count: 40))!, language: "python"),
                          functions: functions, vectorBytes: vectors, lastSeen: 7)
    }

    static func contents(_ encoding: VectorEncoding) -> IndexContents {
        let identity = EmbedderIdentity(provider: "native", model: "pin-model", fingerprint: "f00d",
                                        dimensions: 8, pooling: "mean", maxTokens: 64)
        return IndexContents(identity: identity, grammarVersion: "g-1", encoding: encoding, generation: 3,
                             snapshot: LiveSnapshotInfo(kind: .revision("main"), commitID: String(repeating: "c", count: 40),
                                                        hash: 0xFEED_FACE_CAFE_BEEF, complete: true),
                             blobs: [blob("a", names: ["load", "store", "évict"], encoding: encoding),
                                     blob("b", names: ["reset"], encoding: encoding)],
                             live: [(path: "pkg/cache.py", blob: 0), (path: "pkg/copy.py", blob: 0), (path: "reset.py", blob: 1)],
                             fileSelection: "*.py")
    }

    @Test(arguments: [(VectorEncoding.float16, UInt64(0x933e_577b_de22_c2d3)), (.float32, 0xb173_9d62_69fd_518c)])
    func theIndexFileBytesAreUnchanged(encoding: VectorEncoding, expected: UInt64) throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let path = dir.path + "/index"
        let contents = Self.contents(encoding)
        try IndexFileWriter.write(contents, to: path)
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let hash = XXHash64.hash([UInt8](bytes))
        #expect(bytes.count == (encoding == .float16 ? 1472 : 1536) && hash == expected, "0x\(String(hash, radix: 16))")
        let index = try IndexFile.open(path: path)
        try index.verify()
        #expect(index.function(at: 2).span == Self.span("évict", line: 13, doc: true))
    }

    @Test func aJournalRecordIsUnchanged() throws {
        let payload = IndexJournal.encode(Self.blob("a", names: ["load", "store"], encoding: .float16))
        let hash = XXHash64.hash(payload)
        #expect(payload.count == 332 && hash == 0x68c3_f350_a208_54b6, "0x\(String(hash, radix: 16))")
        let decoded = try payload.withUnsafeBytes { try IndexJournal.decode($0, path: "journal") }
        #expect(decoded.functions.map(\.span) == Self.blob("a", names: ["load", "store"], encoding: .float16).functions.map(\.span))
    }

    @Test func theSnapshotHashIsUnchanged() {
        let entries = [SnapshotEntry(path: "a.py", blobID: BlobID(hex: String(repeating: "a", count: 40))!, mode: 0o100644, size: 3),
                       SnapshotEntry(path: "é/b.py", blobID: BlobID(hex: String(repeating: "b", count: 40))!, mode: 0o100644, size: 4)]
        let snapshot = Snapshot(kind: .revision("v1"), commitID: String(repeating: "c", count: 40), entries: entries)
        let sources = entries.map { Indexer.SourceEntry(entry: $0, key: BlobKey(id: $0.blobID, language: "python")) }
        let hash = Indexer.snapshotHash(snapshot, sources)
        #expect(hash == 0x07d9_8472_2c16_24d2, "0x\(String(hash, radix: 16))")
    }

    /// `index.verified`: the magic, the index file's stat data as seven little-endian u64s,
    /// and the XXH64 of those 64 bytes, built here byte by byte.
    @Test func theVerifiedStampLayoutIsUnchanged() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        let location = dir.location
        try FileManager.default.createDirectory(atPath: location.directory, withIntermediateDirectories: true)
        try IndexFileWriter.write(Self.contents(.float16), to: location.indexPath)
        let values = try #require(VerifiedStamp.currentValues(location))
        VerifiedStamp.record(for: location)
        var expected = Array("CSVRFY01".utf8)
        for v in values { expected += (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let hash = XXHash64.hash(expected)
        expected += (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) }
        #expect(FileManager.default.contents(atPath: location.verifiedPath).map([UInt8].init) == expected)
    }
}
