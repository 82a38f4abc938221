import EmbeddingCore
import Git
import Scanning

/// A blob is cached per (id, language): the language comes from the path's
/// extension, so the same bytes under `a.c` and `a.h` could scan differently.
public struct BlobKey: Hashable, Comparable, Sendable {
    public var id: BlobID
    public var language: String

    public init(id: BlobID, language: String) {
        self.id = id
        self.language = language
    }

    public static func < (a: BlobKey, b: BlobKey) -> Bool {
        a.id != b.id ? a.id < b.id : a.language < b.language
    }
}

/// One function as stored: its span plus the hash of the text that was embedded.
public struct FunctionRecord: Sendable, Equatable {
    public var blobID: BlobID
    public var language: String
    public var span: FunctionSpan
    /// xxh64 of `EmbeddingText.text(...)`; equal hashes share one vector.
    public var textHash: UInt64
    /// False while the unit waits for its vector (its row is zeros; rank it by words).
    public var hasVector: Bool

    public init(blobID: BlobID, language: String, span: FunctionSpan, textHash: UInt64, hasVector: Bool = true) {
        self.blobID = blobID
        self.language = language
        self.span = span
        self.textHash = textHash
        self.hasVector = hasVector
    }
}

/// A blob's entry in the blob table.
public struct BlobRecord: Sendable, Equatable {
    public var key: BlobKey
    /// Indices into the function table (and rows of the vector section).
    public var functions: Range<Int>
    /// The generation that last had this blob in its live snapshot (for GC).
    public var lastSeen: UInt32
}

/// A file of the live snapshot, resolved to its blob's functions.
public struct LiveFile: Sendable, Equatable {
    public var path: String
    public var blobIndex: Int
    public var language: String
    public var functions: Range<Int>
}

/// The snapshot the index was last brought up to date with.
public struct LiveSnapshotInfo: Sendable, Equatable {
    public var kind: SnapshotKind
    public var commitID: String?
    /// xxh64 over the indexed (path, blob, language) entries; equal means no work.
    public var hash: UInt64
    /// False when a run stopped early or some file could not be read.
    public var complete: Bool

    package init(kind: SnapshotKind, commitID: String?, hash: UInt64, complete: Bool) {
        self.kind = kind
        self.commitID = commitID
        self.hash = hash
        self.complete = complete
    }
}

/// The in-memory form of a blob while writing: functions and their encoded vectors.
package struct StoredBlob {
    package var key: BlobKey
    package var functions: [StoredFunction]
    /// functions.count × dimensions components in the index's encoding; a unit without
    /// a vector yet has a row of zeros here.
    package var vectorBytes: [UInt8]
    package var lastSeen: UInt32

    /// Every unit has its vector (nothing is left for a later run to embed).
    package var isComplete: Bool { functions.allSatisfy(\.hasVector) }

    package init(key: BlobKey, functions: [StoredFunction], vectorBytes: [UInt8], lastSeen: UInt32) {
        self.key = key
        self.functions = functions
        self.vectorBytes = vectorBytes
        self.lastSeen = lastSeen
    }
}

package struct StoredFunction: Equatable {
    package var span: FunctionSpan
    package var textHash: UInt64
    /// The function's lexical terms (BM25), from the blob's bytes like the text.
    package var bag = LexicalBag(sorted: [])
    /// False while the unit waits for its vector (the lexical tier is written first;
    /// `IndexerOptions.embedBudget`): its row holds zeros and no ranking reads it.
    package var hasVector = true

    package init(span: FunctionSpan, textHash: UInt64, bag: LexicalBag = LexicalBag(sorted: []), hasVector: Bool = true) {
        self.span = span
        self.textHash = textHash
        self.bag = bag
        self.hasVector = hasVector
    }
}

/// Everything needed to write an index file.
package struct IndexContents {
    package var identity: EmbedderIdentity
    package var grammarVersion: String
    package var encoding: VectorEncoding
    package var generation: UInt32
    package var snapshot: LiveSnapshotInfo
    /// Sorted by key.
    package var blobs: [StoredBlob]
    /// Sorted by path; blob indexes refer to `blobs`.
    package var live: [(path: String, blob: Int)]
    /// Recorded in the metadata when known (see `IndexMetadata.fileSelection`).
    package var fileSelection: String? = nil

    package init(identity: EmbedderIdentity, grammarVersion: String, encoding: VectorEncoding, generation: UInt32,
                 snapshot: LiveSnapshotInfo, blobs: [StoredBlob], live: [(path: String, blob: Int)],
                 fileSelection: String? = nil) {
        self.identity = identity
        self.grammarVersion = grammarVersion
        self.encoding = encoding
        self.generation = generation
        self.snapshot = snapshot
        self.blobs = blobs
        self.live = live
        self.fileSelection = fileSelection
    }
}
