import Foundation
import TestSupport
import Testing

/// `codesearch model install NAME` end to end: the real binary downloading from a scripted
/// hub on 127.0.0.1 (AsyncHTTPClient, whose event loops start on this first request).
@Suite struct ModelInstallTests {
    /// The installed default model, served as a hub serves `acme/minilm`: the weights by a
    /// redirect to a second server (as the hub sends large files to its CDN).
    @Test func installsAModelFromAHubThatRedirectsToItsCDN() throws {
        let cache = try #require(CodesearchBinary.environment()["XDG_CACHE_HOME"])
        let model = URL(fileURLWithPath: cache).appending(path: "codesearch/models/all-MiniLM-L6-v2")
        let weights = try Data(contentsOf: model.appending(path: "model.safetensors"))
        let prefix = "/acme/minilm/resolve/main/"
        let cdn = try LocalHTTPServer { request in
            request.path == prefix + "model.safetensors"
                ? LocalHTTPServer.Response(status: 200, body: weights)
                : LocalHTTPServer.Response(status: 404)
        }
        defer { cdn.stop() }
        let hub = try LocalHTTPServer { request in
            guard request.path.hasPrefix(prefix) else { return LocalHTTPServer.Response(status: 404) }
            let file = String(request.path.dropFirst(prefix.count))
            if file == "model.safetensors" {
                return LocalHTTPServer.Response(status: 302, headers: ["Location": "\(cdn.baseURL)\(request.target)"])
            }
            guard !file.contains(".."), let data = FileManager.default.contents(atPath: model.appending(path: file).path)
            else { return LocalHTTPServer.Response(status: 404, body: Data("Entry not found".utf8)) }
            return LocalHTTPServer.Response(status: 200, body: data)
        }
        defer { hub.stop() }
        let home = FileManager.default.temporaryDirectory.appending(path: "codesearch-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let env = ["XDG_CACHE_HOME": home.path, "CODESEARCH_HF_ENDPOINT": hub.baseURL.absoluteString]

        let install = try CodesearchBinary.run(["model", "install", "acme/minilm"], in: home.path, environment: env)
        #expect(install.status == 0, "\(install.stderr)")
        let installed = home.appending(path: "codesearch/models/minilm")
        #expect(install.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == installed.path)
        #expect(try Data(contentsOf: installed.appending(path: "model.safetensors")) == weights)
        #expect(cdn.requests.count == 1)
        let list = try CodesearchBinary.run(["model", "list"], in: home.path, environment: env)
        #expect(list.stdout.contains("minilm"))

        let missing = try CodesearchBinary.run(["model", "install", "acme/missing"], in: home.path, environment: env)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("acme/missing/resolve/main/config.json"), "\(missing.stderr)")
        #expect(missing.stderr.contains("404"), "\(missing.stderr)")
    }

    @Test func anUnreachableHubIsAClearError() throws {
        let port = try ClosedPort()
        defer { port.close() }
        let home = FileManager.default.temporaryDirectory.appending(path: "codesearch-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let env = ["XDG_CACHE_HOME": home.path, "CODESEARCH_HF_ENDPOINT": "http://127.0.0.1:\(port.number)"]
        let install = try CodesearchBinary.run(["model", "install", "acme/minilm"], in: home.path, environment: env)
        #expect(install.status != 0)
        #expect(install.stderr.contains("install failed"), "\(install.stderr)")
        #expect(install.stderr.contains("cannot connect to 127.0.0.1:\(port.number)"), "\(install.stderr)")
    }
}
