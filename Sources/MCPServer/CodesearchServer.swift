#if MCP
import MCP

/// `codesearch mcp`: the index as tools for coding agents, over the Model Context Protocol
/// on standard input and output. Standard output carries protocol messages only.
public enum CodesearchServer {
    /// How long requests still running at end of input may take to be answered.
    static let drainLimit: Duration = .seconds(60)

    static let instructions = """
        codesearch searches this git repository by meaning. Use `search` for questions in words \
        ("where are failed uploads retried"), `find_existing` before writing a new function (reuse \
        what exists), `similar` for code like a given function, `outline` for a file's map. Use \
        plain grep for exact strings, regular expressions, or every occurrence of a name.
        """

    /// Serves until standard input ends, then answers the requests still running and returns.
    public static func run(_ options: ServerOptions) async throws {
        let session = Session(options: options)
        let server = Server(name: "codesearch", version: options.version, title: "codesearch",
                            instructions: instructions, capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: ToolCatalog.definitions) }
        await server.withMethodHandler(CallTool.self) { parameters in
            try await ToolCatalog.call(parameters, session: session)
        }
        let warmUp = Task { await session.prepare() }
        defer { warmUp.cancel() }
        let transport = DrainingTransport(StdioTransport())
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
        await transport.drain(limit: drainLimit)
        await server.stop()
    }
}
#endif
