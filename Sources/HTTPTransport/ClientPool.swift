import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// What an AsyncHTTPClient client is configured with: redirects, connect and idle times,
/// connections per host and the proxy are settings of a client, not of a request, so
/// requests that differ in them go through different clients.
struct ClientPolicy: Hashable, Sendable {
    var connectMilliseconds: Int64
    /// 0: no limit on the time between bytes.
    var idleMilliseconds: Int64
    var maxRedirects: Int
    var connections: Int
    var proxy: Proxy?

    struct Proxy: Hashable, Sendable {
        var host: String
        var port: Int
        var user: String?
        var password: String?
    }

    init(_ request: HTTPRequest, connections: Int) {
        func milliseconds(_ seconds: Double) -> Int64 { max(1, Int64((seconds * 1000).rounded(.up))) }
        // AsyncHTTPClient's own default is 10 s; the request's whole time bounds it anyway.
        connectMilliseconds = milliseconds(request.connectTimeout ?? request.timeout ?? 30)
        idleMilliseconds = request.idleTimeout.map(milliseconds) ?? 0
        maxRedirects = max(0, request.maxRedirects)
        self.connections = connections
        proxy = Self.proxy(for: request.url, environment: ProcessInfo.processInfo.environment)
    }

    /// The proxy the user's environment names for `url`, read as curl reads it: `https_proxy`
    /// (or `HTTPS_PROXY`) for https, `http_proxy` for http (never `HTTP_PROXY`, which a CGI
    /// request can set), none for a host `no_proxy` lists. Loopback is never proxied: a
    /// local endpoint is local.
    static func proxy(for url: URL, environment: [String: String]) -> Proxy? {
        guard let host = url.host()?.lowercased(), let scheme = url.scheme?.lowercased() else { return nil }
        if host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]" { return nil }
        let names = scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : scheme == "http" ? ["http_proxy"] : []
        guard let value = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return nil }
        let exempt = (environment["no_proxy"] ?? environment["NO_PROXY"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for entry in exempt where !entry.isEmpty {
            if entry == "*" { return nil }
            let suffix = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == suffix || host.hasSuffix("." + suffix) { return nil }
        }
        guard let proxyURL = URL(string: value.contains("://") ? value : "http://" + value),
              let proxyHost = proxyURL.host(), !proxyHost.isEmpty else { return nil }
        return Proxy(host: proxyHost, port: proxyURL.port ?? 1080, user: proxyURL.user(percentEncoded: false),
                     password: proxyURL.password(percentEncoded: false))
    }

    var configuration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: maxRedirects > 0 ? .follow(max: maxRedirects, allowCycles: false) : .disallow,
            timeout: .init(connect: .milliseconds(connectMilliseconds),
                           read: idleMilliseconds > 0 ? .milliseconds(idleMilliseconds) : nil),
            decompression: .disabled)
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        // Otherwise a refused connection is tried again until the connect time is up, and
        // the caller's own retry policy (with its waits) never sees the refusal.
        configuration.connectionPool.retryConnectionEstablishment = false
        if let proxy {
            let authorization = proxy.user.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            configuration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        return configuration
    }
}

/// One AsyncHTTPClient client per policy, made on first use and kept for the process's
/// life (so their connections are reused), on NIO's shared event loops. A client must be
/// shut down before it is released; these never are released, and the process ends
/// with `_exit`, so there is nothing to shut down.
final class ClientPool: @unchecked Sendable {
    static let shared = ClientPool()

    private let lock = NSLock()
    private var clients: [ClientPolicy: HTTPClient] = [:]

    func client(for policy: ClientPolicy) -> HTTPClient {
        lock.withLock {
            if let client = clients[policy] { return client }
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                    configuration: policy.configuration)
            clients[policy] = client
            return client
        }
    }
}
