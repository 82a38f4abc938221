import IndexStorage

public struct IndexProgress: Sendable, Equatable {
    public enum Phase: Sendable, Equatable { case scanning, embedding, writing }
    public var phase: Phase
    /// New blobs handled so far, of `blobsTotal`.
    public var blobsDone: Int
    public var blobsTotal: Int
    public var functionsEmbedded: Int
}

public struct IndexerOptions: Sendable {
    /// Function texts per `embed(documents:)` call.
    public var batchSize: Int
    /// The journal is fsynced at most this often (it is written after every batch).
    public var checkpointInterval: Duration
    /// Return `.busy` at once instead of waiting for another writer.
    public var ifIdle: Bool
    /// How long this run may spend embedding (nil: until done). Past it, the remaining
    /// units are written without vectors, ranked by words until a later run fills them in.
    public var embedBudget: Duration? = nil
    public var encoding: VectorEncoding
    public var garbageCollection: GarbageCollectionPolicy
    public var progress: (@Sendable (IndexProgress) -> Void)?
    /// Polled between blobs and batches (e.g. set by a SIGINT handler).
    public var shouldCancel: (@Sendable () -> Bool)?
    /// Scan what is new and report what would be embedded (`IndexSummary.plannedTexts`),
    /// but embed nothing, take no lock and write nothing.
    public var dryRun = false
    /// Which files the snapshot admits, recorded in the index for `status` (opaque here).
    /// A different one makes the index out of date even when the snapshot hash is equal.
    public var fileSelection: String?

    public init(batchSize: Int = 32, checkpointInterval: Duration = .seconds(2), ifIdle: Bool = false,
                encoding: VectorEncoding = .float16,
                garbageCollection: GarbageCollectionPolicy = GarbageCollectionPolicy(),
                progress: (@Sendable (IndexProgress) -> Void)? = nil,
                shouldCancel: (@Sendable () -> Bool)? = nil) {
        self.batchSize = max(1, batchSize)
        self.checkpointInterval = checkpointInterval
        self.ifIdle = ifIdle
        self.encoding = encoding
        self.garbageCollection = garbageCollection
        self.progress = progress
        self.shouldCancel = shouldCancel
    }
}

/// What a run did; the CLI prints it.
public struct IndexSummary: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// A new index file was written.
        case updated
        /// Nothing had changed; the file was not touched.
        case upToDate
        /// Another writer holds the lock (only with `ifIdle`).
        case busy
        /// `shouldCancel` fired; work so far is kept in the journal for the next run.
        case cancelled
        /// A dry run: nothing was embedded or written.
        case planned
        /// The update failed (`updateFailure` says why); a query answers from the index as it was.
        case failed
    }

    public var outcome: Outcome
    /// Why the update failed, for `failed`.
    public var updateFailure: String?
    /// Source files in the snapshot (paths with a language).
    public var files = 0
    /// Functions in the live snapshot after the run.
    public var functions = 0
    /// Distinct blobs that were not yet cached.
    public var newBlobs = 0
    /// Blobs read and scanned this run.
    public var scannedBlobs = 0
    /// Function texts sent to the embedder.
    public var embeddedFunctions = 0
    /// Units written without a vector because the run's embedding budget ran out.
    public var deferredFunctions = 0
    /// Functions whose text was already embedded (in another blob or a journal).
    public var reusedVectors = 0
    /// Blobs recovered from the journal of an interrupted run.
    public var recoveredBlobs = 0
    /// Blobs dropped by garbage collection.
    public var droppedBlobs = 0
    /// Files that could not be read; they are retried on the next run.
    public var failures: [(path: String, message: String)] = []
    /// With `dryRun`: the distinct texts that would be sent to the embedder.
    public var plannedTexts: [String] = []
    /// Set when an unreadable or incompatible index was replaced, with the reason.
    public var discardedIndex: String?
    public var seconds: Double = 0

    public init(outcome: Outcome) { self.outcome = outcome }
}
