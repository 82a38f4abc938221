import BertEngine
import CodesearchKit
import EmbeddingCore
import Foundation
import IndexStorage
import LoopbackHTTP
import ModelCatalog
import ModelDownload
import OpenAIProvider
import Settings

/// The network features, for the executables that link them (`codesearch-net`,
/// `codesearch-mcp`): `NetworkLink.features = LinkedNetwork()` first thing in `main`.
public struct LinkedNetwork: NetworkFeatures {
    public init() {}

    public func makeAPIEmbedder(settings: Settings, environment: [String: String], offline: Bool,
                                existingIndex: () -> IndexMetadata?) async throws -> Embedder {
        try await APIEmbedderSettings.makeEmbedder(settings: settings, environment: environment,
                                                   offline: offline, existingIndex: existingIndex)
    }

    public func downloadModel(_ name: String, into store: ModelStore) async throws -> URL {
        try await store.download(name)
    }

    public func startEmbeddingServer(embedder: BertEmbedder, port: UInt16, limits: ServeLimits) throws -> any RunningServer {
        let service = EmbeddingService(embedder: embedder, maxInputs: limits.maxInputs)
        let serverLimits = LoopbackHTTPServer.Limits(
            maxConnections: limits.maxConnections, maxBodyBytes: limits.maxBodyBytes,
            headerTimeout: limits.headerTimeout, idleTimeout: limits.idleTimeout, requestTimeout: limits.requestTimeout)
        do {
            let server = try LoopbackHTTPServer(port: port, limits: serverLimits, recordRequests: false,
                                                rejection: EmbeddingService.rejection) { service.handle($0) }
            return ServedModel(server: server, modelName: service.modelName)
        } catch LoopbackHTTPError.portInUse(let port) {
            throw CodesearchError.usage("port \(port) on 127.0.0.1 is already in use; stop the program listening "
                                        + "there, or choose another port with --port (0: any free port)")
        }
    }

    public func dryRunEstimate(embedder: Embedder, texts: [String]) -> String? {
        (embedder as? OpenAIEmbedder).map { APIEmbedderSettings.dryRunEstimate($0, texts: texts) }
    }

    /// An API embeds in large requests; the index checkpoints after each batch either way.
    public func batchSize(for embedder: Embedder) -> Int? {
        embedder is OpenAIEmbedder ? 512 : nil
    }
}

/// `serve`'s running server.
struct ServedModel: RunningServer {
    let server: LoopbackHTTPServer
    let modelName: String
    var baseURL: URL { server.baseURL }
    func stop() { server.stop() }
}
