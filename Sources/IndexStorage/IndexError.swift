/// Everything that can go wrong with the index. The caller's usual answer to
/// `futureVersion`, `truncated` and `corrupt` is to rebuild; `notAnIndex` and `foreignFile` are refused.
public enum IndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is no index file yet.
    case missing(path: String)
    /// The file does not start with the index magic.
    case notAnIndex(path: String)
    /// A file where codesearch would write is someone else's; it is left untouched.
    case foreignFile(path: String)
    /// Written by a newer codesearch.
    case futureVersion(path: String, found: UInt32, supported: UInt32)
    /// Shorter than its header says.
    case truncated(path: String)
    /// A checksum or a structural check failed; `section` names where.
    case corrupt(path: String, section: String)
    /// Another writer holds the lock and the caller asked not to wait.
    case busy(path: String)
    /// The embedder returned something unusable.
    case badEmbedding(String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no index at \(path); run the indexer to create it"
        case .notAnIndex(let path):
            return "\(path) is not a codesearch index; move it away or choose another --index folder"
        case .foreignFile(let path):
            return "\(path) exists and is not codesearch's; it was left untouched: move it away or choose another --index folder"
        case .futureVersion(let path, let found, let supported):
            return "index \(path) has format version \(found) but this codesearch reads up to \(supported); upgrade codesearch or re-run indexing to rebuild it"
        case .truncated(let path):
            return "index \(path) is truncated; re-run indexing to rebuild it"
        case .corrupt(let path, let section):
            return "index \(path) is corrupt (\(section)); re-run indexing to rebuild it"
        case .busy(let path):
            return "another indexer holds \(path); try again when it has finished"
        case .badEmbedding(let message):
            return "the embedder returned unusable vectors: \(message); check the embedder configuration"
        }
    }

    /// True when rebuilding from scratch is the right response.
    public var isUnreadableIndex: Bool {
        switch self {
        // Not `notAnIndex`: a file without the magic may be someone else's (`IndexDirectory`).
        case .futureVersion, .truncated, .corrupt: return true
        default: return false
        }
    }
}
