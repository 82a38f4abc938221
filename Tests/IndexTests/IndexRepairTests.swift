import ByteCoding
import Foundation
import Testing
@testable import Indexing
@testable import IndexStorage
import Hashing

/// A damaged index is noticed by the run that would otherwise find nothing to do, and
/// repaired from what is still sound (issue 12 item 5).
@Suite struct IndexRepairTests {
    let files = [("a.py", pythonSource(["alpha", "beta"])), ("b.py", pythonSource(["gamma"]))]

    func bytes(_ f: Fixture) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: f.dir.location.indexPath)))
    }

    /// Overwrites the index in place (same inode), as a disk error or a stray write would.
    func overwrite(_ bytes: [UInt8], _ f: Fixture) throws {
        let handle = try #require(FileHandle(forWritingAtPath: f.dir.location.indexPath))
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    /// (kind, offset, length, entry offset) of each section-table entry.
    static func sections(_ bytes: [UInt8]) -> [(kind: IndexFormat.Section, offset: Int, length: Int, entry: Int)] {
        bytes.withUnsafeBytes { b in
            (0..<Int(b.u32(at: 16))).compactMap { i in
                let at = 32 + i * 32
                return IndexFormat.Section(rawValue: b.u32(at: at)).map { ($0, Int(b.u64(at: at + 8)), Int(b.u64(at: at + 16)), at) }
            }
        }
    }

    /// Recomputes every section checksum and the header's, so only the values are wrong.
    static func rechecksum(_ bytes: inout [UInt8]) {
        let table = sections(bytes)
        func put(_ value: UInt64, at offset: Int) {
            for k in 0..<8 { bytes[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
        }
        for s in table { put(XXHash64.hash(Array(bytes[s.offset..<(s.offset + s.length)])), at: s.entry + 24) }
        let headerSize = IndexFormat.headerSize(sections: table.count)
        put(XXHash64.hash(Array(bytes[0..<(headerSize - 8)])), at: headerSize - 8)
    }

    @Test(arguments: [IndexFormat.Section.meta, .strings, .blobs, .functions, .vectors, .snapshot, .lexicon])
    func flippedByteIsRepairedByTheNextRun(_ kind: IndexFormat.Section) async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        f.options.batchSize = 64
        let snapshot = makeSnapshot(files, source: f.source)
        _ = try await f.run(snapshot)
        var damaged = try bytes(f)
        let section = try #require(Self.sections(damaged).first { $0.kind == kind })
        damaged[section.offset + section.length / 2] ^= 0x40
        try overwrite(damaged, f)

        let repair = try await f.run(snapshot)
        #expect(repair.outcome == .updated, "the damaged \(kind.name) went unnoticed")
        #expect(repair.discardedIndex?.contains("corrupt") == true)
        // Only what was really lost is embedded again: all of it when the vectors or the
        // metadata (which names the embedder) are gone, nothing otherwise.
        let lost = kind == .vectors || kind == .meta
        #expect(repair.embeddedFunctions == (lost ? 3 : 0), "\(kind.name)")
        try f.open().verify()
        #expect(try await f.run(snapshot).outcome == .upToDate)
    }

    @Test func nanVectorWithValidChecksumsIsDamage() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot(files, source: f.source)
        _ = try await f.run(snapshot)
        var damaged = try bytes(f)
        let vectors = try #require(Self.sections(damaged).first { $0.kind == .vectors })
        damaged[vectors.offset] = 0x00
        damaged[vectors.offset + 1] = 0x7E  // fp16 NaN, little-endian
        Self.rechecksum(&damaged)
        try overwrite(damaged, f)
        let path = f.dir.location.indexPath
        #expect(throws: IndexError.corrupt(path: path, section: "vectors")) { try f.open().verify() }
        let repair = try await f.run(snapshot)
        #expect(repair.outcome == .updated)
        try f.open().verify()
    }

    @Test func writerRefusesNonFiniteAndNonUnitVectors() throws {
        let dir = try TempDirectory()
        defer { dir.cleanup() }
        try FileManager.default.createDirectory(atPath: dir.location.directory, withIntermediateDirectories: true)
        let identity = CountingEmbedder(counter: Counter()).identity
        for bad: Float in [.nan, .infinity, 3] {
            for encoding in [VectorEncoding.float16, .float32] {
                var row = CountingEmbedder.vector(for: "x", dimensions: identity.dimensions)
                row[1] = bad
                var bytes: [UInt8] = []
                for x in row {
                    if encoding == .float16 {
                        // HalfFloat.bits turns non-finite values into 0: spell those bits out.
                        let h: UInt16 = x.isNaN ? 0x7E00 : x.isInfinite ? 0x7C00 : HalfFloat.bits(x)
                        bytes += [UInt8(truncatingIfNeeded: h), UInt8(truncatingIfNeeded: h >> 8)]
                    } else {
                        withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 }
                    }
                }
                let source = MemoryBlobSource(counter: Counter())
                let span = LineExtractor(counter: Counter()).units(in: Array("def f():\n".utf8), language: "python")[0]
                let blob = StoredBlob(key: BlobKey(id: source.add("def f():\n"), language: "python"),
                                      functions: [StoredFunction(span: span, textHash: 1, bag: LexicalBag(sorted: []))],
                                      vectorBytes: bytes, lastSeen: 0)
                let contents = IndexContents(identity: identity, grammarVersion: "g", encoding: encoding, generation: 0,
                                             snapshot: LiveSnapshotInfo(kind: .workingTree, commitID: nil, hash: 0, complete: true),
                                             blobs: [blob], live: [("a.py", 0)])
                #expect(throws: IndexError.self, "\(bad) as \(encoding)") {
                    try IndexFileWriter.write(contents, to: dir.location.indexPath)
                }
                #expect(!FileManager.default.fileExists(atPath: dir.location.indexPath))
            }
        }
    }
}
