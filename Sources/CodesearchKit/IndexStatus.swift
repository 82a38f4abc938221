import Foundation
import Git
import Index

/// What `codesearch status` reports.
public struct IndexStatus: Sendable {
    public var location: IndexLocation
    public var metadata: IndexMetadata?
    /// Why the index could not be read, when it could not.
    public var problem: String?
    /// Whether the index holds a different working tree than the one on disk now.
    public var stale: Bool
    /// Whether an interrupted run left embedded work for the next run.
    public var pendingJournal: Bool
    /// The result of checking the vector section's checksum, when asked.
    public var verified: Result<Void, Error>?
    /// The damage found by `IndexHealth` (checksums and vectors, checked again only when
    /// the file changed since its last verification); `codesearch index` repairs it.
    public var damage: String?
}

extension Workspace {
    public func status(location: IndexLocation, verify: Bool) throws -> IndexStatus {
        var status = IndexStatus(location: location, metadata: nil, problem: nil, stale: true,
                                 pendingJournal: FileSystem.exists(location.journalPath), verified: nil)
        do {
            let meta = try IndexMetadata.read(path: location.indexPath)
            status.metadata = meta
            let current = try snapshot(.workingTree)
            let hash = Indexer.snapshotHash(of: current, extractor: ScannerExtractor(grammars: grammars))
            status.stale = !(meta.snapshot.complete && meta.snapshot.kind == .workingTree && meta.snapshot.hash == hash
                             && meta.grammarVersion == grammars.version)
            do {
                try IndexHealth.check(location)
            } catch let error as IndexError where error.isUnreadableIndex {
                status.damage = error.description
            }
            if verify {
                status.verified = Result { try IndexFile.open(path: location.indexPath).verify() }
            }
        } catch IndexError.missing {
            status.problem = "no index yet; run `codesearch index`"
        } catch let error as IndexError {
            status.problem = "\(error)"
        }
        return status
    }
}

enum FileSystem {
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}
