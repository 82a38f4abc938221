import Foundation
import TestSupport
import Testing

/// The index folder, damage and unwritable folders as the binary handles them
/// (issue 12 items 4, 5, 12, 17).
@Suite struct IndexRepairCommandTests {
    let source = "def alpha():\n    return 1\n\ndef beta():\n    return 2\n"

    func repository() throws -> (TemporaryRepository, [String: String]) {
        let env = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()]
        let repo = try TemporaryRepository()
        try repo.write("a.py", source)
        try repo.commitAll()
        return (repo, env)
    }

    func indexPath(_ repo: TemporaryRepository) -> String { repo.path + "/.git/codesearch/index" }

    /// The index's (offset, length) of a section kind, from its header.
    func section(_ kind: UInt32, of bytes: [UInt8]) -> (offset: Int, length: Int)? {
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } }
        let count = Int(bytes[16]) | Int(bytes[17]) << 8
        for i in 0..<count where Int(bytes[32 + i * 32]) == Int(kind) {
            return (u64(32 + i * 32 + 8), u64(32 + i * 32 + 16))
        }
        return nil
    }

    /// Rewrites bytes of the index in place (same inode, new mtime).
    func patch(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    @Test(arguments: ["search", "index"])
    func foreignFileNamedIndexIsNeverReplaced(_ command: String) throws {
        let (repo, env) = try repository()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("codesearch-foreign-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let precious = Data("precious\n".utf8)
        try precious.write(to: URL(fileURLWithPath: folder + "/index"))
        let arguments = command == "search" ? ["search", "--index", folder, "socket"] : ["index", "--index", folder]
        let result = try CodesearchBinary.run(arguments, in: repo.path, environment: env)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.hasPrefix("codesearch: "), "\(result.stderr)")
        #expect(result.stderr.contains("\(folder)/index exists and is not codesearch's"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/index")) == precious)
        #expect(!FileManager.default.fileExists(atPath: folder + "/index.journal"))
    }

    @Test func nestedIndexFolderIsCreated() throws {
        let (repo, env) = try repository()
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("codesearch-nested-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        let result = try CodesearchBinary.run(["index", "--index", base + "/a/b"], in: repo.path, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: base + "/a/b/index"))
        let search = try CodesearchBinary.run(["search", "--no-update", "--index", base + "/a/b", "--vimgrep", "alpha"],
                                              in: repo.path, environment: env)
        #expect(search.status == 0, "\(search.stderr)")
    }

    @Test func damagedStringPoolIsReportedAndRepairedWithoutEmbedding() throws {
        let (repo, env) = try repository()
        _ = try IndexTestSupport.index(repo.path, environment: env)
        try patch(indexPath(repo)) { bytes in
            if let s = section(2, of: bytes) { bytes[s.offset + s.length / 2] ^= 0x40 }
        }
        let status = try CodesearchBinary.run(["status"], in: repo.path, environment: env)
        #expect(status.status == 2, "\(status.stdout)")
        #expect(status.stdout.contains("state: damaged ("), "\(status.stdout)")
        #expect(status.stdout.contains("run `codesearch index` to repair it"), "\(status.stdout)")

        let (repaired, result) = try IndexTestSupport.index(repo.path, environment: env)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!repaired.upToDate, "\(result.stdout)")
        #expect(repaired.embedded == 0, "the vectors were intact: \(result.stdout)")
        #expect(result.stderr.contains("the old index was rebuilt"), "\(result.stderr)")
        let after = try CodesearchBinary.run(["status"], in: repo.path, environment: env)
        #expect(after.status == 0, "\(after.stdout)")
        #expect(after.stdout.contains("state: current"), "\(after.stdout)")
    }

    @Test func nanVectorsAreNeverRankedEvenWithoutAnUpdate() throws {
        let (repo, env) = try repository()
        _ = try IndexTestSupport.index(repo.path, environment: env)
        try patch(indexPath(repo)) { bytes in
            guard let s = section(5, of: bytes) else { return }
            for i in stride(from: s.offset, to: s.offset + s.length, by: 2) { bytes[i] = 0x00; bytes[i + 1] = 0x7E }
        }
        let search = try CodesearchBinary.run(["search", "--no-update", "--mode", "dense", "alpha"], in: repo.path, environment: env)
        #expect(search.status == 2, "\(search.stdout)")
        #expect(search.stderr.contains("damaged vectors"), "\(search.stderr)")
        // With the update the no-op notices the damage and repairs it first.
        let repaired = try CodesearchBinary.run(["search", "--vimgrep", "--mode", "dense", "alpha"], in: repo.path, environment: env)
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(repaired.stderr.contains("the index was rebuilt"), "\(repaired.stderr)")
    }

    @Test func searchAnswersFromTheOldIndexWhenTheUpdateCannotWrite() throws {
        let (repo, env) = try repository()
        _ = try IndexTestSupport.index(repo.path, environment: env)
        try repo.write("b.py", "def gamma(x):\n    return x * 3\n")
        let folder = repo.path + "/.git/codesearch"
        guard ReadOnlyFolder.make(folder) else {
            Issue.record("cannot make \(folder) unwritable here (needs chattr +i as root, or a non-root user)")
            return
        }
        defer { ReadOnlyFolder.undo(folder) }
        let search = try CodesearchBinary.run(["search", "--vimgrep", "alpha"], in: repo.path, environment: env)
        #expect(search.status == 0, "\(search.stderr)")
        #expect(search.stdout.contains("a.py:1:1:def alpha():"), "\(search.stdout)")
        #expect(search.stderr.contains("codesearch: note: the index could not be brought up to date ("), "\(search.stderr)")
        let index = try CodesearchBinary.run(["index"], in: repo.path, environment: env)
        #expect(index.status == 2, "index still reports the failure: \(index.stdout)")
    }
}

/// A folder no file can be created in, even by root: `chattr +i` (root), else mode 0555.
enum ReadOnlyFolder {
    static func make(_ path: String) -> Bool {
        if (try? TemporaryRepository.run("/usr/bin/chattr", ["+i", path], in: path)) == nil {
            chmod(path, 0o555)
        }
        let probe = path + "/probe-\(UUID().uuidString)"
        if FileManager.default.createFile(atPath: probe, contents: Data()) {
            try? FileManager.default.removeItem(atPath: probe)
            undo(path)
            return false
        }
        return true
    }

    static func undo(_ path: String) {
        _ = try? TemporaryRepository.run("/usr/bin/chattr", ["-i", path], in: path)
        chmod(path, 0o755)
    }
}
