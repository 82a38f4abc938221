import Foundation
import TestSupport
import Testing

/// DESIGN.md decision 10, "nothing lost": `kill -9` an indexer at seeded random moments
/// (scanning, embedding, journal appends, the final write and rename). After every kill
/// the index is readable or absent, never corrupt; a search answers when an index exists;
/// and the next run embeds exactly what the killed runs had not yet saved.
@Suite struct CrashTests {
    static let filesCount = 600
    static let functionsPerFile = 8

    /// Python files whose functions all have distinct texts, so every function is one embedding.
    static func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        for file in 0..<filesCount {
            var text = "import os\n\n"
            for f in 0..<functionsPerFile {
                text += "def handler_\(file)_\(f)(request, retries=\(f)):\n"
                text += "    value = request.get('key_\(file)_\(f)')\n"
                text += "    return os.path.join(str(value), '\(file * 31 + f)')\n\n"
            }
            try repo.write("pkg\(file % 10)/module_\(file).py", text)
        }
        try repo.commitAll()
        return repo
    }

    @Test func killedIndexerLosesNothingAndNeverCorruptsTheIndex() throws {
        let repo = try Self.makeRepository()
        let env = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()]
        // Each file is its functions plus one module unit.
        let unitsPerFile = Self.functionsPerFile + 1
        let total = Self.filesCount * unitsPerFile
        let scratch = repo.path + "-indexes"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        // A clean run: the reference count, and how long a run takes on this machine
        // (only to spread the kill moments over the run, never asserted).
        let clock = ContinuousClock()
        let started = clock.now
        let (clean, cleanResult) = try IndexTestSupport.index(repo.path, ["--index", scratch + "/clean"], environment: env)
        let runSeconds = max(0.2, Double(started.duration(to: clock.now).components.attoseconds) * 1e-18
                                 + Double(started.duration(to: clock.now).components.seconds))
        #expect(cleanResult.status == 0, "\(cleanResult.stderr)")
        #expect(clean.functions == total)
        #expect(clean.embedded == total)

        var rng = SeededGenerator(state: 20_261_129)
        var kills = 0
        var round = 0
        while kills < 21 && round < 40 {
            round += 1
            let directory = scratch + "/round-\(round)"
            var completed = false
            for _ in 0..<3 where !completed {
                let indexer = try BackgroundCodesearch(["index", "--index", directory], in: repo.path, environment: env)
                let delay = Double.random(in: 0.01...(runSeconds * 1.1), using: &rng)
                usleep(UInt32(delay * 1e6))
                if indexer.isRunning {
                    indexer.killHard()
                }
                let result = indexer.wait()
                if result.status == 0 {
                    completed = true
                } else {
                    #expect(result.status == 128 + SIGKILL, "indexer failed on its own: \(result.stderr)")
                    kills += 1
                }
                checkReadableAfterKill(repo, directory, env)
            }

            // What the index held before the final run, and what the final run adds.
            let before = try CodesearchBinary.run(["status", "--index", directory], in: repo.path, environment: env)
            let liveBefore = Self.liveFunctions(before.stdout)
            let (final, finalResult) = try IndexTestSupport.index(repo.path, ["--index", directory], environment: env)
            #expect(finalResult.status == 0, "round \(round): \(finalResult.stderr)")
            #expect(final.functions == total, "round \(round): \(finalResult.stdout)")
            // Nothing a killed run saved is embedded again, and nothing is missing.
            #expect(final.embedded == total - liveBefore - unitsPerFile * final.recoveredBlobs,
                    "round \(round): \(finalResult.stdout) after \(before.stdout)")
            let verified = try CodesearchBinary.run(["status", "--verify", "--index", directory], in: repo.path, environment: env)
            #expect(verified.status == 0)
            #expect(verified.stdout.contains("\nfunctions: \(total) live, \(total) stored in \(Self.filesCount) blobs\n"))
            try? FileManager.default.removeItem(atPath: directory)
        }
        #expect(kills >= 20)
    }

    /// After a kill: `status --verify` succeeds or reports a missing index, and a search
    /// without update answers whenever an index exists.
    private func checkReadableAfterKill(_ repo: TemporaryRepository, _ directory: String, _ env: [String: String]) {
        guard let status = try? CodesearchBinary.run(["status", "--verify", "--index", directory],
                                                     in: repo.path, environment: env) else {
            Issue.record("status did not run")
            return
        }
        let missing = status.stdout.contains("state: no index yet")
        #expect(status.status == 0 || (status.status == 2 && missing), "status after kill: \(status.stdout) \(status.stderr)")
        #expect(missing || status.stdout.contains("\nverify: ok\n"))
        #expect(status.stderr == "")
        guard !missing else { return }
        let search = try? CodesearchBinary.run(["search", "--no-update", "--index", directory, "-n", "3", "--vimgrep",
                                                "read the request"], in: repo.path, environment: env)
        #expect(search?.status == 0, "search after kill: \(search?.stderr ?? "")")
        #expect(search?.stdout.split(separator: "\n").count == 3)
    }

    /// `functions: N live, ...` from `status` (0 when there is no index).
    static func liveFunctions(_ status: String) -> Int {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("functions: ") }) else { return 0 }
        return Int(line.dropFirst("functions: ".count).prefix { $0.isNumber }) ?? 0
    }
}

/// Commands that end before libgit2's background initialisation has finished (version,
/// help, a usage error) must still exit cleanly: the exit handlers of the libraries libgit2
/// sets up used to run under it and crash it, about one run in a hundred.
@Suite struct QuickExitTests {
    @Test func commandsThatEndAtOnceNeverCrash() throws {
        let directory = FileManager.default.temporaryDirectory.path
        var statuses: [Int32: Int] = [:]
        for i in 0..<400 {
            let arguments = i % 4 == 3 ? ["frobnicate"] : ["--version"]
            let result = try CodesearchBinary.run(arguments, in: directory)
            statuses[result.status, default: 0] += 1
            #expect(result.status == (i % 4 == 3 ? 2 : 0), "run \(i) of \(arguments): exit status \(result.status)")
            if result.status != (i % 4 == 3 ? 2 : 0) { break }
        }
        #expect(statuses == [0: 300, 2: 100])
    }
}
