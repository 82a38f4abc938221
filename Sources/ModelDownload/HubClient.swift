import EmbeddingCore
import Foundation
import HTTPTransport
import Platform

/// Downloads single files of a Hugging Face model repository.
struct HubClient {
    let endpoint: URL
    /// Redirects are followed (the hub sends large files to a CDN): these requests carry no key.
    let http = HTTPSession()

    func url(model: String, file: String) -> URL {
        endpoint.appending(path: model).appending(path: "resolve/main").appending(path: file)
    }

    /// Downloads one file to `destination`; false when the server answers 404. The body is
    /// written to a temporary file beside `destination`, which is moved into place on success.
    func fetch(model: String, file: String, to destination: URL) async throws -> Bool {
        let source = url(model: model, file: file)
        func failed(_ reason: String) -> EmbeddingError {
            EmbeddingError.installFailed(source: source.absoluteString, reason: reason)
        }
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appending(path: ".\(destination.lastPathComponent).\(UUID().uuidString).part")
        let madeFolder = !FileManager.default.fileExists(atPath: folder.path)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw failed(error.localizedDescription)
        }
        var moved = false
        defer {
            if !moved {
                try? FileManager.default.removeItem(at: temporary)
                if madeFolder { FileSystem.removeDirectoryIfEmpty(folder.path) }  // a skipped optional file leaves nothing
            }
        }
        let part: OpenFile
        do {
            part = try OpenFile.open(temporary.path, .creatingNew)
        } catch {
            throw failed("cannot create \(temporary.path): \(error)")
        }
        let request = HTTPRequest(url: source, headers: [("User-Agent", "codesearch")], connectTimeout: 60,
                                  idleTimeout: 60, maxRedirects: 10)
        let status: Int
        do {
            status = try await http.download(request, to: part).status
        } catch let error as HTTPError {
            throw failed(error.description)
        }
        if status == 404 { return false }
        guard status == 200 else { throw failed("HTTP status \(status)") }
        do {
            try FileManager.default.moveItem(at: temporary, to: destination)
            moved = true
        } catch {
            throw failed(error.localizedDescription)
        }
        return true
    }
}
