import Foundation
import TestSupport
import Testing

/// A damaged index file is reported clearly by `status` and `search --no-update`, and
/// replaced by the next `index` or `search` (a file without the magic is refused instead:
/// it may not be ours); it never crashes the binary.
@Suite struct IndexCorruptionTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case flippedMetadataByte, flippedVectorByte, truncatedToHalf, truncatedToHeader, empty, wrongMagic, futureVersion
        var testDescription: String { rawValue }

        /// What `status` says about it.
        var message: String {
            switch self {
            case .flippedMetadataByte: return "is corrupt"
            case .flippedVectorByte: return "verify: FAILED"
            case .truncatedToHalf, .truncatedToHeader, .empty: return "is truncated"
            case .wrongMagic: return "is not a codesearch index"
            case .futureVersion: return "has format version 99"
            }
        }

        func apply(_ bytes: inout [UInt8]) {
            switch self {
            case .flippedMetadataByte:
                // The first section-table entry (at byte 32) is the metadata: {kind, reserved, offset u64, ...}.
                let offset = (0..<8).reduce(0) { $0 | Int(bytes[40 + $1]) << (8 * $1) }
                bytes[offset + 8] ^= 0x5A
            case .flippedVectorByte: bytes[bytes.count - 3] ^= 0x01
            case .truncatedToHalf: bytes.removeLast(bytes.count / 2)
            case .truncatedToHeader: bytes.removeLast(bytes.count - 20)
            case .empty: bytes.removeAll()
            case .wrongMagic: bytes[0] = UInt8(ascii: "X")
            case .futureVersion: bytes[8] = 99
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func damagedIndexIsReportedAndRebuilt(_ damage: Damage) throws {
        let model = try IndexTestSupport.tinyModel()
        let env = ["CODESEARCH_MODEL": model]
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def alpha():\n    return 1\n\ndef beta():\n    return 2\n")
        try repo.write("b.py", "def gamma(x):\n    return x * 3\n")
        try repo.commitAll()
        let (first, _) = try IndexTestSupport.index(repo.path, environment: env)
        #expect(first.functions == 5)  // three functions, two module units

        let indexPath = repo.path + "/.git/codesearch/index"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: indexPath)))
        damage.apply(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: indexPath))

        let status = try CodesearchBinary.run(["status", "--verify"], in: repo.path, environment: env)
        #expect(status.status == 2, "status: \(status.stdout)")
        #expect(status.stdout.contains(damage.message), "status: \(status.stdout)")
        #expect(!status.stderr.contains("Fatal error"))

        let search = try CodesearchBinary.run(["search", "--no-update", "alpha"], in: repo.path, environment: env)
        if damage == .flippedVectorByte {
            // Queries never hash the vectors; a flipped bit only moves a score.
            #expect(search.status == 0)
        } else {
            #expect(search.status == 2)
            #expect(search.stderr.contains(damage.message), "search: \(search.stderr)")
            #expect(search.stderr.contains("re-run indexing") || search.stderr.contains("upgrade codesearch")
                    || search.stderr.contains("move it away"))
        }

        // The next run replaces it: every function embedded again, and a clean verify;
        // but a file without the magic may be someone else's, and is never replaced.
        let (rebuilt, result) = try IndexTestSupport.index(repo.path, environment: env)
        if damage == .wrongMagic {
            #expect(result.status == 2, "index: \(result.stdout)")
            #expect(result.stderr.contains("is not codesearch's; it was left untouched"), "index: \(result.stderr)")
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: indexPath))) == bytes)
        } else {
            #expect(result.status == 0, "index: \(result.stderr)")
            #expect(result.stderr.contains("the old index was rebuilt"))
            #expect(rebuilt.embedded == 5)
            let verified = try CodesearchBinary.run(["status", "--verify"], in: repo.path, environment: env)
            #expect(verified.stdout.contains("\nverify: ok\n"))
            #expect(verified.status == 0)
        }
    }

    @Test func searchRebuildsADamagedIndex() throws {
        let model = try IndexTestSupport.tinyModel()
        let env = ["CODESEARCH_MODEL": model]
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def alpha():\n    return 1\n")
        try repo.commitAll()
        _ = try IndexTestSupport.index(repo.path, environment: env)
        let indexURL = URL(fileURLWithPath: repo.path + "/.git/codesearch/index")
        try Data(contentsOf: indexURL).prefix(100).write(to: indexURL)
        let search = try CodesearchBinary.run(["search", "--vimgrep", "alpha"], in: repo.path, environment: env)
        #expect(search.status == 0, "search: \(search.stderr)")
        #expect(search.stdout == "a.py:1:1:def alpha():\n")
        let verified = try CodesearchBinary.run(["status", "--verify"], in: repo.path, environment: env)
        #expect(verified.status == 0)
    }
}
