import ByteCoding
import Platform
import IndexStorage
import EmbeddingCore
import Foundation
import Git
import Scanning
import Hashing

/// Brings the index up to date with a snapshot, scanning and embedding only
/// blobs it has never seen (see DESIGN.md, decision 3).
///
/// - No-op: if the index's metadata (two `pread`s) shows the same embedder,
///   grammar, encoding and snapshot hash, and no journal is pending, the run
///   returns `.upToDate` without taking the lock or touching any file.
/// - Otherwise it takes the writer lock (`IndexLock`; `ifIdle` returns
///   `.busy` instead of waiting), replays the journal of an interrupted run,
///   reads, scans and embeds only unknown blobs (and only texts whose hash has
///   no vector yet), appending each finished blob to the journal after every
///   batch (fsynced every `checkpointInterval`), then writes a new index
///   beside the old one (fsync, rename, directory fsync) and deletes the
///   journal. A crash at any point leaves the old index intact and the
///   journal's complete records for the next run.
public struct Indexer: Sendable {
    public let location: IndexLocation
    public let extractor: FunctionExtractor
    public let embedder: Embedder
    public let options: IndexerOptions

    public init(location: IndexLocation, extractor: FunctionExtractor, embedder: Embedder,
                options: IndexerOptions = IndexerOptions()) {
        self.location = location
        self.extractor = extractor
        self.embedder = embedder
        self.options = options
    }

    /// A source file of the snapshot with its cache key.
    struct SourceEntry {
        var entry: SnapshotEntry
        var key: BlobKey
    }

    public func update(snapshot: Snapshot, source: BlobSource) async throws -> IndexSummary {
        let clock = ContinuousClock()
        let started = clock.now
        func finish(_ s: IndexSummary) -> IndexSummary {
            var s = s
            let elapsed = started.duration(to: clock.now).components
            s.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            return s
        }

        let entries = Indexer.sourceEntries(snapshot, extractor)
        let hash = Indexer.snapshotHash(snapshot, entries)

        // The no-op path: two preads, a hash comparison and a stat of the index against
        // `VerifiedStamp` (a full verification only when the file changed since the last),
        // no lock, no writes but that stamp. Damage found here is repaired below.
        var damage: IndexError?
        if let current = try? IndexMetadata.read(path: location.indexPath), isUpToDate(current, snapshot, hash) {
            do {
                try IndexHealth.check(location)
                var s = IndexSummary(outcome: .upToDate)
                s.files = entries.count
                s.functions = current.liveFunctionCount
                return finish(s)
            } catch let error as IndexError where error.isUnreadableIndex {
                damage = error
            }
        }

        if options.dryRun {
            try IndexDirectory.checkOwnership(location)
            return finish(try await plan(snapshot: snapshot, hash: hash, entries: entries, source: source))
        }
        try IndexDirectory.prepare(location)
        let lock: IndexLock
        if options.ifIdle {
            guard let taken = try IndexLock.tryAcquire(path: location.lockPath) else {
                return finish(IndexSummary(outcome: .busy))
            }
            lock = taken
        } else {
            lock = try await IndexLock.acquire(path: location.lockPath)
        }
        defer { withExtendedLifetime(lock) {} }
        // Checked again under the lock: a file may have appeared since.
        try IndexDirectory.checkOwnership(location)
        removeStaleTemporaryFiles()

        var run = IndexRun(indexer: self, entries: entries)
        var summary = IndexSummary(outcome: .updated)
        summary.files = entries.count
        damage = nil
        do {
            let current = try IndexFile.open(path: location.indexPath)
            if isUpToDate(current.metadata, snapshot, hash) {
                // Another writer may have repaired it meanwhile; otherwise this throws the damage.
                try IndexHealth.check(location)
                summary.outcome = .upToDate
                summary.functions = current.liveFunctionCount
                return finish(summary)
            }
            // Its vectors are carried into the new file: they must be sound (checked only
            // when the file changed since its last verification).
            if !VerifiedStamp.holds(for: location) { try current.verify() }
            run.load(current, summary: &summary)
        } catch let error as IndexError where error.isUnreadableIndex {
            damage = error
        } catch IndexError.missing {
            // First run.
        }
        if let damage {
            // Keep every vector whose function-table row and vector section are still sound.
            summary.discardedIndex = damage.description
            run.salvage(IndexSalvage(path: location.indexPath, identity: embedder.identity, encoding: options.encoding))
        }
        try await run.execute(snapshot: snapshot, hash: hash, source: source, summary: &summary)
        // Written with every vector checked: stamped as verified.
        if summary.outcome == .updated { VerifiedStamp.record(for: location) }
        return finish(summary)
    }

    /// A dry run: what `update` would scan and embed, with no lock, no embedding and no writes.
    private func plan(snapshot: Snapshot, hash: UInt64, entries: [SourceEntry], source: BlobSource) async throws -> IndexSummary {
        var run = IndexRun(indexer: self, entries: entries)
        var summary = IndexSummary(outcome: .planned)
        summary.files = entries.count
        if let current = try? IndexFile.open(path: location.indexPath) {
            run.load(current, summary: &summary)
        }
        try await run.execute(snapshot: snapshot, hash: hash, source: source, summary: &summary)
        return summary
    }

    /// Whether the index on disk already holds `snapshot`, made by this embedder and
    /// these grammars: what `update` would find with nothing to do.
    public func isCurrent(snapshot: Snapshot) -> Bool {
        guard let meta = try? IndexMetadata.read(path: location.indexPath) else { return false }
        return isUpToDate(meta, snapshot, Indexer.snapshotHash(snapshot, Indexer.sourceEntries(snapshot, extractor)))
    }

    /// The hash `update` records for a snapshot; equal to `IndexMetadata.snapshot.hash`
    /// when the index holds exactly this snapshot (`status` uses it without loading a model).
    public static func snapshotHash(of snapshot: Snapshot, extractor: FunctionExtractor) -> UInt64 {
        snapshotHash(snapshot, sourceEntries(snapshot, extractor))
    }

    static func sourceEntries(_ snapshot: Snapshot, _ extractor: FunctionExtractor) -> [SourceEntry] {
        snapshot.entries.compactMap { entry -> SourceEntry? in
            guard let language = extractor.language(forPath: entry.path) else { return nil }
            return SourceEntry(entry: entry, key: BlobKey(id: entry.blobID, language: language))
        }.sorted { $0.entry.path < $1.entry.path }
    }

    private func isUpToDate(_ index: IndexMetadata, _ snapshot: Snapshot, _ hash: UInt64) -> Bool {
        index.formatVersion == IndexFormat.version
            && index.identity == embedder.identity && index.grammarVersion == extractor.grammarVersion
            && index.encoding == options.encoding && index.snapshot.complete && index.snapshot.hash == hash
            && !FileSystem.exists(location.journalPath)
            && (options.fileSelection == nil || index.fileSelection == options.fileSelection)
    }

    /// A writer killed between creating and renaming its temporary file leaves
    /// it behind; holding the lock, no other writer can be using one.
    private func removeStaleTemporaryFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: location.directory)) ?? []
        for name in names where IndexDirectory.isStaleTemporary(name: name, in: location.directory) {
            try? FileSystem.remove(location.directory + "/" + name)
        }
    }

    /// Identifies a snapshot's indexed content: kind, commit and (path, blob, language).
    static func snapshotHash(_ snapshot: Snapshot, _ entries: [SourceEntry]) -> UInt64 {
        var h = XXHash64()
        var w = ByteWriter()
        SnapshotKindCode.write(snapshot.kind, into: &w)
        w.string(snapshot.commitID ?? "")
        h.update(w.bytes)
        for e in entries {
            w.bytes.removeAll(keepingCapacity: true)
            w.string(e.entry.path)
            w.raw(e.key.id.bytes)
            w.string(e.key.language)
            h.update(w.bytes)
        }
        return h.finalize()
    }

    /// The journal belongs to one (identity, grammar, encoding); anything else is discarded.
    func cacheKey() -> UInt64 {
        XXHash64.hash("\(embedder.identity.key)\n\(extractor.grammarVersion)\n\(options.encoding.rawValue)")
    }
}
