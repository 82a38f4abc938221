import CLibGit2
import Foundation

/// An open git repository: a work tree, a subdirectory of one, a bare repository,
/// or a linked worktree. Owns its `git_repository` handle and frees it in `deinit`.
public final class Repository: @unchecked Sendable {
    // libgit2 repository handles are not thread-safe; every use goes through `lock`.
    let handle: OpaquePointer
    let lock = NSLock()

    /// The repository's git dir (`.git`, or `.git/worktrees/NAME` for a linked worktree).
    public let gitDirectory: String
    /// The directory shared by all worktrees (`.git` of the main worktree); the index lives here.
    public let commonDirectory: String
    /// The root of the work tree, with no trailing slash; nil for a bare repository.
    public let workingDirectory: String?

    /// Opens the repository containing `path`, searching upwards like git does
    /// (`git_repository_open_ext`).
    public static func open(at path: String) throws -> Repository {
        LibGit2.initialized
        var repo: OpaquePointer?
        let code = git_repository_open_ext(&repo, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue {
            throw GitError.notARepository(path: path)
        }
        try LibGit2.check(code, "git_repository_open_ext")
        guard let repo else { throw GitError.notARepository(path: path) }
        return Repository(handle: repo)
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
        gitDirectory = Repository.trimSlash(String(cString: git_repository_path(handle)))
        commonDirectory = Repository.trimSlash(String(cString: git_repository_commondir(handle)))
        if let wd = git_repository_workdir(handle) {
            workingDirectory = Repository.trimSlash(String(cString: wd))
        } else {
            workingDirectory = nil
        }
    }

    deinit {
        git_repository_free(handle)
    }

    public var isBare: Bool { workingDirectory == nil }

    /// The commit HEAD points at, or nil on an unborn branch (`git_reference_name_to_id`).
    public func headCommitID() -> String? {
        lock.lock(); defer { lock.unlock() }
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, handle, "HEAD") == 0 else { return nil }
        return oid.blobID.hex
    }

    /// Resolves a revision to a commit id (`git_revparse_single`, a tag followed to its commit).
    public func resolveCommit(_ revision: String) throws -> String {
        try withLockedHandle {
            try Repository.withCommit(handle, revision) { object in
                git_object_id(object).pointee.blobID.hex
            }
        }
    }

    func withLockedHandle<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        return try body()
    }

    /// Runs `body` with the object `revision` names, peeled to `type`; frees both objects.
    static func withPeeled<T>(_ repo: OpaquePointer, _ revision: String, _ type: git_object_t,
                              _ body: (OpaquePointer) throws -> T) throws -> T {
        var object: OpaquePointer?
        guard git_revparse_single(&object, repo, revision) == 0, let object else {
            throw GitError.badRevision(revision, message: LibGit2.lastErrorMessage())
        }
        defer { git_object_free(object) }
        var peeled: OpaquePointer?
        guard git_object_peel(&peeled, object, type) == 0, let peeled else {
            throw GitError.badRevision(revision, message: LibGit2.lastErrorMessage())
        }
        defer { git_object_free(peeled) }
        return try body(peeled)
    }

    /// Runs `body` with the commit `revision` names (a tag is followed to its commit);
    /// a revision naming a tree or a blob, or a tag of one, is `GitError.notACommit`.
    static func withCommit<T>(_ repo: OpaquePointer, _ revision: String,
                              _ body: (OpaquePointer) throws -> T) throws -> T {
        var object: OpaquePointer?
        guard git_revparse_single(&object, repo, revision) == 0, let object else {
            throw GitError.badRevision(revision, message: LibGit2.lastErrorMessage())
        }
        defer { git_object_free(object) }
        var target: OpaquePointer?
        if git_object_type(object) == GIT_OBJECT_TAG {
            guard git_tag_peel(&target, object) == 0, target != nil else {
                throw GitError.badRevision(revision, message: LibGit2.lastErrorMessage())
            }
        }
        defer { if let target { git_object_free(target) } }
        let commit = target ?? object
        let type = git_object_type(commit)
        guard type == GIT_OBJECT_COMMIT else {
            let name = git_object_type2string(type).map { String(cString: $0) } ?? "non-commit object"
            throw GitError.notACommit(revision, objectType: name)
        }
        return try body(commit)
    }

    private static func trimSlash(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
