#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// Calls on paths: whole-file reads, the one atomic file replacement, removal, renaming,
/// folders. Paths are passed to the C library as they are (no `FilePath` normalisation,
/// which would turn `file/` into `file`).
public enum FileSystem {
    /// Reads a whole file; nil when it does not exist.
    public static func readFile(_ path: String) throws -> [UInt8]? {
        guard let file = try OpenFile.openIfPresent(path) else { return nil }
        return try file.read(upTo: file.size())
    }

    /// The first `count` bytes of a file (fewer when it is shorter).
    public static func readPrefix(_ path: String, count: Int) throws -> [UInt8] {
        try OpenFile.open(path).read(upTo: count)
    }

    /// Replaces `path` with the file `write` fills: a new file beside it (created with
    /// `O_EXCL`, so never an existing one followed), fsynced, renamed over `path`, and the
    /// folder fsynced when `durable`. A reader sees the old file or the new, never a mix;
    /// on any failure the temporary file is removed and `path` is left as it was.
    /// The temporary name holds this process's id: a leftover with that name is this
    /// process's own and is removed first. Callers serialise writers of one `path`.
    public static func replaceAtomically(_ path: String, permissions: Int = 0o644, durable: Bool = true,
                                         _ write: (OpenFile) throws -> Void) throws {
        let temporary = "\(path).tmp-\(CurrentProcess.id)"
        unlink(temporary)
        do {
            let file = try OpenFile.open(temporary, .creatingNew, permissions: permissions)
            try write(file)
            // The mode asked for, whatever the umask took away (hooks must stay executable).
            try file.setPermissions(permissions)
            if durable { try file.sync() }
        } catch {
            unlink(temporary)
            throw error
        }
        do {
            try rename(temporary, to: path)
        } catch {
            unlink(temporary)
            throw error
        }
        if durable { try syncDirectory(of: path) }
    }

    /// fsyncs the folder holding `path`, so a file created or renamed there survives a crash.
    public static func syncDirectory(of path: String) throws {
        try OpenFile.open(parentDirectory(of: path)).sync()
    }

    /// The folder part of `path`: "." for a bare name, "/" for a file in the root.
    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    public static func exists(_ path: String) -> Bool {
        FileStatus.of(path) != nil
    }

    public static func fileSize(_ path: String) -> Int? {
        FileStatus.of(path)?.size
    }

    /// Deletes a file; one already gone is not an error.
    public static func remove(_ path: String) throws {
        if unlink(path) < 0 && errno != ENOENT { throw SystemCallError("remove", path) }
    }

    /// Deletes a file when it can, quietly (a leftover that is only worth tidying).
    public static func removeQuietly(_ path: String) {
        unlink(path)
    }

    /// Deletes a folder if it is empty, quietly (one left behind by work that was abandoned).
    public static func removeDirectoryIfEmpty(_ path: String) {
        rmdir(path)
    }

    /// Renames `source` over `path` (`rename(2)`: atomic on one file system).
    public static func rename(_ source: String, to path: String) throws {
        if cRename(source, path) != 0 { throw SystemCallError("rename", path) }
    }

    /// Truncates the file at `path` to `size` bytes.
    public static func truncate(_ path: String, to size: Int) throws {
        try check(retryOnInterrupt { cTruncate(path, off_t(size)) }, "truncate", path)
    }

    /// Creates one folder (its parent must exist); false when something is already there.
    @discardableResult
    public static func createDirectory(_ path: String, permissions: Int = 0o755) throws -> Bool {
        if mkdir(path, mode_t(permissions)) == 0 { return true }
        if errno == EEXIST { return false }
        throw SystemCallError("create directory", path)
    }

    /// `mkdir -p`: each missing component is created in turn (mode 0755); a component that
    /// exists but is not a folder fails with `ENOTDIR`.
    public static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if try createDirectory(prefix) { continue }
            if FileStatus.of(prefix)?.isDirectory == true { continue }
            throw SystemCallError(operation: "create directory", path: prefix, code: .notDirectory)
        }
    }

    /// The names in a folder (not "." and ".."), in the order the file system gives them;
    /// empty when it cannot be read.
    public static func entryNames(in directory: String) -> [String] {
        guard let folder = try? Directory.open(directory) else { return [] }
        defer { folder.close() }
        var names: [String] = []
        _ = DirectoryReader().forEachEntry(in: folder) { name, length, _ in
            names.append(String(decoding: UnsafeBufferPointer(start: name, count: length), as: UTF8.self))
        }
        return names
    }
}

// `rename` and `truncate` share their names with the functions above.
@inline(__always)
private func cRename(_ source: String, _ path: String) -> Int32 {
    #if canImport(Glibc)
    return Glibc.rename(source, path)
    #else
    return Darwin.rename(source, path)
    #endif
}

@inline(__always)
private func cTruncate(_ path: String, _ size: off_t) -> Int32 {
    #if canImport(Glibc)
    return Glibc.truncate(path, size)
    #else
    return Darwin.truncate(path, size)
    #endif
}
