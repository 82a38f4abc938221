/// Where the index and its companions live (the CLI uses `<common git dir>/codesearch`).
public struct IndexLocation: Sendable, Equatable {
    public var directory: String
    public var indexPath: String { directory + "/index" }
    public var lockPath: String { directory + "/index.lock" }
    public var journalPath: String { directory + "/index.journal" }
    /// The stat data of the index as last fully verified (`VerifiedStamp`).
    public var verifiedPath: String { directory + "/index.verified" }

    public init(directory: String) { self.directory = directory }
}

/// Which cached blobs survive a run.
///
/// A generation is one change of the live snapshot. Blobs of the live
/// snapshot are always kept; others are kept while they were live within the
/// last `keepGenerations` generations, and then only while the index stays
/// under `maxBytes` (oldest dropped first). Dropping a blob only means it is
/// embedded again if it comes back.
public struct GarbageCollectionPolicy: Sendable, Equatable {
    public var keepGenerations: Int
    public var maxBytes: Int

    public init(keepGenerations: Int = 16, maxBytes: Int = 512 << 20) {
        self.keepGenerations = keepGenerations
        self.maxBytes = maxBytes
    }
}
