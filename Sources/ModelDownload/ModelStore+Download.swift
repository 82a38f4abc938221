import EmbeddingCore
import Foundation
import ModelCatalog

extension ModelStore {
    /// Downloads `owner/name` from `{endpoint}/{owner/name}/resolve/main/{file}` into the
    /// cache, then verifies it. Optional files that answer 404 are skipped.
    @discardableResult
    public func download(_ name: String) async throws -> URL {
        let staging = directory.appending(path: ".downloading-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        let client = HubClient(endpoint: endpoint)
        for file in Self.modelFiles {
            let destination = staging.appending(path: file)
            let fetched = try await client.fetch(model: name, file: file, to: destination)
            if !fetched && (file == "config.json" || file == "model.safetensors") {
                throw EmbeddingError.installFailed(source: client.url(model: name, file: file).absoluteString,
                                                   reason: "not found (404); check the model name")
            }
        }
        _ = try verify(staging)
        let target = directory(forName: name)
        do { try replace(target, with: staging) } catch {
            throw EmbeddingError.installFailed(source: name, reason: error.localizedDescription)
        }
        return target
    }
}
