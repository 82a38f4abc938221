import Platform

/// The index folder and the files codesearch keeps in it.
///
/// `--index DIR` may name any folder, so a file there called `index` (or
/// `index.journal`, `index.verified`) may be someone else's. Such a file is
/// never replaced, truncated or deleted: codesearch writes only files that
/// are missing or that start with its own magic, and refuses otherwise.
package enum IndexDirectory {
    /// Creates the folder and its missing parents (`mkdir -p`) and checks that every
    /// file codesearch would write there is absent or its own.
    package static func prepare(_ location: IndexLocation) throws {
        try makeDirectories(location.directory)
        try checkOwnership(location)
    }

    /// Throws `IndexError.foreignFile` for a companion file that is not codesearch's.
    package static func checkOwnership(_ location: IndexLocation) throws {
        // An index is written whole (temporary file, rename), so one of ours has the magic;
        // an empty file holds nothing to lose and is replaced like a truncated index.
        try requireOwned(location.indexPath, magic: IndexFormat.magic, emptyIsOurs: true)
        // The journal is created empty and then given its header: an empty one is ours.
        try requireOwned(location.journalPath, magic: IndexJournal.magic, emptyIsOurs: true)
        try requireOwned(location.verifiedPath, magic: VerifiedStamp.magic, emptyIsOurs: true)
    }

    /// Whether the file at `path` is missing, or a regular file that starts with `magic`
    /// (or is empty, when `emptyIsOurs`).
    package static func isOurs(_ path: String, magic: [UInt8], emptyIsOurs: Bool) -> Bool {
        let status: FileStatus
        do {
            status = try FileStatus(path: path, followSymlinks: false)
        } catch {
            return (error as? SystemCallError)?.code == .noSuchFileOrDirectory
        }
        guard status.isRegularFile else { return false }
        if status.size == 0 { return emptyIsOurs }
        guard let head = try? FileSystem.readPrefix(path, count: magic.count) else { return false }
        return head == magic
    }

    private static func requireOwned(_ path: String, magic: [UInt8], emptyIsOurs: Bool) throws {
        if !isOurs(path, magic: magic, emptyIsOurs: emptyIsOurs) { throw IndexError.foreignFile(path: path) }
    }

    /// `mkdir -p`: each missing component is created in turn (mode 0755).
    package static func makeDirectories(_ path: String) throws {
        try FileSystem.makeDirectories(path)
    }

    /// A writer's temporary file is `index.tmp-<pid>`; only such names whose content is
    /// empty or starts with the magic are ours to remove.
    package static func isStaleTemporary(name: String, in directory: String) -> Bool {
        let prefix = "index.tmp-"
        guard name.hasPrefix(prefix) else { return false }
        let pid = name.dropFirst(prefix.count)
        guard !pid.isEmpty, pid.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return isOurs(directory + "/" + name, magic: IndexFormat.magic, emptyIsOurs: true)
    }
}
