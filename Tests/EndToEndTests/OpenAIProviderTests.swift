import Foundation
import TestSupport
import Testing

/// The OpenAI-compatible provider end to end: the real binary against `codesearch serve`
/// (the local model behind /v1/embeddings) and against scripted servers on 127.0.0.1.
@Suite struct OpenAIProviderTests {
    static let sources: [(String, String)] = [
        ("net/upload.py", "def retry_upload(path, attempts):\n    for i in range(attempts):\n        if send(path):\n            return True\n    return False\n"),
        ("text/words.py", "def count_words(text):\n    return len(text.split())\n"),
        ("Sources/Color.swift", "struct Color {\n    func blend(with other: Color) -> Color {\n        other\n    }\n}\n"),
    ]

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        for (path, text) in Self.sources { try repo.write(path, text) }
        try repo.commitAll()
        return repo
    }

    /// `codesearch serve` on a free port; returns the process and its base URL (with /v1).
    private func startServe() throws -> (BackgroundProcess, String) {
        let (serve, port) = try BackgroundProcess.codesearchServe()
        return (serve, "http://127.0.0.1:\(port)/v1")
    }

    @Test func indexAndSearchThroughALocalServerWithTheRealModel() throws {
        let repo = try makeRepository()
        let (serve, base) = try startServe()
        defer { serve.stop() }
        let api = ["--provider", "openai", "--base-url", base, "--model", "all-MiniLM-L6-v2"]
        let env = ["OPENAI_API_KEY": "sk-local-test"]

        let index = try CodesearchBinary.run(["index"] + api, in: repo.path, environment: env)
        #expect(index.status == 0, "\(index.stderr)")
        #expect(index.stdout.hasPrefix("indexed 3 files, 7 functions: 3 new blobs, 7 functions embedded"))
        let remote = try CodesearchBinary.run(["search", "--vimgrep", "retry a failed upload"] + api,
                                              in: repo.path, environment: env)
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout.split(separator: "\n").first == "net/upload.py:1:1:def retry_upload(path, attempts):")
        let status = try CodesearchBinary.run(["status"], in: repo.path)
        #expect(status.stdout.contains("embedder: openai all-MiniLM-L6-v2, 384 dimensions"))

        // The same model natively gives the same ranking; switching provider rebuilds, never mixes.
        let native = try CodesearchBinary.run(["search", "--vimgrep", "retry a failed upload"], in: repo.path)
        #expect(native.stdout == remote.stdout)
        #expect(native.stderr.contains("the index was rebuilt"))
        let after = try CodesearchBinary.run(["status"], in: repo.path)
        #expect(after.stdout.contains("embedder: native all-MiniLM-L6-v2"))
    }

    @Test func hostileRepositoryConfigCannotChooseTheEndpointOrKey() throws {
        let repo = try makeRepository()
        let trap = try LocalHTTPServer { _ in .json(["error": ["message": "should never be called"]], status: 500) }
        defer { trap.stop() }
        try repo.write(".codesearch", """
            [codesearch]
            \tprovider = openai
            \tbase-url = \(trap.baseURL.absoluteString)/v1
            \tapi-key-env = HOME
            \tmodel = /tmp/attacker-model
            \texclude = text/**

            """)
        let result = try CodesearchBinary.run(["index"], in: repo.path, environment: ["OPENAI_API_KEY": "sk-must-not-leak"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(trap.requests.isEmpty)
        for key in ["provider", "base-url", "api-key-env", "model"] {
            #expect(result.stderr.contains(".codesearch: '\(key)' refused"), "\(key)")
        }
        // The narrowing key is honoured; the index is the native model's.
        #expect(result.stdout.hasPrefix("indexed 2 files, 5 functions"))
        let status = try CodesearchBinary.run(["status"], in: repo.path)
        #expect(status.stdout.contains("embedder: native all-MiniLM-L6-v2"))
    }

    @Test func theKeyNeverAppearsInOutputOrErrors() throws {
        let repo = try makeRepository()
        let secret = "sk-secret-0123456789"
        let server = try LocalHTTPServer { request in
            .json(["error": ["message": "Incorrect API key provided: \(request.headers["authorization"] ?? "")"]], status: 401)
        }
        defer { server.stop() }
        let result = try CodesearchBinary.run(
            ["index", "--provider", "openai", "--base-url", server.baseURL.absoluteString + "/v1",
             "--model", "text-embedding-3-small"], in: repo.path, environment: ["OPENAI_API_KEY": secret])
        #expect(result.status == 2)
        #expect(result.stderr.contains("401"))
        #expect(!result.stderr.contains(secret) && !result.stdout.contains(secret))
        #expect(server.requests.first?.headers["authorization"] == "Bearer \(secret)")
        let log = try String(contentsOfFile: repo.path + "/.git/codesearch/index.journal", encoding: .isoLatin1)
        #expect(!log.contains(secret))
    }

    @Test func dryRunSendsNothingAndEstimatesTheCost() throws {
        let repo = try makeRepository()
        let server = try LocalHTTPServer { _ in .json([:], status: 500) }
        defer { server.stop() }
        let result = try CodesearchBinary.run(
            ["index", "--dry-run", "--provider", "openai", "--base-url", server.baseURL.absoluteString + "/v1",
             "--model", "text-embedding-3-small"], in: repo.path, environment: ["OPENAI_API_KEY": "sk-x"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.isEmpty)
        #expect(result.stdout.contains("7 functions to embed"))
        #expect(result.stdout.contains("in 1 requests to text-embedding-3-small, about $0.0000 at $0.00002 per 1K tokens"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/codesearch/index"))
    }

    /// Regression: a release binary crashed (SIGILL, a failed allocation of exabytes) or printed
    /// two vectors for one input on most successful replies; the debug binary never did, so run
    /// this suite against a release binary too (`CODESEARCH_BIN`, as scripts/test does).
    @Test func fiftyEmbedsThroughServeGiveOneVectorPerInput() throws {
        let (serve, base) = try startServe()
        defer { serve.stop() }
        let api = ["--provider", "openai", "--base-url", base, "--dimensions", "384"]
        let env = ["OPENAI_API_KEY": "sk-local-test"]
        let dir = FileManager.default.temporaryDirectory.path
        let native = try CodesearchBinary.run(["embed", "one", "two words", "retry a failed upload"], in: dir)
        let expected = try vectors(native.stdout)
        #expect(expected.count == 3)
        for run in 0..<50 {
            let inputs = run % 2 == 0 ? ["one"] : ["one", "two words", "retry a failed upload"]
            let result = try CodesearchBinary.run(["embed"] + api + inputs, in: dir, environment: env)
            #expect(result.status == 0, "run \(run): \(result.stderr)")
            let got = try vectors(result.stdout)
            #expect(got.count == inputs.count, "run \(run): \(got.count) vectors for \(inputs.count) inputs")
            for (vector, reference) in zip(got, expected) {
                let distance = zip(vector, reference).map { abs($0 - $1) }.max() ?? 1
                #expect(vector.count == 384 && distance < 1e-4, "run \(run): off by \(distance)")
            }
        }
    }

    /// One JSON array of numbers per line.
    private func vectors(_ output: String) throws -> [[Double]] {
        try output.split(separator: "\n").map { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Double] ?? []
        }
    }

    /// Regression: an error body that echoed the key was cut before the key was redacted, so a
    /// key that straddled the cut was printed almost whole, and landed in hooks.log.
    @Test func aKeyEchoedAcrossTheCutNeverReachesTheHooksLog() throws {
        let repo = try makeRepository()
        let key = "sk-proj-" + String(repeating: "Zq7Xw2Lm9P", count: 16)  // 168 characters
        let server = try LocalHTTPServer { _ in
            LocalHTTPServer.Response(status: 400, headers: ["Content-Type": "text/plain"],
                                     body: Data((String(repeating: "x", count: 300 - key.count / 2) + key).utf8))
        }
        defer { server.stop() }
        let env = CodesearchBinary.environment([
            "OPENAI_API_KEY": key, "CODESEARCH_PROVIDER": "openai", "CODESEARCH_DIMENSIONS": "384",
            "OPENAI_BASE_URL": server.baseURL.absoluteString + "/v1",
        ])
        let direct = try CodesearchBinary.run(["index"], in: repo.path, environment: env)
        #expect(direct.status == 2)
        #expect(direct.stderr.contains("400"), "\(direct.stderr)")

        _ = try CodesearchBinary.run(["hooks", "install"], in: repo.path)
        try repo.write("more.py", "def more():\n    return 1\n")
        try repo.git(["add", "-A"])
        let commit = try TemporaryRepository.runCapturing("/usr/bin/git", ["commit", "-q", "-m", "more"],
                                                          in: repo.path, environment: env)
        #expect(commit.status == 0)
        let logPath = repo.path + "/.git/codesearch/hooks.log"
        let deadline = Date().addingTimeInterval(60)
        var log = ""
        while Date() < deadline {
            log = (try? String(contentsOfFile: logPath, encoding: .isoLatin1)) ?? ""
            if log.contains("400") { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(log.contains("400"), "hooks.log: \(log)")
        let characters = Array(key)
        for start in 0...(characters.count - 8) {
            let piece = String(characters[start..<start + 8])
            #expect(!direct.stderr.contains(piece) && !log.contains(piece), "a piece of the key: \(piece)")
        }
    }
}
