import ByteCoding
import Platform
import Hashing

/// `index.verified`: the stat data (device, inode, size, mtime, ctime) of the index file
/// as it was when every section's checksum and every vector last passed.
///
/// The no-op path (`Indexer.update` with nothing to do, `status`) must notice damage
/// without hashing the whole file each time: it verifies fully only when the file's
/// stat data differs from the stamp. Any write to the file changes its mtime and
/// ctime, so a byte flipped by a program is caught; damage that bypasses the file
/// system (bit rot) is left to `status --verify`.
///
/// Racy stamps (as git's racy index entries): file timestamps advance in clock ticks,
/// so a write within the tick of the verification could keep the recorded mtime. A
/// stamp is trusted only when the index's mtime is strictly older than the stamp's
/// own; otherwise the next run verifies again and writes a stamp that is.
///
/// ```
/// magic "CSVRFY01" (8) | dev | ino | size | mtime s | mtime ns | ctime s | ctime ns (u64 each)
/// | xxh64 of the above (8)
/// ```
package enum VerifiedStamp {
    package static let magic = Array("CSVRFY01".utf8)

    /// Whether the stamp shows that the index at `location` was verified as it is now.
    package static func holds(for location: IndexLocation) -> Bool {
        guard let index = statFields(location.indexPath),
              let stampStat = statFields(location.verifiedPath),
              let bytes = try? FileSystem.readFile(location.verifiedPath),
              bytes.count == magic.count + 8 * 8, Array(bytes.prefix(magic.count)) == magic else { return false }
        let recorded = bytes.withUnsafeBytes { b in (0..<7).map { b.u64(at: magic.count + 8 * $0) } }
        let hash = bytes.withUnsafeBytes { b in b.u64(at: magic.count + 56) }
        guard XXHash64.hash(Array(bytes.prefix(magic.count + 56))) == hash, recorded == index.values else { return false }
        return index.mtime < stampStat.mtime
    }

    /// Records the index's current stat data; best effort (a read-only folder only
    /// means the next run verifies again). Never replaces a file that is not a stamp.
    /// `expected`, when given, is the stat data from before the verification: a file
    /// replaced meanwhile is not stamped.
    package static func record(for location: IndexLocation, expected: [UInt64]? = nil) {
        guard let index = statFields(location.indexPath), expected == nil || expected == index.values,
              IndexDirectory.isOurs(location.verifiedPath, magic: magic, emptyIsOurs: true) else { return }
        var w = ByteWriter()
        w.raw(magic)
        for v in index.values { w.u64(v) }
        w.u64(XXHash64.hash(w.bytes))
        // Not durable: a stamp lost in a crash only means the next run verifies again.
        try? FileSystem.replaceAtomically(location.verifiedPath, durable: false) { file in
            try file.write(w.bytes)
        }
    }

    /// Forgets the last verification (the index was found damaged).
    package static func clear(for location: IndexLocation) {
        if IndexDirectory.isOurs(location.verifiedPath, magic: magic, emptyIsOurs: true) {
            FileSystem.removeQuietly(location.verifiedPath)
        }
    }

    package static func currentValues(_ location: IndexLocation) -> [UInt64]? { statFields(location.indexPath)?.values }

    private struct Fields {
        var values: [UInt64]
        var mtime: (Int, Int)
    }

    private static func statFields(_ path: String) -> Fields? {
        guard let status = FileStatus.of(path) else { return nil }
        let m = status.modified, c = status.changed
        let values = [status.device, status.inode, UInt64(status.size),
                      UInt64(bitPattern: Int64(m.0)), UInt64(m.1), UInt64(bitPattern: Int64(c.0)), UInt64(c.1)]
        return Fields(values: values, mtime: m)
    }
}

/// Whether the index file can be trusted as a whole: every checksum and every vector.
public enum IndexHealth {
    /// Verifies the index at `location` fully, unless `VerifiedStamp` shows it unchanged
    /// since the last full verification; throws the `IndexError` that describes the
    /// damage (`missing` when there is no index). A pass is recorded for next time.
    public static func check(_ location: IndexLocation) throws {
        if VerifiedStamp.holds(for: location) { return }
        let before = VerifiedStamp.currentValues(location)
        do {
            try IndexFile.open(path: location.indexPath).verify()
        } catch let error as IndexError where error.isUnreadableIndex {
            VerifiedStamp.clear(for: location)
            throw error
        }
        VerifiedStamp.record(for: location, expected: before)
    }
}
