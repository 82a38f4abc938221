import ArgumentParser
import BertEngine
import CodesearchKit
import EmbeddingCore
import Foundation
import OrderedJSON
import ModelCatalog

struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print the embedding vector of each text, one JSON array per line.",
        discussion: """
            Vectors are L2-normalised and printed in input order. With no TEXT, reads one text \
            per line from standard input; a line that is a JSON string (starting with a double \
            quote) is decoded, so a text can hold newlines: "def f():\\n    pass".

            The native model is the first of: --model, $CODESEARCH_MODEL, the user \
            configuration, the user cache ($XDG_CACHE_HOME/codesearch/models/all-MiniLM-L6-v2). \
            With --provider openai the texts go to the configured endpoint instead.
            """)

    @OptionGroup var embedderOptions: EmbedderOptions

    @Option(name: .long, help: "Worker threads.")
    var threads: Int = 2

    @Flag(name: .long, help: ArgumentHelp("Time the texts instead of printing vectors (JSON on stdout).", visibility: .hidden))
    var benchmark = false

    @Argument(help: "Texts to embed; read from standard input when none are given.")
    var texts: [String] = []

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() async throws {
        do {
            // Settings first: with an API provider `codesearch` hands the whole command to
            // codesearch-net (NetworkRequired), which must find standard input unread.
            let (settings, warnings) = try Workspace.settings(flags: embedderOptions.configurationFlags)
            let input = texts.isEmpty ? try EmbedInput.readLines(FileHandle.standardInput) : texts
            let started = Date()
            for warning in warnings { Output.diagnostic("codesearch: warning: \(warning)") }
            let embedder: Embedder
            if settings.provider == .native {
                let directory = try ModelLocator(flag: settings.model).resolve().directory
                embedder = try BertEmbedder(modelDirectory: directory, threads: threads, hugePages: true,
                                            precision: EmbedderChoice.precision(settings))
            } else {
                embedder = try await embedderOptions.choice.makeEmbedder(settings: settings)
            }
            if benchmark, let embedder = embedder as? BertEmbedder {
                let report = try EmbedBenchmark.run(embedder, texts: input, loadSeconds: Date().timeIntervalSince(started))
                Output.standard.line("\(report)")
                return
            }
            // Output buffers and flushes in 64 KiB writes, so 10,000 vectors never sit in memory as one string.
            for vector in try await embedder.embed(documents: input) {
                Output.standard.line(try OrderedJSONEncoder().string(vector))
            }
        } catch let error as ValidationError {
            throw error
        } catch let error as NetworkRequired {
            throw error
        } catch {
            Output.diagnostic("codesearch: error: \(error)")
            throw ExitCode(2)
        }
    }
}

/// Standard-input parsing for `embed`: one text per line, or a JSON string per line.
enum EmbedInput {
    static func readLines(_ handle: FileHandle) throws -> [String] {
        let data = handle.readDataToEndOfFile()
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("standard input is not UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return try lines.enumerated().map { number, line in
            let line = line.hasSuffix("\r") ? String(line.dropLast()) : line
            guard line.hasPrefix("\"") else { return line }
            guard let decoded = try? JSONDecoder().decode(String.self, from: Data(line.utf8)) else {
                throw ValidationError("standard input line \(number + 1): starts with a quote but is not a JSON string")
            }
            return decoded
        }
    }
}

/// Throughput and latency of the native embedder, for scripts/bench-embed.
enum EmbedBenchmark {
    static func run(_ embedder: BertEmbedder, texts: [String], loadSeconds: Double) throws -> String {
        let counts = texts.map { embedder.tokenCount($0) }
        let tokens = counts.reduce(0, +)
        let flops = counts.reduce(0) { $0 + embedder.encoderFLOPs(tokens: $1) }
        _ = try embedder.embedSynchronously(Array(texts.prefix(64)))  // warm-up
        var best = Double.infinity
        for _ in 0..<2 {
            let start = Date()
            _ = try embedder.embedSynchronously(texts)
            best = min(best, Date().timeIntervalSince(start))
        }
        var latencies: [Double] = []
        for _ in 0..<55 {
            let start = Date()
            _ = try embedder.embedSynchronously(["parse a json config file"], as: .query)
            latencies.append(Date().timeIntervalSince(start))
        }
        let median = latencies.dropFirst(5).sorted()[25]
        return try OrderedJSONEncoder().string(Report(
            texts: texts.count, tokens: tokens, seconds: best, tokens_per_s: Double(tokens) / best,
            texts_per_s: Double(texts.count) / best, query_ms: median * 1000, load_ms: loadSeconds * 1000,
            flops_per_token: flops / Double(max(tokens, 1)), gflops: flops / best / 1e9,
            query_weight_bytes: embedder.encoderWeightBytes, precision: "\(embedder.precision.precision)",
            kernel: "\(embedder.precision.kernel)"))
    }

    /// What scripts/bench-embed reads.
    struct Report: Encodable {
        var engine = "native"
        var texts: Int
        var tokens: Int
        var seconds: Double
        var tokens_per_s: Double
        var texts_per_s: Double
        var query_ms: Double
        var load_ms: Double
        var flops_per_token: Double
        var gflops: Double
        var query_weight_bytes: Int
        var precision: String
        var kernel: String
    }
}
