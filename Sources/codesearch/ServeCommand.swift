import ArgumentParser
import CodesearchKit
import Embedding
import Foundation
import LoopbackHTTP

/// `codesearch serve`: the native model as an OpenAI-compatible endpoint on loopback.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the local model as an OpenAI-compatible /v1/embeddings endpoint on 127.0.0.1.",
        discussion: """
            Other tools, or codesearch itself with --provider openai --base-url \
            http://127.0.0.1:PORT/v1, can then embed with the local model. Binds to the \
            loopback address only. Prints the address on standard error; stops on Ctrl-C.
            """)

    @Option(name: .long, help: "The port (0: any free port).")
    var port: UInt16 = 8765

    @Option(name: .long, help: ArgumentHelp("A model folder or a name in the model cache.", valueName: "dir|name"))
    var model: String?

    func run() async throws {
        var flags: [(key: String, value: String)] = []
        if let model { flags.append(("model", model)) }
        let (settings, warnings) = try Workspace.settings(flags: flags)
        for warning in warnings { Output.diagnostic("codesearch: warning: \(warning)") }
        let directory = try ModelLocator(flag: settings.model).resolve().directory
        let service = EmbeddingService(embedder: try BertEmbedder(modelDirectory: directory, hugePages: true))
        let server = try LoopbackHTTPServer(port: port, recordRequests: false) { service.handle($0) }
        Output.diagnostic("codesearch: serving \(service.modelName) at \(server.baseURL.absoluteString)/v1/embeddings")
        Interruption.install(quietly: true)
        while !Interruption.requested {
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
    }
}
