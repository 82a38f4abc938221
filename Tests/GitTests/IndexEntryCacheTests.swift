import Foundation
@testable import Git
import Hashing
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index entry cache: what libgit2 read from `.git/index`, kept in a file of our own
/// and used only while the index file is the very one it was made from.
@Suite struct IndexEntryCacheTests {
    /// A repository whose index has a conflict (three stages), skip-worktree and
    /// intent-to-add entries (extended flags), an executable and a nested path.
    private func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def a():\n    return 1\n")
        try repo.write("b.py", "def b(): pass\n")
        try repo.write("pkg/deep/c.swift", "func c() {}\n")
        try repo.write("run.sh", "#!/bin/sh\n")
        chmod(repo.path + "/run.sh", 0o755)
        try repo.commitAll()
        try makeMergeConflict(in: repo)
        try repo.git(["update-index", "--skip-worktree", "b.py"])
        try repo.write("later.py", "def later(): pass\n")
        try repo.git(["add", "-N", "later.py"])
        return repo
    }

    private func read(_ repo: TemporaryRepository, cache: String?) throws -> CachedIndex {
        let opened = try Repository.open(at: repo.path)
        return try opened.lock.withLock {
            try CachedIndex(path: opened.gitDirectory + "/index", repository: opened.handle, cachePath: cache)
        }
    }

    /// Every field of every entry, as comparable text.
    private func describe(_ index: CachedIndex) -> [String] {
        index.entries.map { e in
            let path = String(decoding: UnsafeBufferPointer(start: e.path, count: e.pathLength), as: UTF8.self)
            return [path, e.blobID.hex, String(e.mode, radix: 8), "\(e.flags)", "\(e.flagsExtended)", "\(e.size)",
                    "\(e.ctimeSeconds).\(e.ctimeNanoseconds)", "\(e.mtimeSeconds).\(e.mtimeNanoseconds)",
                    "\(e.ino)", "\(e.uid)", "\(e.gid)"].joined(separator: " ")
        }
    }

    private func temporaryCachePath() -> String {
        FileManager.default.temporaryDirectory.path + "/codesearch-entry-cache-\(UUID().uuidString)/entries.cache"
    }

    @Test func aCacheReadsBackExactlyWhatLibgit2Read() throws {
        let repo = try repository()
        let cache = temporaryCachePath()
        defer { try? FileManager.default.removeItem(atPath: (cache as NSString).deletingLastPathComponent) }
        let plain = try read(repo, cache: nil)
        let filled = try read(repo, cache: cache)
        let cached = try read(repo, cache: cache)
        #expect(!plain.fromCache && !filled.fromCache && cached.fromCache)
        #expect(describe(plain).count == 7)  // a.py in three stages, b.py, later.py, c.swift, run.sh
        #expect(describe(filled) == describe(plain))
        #expect(describe(cached) == describe(plain))
        #expect(cached.modificationTime! == plain.modificationTime!)
    }

    @Test func aRewrittenIndexIsReadByLibgit2Again() throws {
        let repo = try repository()
        let cache = temporaryCachePath()
        defer { try? FileManager.default.removeItem(atPath: (cache as NSString).deletingLastPathComponent) }
        _ = try read(repo, cache: cache)
        #expect(try read(repo, cache: cache).fromCache)

        // git add rewrites the index: same entry count, one new blob id.
        try repo.write("pkg/deep/c.swift", "func c() { print(1) }\n")
        try repo.git(["add", "pkg/deep/c.swift"])
        let after = try read(repo, cache: cache)
        #expect(!after.fromCache)
        #expect(describe(after) == describe(try read(repo, cache: nil)))
        #expect(try read(repo, cache: cache).fromCache)

        // An index rewritten in place with the same size: its times differ.
        let indexPath = repo.path + "/.git/index"
        let bytes = try #require(FileManager.default.contents(atPath: indexPath))
        usleep(20_000)
        try bytes.write(to: URL(fileURLWithPath: indexPath))
        #expect(!(try read(repo, cache: cache).fromCache))
    }

    @Test(arguments: ["truncated", "body", "header", "key", "empty", "garbage"])
    func aDamagedCacheIsIgnoredAndReplaced(damage: String) throws {
        let repo = try repository()
        let cache = temporaryCachePath()
        defer { try? FileManager.default.removeItem(atPath: (cache as NSString).deletingLastPathComponent) }
        let expected = describe(try read(repo, cache: cache))
        var bytes = try #require(FileManager.default.contents(atPath: cache))
        switch damage {
        case "truncated": bytes = bytes.prefix(bytes.count - 5)
        case "body": bytes[bytes.count - 3] ^= 0x01                                   // a path byte
        case "header": bytes[12] ^= 0x01                                               // the entry count
        case "key": bytes[24 + 8] ^= 0x01                                              // the inode
        case "empty": bytes = Data()
        default: bytes = Data((0..<bytes.count).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        }
        try bytes.write(to: URL(fileURLWithPath: cache))
        let damaged = try read(repo, cache: cache)
        #expect(!damaged.fromCache)
        #expect(describe(damaged) == expected)
        let replaced = try read(repo, cache: cache)
        #expect(replaced.fromCache)
        #expect(describe(replaced) == expected)
    }

    @Test func aTemporaryFileOfAnotherWriterIsLeftAloneUnlessStale() throws {
        let repo = try repository()
        let cache = temporaryCachePath()
        defer { try? FileManager.default.removeItem(atPath: (cache as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: cache + ".tmp"))
        _ = try read(repo, cache: cache)  // another writer is at work: no cache this time
        #expect(!FileManager.default.fileExists(atPath: cache))
        #expect(FileManager.default.contents(atPath: cache + ".tmp") == Data([1, 2, 3]))
        setModificationTime(cache + ".tmp", seconds: Int(time(nil)) - 120)
        _ = try read(repo, cache: cache)  // a killed writer's leftover
        #expect(try read(repo, cache: cache).fromCache)
        #expect(!FileManager.default.fileExists(atPath: cache + ".tmp"))
    }

    /// A removed worktree's cache goes once it has not been written for a month; a
    /// recent one (a worktree in use) stays.
    @Test func writingACachePrunesStaleOnesBesideIt() throws {
        let repo = try repository()
        let cache = temporaryCachePath()
        let directory = (cache as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["entries-old.cache", "entries-recent.cache", "unrelated-old.cache"] {
            try Data([1]).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        let old = Int(time(nil)) - IndexEntryCache.staleAge - 60
        setModificationTime(directory + "/entries-old.cache", seconds: old)
        setModificationTime(directory + "/unrelated-old.cache", seconds: old)
        _ = try read(repo, cache: cache)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == ["entries-recent.cache", "entries.cache", "unrelated-old.cache"])
    }

    @Test func anUnwritableCacheDirectoryOnlyCostsTheCache() throws {
        let repo = try repository()
        let index = try read(repo, cache: "/proc/codesearch-no-such-dir/entries.cache")
        #expect(!index.fromCache)
        #expect(describe(index) == describe(try read(repo, cache: nil)))
    }

    @Test func eachWorktreeHasItsOwnCacheFile() throws {
        let repo = try repository()
        try repo.git(["commit", "-q", "-am", "resolve"]) // leave the merge
        let linked = repo.path + "-linked"
        defer { try? FileManager.default.removeItem(atPath: linked) }
        try repo.git(["worktree", "add", "-q", linked, "-b", "side"])
        let main = try Repository.open(at: repo.path)
        let side = try Repository.open(at: linked)
        #expect(main.entryCacheName != side.entryCacheName)
        #expect(main.entryCacheName.hasPrefix("entries-") && main.entryCacheName.hasSuffix(".cache"))
    }

    /// The cache's exact bytes for fixed entries and key: a change is a format change (a
    /// new `IndexEntryCache.version`), never a side effect of a refactor.
    @Test func theFileBytesAreUnchanged() throws {
        let cache = temporaryCachePath()
        defer { try? FileManager.default.removeItem(atPath: (cache as NSString).deletingLastPathComponent) }
        let keyBytes: [UInt8] = (0..<IndexEntryCache.Key.size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        let key = try #require(keyBytes.withUnsafeBytes { IndexEntryCache.Key(bytes: $0) })
        let ids: [UInt8] = (0..<40).map { UInt8($0) }
        let paths: [UInt8] = Array("a.py\0pkg/é.swift\0".utf8)
        try ids.withUnsafeBufferPointer { id in
            try paths.withUnsafeBufferPointer { path in
                let entries = [
                    CachedIndex.Entry(ctimeSeconds: 1, ctimeNanoseconds: 2, mtimeSeconds: 3, mtimeNanoseconds: 4, ino: 5,
                                      mode: 0o100644, uid: 6, gid: 7, size: 8, id: id.baseAddress!, flags: 0x3004,
                                      flagsExtended: 0x4000, path: path.baseAddress!, pathLength: 4),
                    CachedIndex.Entry(ctimeSeconds: 0xFFFF_FFFF, ctimeNanoseconds: 9, mtimeSeconds: 10, mtimeNanoseconds: 11,
                                      ino: 12, mode: 0o100755, uid: 13, gid: 14, size: 15, id: id.baseAddress! + 20,
                                      flags: 0x8000, flagsExtended: 0x2000, path: path.baseAddress! + 5, pathLength: 13),
                ]
                IndexEntryCache.store(entries, key: key, path: cache)
                let bytes = [UInt8](try #require(FileManager.default.contents(atPath: cache)))
                let hash = XXHash64.hash(bytes)
                #expect(bytes.count == 283 && hash == 0xe8e5_9ca0_06a5_d4ee, "0x\(String(hash, radix: 16))")
                let (buffer, loaded) = try #require(IndexEntryCache.load(path: cache, key: key))
                defer { buffer.deallocate() }
                #expect(loaded.map(\.pathLength) == [4, 13] && loaded.map(\.flags) == [0x3004, 0x8000])
                #expect(loaded.map(\.blobID) == entries.map(\.blobID) && loaded.map(\.ctimeSeconds) == [1, 0xFFFF_FFFF])
            }
        }
    }
}
