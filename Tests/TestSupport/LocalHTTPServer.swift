import LoopbackHTTP

/// The tests' scriptable server: the product's loopback server, recording every request.
public typealias LocalHTTPServer = LoopbackHTTPServer
