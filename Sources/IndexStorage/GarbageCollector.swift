/// Applies `GarbageCollectionPolicy`: live blobs always stay; recent ones
/// stay; the rest go oldest-first once the size cap is reached.
package struct GarbageCollector {
    package let policy: GarbageCollectionPolicy
    package let rowBytes: Int

    /// Approximate bytes a blob costs in the file (records, vectors, strings).
    package func cost(_ blob: StoredBlob) -> Int {
        IndexFormat.blobRecordSize + blob.functions.reduce(0) {
            $0 + IndexFormat.functionRecordSize + rowBytes + $1.span.name.utf8.count
                + $1.span.qualifiedName.utf8.count + $1.span.signature.utf8.count
        }
    }

    package func select(_ blobs: [StoredBlob], live: Set<BlobKey>, generation: UInt32) -> [StoredBlob] {
        var kept: [StoredBlob] = []
        var candidates: [StoredBlob] = []
        var total = 0
        for blob in blobs {
            if live.contains(blob.key) {
                kept.append(blob)
                total += cost(blob)
            } else if Int(generation &- blob.lastSeen) < policy.keepGenerations {
                candidates.append(blob)
            }
        }
        // Most recently live first; stop adding once over the cap.
        candidates.sort { $0.lastSeen != $1.lastSeen ? $0.lastSeen > $1.lastSeen : $0.key < $1.key }
        for blob in candidates {
            let c = cost(blob)
            if total + c > policy.maxBytes { break }
            kept.append(blob)
            total += c
        }
        return kept
    }

    package init(policy: GarbageCollectionPolicy, rowBytes: Int) {
        self.policy = policy
        self.rowBytes = rowBytes
    }
}
