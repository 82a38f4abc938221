import Foundation
import Testing
@testable import Indexing
@testable import IndexStorage

/// The file selection recorded as the metadata's optional last field.
@Suite struct FileSelectionMetadataTests {
    let files = [("a.py", pythonSource(["alpha"])), ("b.py", pythonSource(["beta"]))]

    /// An index written without it (as before it existed) reads with nil; one written
    /// with it reads it back; a new selection with the same files rewrites the record.
    @Test func recordedWhenGivenAndReadBackOptionally() async throws {
        var f = try Fixture()
        defer { f.dir.cleanup() }
        let snapshot = makeSnapshot(files, source: f.source)
        _ = try await f.run(snapshot)
        #expect(try IndexMetadata.read(path: f.dir.location.indexPath).fileSelection == nil)

        f.options.fileSelection = "languages=python"
        #expect(try await f.run(snapshot).outcome == .updated)
        #expect(try IndexMetadata.read(path: f.dir.location.indexPath).fileSelection == "languages=python")
        #expect(try f.open().metadata.fileSelection == "languages=python")
        #expect(f.counter["texts"] == 0)  // nothing embedded again
        #expect(try await f.run(snapshot).outcome == .upToDate)
    }
}
