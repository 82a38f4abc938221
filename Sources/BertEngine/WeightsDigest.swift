import Platform
import EmbeddingCore
import Foundation
import Hashing

/// sha256 of a weights file, remembered in a folder of one small file per weights path
/// (named by the path's XXH64), keyed by path, size, mtime and inode, so loading a model
/// reads one line instead of hashing 90 MB, and the memo does not grow with every model
/// folder ever loaded.
struct WeightsDigest {
    /// The memo folder; nil disables the memo.
    let memoURL: URL?

    func sha256(of url: URL) throws -> String {
        let path = url.resolvingSymlinksInPath().path
        guard let st = FileStatus.of(path) else {
            throw EmbeddingError.missingFile(path: url.path, hint: "reinstall the model folder")
        }
        // One line: size, mtime seconds and nanoseconds, inode, digest, then the path itself.
        let stamp = "\(st.size) \(st.modified.seconds).\(st.modified.nanoseconds) \(st.inode) "
        let memo = memoURL?.appending(path: String(XXHash64.hash(path), radix: 16))
        if let memo, let data = FileManager.default.contents(atPath: memo.path),
           let line = String(data: data, encoding: .utf8), line.hasPrefix(stamp), line.hasSuffix(" \(path)\n") {
            let digest = line.dropFirst(stamp.count).prefix(64)
            if digest.count == 64, digest.allSatisfy(\.isHexDigit) { return String(digest) }
        }
        let digest = try Self.hash(fileAt: url)
        if let memo, let memoURL {
            // Best effort: an unwritable cache only costs a re-hash next time.
            try? FileManager.default.createDirectory(at: memoURL, withIntermediateDirectories: true)
            try? Data((stamp + digest + " " + path + "\n").utf8).write(to: memo, options: .atomic)
        }
        return digest
    }

    /// Streams the file through SHA-256 in 4 MiB chunks.
    static func hash(fileAt url: URL) throws -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw EmbeddingError.missingFile(path: url.path, hint: "reinstall the model folder")
        }
        defer { try? handle.close() }
        let hasher = SHA256Hasher()
        do {
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(chunk) }
        } catch {
            throw EmbeddingError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        return hasher.finalizeHex()
    }
}
