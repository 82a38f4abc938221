import Foundation
import TestSupport
import Testing

/// The background filler killed with SIGKILL at 20 seeded moments (issue 14): after each,
/// the index is readable and not damaged, and the next run finishes it, ranking exactly
/// as an index built in one go. Rounds of 50 ms (`CODESEARCH_FILL_ROUND`) make the
/// filler rewrite the index many times, so kills land in every phase: scanning,
/// embedding, journaling, writing the temporary file, renaming it.
@Suite struct FillerCrashTests: TinyModelSuite {
    let model: String

    init() throws {
        model = try IndexTestSupport.tinyModel()
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        for file in 0..<40 {
            let functions = (0..<40).map { i in
                "def handler_\(file)_\(i)(request, attempt_\(i)):\n    return request.retry(\(file * 40 + i), attempt_\(i))\n"
            }
            try repo.write("pkg/module_\(file).py", functions.joined(separator: "\n"))
        }
        try repo.commitAll()
        return repo
    }

    private func run(_ arguments: [String], in repo: TemporaryRepository,
                     extra: [String: String] = [:]) throws -> CodesearchBinary.Result {
        try CodesearchBinary.run(arguments, in: repo.path, environment: env.merging(extra) { $1 })
    }

    @Test func killedAnywhereTheFillerLeavesAReadableIndexThatTheNextRunCompletes() throws {
        let repo = try makeRepository()
        #expect(try run(["index"], in: repo, extra: ["CODESEARCH_EMBED_BUDGET": "0"]).stdout.contains("waiting for vectors"))
        var generator = SplitMix(state: 14)
        for point in 0..<20 {
            // New units each time, left waiting, so every kill lands in a filler with work to do.
            for file in stride(from: point % 4, to: 40, by: 4) {
                let path = repo.path + "/pkg/module_\(file).py"
                let added = "\ndef added_\(point)_\(file)(request):\n    return request.retry(\(point))\n"
                try (String(contentsOfFile: path, encoding: .utf8) + added).write(toFile: path, atomically: true, encoding: .utf8)
            }
            _ = try run(["index", "--quiet"], in: repo, extra: ["CODESEARCH_EMBED_BUDGET": "0"])
            let filler = try BackgroundProcess(CodesearchBinary.path, ["index", "--background"],
                                               environment: CodesearchBinary.environment(
                                                   env.merging(["CODESEARCH_FILL_ROUND": "0.05"]) { $1 }),
                                               directory: repo.path)
            usleep(UInt32.random(in: 1_000...150_000, using: &generator))
            kill(filler.process.processIdentifier, SIGKILL)
            filler.process.waitUntilExit()
            let status = try run(["status"], in: repo)
            #expect(status.status == 0, "kill \(point): \(status.stdout) \(status.stderr)")
            #expect(!status.stdout.contains("damaged"), "kill \(point): \(status.stdout)")
        }
        let finish = try run(["index"], in: repo)
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try run(["status"], in: repo).stdout.contains("state: current"))
        let filled = try run(["search", "--no-update", "--json", "retry the request"], in: repo)

        // The same files indexed in one go rank the same.
        let fresh = try TemporaryRepository()
        for file in 0..<40 {
            let name = "pkg/module_\(file).py"
            try fresh.write(name, try String(contentsOfFile: repo.path + "/" + name, encoding: .utf8))
        }
        try fresh.commitAll()
        _ = try run(["index"], in: fresh)
        #expect(filled.stdout == (try run(["search", "--no-update", "--json", "retry the request"], in: fresh)).stdout)
    }
}

/// One filler per index: while one runs (its lock held), a second exits at once.
@Suite struct FillerLockTests: TinyModelSuite {
    let model: String

    init() throws {
        model = try IndexTestSupport.tinyModel()
    }

    @Test func aSecondFillerExitsAtOnceAndTouchesNothing() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def read_file(path):\n    return open(path).read()\n")
        try repo.commitAll()
        let env = CodesearchBinary.environment(self.env)
        _ = try CodesearchBinary.run(["index", "--quiet"], in: repo.path,
                                     environment: env.merging(["CODESEARCH_EMBED_BUDGET": "0"]) { $1 })
        let index = repo.path + "/.git/codesearch/index"
        let before = try Data(contentsOf: URL(fileURLWithPath: index))

        // The running filler's lock, held by this test (flock, as IndexLock takes it).
        let fd = open(repo.path + "/.git/codesearch/filler.lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        let second = try CodesearchBinary.run(["index", "--background"], in: repo.path, environment: env)
        #expect(second.status == 0)
        #expect(second.stdout.contains("another filler is running; nothing done"), "\(second.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: index)) == before)

        // Released, the next filler does the work.
        close(fd)
        let third = try CodesearchBinary.run(["index", "--background"], in: repo.path, environment: env)
        #expect(third.stdout.contains("functions embedded") && third.stdout.contains("done"), "\(third.stdout)")
    }
}

/// Work beside a running filler (issue 14): searches and a commit (whose hooks index too)
/// while the filler fills in, with no error, and never two fillers at work at once.
@Suite struct FillerCompanyTests: TinyModelSuite {
    let model: String

    init() throws {
        model = try IndexTestSupport.tinyModel()
    }

    @Test func twoSearchesAndACommitWhileAFillerRunsMeetNoErrorAndNoSecondFiller() throws {
        let repo = try TemporaryRepository()
        for file in 0..<30 {
            let functions = (0..<40).map { "def step_\(file)_\($0)(job):\n    return job.advance(\($0))\n" }
            try repo.write("pkg/stage_\(file).py", functions.joined(separator: "\n"))
        }
        try repo.commitAll()
        // Searches may start fillers (CI cleared), whose rounds are short, so they write often.
        let env = CodesearchBinary.environment(self.env.merging(
            ["CODESEARCH_EMBED_BUDGET": "0", "CI": "", "CODESEARCH_FILL_ROUND": "0.05"]) { $1 })
        func codesearch(_ arguments: [String]) throws -> CodesearchBinary.Result {
            try CodesearchBinary.run(arguments, in: repo.path, environment: env)
        }
        #expect(try codesearch(["hooks", "install"]).status == 0)
        var results = [try codesearch(["search", "--vimgrep", "advance the job"])]  // starts the filler
        results.append(try codesearch(["search", "--vimgrep", "advance the job"]))
        try repo.write("pkg/stage_0.py", "def rewind(job):\n    return job.back()\n")
        _ = try TemporaryRepository.run("/usr/bin/git", ["commit", "-q", "-am", "rewind"], in: repo.path, environment: env)
        results.append(try codesearch(["search", "--vimgrep", "rewind the job"]))
        for result in results {
            #expect(result.status == 0 && !result.stdout.isEmpty, "\(result.status) \(result.stdout) \(result.stderr)")
            #expect(!result.stderr.contains("error"), "\(result.stderr)")
        }

        // Wait (bounded) until no filler holds the lock and the hooks are done.
        let lockPath = repo.path + "/.git/codesearch/filler.lock"
        for _ in 0..<600 {
            let fd = open(lockPath, O_RDWR)
            let free = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0
            if fd >= 0 { close(fd) }
            if free && !FileManager.default.fileExists(atPath: repo.path + "/.git/codesearch/hooks.pending") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let log = try String(contentsOfFile: repo.path + "/.git/codesearch/filler.log", encoding: .utf8)
        #expect(!log.contains("error"), "\(log)")
        // Between a filler's start and its end, no other filler starts work.
        var working: String?
        for line in log.split(separator: "\n") where line.hasPrefix("filler: pid ") {
            let pid = String(line.dropFirst("filler: pid ".count).prefix { $0.isNumber })
            if line.contains(", nice ") {
                #expect(working == nil, "filler \(pid) started while \(working ?? "") worked:\n\(log)")
                working = pid
            } else if line.hasSuffix("nothing done") {
                continue
            } else if line.contains(" done ") {
                #expect(working == pid, "\(log)")
                working = nil
            }
        }
        #expect(working == nil, "a filler never finished:\n\(log)")
        #expect(log.contains(", nice 19, io class idle"), "\(log)")
        let finish = try codesearch(["index"])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try codesearch(["status"]).stdout.contains("state: current"))
    }
}
