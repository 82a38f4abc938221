import Git
import Scanning

/// Scores pairs of functions by the shape of their code (`CloneFingerprint`), the
/// duplicate check's second signal beside the embeddings: a copy whose names and
/// literals were all changed keeps its shape while its cosine falls (0.36 at worst in
/// the measurement of docs/check-threshold.md).
///
/// Fingerprints are made on demand from the blob bytes, each blob read once per check.
/// A function shorter than `minimumTokens` gets none: short code shares its shape
/// with too much unrelated code (`return self.x` is in every class).
struct StructureScorer {
    let workspace: Workspace
    let minimumTokens: Int
    private var blobs: [BlobID: [UInt8]?] = [:]

    init(workspace: Workspace, minimumTokens: Int) {
        self.workspace = workspace
        self.minimumTokens = minimumTokens
    }

    /// The fingerprint of each function, nil for one too short or unreadable.
    mutating func fingerprints(of functions: [ResolvedFunction]) -> [CloneFingerprint?] {
        functions.map { f in
            guard let scanner = workspace.grammars.scanner(forPath: f.path) else { return nil }
            guard let bytes = bytes(of: f.entry) else { return nil }
            let fingerprint = scanner.cloneFingerprint(of: f.span, in: bytes)
            return fingerprint.tokenCount >= minimumTokens ? fingerprint : nil
        }
    }

    private mutating func bytes(of entry: SnapshotEntry) -> [UInt8]? {
        if let cached = blobs[entry.blobID] { return cached }
        let bytes = try? workspace.repository.contents(of: entry)
        blobs[entry.blobID] = .some(bytes)
        return bytes
    }

    /// Structure similarity of every pair in `scores` (`scores[i]` lists (existing index,
    /// cosine) for changed function i), in the same shape; nil where either side has no
    /// fingerprint. A merge of two sorted arrays per pair: cheap beside reading the blobs.
    static func structureScores(_ changed: [CloneFingerprint?], _ existing: [CloneFingerprint?],
                                pairs scores: [[(Int, Float)]]) -> [[Float?]] {
        scores.enumerated().map { i, row in
            row.map { j, _ in
                guard let a = changed[i], let b = existing[j] else { return nil }
                return a.similarity(to: b)
            }
        }
    }
}
