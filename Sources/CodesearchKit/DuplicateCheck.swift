import EmbeddingCore
import Git
import IndexStorage
import Indexing
import Scanning

/// One staged function that closely resembles an existing one.
public struct DuplicateFinding: Sendable, Equatable {
    public var stagedPath: String
    public var staged: FunctionSpan
    public var existingPath: String
    public var existing: FunctionSpan
    /// Cosine similarity of the two functions' vectors.
    public var score: Float
    /// Similarity of the two functions' code shape, names and literals aside
    /// (`CloneFingerprint`); nil when either is shorter than the minimum.
    public var structure: Float?
}

public struct DuplicateCheckRequest: Sendable {
    /// Report pairs at least this similar (cosine); see docs/check-threshold.md.
    public var threshold: Float
    /// Bring the working-tree index up to date first (it is the embedding cache).
    public var update: Bool
    /// Read the staging area from this index file instead of the repository's
    /// (a hook passes git's `GIT_INDEX_FILE`, set by `git commit -a` and `git commit PATH`).
    public var indexFile: String?
    /// Also report pairs whose code shape is at least this similar, whatever their
    /// cosine: copies with every name and literal changed; see docs/check-threshold.md.
    public var structureThreshold: Float
    /// Functions of fewer tokens are compared by cosine only.
    public var structureMinimumTokens: Int

    public static let defaultThreshold: Float = 0.90
    public static let defaultStructureThreshold: Float = 0.80
    public static let defaultStructureMinimumTokens = 25

    public init(threshold: Float = DuplicateCheckRequest.defaultThreshold, update: Bool = true, indexFile: String? = nil,
                structureThreshold: Float = DuplicateCheckRequest.defaultStructureThreshold,
                structureMinimumTokens: Int = DuplicateCheckRequest.defaultStructureMinimumTokens) {
        self.threshold = threshold
        self.update = update
        self.indexFile = indexFile
        self.structureThreshold = structureThreshold
        self.structureMinimumTokens = structureMinimumTokens
    }
}

public struct DuplicateCheckResult: Sendable {
    /// Sorted by staged path and line, then by score, best first.
    public var findings: [DuplicateFinding]
    /// Staged functions that were added or changed.
    public var checkedFunctions: Int
    public var update: IndexSummary?
    /// Files of HEAD or the staging area that could not be read.
    public var failures: [(path: String, message: String)]
}

extension Workspace {
    /// Compares each function added or changed in the staging area with HEAD's
    /// functions elsewhere.
    ///
    /// "Added or changed": a staged function whose text is in no function of HEAD's
    /// version of the same path. "Existing": a function of HEAD that is still in the
    /// staging area unchanged at the same path (so moving a function is not a copy),
    /// at another path or with another qualified name than the staged one.
    ///
    /// The working-tree index is the embedding cache: it is brought up to date as a
    /// search would (so the next search has nothing to do), and blobs it lacks (HEAD's
    /// side of a changed file, a file changed again after staging) are scanned and
    /// embedded in memory. The index's live snapshot stays the working tree.
    public func checkStaged(_ request: DuplicateCheckRequest, embedder: Embedder,
                            location: IndexLocation) async throws -> DuplicateCheckResult {
        var summary: IndexSummary?
        if request.update {
            summary = try await updateIndex(.workingTree, embedder: embedder, location: location,
                                            options: IndexerOptions(ifIdle: true))
        }
        let index = try? openIndex(location: location, embedder: embedder)
        var resolver = SnapshotResolver(workspace: self, index: index)
        let head: [ResolvedFunction]
        if let commit = repository.headCommitID() {
            head = try resolver.resolve(try snapshot(.revision(commit)))
        } else {
            head = []
        }
        let stagedSnapshot = try request.indexFile.map {
            try repository.stagedSnapshot(indexFile: $0, options: snapshotOptions)
        } ?? snapshot(.staged)
        let staged = try resolver.resolve(stagedSnapshot)
        try await resolver.embedPending(embedder)

        var headTexts: [String: Set<UInt64>] = [:]
        for f in head { headTexts[f.path, default: []].insert(f.textHash) }
        var stagedTexts: [String: Set<UInt64>] = [:]
        for f in staged { stagedTexts[f.path, default: []].insert(f.textHash) }

        let changed = staged.filter { !(headTexts[$0.path]?.contains($0.textHash) ?? false) }
        let existing = head.filter { stagedTexts[$0.path]?.contains($0.textHash) ?? false }
        var findings: [DuplicateFinding] = []
        if !changed.isEmpty {
            let changedVectors = changed.map { resolver.unitVector(of: $0) }
            let existingVectors = existing.map { resolver.unitVector(of: $0) }
            // scores[i]: (existing index, cosine) for every eligible pair of changed function i.
            var scores: [[(Int, Float)]] = Array(repeating: [], count: changed.count)
            for (j, candidate) in existing.enumerated() {
                for (i, c) in changed.enumerated()
                where !(c.path == candidate.path && c.span.qualifiedName == candidate.span.qualifiedName) {
                    scores[i].append((j, zip(changedVectors[i], existingVectors[j]).reduce(Float(0)) { $0 + $1.0 * $1.1 }))
                }
            }
            try await rescoreUnderCandidateNames(changed, existing, existingVectors, &scores, embedder: embedder)
            findings = flagged(changed, existing, scores, request)
        }
        findings.sort {
            if $0.stagedPath != $1.stagedPath { return $0.stagedPath < $1.stagedPath }
            if $0.staged.declarationLine != $1.staged.declarationLine { return $0.staged.declarationLine < $1.staged.declarationLine }
            if $0.score != $1.score { return $0.score > $1.score }
            return ($0.existingPath, $0.existing.declarationLine) < ($1.existingPath, $1.existing.declarationLine)
        }
        return DuplicateCheckResult(findings: findings, checkedFunctions: changed.count, update: summary,
                                    failures: resolver.failures)
    }
}

extension Workspace {
    /// The pairs at least `threshold` similar by cosine or `structureThreshold` by shape.
    func flagged(_ changed: [ResolvedFunction], _ existing: [ResolvedFunction], _ scores: [[(Int, Float)]],
                 _ request: DuplicateCheckRequest) -> [DuplicateFinding] {
        var scorer = StructureScorer(workspace: self, minimumTokens: request.structureMinimumTokens)
        let changedPrints = scorer.fingerprints(of: changed)
        // HEAD's blobs are read only when some changed function is long enough to compare.
        let existingPrints = changedPrints.contains { $0 != nil }
            ? scorer.fingerprints(of: existing) : Array(repeating: nil, count: existing.count)
        let structure = StructureScorer.structureScores(changedPrints, existingPrints, pairs: scores)
        var findings: [DuplicateFinding] = []
        for (i, c) in changed.enumerated() {
            for (k, (j, score)) in scores[i].enumerated() {
                let shape = structure[i][k]
                guard score >= request.threshold || (shape ?? 0) >= request.structureThreshold else { continue }
                findings.append(DuplicateFinding(stagedPath: c.path, staged: c.span, existingPath: existing[j].path,
                                                 existing: existing[j].span, score: score, structure: shape))
            }
        }
        return findings
    }

    /// The embedded text starts with the qualified name, so a method copied into
    /// another type scores lower than its body deserves (0.80 for a short one). Each
    /// changed function's nearest candidates under another name are scored again with
    /// the changed function re-embedded under the candidate's name: the same code,
    /// whatever it is called, scores as the same code. A few embeddings per function.
    func rescoreUnderCandidateNames(_ changed: [ResolvedFunction], _ existing: [ResolvedFunction],
                                    _ existingVectors: [[Float]], _ scores: inout [[(Int, Float)]],
                                    embedder: Embedder, candidates: Int = 3, floor: Float = 0.5) async throws {
        var texts: [String] = []
        var slots: [(i: Int, k: Int)] = []
        var sources: [String: [UInt8]] = [:]
        for (i, c) in changed.enumerated() {
            let nearest = scores[i].indices
                .filter { scores[i][$0].1 >= floor && existing[scores[i][$0].0].span.qualifiedName != c.span.qualifiedName }
                .sorted { scores[i][$0].1 > scores[i][$1].1 }
                .prefix(candidates)
            guard !nearest.isEmpty else { continue }
            if sources[c.path] == nil { sources[c.path] = try? repository.contents(of: c.entry) }
            guard let bytes = sources[c.path] else { continue }
            for k in nearest {
                var span = c.span
                span.qualifiedName = existing[scores[i][k].0].span.qualifiedName
                texts.append(EmbeddingText.text(for: span, in: bytes))
                slots.append((i, k))
            }
        }
        guard !texts.isEmpty else { return }
        let vectors = try await embedder.embed(documents: texts)
        for (slot, vector) in zip(slots, vectors) {
            let norm = L2.norm(vector)
            guard norm > L2.epsilon else { continue }
            let candidate = existingVectors[scores[slot.i][slot.k].0]
            let score = zip(vector, candidate).reduce(Float(0)) { $0 + $1.0 * $1.1 } / norm
            scores[slot.i][slot.k].1 = max(scores[slot.i][slot.k].1, score)
        }
    }
}

/// A function of a snapshot, with where its vector comes from.
struct ResolvedFunction {
    enum Vector { case row(Int), pending(Int) }
    var entry: SnapshotEntry
    var path: String
    var span: FunctionSpan
    var textHash: UInt64
    var vector: Vector
}

/// Finds each snapshot function's vector in the index by blob id, else by text;
/// texts in neither are queued for the embedder.
struct SnapshotResolver {
    let workspace: Workspace
    let index: IndexFile?
    private var blobRows: [BlobKey: Range<Int>] = [:]
    private var textRows: [UInt64: Int]?
    private var pendingTexts: [String] = []
    private var pendingByHash: [UInt64: Int] = [:]
    private var embedded: [[Float]] = []
    var failures: [(path: String, message: String)] = []

    init(workspace: Workspace, index: IndexFile?) {
        self.workspace = workspace
        self.index = index
        if let index {
            for b in 0..<index.blobCount {
                let blob = index.blob(at: b)
                blobRows[blob.key] = blob.functions
            }
        }
    }

    mutating func resolve(_ snapshot: Snapshot) throws -> [ResolvedFunction] {
        var out: [ResolvedFunction] = []
        for entry in snapshot.entries {
            guard let scanner = workspace.grammars.scanner(forPath: entry.path) else { continue }
            let key = BlobKey(id: entry.blobID, language: scanner.grammar.name)
            if let index, let rows = blobRows[key] {
                // The index holds every unit; duplicates are a matter of callables only.
                for row in rows {
                    let f = index.function(at: row)
                    guard f.span.kind.isCallable else { continue }
                    out.append(ResolvedFunction(entry: entry, path: entry.path, span: f.span, textHash: f.textHash, vector: .row(row)))
                }
                continue
            }
            let bytes: [UInt8]
            do {
                bytes = try workspace.repository.contents(of: entry)
            } catch {
                failures.append((entry.path, "\(error)"))
                continue
            }
            for span in scanner.functions(in: bytes) {
                let text = EmbeddingText.text(for: span, in: bytes)
                let hash = EmbeddingText.hash(text)
                out.append(ResolvedFunction(entry: entry, path: entry.path, span: span, textHash: hash,
                                            vector: vector(forText: text, hash: hash)))
            }
        }
        return out
    }

    private mutating func vector(forText text: String, hash: UInt64) -> ResolvedFunction.Vector {
        if textRows == nil, let index {
            var rows: [UInt64: Int] = [:]
            for i in 0..<index.functionCount { rows[index.function(at: i).textHash] = i }
            textRows = rows
        }
        if let row = textRows?[hash] { return .row(row) }
        if let pending = pendingByHash[hash] { return .pending(pending) }
        pendingByHash[hash] = pendingTexts.count
        pendingTexts.append(text)
        return .pending(pendingTexts.count - 1)
    }

    mutating func embedPending(_ embedder: Embedder, batchSize: Int = 32) async throws {
        var start = embedded.count
        while start < pendingTexts.count {
            let end = min(pendingTexts.count, start + batchSize)
            embedded += try await embedder.embed(documents: Array(pendingTexts[start..<end]))
            start = end
        }
    }

    /// The function's vector scaled to length 1 (stored vectors are float16).
    func unitVector(of f: ResolvedFunction) -> [Float] {
        let v: [Float]
        switch f.vector {
        case .row(let row): v = index?.vector(at: row) ?? []
        case .pending(let i): v = i < embedded.count ? embedded[i] : []
        }
        return L2.normalized(v)
    }
}
