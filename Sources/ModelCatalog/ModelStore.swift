import BertEngine
import EmbeddingCore
import Foundation

/// The user's model cache, `$XDG_CACHE_HOME/codesearch/models` (default `~/.cache/...`):
/// list, install from a folder, verify (downloads: `ModelDownload`, which links the network).
public struct ModelStore: Sendable {
    public let directory: URL
    /// Base URL for downloads: `CODESEARCH_HF_ENDPOINT` or https://huggingface.co.
    public let endpoint: URL

    /// Files fetched from a hub; the first two and one tokenizer file are required.
    public static let modelFiles = [
        "config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
        "special_tokens_map.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json",
        "config_sentence_transformers.json",
    ]

    public init(directory: URL, endpoint: URL = URL(string: "https://huggingface.co")!) {
        self.directory = directory
        self.endpoint = endpoint
    }

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(directory: UserCache.root(environment: environment).appending(path: "models"),
                  endpoint: environment["CODESEARCH_HF_ENDPOINT"].flatMap { URL(string: $0) }
                      ?? URL(string: "https://huggingface.co")!)
    }

    /// The cache folder for a model name; `owner/name` keeps only `name`.
    public func directory(forName name: String) -> URL {
        directory.appending(path: name.split(separator: "/").last.map(String.init) ?? name)
    }

    /// Names of the cached model folders, sorted.
    public func list() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            !name.hasPrefix(".") && FileManager.default.fileExists(atPath: directory.appending(path: name).appending(path: "config.json").path)
        }.sorted()
    }

    /// Copies a local model folder into the cache under `name` (default: the folder's name),
    /// after checking it loads. Replaces an existing copy atomically.
    @discardableResult
    public func install(from source: URL, name: String? = nil) throws -> URL {
        _ = try verify(source)
        let target = directory(forName: name ?? source.standardizedFileURL.lastPathComponent)
        let staging = directory.appending(path: ".installing-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: source, to: staging)
            try replace(target, with: staging)
        } catch let error as EmbeddingError {
            try? FileManager.default.removeItem(at: staging)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw EmbeddingError.installFailed(source: source.path, reason: error.localizedDescription)
        }
        return target
    }

    /// Loads the folder as `BertEmbedder` does (every file parsed, every tensor's shape
    /// checked) and hashes the weights afresh.
    public func verify(_ folder: URL) throws -> ModelReport {
        let embedder = try BertEmbedder(modelDirectory: folder, threads: 1, digestMemo: nil)
        let present = Self.modelFiles.filter { FileManager.default.fileExists(atPath: folder.appending(path: $0).path) }
        let summary = embedder.weightsSummary
        return ModelReport(directory: folder, identity: embedder.identity, files: present,
                           tensors: summary.tensors, weightsType: summary.weightsType, layers: summary.layers)
    }

    /// Puts `staging` where `target` was, the old folder moved aside first and removed after.
    package func replace(_ target: URL, with staging: URL) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: target.path) {
            let old = directory.appending(path: ".old-\(UUID().uuidString)")
            try fm.moveItem(at: target, to: old)
            try fm.moveItem(at: staging, to: target)
            try? fm.removeItem(at: old)
        } else {
            try fm.moveItem(at: staging, to: target)
        }
    }
}

/// What `ModelStore.verify` found.
public struct ModelReport: Sendable {
    public var directory: URL
    public var identity: EmbedderIdentity
    public var files: [String]
    public var tensors: Int
    public var weightsType: String
    public var layers: Int
}
