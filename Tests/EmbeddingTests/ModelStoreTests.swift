@testable import BertEngine
@testable import EmbeddingCore
import Foundation
@testable import ModelCatalog
import ModelDownload
import TestSupport
import Testing

struct ModelLocatorTests {
    func setUp() throws -> (root: URL, store: ModelStore, folders: [String: URL]) {
        let root = try temporaryDirectory()
        let store = ModelStore(directory: root.appending(path: "cache/models"))
        var folders: [String: URL] = [:]
        for name in ["flag-model", "env-model", "config-model"] {
            let folder = root.appending(path: name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            folders[name] = folder
        }
        try FileManager.default.createDirectory(at: store.directory(forName: ModelLocator.defaultModelName),
                                                withIntermediateDirectories: true)
        return (root, store, folders)
    }

    @Test func searchOrderIsFlagEnvironmentConfigCache() throws {
        let (root, store, f) = try setUp()
        defer { try? FileManager.default.removeItem(at: root) }
        let env = ["CODESEARCH_MODEL": f["env-model"]!.path]
        func resolve(_ flag: String?, _ env: [String: String], _ config: String?) throws -> [String] {
            let r = try ModelLocator(flag: flag, environment: env, userConfigValue: config, store: store).resolve()
            return [r.directory.lastPathComponent, r.source]
        }
        #expect(try resolve(f["flag-model"]!.path, env, f["config-model"]!.path) == ["flag-model", "flag"])
        #expect(try resolve(nil, env, f["config-model"]!.path) == ["env-model", "CODESEARCH_MODEL"])
        #expect(try resolve(nil, [:], f["config-model"]!.path) == ["config-model", "config"])
        #expect(try resolve(nil, [:], nil) == ["all-MiniLM-L6-v2", "cache"])
    }

    @Test func aNameIsLookedUpInTheCache() throws {
        let (root, store, _) = try setUp()
        defer { try? FileManager.default.removeItem(at: root) }
        let url = try ModelLocator(flag: "all-MiniLM-L6-v2", environment: [:], store: store).resolve().directory
        #expect(url == store.directory(forName: "all-MiniLM-L6-v2"))
        #expect(throws: EmbeddingError.self) {
            try ModelLocator(flag: "no-such-model", environment: [:], store: store).resolve()
        }
    }

    @Test func cacheFollowsXDG() {
        #expect(ModelStore(environment: ["XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"]).directory.path == "/x/cache/codesearch/models")
        #expect(ModelStore(environment: ["HOME": "/home/u"]).directory.path == "/home/u/.cache/codesearch/models")
        #expect(ModelStore(environment: ["CODESEARCH_HF_ENDPOINT": "http://127.0.0.1:9"]).endpoint.absoluteString == "http://127.0.0.1:9")
    }
}

struct ModelStoreTests {
    @Test func installCopiesAFolderAndVerifies() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appending(path: "tiny")
        try TinyModel.write(to: source)
        let store = ModelStore(directory: root.appending(path: "models"))
        let installed = try store.install(from: source)
        #expect(installed == store.directory(forName: "tiny"))
        #expect(store.list() == ["tiny"])
        let report = try store.verify(installed)
        #expect(report.identity.dimensions == 8 && report.layers == 1 && report.weightsType == "F32")
        #expect(report.identity.fingerprint == (try WeightsDigest.hash(fileAt: source.appending(path: "model.safetensors"))))
        try store.install(from: source)  // reinstalling replaces
        #expect(store.list() == ["tiny"])
    }

    @Test func installRefusesABrokenFolder() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let source = root.appending(path: "broken")
        try TinyModel.write(to: source)
        try FileManager.default.removeItem(at: source.appending(path: "config.json"))
        let store = ModelStore(directory: root.appending(path: "models"))
        #expect(throws: EmbeddingError.self) { try store.install(from: source) }
        #expect(store.list().isEmpty)
    }

    /// Serves a fake hub (`/{owner/name}/resolve/main/{file}`) on 127.0.0.1.
    @Test func downloadFromALocalHub() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let served = root.appending(path: "hub/acme/tiny-bert/resolve/main")
        try TinyModel.write(to: served)
        let server = try fileServer(root: root.appending(path: "hub"))
        defer { server.stop() }
        let store = ModelStore(directory: root.appending(path: "models"), endpoint: server.baseURL)
        let installed = try await store.download("acme/tiny-bert")
        #expect(installed.lastPathComponent == "tiny-bert")
        #expect(FileManager.default.fileExists(atPath: installed.appending(path: "1_Pooling/config.json").path))
        #expect(try store.verify(installed).identity.dimensions == 8)
        await #expect(throws: EmbeddingError.self) { try await store.download("acme/missing") }
        #expect(store.list() == ["tiny-bert"])
    }

    /// The hub answers large files with a redirect to its CDN; downloads follow it (they carry no key).
    @Test func downloadFollowsTheHubsRedirects() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try TinyModel.write(to: root.appending(path: "cdn/acme/tiny-bert/resolve/main"))
        let cdn = try fileServer(root: root.appending(path: "cdn"))
        defer { cdn.stop() }
        let hub = try LocalHTTPServer { request in
            LocalHTTPServer.Response(status: 302, headers: ["Location": "\(cdn.baseURL)\(request.target)"])
        }
        defer { hub.stop() }
        let store = ModelStore(directory: root.appending(path: "models"), endpoint: hub.baseURL)
        let installed = try await store.download("acme/tiny-bert")
        #expect(try store.verify(installed).identity.dimensions == 8)
        #expect(cdn.requests.count == hub.requests.count)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.appending(path: "models").path)
        #expect(leftovers == ["tiny-bert"], "no staging or partial files are left")
    }

    @Test func aHubThatCannotBeReachedIsAClearInstallError() async throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let port = try ClosedPort()
        defer { port.close() }
        let store = ModelStore(directory: root.appending(path: "models"),
                               endpoint: URL(string: "http://127.0.0.1:\(port.number)")!)
        await #expect {
            try await store.download("acme/tiny-bert")
        } throws: { error in
            guard case EmbeddingError.installFailed(let source, let reason) = error else { return false }
            return source.hasSuffix("/acme/tiny-bert/resolve/main/config.json")
                && reason.localizedCaseInsensitiveContains("connect")
        }
    }
}

/// Serves the files under `root` as a hub would, from the shared test server (127.0.0.1 only).
func fileServer(root: URL) throws -> LocalHTTPServer {
    try LocalHTTPServer { request in
        let relative = request.path.removingPercentEncoding ?? request.path
        guard !relative.contains(".."),
              let data = FileManager.default.contents(atPath: root.path + relative) else {
            return LocalHTTPServer.Response(status: 404, body: Data("not found".utf8))
        }
        return LocalHTTPServer.Response(status: 200, headers: ["Content-Type": "application/octet-stream"], body: data)
    }
}
