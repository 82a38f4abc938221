import Platform

// File-system pieces of the working-tree snapshot (`Repository+WorkingTree.swift`): git's
// stat comparison and the extension prefilter. Folders are read by Platform's
// `DirectoryReader`.

let slash = UInt8(ascii: "/")
let dot = UInt8(ascii: ".")

func gitMode(_ status: FileStatus) -> UInt32 {
    status.isExecutableByOwner ? modeExecutable : modeRegular
}

/// How stat data are compared with the index's cache (git's `core.*` settings).
struct StatPolicy {
    /// core.trustctime (default true).
    var trustCtime = true
    /// core.checkStat=minimal: only whole-second mtime, size and mode.
    var minimal = false
    /// core.fileMode (default true): the executable bit counts.
    var fileMode = true

    /// Whether the file's stat data are those the index cached for it: git's
    /// `ce_match_stat_basic` (mode and type, then `match_stat_data`), with nanoseconds
    /// as libgit2 compares them. The index keeps 32-bit values, so the file's are
    /// truncated as git does.
    func matches(_ e: CachedIndex.Entry, _ st: FileStatus) -> Bool {
        guard st.isRegularFile, isRegularFileMode(e.mode) else { return false }
        // The owner's executable bit (S_IXUSR, 0o100) of the index's mode and of the file's.
        if fileMode && ((e.mode & 0o100) != 0) != st.isExecutableByOwner { return false }
        if e.size != UInt32(truncatingIfNeeded: st.size) { return false }
        let (ms, mns) = st.modified
        if e.mtimeSeconds != UInt32(truncatingIfNeeded: ms) { return false }
        if minimal { return true }
        if e.mtimeNanoseconds != UInt32(truncatingIfNeeded: mns) { return false }
        if trustCtime {
            let (cs, cns) = st.changed
            if e.ctimeSeconds != UInt32(truncatingIfNeeded: cs) || e.ctimeNanoseconds != UInt32(truncatingIfNeeded: cns) {
                return false
            }
        }
        return e.ino == UInt32(truncatingIfNeeded: st.inode)
            && e.uid == st.userID
            && e.gid == st.groupID
    }
}

/// `SnapshotOptions.extensions` as bytes: a pre-filter that turns most non-candidates
/// away before a String is built for them.
struct ExtensionFilter: Sendable {
    /// Lower-case ASCII extensions, nil when there is no restriction.
    private let extensions: [[UInt8]]?

    init(_ extensions: Set<String>?) {
        self.extensions = extensions.map { $0.map { Array($0.lowercased().utf8) } }
    }

    /// False when the file name's extension (after its last dot) is certainly not one
    /// of them; true when it is, or for names this byte test cannot judge (non-ASCII).
    @inline(__always)
    func mayAdmit(_ name: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        guard let extensions else { return true }
        var i = length - 1
        while i >= 0 && name[i] != dot {
            if name[i] == slash { return false }
            i -= 1
        }
        guard i >= 0 else { return false }
        let start = i + 1
        let count = length - start
        outer: for ext in extensions where ext.count == count {
            for j in 0..<count {
                var c = name[start + j]
                if c >= 0x80 { return true }
                if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") { c += 32 }
                if c != ext[j] { continue outer }
            }
            return true
        }
        for j in start..<length where name[j] >= 0x80 { return true }
        return false
    }
}
