import ArgumentParser
import BertEngine
import CodesearchKit
import Settings
import Foundation
import ModelCatalog

/// `codesearch serve`: the native model as an OpenAI-compatible endpoint on loopback.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the local model as an OpenAI-compatible /v1/embeddings endpoint on 127.0.0.1.",
        discussion: """
            Other tools, or codesearch itself with --provider openai --base-url \
            http://127.0.0.1:PORT/v1, can then embed with the local model. Binds to the \
            loopback address only. Prints the address on standard error; stops on Ctrl-C.

            Every request is bounded: a body over --max-body-size is refused (413) before it \
            is read, headers over 32k (431), more texts than --max-inputs (400). A client that \
            sends nothing for 10 seconds, has not sent its headers within 10 seconds (both at \
            most --request-timeout), or its whole request within --request-timeout, is \
            answered 408 and closed. At most --max-connections are served at once; further \
            clients wait for a free one.
            """)

    @Option(name: .long, help: "The port (0: any free port).")
    var port: UInt16 = 8765

    @Option(name: .long, help: ArgumentHelp("A model folder or a name in the model cache.", valueName: "dir|name"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp(
        "The encoder's arithmetic: " + EncoderPrecision.choices,
        valueName: "precision"))
    var precision: EncoderPrecision?

    @Option(name: .customLong("max-connections"), help: ArgumentHelp(
        "Clients served at once; more wait for a free slot.", valueName: "n"))
    var maxConnections = 8

    @Option(name: .customLong("max-body-size"), help: ArgumentHelp(
        "The largest request body (bytes, or 512k, 16m); a larger one is refused with 413.", valueName: "size"))
    var maxBodySize = "16m"

    @Option(name: .customLong("max-inputs"), help: ArgumentHelp(
        "The most texts in one request's 'input' (OpenAI's limit is 2048).", valueName: "n"))
    var maxInputs = ServeLimits.defaultMaxInputs

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp(
        "Seconds a client has to send its whole request, or it is answered 408.", valueName: "seconds"))
    var requestTimeout: Double = 60

    func validate() throws {
        if maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        if maxInputs < 1 { throw ValidationError("--max-inputs must be at least 1") }
        if ConfigurationLoader.parseSize(maxBodySize) == nil {
            throw ValidationError("--max-body-size '\(maxBodySize)' is not a size like 16777216, 512k or 16m")
        }
        if !(requestTimeout.isFinite && requestTimeout > 0) {
            throw ValidationError("--request-timeout must be a positive number of seconds")
        }
    }

    /// The flags as server limits; the header and idle times are 10 s, or less under a shorter request time.
    var limits: ServeLimits {
        ServeLimits(maxConnections: maxConnections, maxBodyBytes: ConfigurationLoader.parseSize(maxBodySize) ?? 0,
                    headerTimeout: min(10, requestTimeout), idleTimeout: min(10, requestTimeout),
                    requestTimeout: requestTimeout, maxInputs: maxInputs)
    }

    func run() async throws {
        let network = try NetworkLink.required("serve")
        var flags: [(key: String, value: String)] = []
        if let model { flags.append(("model", model)) }
        if let precision { flags.append(("precision", precision.rawValue)) }
        let (settings, warnings) = try Workspace.settings(flags: flags)
        for warning in warnings { Output.diagnostic("codesearch: warning: \(warning)") }
        let directory = try ModelLocator(flag: settings.model).resolve().directory
        let embedder = try BertEmbedder(modelDirectory: directory, hugePages: true, precision: EmbedderChoice.precision(settings))
        let server = try network.startEmbeddingServer(embedder: embedder, port: port, limits: limits)
        Output.diagnostic("codesearch: serving \(server.modelName) at \(server.baseURL.absoluteString)/v1/embeddings")
        Interruption.install(quietly: true)
        while !Interruption.requested {
            try await Task.sleep(for: .milliseconds(100))
        }
        server.stop()
    }
}
