import Foundation
import TestSupport
import Testing

/// A CPU without an int8 dot product or bf16 (forced with CODESEARCH_KERNEL=avx2, which caps
/// every kernel at AVX2): `auto` falls back to fp32 and `status` says so in one line; int8
/// still runs (its AVX2 emulation gives the same integer sums), bf16 is refused; and the
/// vectors are the ones the full CPU makes.
@Suite struct PrecisionFallbackTests {
    static let avx2 = ["CODESEARCH_KERNEL": "avx2"]
    static let texts = ["def parse(path):\n    return json.load(open(path))", "open a file and read json"]

    /// The installed default model's folder, or nil (the vector checks need it).
    static let realModel: String? = {
        let cache = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"]
            ?? (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache"
        let path = cache + "/codesearch/models/all-MiniLM-L6-v2"
        return FileManager.default.fileExists(atPath: path + "/model.safetensors") ? path : nil
    }()

    func vectors(_ arguments: [String], environment: [String: String] = [:]) throws -> [[Double]] {
        let model = try #require(Self.realModel)
        let result = try CodesearchBinary.run(["embed", "--model", model] + arguments + Self.texts,
                                              in: FileManager.default.temporaryDirectory.path, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map { try JSONDecoder().decode([Double].self, from: Data($0.utf8)) }
    }

    func maxDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
    }

    @Test(.enabled(if: realModel != nil, "needs scripts/install-model"))
    func autoFallsBackToFP32AndInt8StaysExact() throws {
        let fallback = try vectors([], environment: Self.avx2), fp32 = try vectors(["--precision", "fp32"])
        #expect(fallback.count == 2 && maxDifference(fallback, fp32) <= 1e-5)
        let emulated = try vectors(["--precision", "int8"], environment: Self.avx2), int8 = try vectors(["--precision", "int8"])
        // The integer sums are the same, but the fp32 steps between products differ by level
        // (AVX2 attention, GELU), and a rounding flipped by 1e-7 moves an activation a whole
        // int8 step: within int8's own noise, not bit for bit.
        #expect(zip(emulated, int8).allSatisfy { a, b in
            zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } >= 0.999 })
        let refused = try CodesearchBinary.run(["embed", "--precision", "bf16", "x"], in: FileManager.default.temporaryDirectory.path,
                                               environment: Self.avx2)
        #expect(refused.status == 2 && refused.stderr.contains("bf16 needs AVX512_BF16 or AMX"))
        let mixed = try CodesearchBinary.run(["embed", "--precision", "mixed", "x"], in: FileManager.default.temporaryDirectory.path,
                                             environment: Self.avx2)
        #expect(mixed.status == 2 && mixed.stderr.contains("mixed needs AVX512_BF16 or AMX for its bf16 products"))
    }

    /// `auto` is int8 exactly where its kernel is the measured one (AVX-512 VNNI, no AMX),
    /// read here from the kernel's own flags in /proc/cpuinfo.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo")))
    func autoIsInt8WhereItWasMeasured() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = Set(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        let measured = flags.contains("avx512_vnni") && !flags.contains("amx_int8")
        let list = try CodesearchBinary.run(["model", "list"], in: FileManager.default.temporaryDirectory.path)
        let line = list.stderr.split(separator: "\n").first { $0.hasPrefix("precision: ") }.map(String.init) ?? ""
        #expect(line.hasPrefix(measured ? "precision: int8 on AVX-512 VNNI (vpdpbusd) (auto: int8 for documents"
                                        : "precision: fp32 on OpenBLAS sgemm"), "\(line)")
        // Capped below VNNI (as on a CPU without it), auto is fp32 and says why.
        let capped = try CodesearchBinary.run(["model", "list"], in: FileManager.default.temporaryDirectory.path,
                                              environment: ["CODESEARCH_KERNEL": "avx512"])
        #expect(capped.stderr.contains("(auto: fp32, since this CPU lacks AVX-512 VNNI"), "\(capped.stderr)")
    }

    @Test func statusSaysWhichPathAndWhyInOneLine() throws {
        let repo = try TemporaryRepository()
        try repo.write("store.py", "def load(path):\n    return open(path).read()\n")
        try repo.commitAll()
        let env = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()].merging(Self.avx2) { $1 }
        let indexed = try CodesearchBinary.run(["index"], in: repo.path, environment: env)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        let status = try CodesearchBinary.run(["status"], in: repo.path, environment: env)
        let lines = status.stdout.split(separator: "\n").filter { $0.hasPrefix("precision: ") }
        #expect(lines.count == 1 && lines[0].hasPrefix("precision: fp32 on OpenBLAS sgemm; AVX2 kernels for queries (auto: fp32"))
        #expect(status.stdout.contains("embedder: native tiny-bert, 8 dimensions, mean pooling, max 12 tokens, fp32"))
        let int8 = try CodesearchBinary.run(["status", "--repo", repo.path], in: repo.path,
                                            environment: env.merging(["CODESEARCH_PRECISION": "int8"]) { $1 })
        #expect(int8.stdout.contains("precision: int8 on AVX2 (vpdpbusd emulated) (int8 as asked; this CPU has no int8 dot product"))
        #expect(int8.stdout.contains("the index holds fp32 vectors, which `codesearch index` replaces"))
    }

    /// `auto` keeps the precision an existing index holds, so a change of auto's choice, or a
    /// move to another CPU, never re-embeds an index behind the user's back; `--precision`
    /// still does. Both fp32 and int8 run everywhere, and auto picks at most one of them.
    @Test(arguments: [("fp32", "fp32"), ("int8", "int8v2")])
    func autoKeepsTheIndexsPrecision(precision: String, identityName: String) throws {
        let repo = try TemporaryRepository()
        try repo.write("store.py", "def load(path):\n    return open(path).read()\n")
        try repo.commitAll()
        let env = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()]
        let first = try IndexTestSupport.index(repo.path, ["--precision", precision], environment: env)
        #expect(first.0.embedded > 0, "\(first.1.stderr)")
        try repo.write("more.py", "def save(path, text):\n    open(path, 'w').write(text)\n")
        try repo.commitAll()
        let auto = try IndexTestSupport.index(repo.path, environment: env)
        // Only the new file's units (the two files have the same shape).
        #expect(auto.0.embedded == first.0.embedded, "\(auto.1.stderr)")
        let status = try CodesearchBinary.run(["status"], in: repo.path, environment: env)
        #expect(status.stdout.contains("embedder: native tiny-bert, 8 dimensions, mean pooling, max 12 tokens, \(identityName)\n"))
        #expect(status.stdout.contains("precision: \(precision) on "), "\(status.stdout)")
        #expect(!status.stdout.contains("which `codesearch index` replaces"), "\(status.stdout)")
        let other = precision == "fp32" ? "int8" : "fp32"
        let again = try IndexTestSupport.index(repo.path, ["--precision", other], environment: env)
        #expect(again.0.embedded == 2 * first.0.embedded, "\(again.1.stderr)")
    }

    /// The index whose precision auto keeps is the one the command uses: a search on an index
    /// in a folder of its own (`--index DIR`) updates it at its precision, not at what auto
    /// would pick for the repository's default index (read there, it was missing).
    @Test(arguments: [("fp32", "fp32"), ("int8", "int8v2")])
    func aSearchKeepsThePrecisionOfTheIndexItUses(precision: String, identityName: String) throws {
        let repo = try TemporaryRepository()
        try repo.write("store.py", "def load(path):\n    return open(path).read()\n")
        try repo.commitAll()
        let env = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()]
        let directory = FileManager.default.temporaryDirectory.appending(path: "index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try IndexTestSupport.index(repo.path, ["--index", directory, "--precision", precision], environment: env)
        #expect(first.0.embedded > 0, "\(first.1.stderr)")
        try repo.write("more.py", "def save(path, text):\n    open(path, 'w').write(text)\n")
        try repo.commitAll()
        let search = try CodesearchBinary.run(["search", "--index", directory, "save text"], in: repo.path, environment: env)
        #expect(search.status == 0, "\(search.stderr)")
        let status = try CodesearchBinary.run(["status", "--index", directory], in: repo.path, environment: env)
        #expect(status.stdout.contains("max 12 tokens, \(identityName)\n"), "\(status.stdout)")
        #expect(status.stdout.contains("functions: \(2 * first.0.embedded) live"), "\(status.stdout)")
    }
}
