import Settings
import Foundation
import Git
import IndexStorage
import Indexing
import Platform

/// What `codesearch status` reports.
public struct IndexStatus: Sendable {
    public var location: IndexLocation
    public var metadata: IndexMetadata?
    /// Why the index could not be read, when it could not.
    public var problem: String?
    /// Whether the index holds something other than this working tree, as this
    /// command's settings select it.
    public var stale: Bool { staleReason != nil }
    /// Why it is stale, for a person (nil when current): another revision, other
    /// grammars, another file selection, a moved HEAD, or a changed working tree.
    public var staleReason: String?
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
        var status = IndexStatus(location: location, metadata: nil, problem: nil, staleReason: "no index",
                                 pendingJournal: FileSystem.exists(location.journalPath), verified: nil)
        do {
            let meta = try IndexMetadata.read(path: location.indexPath)
            status.metadata = meta
            let current = try snapshot(.workingTree)
            let hash = Indexer.snapshotHash(of: current, extractor: ScannerExtractor(grammars: grammars))
            status.staleReason = staleReason(meta, currentHash: hash)
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

extension Workspace {
    /// The first difference between what the index holds and what `index` would make of
    /// this working tree now; nil when there is none.
    func staleReason(_ meta: IndexMetadata, currentHash: UInt64) -> String? {
        let bare = repository.isBare
        switch meta.snapshot.kind {
        case .workingTree: break
        case .staged: return "the index holds the staging area (index --staged), not the working tree"
        case .revision(let rev):
            return bare ? "the index holds revision \(rev), not HEAD, which stands for the working tree of a bare repository"
                        : "the index holds revision \(rev) (index --rev), not the working tree"
        }
        if meta.grammarVersion != grammars.version { return "the grammars have changed since the index was made" }
        if !meta.snapshot.complete {
            return "the last index run did not finish, some files could not be read, or some units wait for their vectors"
        }
        if meta.snapshot.hash == currentHash { return nil }
        let selection = FileSelection(settings: settings)
        if let recorded = meta.fileSelection, recorded != selection.text {
            let differences = FileSelection(text: recorded).map { selection.differences(from: $0) } ?? []
            return "the index was made with other --include/--exclude/--languages/--max-file-size settings"
                + (differences.isEmpty ? "" : " (" + differences.joined(separator: "; ") + ")")
        }
        return bare ? "HEAD has moved since the index was made (a bare repository has no working tree; its HEAD is indexed)"
                    : "the working tree has changed"
    }
}
