import Foundation
import Testing
@testable import IndexStorage
@testable import Indexing

/// `--index DIR` may name any folder: a file there that is not codesearch's is never
/// replaced, and a missing folder is created with its parents (issue 12 items 4, 17).
@Suite struct IndexFolderTests {
    let files = [("a.py", pythonSource(["alpha", "beta"]))]

    @Test(arguments: ["index", "index.journal", "index.verified"])
    func foreignFileIsLeftUntouched(_ name: String) async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let directory = f.dir.location.directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let precious = Data("precious\n".utf8)
        let path = directory + "/" + name
        try precious.write(to: URL(fileURLWithPath: path))
        let snapshot = makeSnapshot(files, source: f.source)
        await #expect(throws: IndexError.foreignFile(path: path)) { _ = try await f.run(snapshot) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == precious)
        #expect(f.counter["texts"] == 0, "nothing was embedded before refusing")
        if name != "index" { #expect(!FileManager.default.fileExists(atPath: f.dir.location.indexPath)) }
    }

    @Test func foreignFolderNamedIndexIsRefused() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        try FileManager.default.createDirectory(atPath: f.dir.location.indexPath, withIntermediateDirectories: true)
        let snapshot = makeSnapshot(files, source: f.source)
        await #expect(throws: IndexError.foreignFile(path: f.dir.location.indexPath)) { _ = try await f.run(snapshot) }
    }

    @Test func strangeTemporaryFilesAreKept() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let directory = f.dir.location.directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let theirs = directory + "/index.tmp-notes", deadWriter = directory + "/index.tmp-999999"
        try Data("mine".utf8).write(to: URL(fileURLWithPath: theirs))
        try Data(IndexFormat.magic).write(to: URL(fileURLWithPath: deadWriter))
        _ = try await f.run(makeSnapshot(files, source: f.source))
        #expect(FileManager.default.fileExists(atPath: theirs))
        #expect(!FileManager.default.fileExists(atPath: deadWriter))
    }

    @Test func nestedFolderIsCreated() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let nested = IndexLocation(directory: f.dir.path + "/a/b/c")
        let indexer = Indexer(location: nested, extractor: f.extractor, embedder: f.embedder, options: f.options)
        let summary = try await indexer.update(snapshot: makeSnapshot(files, source: f.source), source: f.source)
        #expect(summary.outcome == .updated)
        #expect(FileManager.default.fileExists(atPath: nested.indexPath))
    }

    @Test func unchangedIndexIsNotVerifiedAgain() async throws {
        let f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot(files, source: f.source)
        _ = try await f.run(snapshot)
        // A stamp written in the clock tick of the file's mtime is not trusted (racy); an
        // index written well before its verification is.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                              ofItemAtPath: f.dir.location.indexPath)
        #expect(!VerifiedStamp.holds(for: f.dir.location), "the file changed after its stamp")
        #expect(try await f.run(snapshot).outcome == .upToDate)
        #expect(VerifiedStamp.holds(for: f.dir.location), "a full verification leaves a stamp for the next no-op")
    }
}
