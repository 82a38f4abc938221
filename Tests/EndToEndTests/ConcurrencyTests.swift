import Foundation
import TestSupport
import Testing

/// Several indexers and searches at once on one repository: the lock serialises writers,
/// readers never see a half-written index, and nobody fails.
@Suite struct ConcurrencyTests {
    static let filesCount = 150

    static func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        for file in 0..<filesCount {
            var text = ""
            for f in 0..<4 {
                text += "def read_file_\(file)_\(f)(path):\n    return open(path).read()[\(f):\(file)]\n\n"
            }
            try repo.write("src/m\(file).py", text)
        }
        try repo.commitAll()
        return repo
    }

    /// Starts two indexers, one `--if-idle` indexer and ten searches together, and checks
    /// every exit status and the index afterwards.
    private func runTogether(_ repo: TemporaryRepository, _ env: [String: String]) throws {
        var processes: [(String, BackgroundCodesearch)] = []
        processes.append(("index", try BackgroundCodesearch(["index"], in: repo.path, environment: env)))
        for i in 0..<10 {
            let arguments = ["search", "--vimgrep", "-n", "2", "read file \(i)"]
            processes.append(("search \(i)", try BackgroundCodesearch(arguments, in: repo.path, environment: env)))
            if i == 4 {
                processes.append(("index 2", try BackgroundCodesearch(["index"], in: repo.path, environment: env)))
                processes.append(("index --if-idle",
                                  try BackgroundCodesearch(["index", "--if-idle"], in: repo.path, environment: env)))
            }
        }
        for (name, process) in processes {
            let result = process.wait()
            #expect(result.status == 0, "\(name) exited \(result.status): \(result.stderr)")
            #expect(!result.stderr.contains("error"), "\(name): \(result.stderr)")
            if name.hasPrefix("search") {
                #expect(result.stdout.split(separator: "\n").count == 2, "\(name): \(result.stdout)")
            } else {
                let line = result.stdout
                #expect(line.hasPrefix("indexed ") || line.hasPrefix("index up to date")
                        || (name == "index --if-idle" && line == "another indexer is running; nothing done\n"),
                        "\(name): \(line)")
            }
        }
        let status = try CodesearchBinary.run(["status", "--verify"], in: repo.path, environment: env)
        #expect(status.status == 0, "\(status.stdout)")
        #expect(status.stdout.contains("\nstate: current\n"), "\(status.stdout)")
        #expect(status.stdout.contains("\nverify: ok\n"))
        #expect(!status.stdout.contains("pending"))
    }

    @Test func indexersAndSearchesOnAFreshRepository() throws {
        let repo = try Self.makeRepository()
        let env = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()]
        try runTogether(repo, env)
        let status = try CodesearchBinary.run(["status"], in: repo.path, environment: env)
        #expect(status.stdout.contains("\nfunctions: \(Self.filesCount * 5) live"))
    }

    @Test func indexersAndSearchesWhileTheWorkingTreeChanges() throws {
        let repo = try Self.makeRepository()
        let env = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()]
        _ = try IndexTestSupport.index(repo.path, environment: env)
        for file in 0..<40 {
            try repo.write("src/new\(file).py", "def write_file_\(file)(path, text):\n    open(path, 'w').write(text)\n")
        }
        try runTogether(repo, env)
        let (again, _) = try IndexTestSupport.index(repo.path, environment: env)
        #expect(again.upToDate)
        #expect(again.functions == Self.filesCount * 5 + 80)  // a module unit per file
    }
}
