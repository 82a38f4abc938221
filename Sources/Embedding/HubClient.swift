import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads single files of a Hugging Face model repository with URLSession.
struct HubClient {
    let endpoint: URL

    func url(model: String, file: String) -> URL {
        endpoint.appending(path: model).appending(path: "resolve/main").appending(path: file)
    }

    /// Downloads one file to `destination`; false when the server answers 404.
    func fetch(model: String, file: String, to destination: URL) async throws -> Bool {
        let source = url(model: model, file: file)
        let (temporary, status): (URL?, Int) = try await withCheckedThrowingContinuation { continuation in
            let task = URLSession.shared.downloadTask(with: source) { location, response, error in
                if let error {
                    continuation.resume(throwing: EmbeddingError.installFailed(
                        source: source.absoluteString, reason: error.localizedDescription))
                    return
                }
                // The temporary file vanishes when this handler returns: move it first.
                var kept: URL? = nil
                if let location {
                    let keep = FileManager.default.temporaryDirectory.appending(path: "codesearch-\(UUID().uuidString)")
                    if (try? FileManager.default.moveItem(at: location, to: keep)) != nil { kept = keep }
                }
                continuation.resume(returning: (kept, (response as? HTTPURLResponse)?.statusCode ?? 0))
            }
            task.resume()
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        if status == 404 { return false }
        guard status == 200, let temporary else {
            throw EmbeddingError.installFailed(source: source.absoluteString, reason: "HTTP status \(status)")
        }
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: temporary, to: destination)
        } catch {
            throw EmbeddingError.installFailed(source: source.absoluteString, reason: error.localizedDescription)
        }
        return true
    }
}
