import Foundation
import TestSupport

/// Helpers shared by the index, search, crash and concurrency end-to-end tests.
enum IndexTestSupport {
    /// The `index` summary line's counters: `... N new blobs, M functions embedded ...`.
    struct Summary: Equatable {
        var files = 0
        var functions = 0
        var newBlobs = 0
        var embedded = 0
        var recoveredBlobs = 0
        var upToDate = false
    }

    /// Parses the one summary line `codesearch index` prints (nil if there is none).
    static func summary(_ stdout: String) -> Summary? {
        guard let line = stdout.split(separator: "\n").last.map(String.init) else { return nil }
        func number(before word: String) -> Int? {
            guard let range = line.range(of: " " + word) else { return nil }
            let digits = line[..<range.lowerBound].reversed().prefix { $0.isNumber }
            return Int(String(digits.reversed()))
        }
        var s = Summary()
        s.upToDate = line.hasPrefix("index up to date")
        guard s.upToDate || line.hasPrefix("indexed ") || line.hasPrefix("interrupted") else { return nil }
        s.files = number(before: "files") ?? 0
        s.functions = number(before: "functions") ?? 0
        s.newBlobs = number(before: "new blobs") ?? 0
        s.embedded = number(before: "functions embedded") ?? 0
        s.recoveredBlobs = number(before: "blobs recovered") ?? 0
        return s
    }

    /// Runs `codesearch index` and returns its parsed summary; records the whole result on failure.
    static func index(_ repo: String, _ extra: [String] = [],
                      environment: [String: String] = [:]) throws -> (Summary, CodesearchBinary.Result) {
        let result = try CodesearchBinary.run(["index"] + extra, in: repo, environment: environment)
        return (summary(result.stdout) ?? Summary(), result)
    }

    /// A tiny BERT sentence-transformers folder (8 dimensions, one layer, 30-word vocab):
    /// a real model for the native embedder that loads and embeds in microseconds, so
    /// tests can count embeddings on hundreds of functions. `seed` changes the weights
    /// (and so the embedder's identity).
    static func tinyModel(named name: String = "tiny-bert", seed: UInt32 = 12345) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("codesearch-models-\(UUID().uuidString)/\(name)")
        try TinyModel.write(to: directory, seed: seed)
        return directory.path
    }
}

/// Writes a deterministic tiny BERT model folder (the same shape as EmbeddingTests' `TinyModel`).
enum TinyModel {
    static let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "code", "search", "##es", "find",
                        "function", "file", "parse", "json", "open", "read", "a", "b", "c", ".", ",", "(", ")",
                        "def", "return", "x", "y", "##s", "un", "##able"]
    static let c = 8, heads = 2, inter = 16, positions = 16

    static func write(to directory: URL, seed: UInt32) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        let config: [String: Any] = [
            "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
            "hidden_size": c, "num_attention_heads": heads, "intermediate_size": inter,
            "num_hidden_layers": 1, "max_position_embeddings": positions, "type_vocab_size": 2,
            "vocab_size": vocab.count, "layer_norm_eps": 1e-12,
        ]
        func put(_ text: String, _ name: String) throws {
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try JSONSerialization.data(withJSONObject: config).write(to: directory.appendingPathComponent("config.json"))
        try put(vocab.joined(separator: "\n") + "\n", "vocab.txt")
        try put(#"{"do_lower_case": true}"#, "tokenizer_config.json")
        try put(#"{"max_seq_length": 12}"#, "sentence_bert_config.json")
        try put(#"{"word_embedding_dimension": 8, "pooling_mode_mean_tokens": true}"#, "1_Pooling/config.json")
        try safetensors(tensors(seed: seed)).write(to: directory.appendingPathComponent("model.safetensors"))
    }

    static func tensors(seed initial: UInt32) -> [(String, [Int], [Float])] {
        var seed = initial
        func values(_ count: Int, offset: Float = 0) -> [Float] {
            (0..<count).map { _ in
                seed = seed &* 1664525 &+ 1013904223
                return offset + 0.5 * (Float(seed >> 8) / Float(1 << 24) - 0.5)
            }
        }
        var t: [(String, [Int], [Float])] = [
            ("embeddings.word_embeddings.weight", [vocab.count, c], values(vocab.count * c)),
            ("embeddings.position_embeddings.weight", [positions, c], values(positions * c)),
            ("embeddings.token_type_embeddings.weight", [2, c], values(2 * c)),
            ("embeddings.LayerNorm.weight", [c], values(c, offset: 1)),
            ("embeddings.LayerNorm.bias", [c], values(c)),
        ]
        let p = "encoder.layer.0."
        for name in ["query", "key", "value"] {
            t.append((p + "attention.self.\(name).weight", [c, c], values(c * c)))
            t.append((p + "attention.self.\(name).bias", [c], values(c)))
        }
        t += [
            (p + "attention.output.dense.weight", [c, c], values(c * c)),
            (p + "attention.output.dense.bias", [c], values(c)),
            (p + "attention.output.LayerNorm.weight", [c], values(c, offset: 1)),
            (p + "attention.output.LayerNorm.bias", [c], values(c)),
            (p + "intermediate.dense.weight", [inter, c], values(inter * c)),
            (p + "intermediate.dense.bias", [inter], values(inter)),
            (p + "output.dense.weight", [c, inter], values(c * inter)),
            (p + "output.dense.bias", [c], values(c)),
            (p + "output.LayerNorm.weight", [c], values(c, offset: 1)),
            (p + "output.LayerNorm.bias", [c], values(c)),
        ]
        return t
    }

    /// A safetensors file of F32 tensors.
    static func safetensors(_ tensors: [(String, [Int], [Float])]) throws -> Data {
        var header: [String: Any] = [:]
        var data = Data()
        for (name, shape, values) in tensors {
            let begin = data.count
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            header[name] = ["dtype": "F32", "shape": shape, "data_offsets": [begin, data.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(data)
        return file
    }
}

/// A `codesearch` process started in the background, for the crash and concurrency tests.
final class BackgroundCodesearch {
    let process = Process()
    let outURL: URL
    let errURL: URL

    init(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: CodesearchBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        let realHome = env["HOME"] ?? "/root"
        env["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"] ?? realHome + "/.cache"
        env["HOME"] = CodesearchBinary.isolatedHome
        env["XDG_CONFIG_HOME"] = CodesearchBinary.isolatedHome + "/.config"
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        env["NO_COLOR"] = "1"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let tmp = FileManager.default.temporaryDirectory
        outURL = tmp.appendingPathComponent("bg-out-\(UUID().uuidString)")
        errURL = tmp.appendingPathComponent("bg-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL, as a power loss or the OOM killer would; no handler runs.
    func killHard() { kill(process.processIdentifier, SIGKILL) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Waits for the process; a signal death is reported as 128 + the signal, as a shell does.
    @discardableResult
    func wait() -> Result {
        process.waitUntilExit()
        let out = (try? Data(contentsOf: outURL)) ?? Data()
        let err = (try? Data(contentsOf: errURL)) ?? Data()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Result(status: status, stdout: String(decoding: out, as: UTF8.self),
                                       stderr: String(decoding: err, as: UTF8.self))
    }
}

/// SplitMix64: a seeded generator, so a failing crash test replays the same kill times.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A suite that runs the binary with the tiny generated model (`IndexTestSupport.tinyModel`):
/// `env` names it for every run.
protocol TinyModelSuite {
    var model: String { get }
}

extension TinyModelSuite {
    var env: [String: String] { ["CODESEARCH_MODEL": model] }
}
