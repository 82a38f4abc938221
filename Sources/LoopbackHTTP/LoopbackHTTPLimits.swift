extension LoopbackHTTPServer {
    /// What one client may cost the server, stated when it is made. Every request is
    /// bounded in bytes and in time, and the connections served at once are bounded, so
    /// a client that sends too much, too slowly, or too often cannot grow the server's
    /// memory or threads (each connection being served holds one thread).
    public struct Limits: Sendable, Equatable {
        /// Connections served at once. Further ones wait in the kernel's accept queue
        /// (not refused): a burst from a parallel client is delayed, never failed.
        public var maxConnections: Int
        /// The request line and headers together; more is answered 431.
        public var maxHeaderBytes: Int
        /// The body; a larger `Content-Length` is answered 413 before any of the body is
        /// read, and a chunked body is counted as its chunks arrive.
        public var maxBodyBytes: Int
        /// Seconds from accepting a connection to the end of its headers; then 408.
        public var headerTimeout: Double
        /// Seconds the client may go without sending (or taking) a byte; then 408.
        public var idleTimeout: Double
        /// Seconds from accepting a connection to the end of its body; then 408.
        public var requestTimeout: Double

        public init(maxConnections: Int = 8, maxHeaderBytes: Int = 32 << 10, maxBodyBytes: Int = 16 << 20,
                    headerTimeout: Double = 10, idleTimeout: Double = 10, requestTimeout: Double = 60) {
            self.maxConnections = max(1, maxConnections)
            self.maxHeaderBytes = max(1, maxHeaderBytes)
            self.maxBodyBytes = max(0, maxBodyBytes)
            self.headerTimeout = headerTimeout
            self.idleTimeout = idleTimeout
            self.requestTimeout = requestTimeout
        }
    }
}
