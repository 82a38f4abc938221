import BertEngine
import EmbeddingCore
import Foundation
import IndexStorage
import ModelCatalog
import Settings

/// What only an executable linked with the network stack (SwiftNIO, async-http-client,
/// BoringSSL) can do: embed through an API, download a model, serve the model over HTTP.
///
/// `codesearch` leaves that stack out, because a native command would otherwise pay for it at
/// every start (its conformance records and relocations: about 2 ms of CPU a search,
/// Benchmarks/RESULTS-index.md). `codesearch-net` and `codesearch-mcp` link it and set
/// `NetworkLink.features` first thing in `main`; when `codesearch` meets a command that needs
/// it, the command throws `NetworkRequired` before it has written anything, and `codesearch`
/// runs `codesearch-net` with the same arguments in its place, as git runs
/// `git-remote-https` so that `git` itself never loads libcurl.
public protocol NetworkFeatures: Sendable {
    /// The embedder for `provider = openai`. With `offline`, nothing is sent (a dry run):
    /// an unknown vector size is taken from `existingIndex` when that index was made by
    /// the same model.
    func makeAPIEmbedder(settings: Settings, environment: [String: String], offline: Bool,
                         existingIndex: () -> IndexMetadata?) async throws -> Embedder
    /// Downloads `owner/name` from the store's endpoint into the store; the folder installed.
    func downloadModel(_ name: String, into store: ModelStore) async throws -> URL
    /// Serves `embedder` as an OpenAI-compatible `/v1/embeddings` endpoint on 127.0.0.1.
    func startEmbeddingServer(embedder: BertEmbedder, port: UInt16, limits: ServeLimits) throws -> any RunningServer
    /// For an API embedder, what a dry run would send (tokens, requests, cost); nil for any other.
    func dryRunEstimate(embedder: Embedder, texts: [String]) -> String?
    /// The texts an index run sends in one batch to this embedder; nil for the default.
    func batchSize(for embedder: Embedder) -> Int?
}

/// The network features of this executable, if it links them.
public enum NetworkLink {
    /// Set once, by `main`, before any command runs or any task starts, and never again:
    /// so reading it from any thread afterwards is safe.
    nonisolated(unsafe) public static var features: (any NetworkFeatures)?

    /// The features, or `NetworkRequired` naming `what` needs them.
    public static func required(_ what: String) throws -> any NetworkFeatures {
        guard let features else { throw NetworkRequired(what: what) }
        return features
    }

    /// Throws `NetworkRequired` for settings that name an API provider: checked where settings
    /// are resolved, before a command prints or writes anything, so the command can run again
    /// from the start in `codesearch-net`.
    static func check(_ settings: Settings) throws {
        if settings.provider == .openai { _ = try required("provider = openai") }
    }
}

/// A command needs the network features and this executable does not link them.
public struct NetworkRequired: Error, CustomStringConvertible {
    public let what: String
    public var description: String {
        "\(what) needs codesearch-net, the network half of codesearch, which is not installed "
            + "beside this executable (build it with scripts/setup, or "
            + "`swift build -c release --product codesearch-net`)"
    }
}

/// The limits `serve` puts on every request (see `ServeCommand`).
public struct ServeLimits: Sendable {
    public static let defaultMaxInputs = 2048

    public var maxConnections: Int
    public var maxBodyBytes: Int
    public var headerTimeout: Double
    public var idleTimeout: Double
    public var requestTimeout: Double
    public var maxInputs: Int

    public init(maxConnections: Int, maxBodyBytes: Int, headerTimeout: Double, idleTimeout: Double,
                requestTimeout: Double, maxInputs: Int) {
        self.maxConnections = maxConnections
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.maxInputs = maxInputs
    }
}

/// An endpoint `startEmbeddingServer` started.
public protocol RunningServer: Sendable {
    /// `http://127.0.0.1:PORT`.
    var baseURL: URL { get }
    var modelName: String { get }
    func stop()
}
