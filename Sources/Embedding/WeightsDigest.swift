import Crypto
import Foundation

/// sha256 of a weights file, remembered in a small JSON file keyed by path, size, mtime and
/// inode, so loading a model does not hash 90 MB every time.
struct WeightsDigest {
    /// Where digests are remembered; nil disables the memo.
    let memoURL: URL?

    private struct Entry: Codable { var size: Int64; var mtime: Double; var inode: UInt64; var sha256: String }

    func sha256(of url: URL) throws -> String {
        let path = url.resolvingSymlinksInPath().path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw EmbeddingError.missingFile(path: url.path, hint: "reinstall the model folder")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        var memo = loadMemo()
        if let entry = memo[path], entry.size == size, entry.mtime == mtime, entry.inode == inode {
            return entry.sha256
        }
        let digest = try Self.hash(fileAt: url)
        memo[path] = Entry(size: size, mtime: mtime, inode: inode, sha256: digest)
        saveMemo(memo)
        return digest
    }

    /// Streams the file through SHA-256 in 4 MiB chunks.
    static func hash(fileAt url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw EmbeddingError.missingFile(path: url.path, hint: "reinstall the model folder")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw EmbeddingError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private func loadMemo() -> [String: Entry] {
        guard let memoURL, let data = try? Data(contentsOf: memoURL) else { return [:] }
        return (try? JSONDecoder().decode([String: Entry].self, from: data)) ?? [:]
    }

    /// Best effort: an unwritable cache only costs a re-hash next time.
    private func saveMemo(_ memo: [String: Entry]) {
        guard let memoURL, let data = try? JSONEncoder().encode(memo) else { return }
        try? FileManager.default.createDirectory(at: memoURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: memoURL, options: .atomic)
    }
}
