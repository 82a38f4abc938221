import Platform
import CLibGit2
import Foundation

extension Repository: BlobSource {
    /// The bytes of an entry: from the object database when git has the blob
    /// (`git_blob_lookup`), otherwise from the working tree through git's clean
    /// filters (`git_filter_list_apply_to_file`), checked against the entry's id.
    public func contents(of entry: SnapshotEntry) throws -> [UInt8] {
        if let bytes = try blobContents(entry.blobID) {
            return bytes
        }
        guard let root = workingDirectory else {
            throw GitError.unreadable(path: entry.path, reason: "blob \(entry.blobID) is not in the object database")
        }
        let bytes = try withLockedHandle { try cleanedFileContents(path: entry.path, root: root) }
        guard Repository.blobID(of: bytes) == entry.blobID else {
            throw GitError.fileChanged(path: entry.path)
        }
        return bytes
    }

    /// The content of a blob in the object database, or nil if git does not have it.
    public func blobContents(_ id: BlobID) throws -> [UInt8]? {
        try withLockedHandle {
            var oid = id.oid
            var blob: OpaquePointer?
            let code = git_blob_lookup(&blob, handle, &oid)
            if code == GIT_ENOTFOUND.rawValue { return nil }
            try LibGit2.check(code, "git_blob_lookup")
            guard let blob else { return nil }
            defer { git_blob_free(blob) }
            let size = Int(git_blob_rawsize(blob))
            guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
            return Array(UnsafeRawBufferPointer(start: raw, count: size))
        }
    }

    /// The git blob id of `bytes`, as `git hash-object --stdin` computes it (`git_odb_hash`).
    public static func blobID(of bytes: [UInt8]) -> BlobID {
        LibGit2.initialized
        var oid = git_oid()
        bytes.withUnsafeBytes { raw in
            _ = git_odb_hash(&oid, raw.baseAddress, raw.count, GIT_OBJECT_BLOB)
        }
        return oid.blobID
    }

    private func cleanedFileContents(path: String, root: String) throws -> [UInt8] {
        var filters: OpaquePointer?
        // The path's own bytes, which need not be UTF-8 (see `GitPath`).
        try LibGit2.check(GitPath.withCString(path) {
            git_filter_list_load(&filters, handle, nil, $0, GIT_FILTER_TO_ODB, GIT_FILTER_DEFAULT.rawValue)
        }, "git_filter_list_load")
        guard let filters else {
            return try Repository.readFile(root + "/" + path, reportedAs: path)
        }
        defer { git_filter_list_free(filters) }
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        try LibGit2.check(GitPath.withCString(path) { git_filter_list_apply_to_file(&buf, filters, handle, $0) },
                          "git_filter_list_apply_to_file")
        guard let ptr = buf.ptr, buf.size > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: ptr, count: buf.size))
    }

    /// The whole content of a file, opened by the path's original bytes.
    private static func readFile(_ path: String, reportedAs name: String) throws -> [UInt8] {
        do {
            return try GitPath.withCString(path) { try OpenFile.open(cString: $0).readToEnd() }
        } catch let error as SystemCallError {
            throw GitError.unreadable(path: name, reason: SystemCallError.message(error.code))
        }
    }
}
