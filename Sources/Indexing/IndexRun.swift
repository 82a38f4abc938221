import ByteCoding
import Platform
import IndexStorage
import Git
import Scanning

/// The state of one locked indexing run: cached blobs, the journal, and the
/// queue of function texts waiting for the embedder.
struct IndexRun {
    let indexer: Indexer
    let entries: [Indexer.SourceEntry]
    var blobs: [StoredBlob] = []
    var blobIndex: [BlobKey: Int] = [:]
    var generation: UInt32 = 0
    var previousHash: UInt64?
    var dimensions: Int { indexer.embedder.identity.dimensions }
    var rowBytes: Int { dimensions * indexer.options.encoding.bytesPerComponent }

    /// Vectors already known by text hash: (blob, row).
    var knownTexts: [UInt64: (blob: Int, row: Int)] = [:]
    /// Vectors of an index whose grammar differs (same embedder): reusable by text only.
    var foreignVectors: [UInt64: [UInt8]] = [:]
    /// A damaged index's sound vector rows by blob (`IndexSalvage.byBlob`), same grammar only.
    var salvagedBlobs: [BlobID: (count: Int, bytes: [UInt8])] = [:]

    init(indexer: Indexer, entries: [Indexer.SourceEntry]) {
        self.indexer = indexer
        self.entries = entries
    }

    mutating func load(_ index: IndexFile, summary: inout IndexSummary) {
        let options = indexer.options
        guard index.identity == indexer.embedder.identity, index.encoding == options.encoding else {
            summary.discardedIndex = "made by another embedder or vector encoding"
            return
        }
        generation = index.generation
        guard index.grammarVersion == indexer.extractor.grammarVersion, index.hasLexicon else {
            // Spans may differ, but a function whose text is unchanged keeps its vector.
            summary.discardedIndex = index.hasLexicon
                ? "made with another grammar version; vectors are reused"
                : "made by an older codesearch (index format \(index.metadata.formatVersion)); vectors are reused"
            for blob in index.contents() {
                for (row, f) in blob.functions.enumerated() where f.hasVector {
                    foreignVectors[f.textHash] = Array(blob.vectorBytes[(row * rowBytes)..<((row + 1) * rowBytes)])
                }
            }
            return
        }
        previousHash = index.snapshot.hash
        for blob in index.contents() { add(blob) }
    }

    /// Takes what a damaged index still holds: vectors by text, and by blob when its
    /// grammar (and so each blob's function order) is this run's.
    mutating func salvage(_ salvage: IndexSalvage) {
        foreignVectors.merge(salvage.byText) { kept, _ in kept }
        if salvage.grammarVersion == indexer.extractor.grammarVersion { salvagedBlobs = salvage.byBlob }
    }

    /// Keeps `blob`, unless one with its key is kept already; a blob whose units wait for
    /// vectors gives way to the same blob completed by a later run.
    mutating func add(_ blob: StoredBlob) {
        let at: Int
        if let known = blobIndex[blob.key] {
            guard !blobs[known].isComplete, blob.functions.count == blobs[known].functions.count else { return }
            blobs[known] = blob
            at = known
        } else {
            at = blobs.count
            blobIndex[blob.key] = at
            blobs.append(blob)
        }
        for (row, f) in blob.functions.enumerated() where f.hasVector && knownTexts[f.textHash] == nil {
            knownTexts[f.textHash] = (at, row)
        }
    }

    /// The live entries whose blob is not stored yet, or stored with units still waiting
    /// for their vectors, each once.
    func unfinished() -> [Indexer.SourceEntry] {
        var seen = Set<BlobKey>()
        return entries.filter { entry in
            let stored = blobIndex[entry.key].map { blobs[$0].isComplete } ?? false
            return !stored && seen.insert(entry.key).inserted
        }
    }

    func knownVector(_ hash: UInt64) -> [UInt8]? {
        if let (b, row) = knownTexts[hash] {
            return Array(blobs[b].vectorBytes[(row * rowBytes)..<((row + 1) * rowBytes)])
        }
        return foreignVectors[hash]
    }

    /// A blob whose functions are scanned and waiting for some vectors.
    struct PendingBlob {
        var key: BlobKey
        var functions: [StoredFunction]
        var rows: [[UInt8]?]
    }

    mutating func execute(snapshot: Snapshot, hash: UInt64, source: BlobSource,
                          summary: inout IndexSummary) async throws {
        let location = indexer.location
        let options = indexer.options
        let cacheKey = indexer.cacheKey()

        let dryRun = options.dryRun
        let replay = try IndexJournal.replay(path: location.journalPath, cacheKey: cacheKey, rowBytes: rowBytes)
        recover(replay.blobs, summary: &summary)

        let missing = unfinished()
        summary.newBlobs = missing.filter { blobIndex[$0.key] == nil }.count
        // Opened only when there is something to embed: a rename or a checkout writes no journal.
        let journal = missing.isEmpty || dryRun ? nil
            : try IndexJournal(path: location.journalPath, cacheKey: cacheKey, validLength: replay.validLength)
        var checkpoint = JournalCheckpoint(journal: journal, interval: options.checkpointInterval)
        // Past the budget, units are written without vectors (the lexical tier) for a later run.
        var budget = EmbeddingBudget(limit: options.embedBudget, batchSize: options.batchSize)
        var failed = Set<BlobKey>()

        var pending: [PendingBlob] = []
        var queue: [(hash: UInt64, text: String)] = []
        var queued = Set<UInt64>()

        func report(_ phase: IndexProgress.Phase, _ done: Int) {
            options.progress?(IndexProgress(phase: phase, blobsDone: done, blobsTotal: missing.count,
                                            functionsEmbedded: summary.embeddedFunctions))
        }

        var cancelled = false
        var scanned: [BlobScan] = []
        for (done, item) in missing.enumerated() {
            if options.shouldCancel?() == true { cancelled = true; break }
            report(.scanning, done)
            if done % BlobScan.chunk == 0 {
                scanned = BlobScan.scan(missing[done..<min(missing.count, done + BlobScan.chunk)],
                                        source: source, extractor: indexer.extractor)
            }
            let scan = scanned[done % BlobScan.chunk]
            if let failure: String = scan.failure {
                summary.failures.append((path: item.entry.path, message: failure))
                failed.insert(item.key)
                continue
            }
            summary.scannedBlobs += 1
            pending.append(pendingBlob(item.key, scan, queue: &queue, queued: &queued, summary: &summary))
            if dryRun {
                // `queued` is never cleared in a dry run, so each distinct text is counted once.
                summary.plannedTexts += queue.map(\.text)
                queue.removeAll(keepingCapacity: true)
                pending.removeAll(keepingCapacity: true)
                continue
            }
            if queue.count >= options.batchSize || done == missing.count - 1 {
                if options.shouldCancel?() == true { cancelled = true; break }
                report(.embedding, done + 1)
                do {
                    try await embed(&queue, &pending, journal: journal, summary: &summary, budget: &budget)
                } catch {
                    try? journal?.sync()  // keep what earlier batches embedded
                    throw error
                }
                queued.removeAll(keepingCapacity: true)
                try checkpoint.syncIfDue()
            }
        }
        if dryRun { return }
        if !cancelled && !pending.isEmpty {
            try await embed(&queue, &pending, journal: journal, summary: &summary, budget: &budget)
        }
        try journal?.sync()
        if cancelled {
            summary.outcome = .cancelled
            return
        }

        report(.writing, missing.count)
        // Units left waiting for vectors make the snapshot incomplete: the next run is no no-op.
        try compact(snapshot: snapshot, hash: hash, complete: failed.isEmpty && summary.deferredFunctions == 0,
                    summary: &summary)
        try FileSystem.remove(location.journalPath)
    }

    /// Takes the blobs a journal kept from an interrupted run (embedding work not to redo).
    mutating func recover(_ journaled: [StoredBlob], summary: inout IndexSummary) {
        for var blob in journaled where blobIndex[blob.key] == nil {
            blob.lastSeen = generation
            add(blob)
            summary.recoveredBlobs += 1
        }
    }

    /// A scanned blob waiting for its vectors: each unit's row is a known vector (by text
    /// hash, or salvaged from a damaged index), or nil with its text queued once.
    func pendingBlob(_ key: BlobKey, _ scan: BlobScan, queue: inout [(hash: UInt64, text: String)],
                     queued: inout Set<UInt64>, summary: inout IndexSummary) -> PendingBlob {
        var blob = PendingBlob(key: key, functions: [], rows: [])
        let salvaged = salvagedBlobs[key.id].flatMap { $0.count == scan.units.count ? $0.bytes : nil }
        for (i, unit) in scan.units.enumerated() {
            let textHash = unit.textHash
            blob.functions.append(StoredFunction(span: unit.span, textHash: textHash, bag: unit.bag))
            let salvagedRow: [UInt8]? = salvaged.map { Array($0[(i * rowBytes)..<((i + 1) * rowBytes)]) }
            if let vector = knownVector(textHash) ?? salvagedRow {
                blob.rows.append(vector)
                summary.reusedVectors += 1
            } else {
                blob.rows.append(nil)
                if queued.insert(textHash).inserted { queue.append((textHash, unit.text)) } else { summary.reusedVectors += 1 }
            }
        }
        return blob
    }

    /// Embeds the queued texts (as many as `budget` allows), completes pending blobs and
    /// checkpoints them to the journal. A text the budget leaves out is not embedded: its
    /// unit is kept with a row of zeros and `hasVector` false, for a later run to fill in.
    mutating func embed(_ queue: inout [(hash: UInt64, text: String)], _ pending: inout [PendingBlob],
                        journal: IndexJournal?, summary: inout IndexSummary,
                        budget: inout EmbeddingBudget) async throws {
        var fresh: [UInt64: [UInt8]] = [:]
        var start = 0
        let clock = ContinuousClock()
        while let count = budget.next(of: queue.count - start) {
            let began = clock.now
            let batch = queue[start..<(start + count)]
            let vectors = try await indexer.embedder.embed(documents: batch.map(\.text))
            guard vectors.count == count else {
                throw IndexError.badEmbedding("\(vectors.count) vectors for \(count) texts")
            }
            for (item, vector) in zip(batch, vectors) {
                fresh[item.hash] = try VectorCodec.encode(vector, dimensions: dimensions, encoding: indexer.options.encoding)
            }
            budget.record(count, took: began.duration(to: clock.now))
            start += count
        }
        summary.embeddedFunctions += start
        summary.deferredFunctions += queue.count - start
        let deferring = start < queue.count
        queue.removeAll(keepingCapacity: true)
        let zeros = [UInt8](repeating: 0, count: rowBytes)
        for blob in pending {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(blob.functions.count * rowBytes)
            var functions = blob.functions
            for (i, (row, f)) in zip(blob.rows, blob.functions).enumerated() {
                if let vector = row ?? fresh[f.textHash] ?? knownVector(f.textHash) {
                    bytes += vector
                } else if deferring {
                    // Every text without a vector is in this call's queue: deferred, it waits.
                    functions[i].hasVector = false
                    bytes += zeros
                } else {
                    throw IndexError.badEmbedding("no vector for a queued text")
                }
            }
            let stored = StoredBlob(key: blob.key, functions: functions, vectorBytes: bytes, lastSeen: generation)
            // The journal keeps embedding work for a resumed run; a deferred unit holds none.
            if stored.isComplete { try journal?.append(stored) }
            add(stored)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Applies garbage collection and writes the new index file, unless nothing changed.
    mutating func compact(snapshot: Snapshot, hash: UInt64, complete: Bool, summary: inout IndexSummary) throws {
        let changed = previousHash != hash
        let newGeneration = changed ? generation &+ 1 : generation
        var live: [(path: String, key: BlobKey)] = []
        var liveKeys = Set<BlobKey>()
        for e in entries where blobIndex[e.key] != nil {
            live.append((e.entry.path, e.key))
            liveKeys.insert(e.key)
        }
        for i in blobs.indices where liveKeys.contains(blobs[i].key) { blobs[i].lastSeen = newGeneration }

        let kept = GarbageCollector(policy: indexer.options.garbageCollection, rowBytes: rowBytes)
            .select(blobs, live: liveKeys, generation: newGeneration)
        summary.droppedBlobs = blobs.count - kept.count
        let sorted = kept.sorted { $0.key < $1.key }
        var position: [BlobKey: Int] = [:]
        for (i, b) in sorted.enumerated() { position[b.key] = i }

        summary.functions = live.reduce(0) { $0 + sorted[position[$1.key]!].functions.count }
        let contents = IndexContents(
            identity: indexer.embedder.identity, grammarVersion: indexer.extractor.grammarVersion,
            encoding: indexer.options.encoding, generation: newGeneration,
            snapshot: LiveSnapshotInfo(kind: snapshot.kind, commitID: snapshot.commitID, hash: hash, complete: complete),
            blobs: sorted, live: live.map { ($0.path, position[$0.key]!) },
            fileSelection: indexer.options.fileSelection)
        try IndexFileWriter.write(contents, to: indexer.location.indexPath)
    }

    /// NUL in the first 8 KB, as git decides: not source code.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8000).contains(0)
    }
}

/// Turns embedder output into stored rows.
enum VectorCodec {
    /// Checks the length and finiteness, re-normalises, encodes little-endian.
    static func encode(_ vector: [Float], dimensions: Int, encoding: VectorEncoding) throws -> [UInt8] {
        guard vector.count == dimensions else {
            throw IndexError.badEmbedding("expected \(dimensions) dimensions, got \(vector.count)")
        }
        guard vector.allSatisfy(\.isFinite) else { throw IndexError.badEmbedding("non-finite component") }
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        let scale: Float = norm > 0 ? 1 / norm : 0
        var w = ByteWriter(capacity: dimensions * encoding.bytesPerComponent)
        for x in vector {
            switch encoding {
            case .float16:
                w.u16(HalfFloat.bits(x * scale))
            case .float32:
                w.u32((x * scale).bitPattern)
            }
        }
        return w.bytes
    }
}

/// The journal and when it was last made durable: it is written after every batch and
/// fsynced at most every `interval`, so a crash loses at most that much embedding work.
struct JournalCheckpoint {
    let journal: IndexJournal?
    let interval: Duration
    private var last = ContinuousClock.now

    init(journal: IndexJournal?, interval: Duration) {
        self.journal = journal
        self.interval = interval
    }

    mutating func syncIfDue() throws {
        guard last.duration(to: .now) >= interval else { return }
        try journal?.sync()
        last = .now
    }
}
