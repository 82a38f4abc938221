import CLibGit2
import Foundation

/// Every failure of the git layer. libgit2's own message is carried verbatim.
public enum GitError: Error, Equatable, CustomStringConvertible {
    /// A libgit2 call failed: the function, its return code, and libgit2's message.
    case libgit2(function: String, code: Int32, message: String)
    /// No repository at or above the given path.
    case notARepository(path: String)
    /// A revision that does not resolve to an object.
    case badRevision(String, message: String)
    /// A revision that resolves, but to an object that is not a commit (`HEAD:src` is a
    /// tree): its paths would be relative to that tree, not to the repository root.
    case notACommit(String, objectType: String)
    /// A working-tree snapshot was asked of a bare repository.
    case bareRepository(operation: String)
    /// A working-tree file changed between hashing and reading.
    case fileChanged(path: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .libgit2(function, code, message):
            return "libgit2 \(function) failed (\(code)): \(message)"
        case let .notARepository(path):
            return "not a git repository (or any parent up to /): \(path); run inside a repository or pass --repo PATH"
        case let .badRevision(rev, message):
            return "cannot resolve revision '\(rev)': \(message)"
        case let .notACommit(rev, objectType):
            return "\(rev) names a \(objectType), not a commit; pass a commit, branch or tag (e.g. HEAD)"
        case let .bareRepository(operation):
            return "\(operation) needs a working tree, and this repository is bare; use --rev or --staged"
        case let .fileChanged(path):
            return "\(path) changed while it was being read; run again"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        }
    }
}
