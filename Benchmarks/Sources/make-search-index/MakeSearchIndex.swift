// Usage: make-search-index DIR FUNCTIONS
//        make-search-index --existing DIR
//
// Creates a git repository at DIR (100 Python files of random text, committed with the
// git CLI) and writes its index (DIR/.git/codesearch/index) through the public
// `Indexer`: the real grammars' languages and version, the installed default model's
// identity, but FUNCTIONS/100 synthetic spans per file and random unit vectors instead
// of scanning and embedding. `codesearch search` in DIR then finds the index current, so
// a timed search is the whole user path: model load, no-op update check, open, embed
// the query, rank.
//
// With --existing, DIR is a repository already: its functions are really scanned and only
// the vectors are random (for timing a no-op re-index of a large corpus without first
// spending minutes of embedding; a no-op run never reads a vector).
import CodesearchKit
import EmbeddingCore
import Foundation
import Git
import IndexStorage
import Indexing
import Scanning

let files = 100

/// The real extractor's languages and grammar version, with synthetic functions whose
/// byte ranges are all distinct (so every function gets its own vector).
struct SyntheticExtractor: FunctionExtractor {
    let real: ScannerExtractor
    let perFile: Int
    var grammarVersion: String { real.grammarVersion }
    func language(forPath path: String) -> String? { real.language(forPath: path) }
    func units(in bytes: [UInt8], language: String) -> [FunctionSpan] {
        let starts = max(1, bytes.count - 64)
        return (0..<perFile).map { i in
            let start = i % starts, length = 16 + (i / starts) % 48
            return FunctionSpan(name: "handler\(i)", qualifiedName: "Service.handler\(i)", kind: .method,
                                firstLine: 1, declarationLine: 1, declarationColumn: 1, lastLine: 1,
                                signature: "def handler\(i)(self, request):", docFirstLine: nil, docLastLine: nil,
                                byteStart: start, byteEnd: min(bytes.count, start + length))
        }
    }
}

/// The real model's identity; vectors are random unit vectors (a fast stand-in).
struct RandomEmbedder: Embedder {
    let identity: EmbedderIdentity
    func embed(documents: [String]) async throws -> [[Float]] {
        var state = UInt64(truncatingIfNeeded: documents.first?.hashValue ?? 1) | 1
        return documents.map { _ in
            let raw = (0..<identity.dimensions).map { _ -> Float in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state >> 11) - (1 << 52)) / Float(1 << 52)
            }
            let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return raw.map { $0 / norm }
        }
    }
    func embed(query: String) async throws -> [Float] { try await embed(documents: [query])[0] }
}

func git(_ arguments: [String], in directory: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-C", directory, "-c", "user.name=bench", "-c", "user.email=bench@example.com"] + arguments
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
}

@main struct MakeSearchIndex {
    static func main() async throws {
        let arguments = CommandLine.arguments
        if arguments.count == 3 && arguments[1] == "--existing" {
            let workspace = try Workspace.open(path: arguments[2])
            let model = try await EmbedderChoice().makeEmbedder(for: workspace)
            let indexer = Indexer(location: workspace.indexLocation(), extractor: ScannerExtractor(grammars: workspace.grammars),
                                  embedder: RandomEmbedder(identity: model.identity),
                                  options: IndexerOptions(batchSize: 1024))
            let summary = try await indexer.update(snapshot: try workspace.snapshot(.workingTree), source: workspace.repository)
            print("\(arguments[2]): \(summary.functions) functions in \(summary.files) files (random vectors), \(String(format: "%.1f", summary.seconds)) s")
            return
        }
        guard arguments.count == 3, let functions = Int(arguments[2]), functions >= files else {
            FileHandle.standardError.write(Data("usage: make-search-index DIR FUNCTIONS (at least \(files))\n".utf8))
            exit(2)
        }
        let directory = arguments[1]
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main"], in: directory)
        var state: UInt64 = 42
        for file in 0..<files {
            var text = [UInt8]()
            for _ in 0..<4096 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let r = Int(state >> 59)
                text.append(r < 4 ? UInt8(ascii: r == 0 ? "\n" : " ") : UInt8(ascii: "a") + UInt8(state >> 40 & 15))
            }
            let path = directory + "/src/pkg\(file / 10)/module\(file).py"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text).write(to: URL(fileURLWithPath: path))
        }
        try git(["add", "-A"], in: directory)
        try git(["commit", "-q", "-m", "corpus"], in: directory)

        let workspace = try Workspace.open(path: directory)
        let model = try await EmbedderChoice().makeEmbedder(for: workspace)
        let extractor = SyntheticExtractor(real: ScannerExtractor(grammars: workspace.grammars), perFile: functions / files)
        let indexer = Indexer(location: workspace.indexLocation(), extractor: extractor,
                              embedder: RandomEmbedder(identity: model.identity),
                              options: IndexerOptions(batchSize: 4096,
                                                      garbageCollection: GarbageCollectionPolicy(maxBytes: 8 << 30)))
        let summary = try await indexer.update(snapshot: try workspace.snapshot(.workingTree), source: workspace.repository)
        print("\(directory): \(summary.functions) functions in \(summary.files) files, \(String(format: "%.1f", summary.seconds)) s")
    }
}
