// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "codesearch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "codesearch", targets: ["codesearch"]),
        .executable(name: "codesearch-mcp", targets: ["codesearch-mcp"]),
        .executable(name: "codesearch-net", targets: ["codesearch-net"]),
        // The library core, for the Benchmarks/ package (and anyone embedding codesearch).
        .library(name: "CodesearchCore", targets: [
            "ByteCoding", "OrderedJSON", "Hashing", "Git", "Scanning", "EmbeddingCore", "BertEngine", "HTTPTransport", "OpenAIProvider", "ModelCatalog",
            "ModelDownload", "Settings", "Platform", "IndexStorage", "Indexing", "Search", "Atlas", "CodesearchKit", "NetworkKit",
        ]),
    ],
    // `MCP` builds `codesearch mcp` with the MCP Swift SDK. On by default; the sanitizer
    // builds of scripts/test turn it off (--disable-default-traits), since they test none of
    // it and each would compile the SDK again.
    traits: [
        .trait(name: "MCP", description: "The `codesearch mcp` server (modelcontextprotocol/swift-sdk)."),
        .default(enabledTraits: ["MCP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", exact: "0.12.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The network: the API provider's and the model downloader's client, and `serve`.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // File descriptors, paths, errno and stat for the platform layer (already resolved:
        // the MCP SDK depends on it).
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // System-library shims: each C library is imported by exactly one Swift module.
        .systemLibrary(name: "CLibGit2", pkgConfig: "libgit2",
                       providers: [.apt(["libgit2-dev"])]),
        // OpenBLAS, loaded with dlopen on first use (see Sources/CBLAS/include/CBLAS.h).
        .target(name: "CBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // Keeps libgit2's start-up from parsing the system CA bundle (see its header): a
        // start-up shortcut of the two executables, which link it; libraries never do.
        .target(name: "CLibGit2NoCertificates"),

        // Library core.
        // XXH64, the checksum of every file codesearch writes.
        // OpenSSL's libcrypto, for SHA-256 (already loaded by libgit2; see its shim.h).
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "Hashing", dependencies: [.target(name: "CLibCrypto", condition: .when(platforms: [.linux]))]),
        // The platform layer: every C library call (files, mappings, directories, locks,
        // processes, signals) on swift-system where it has the call; work over the cores.
        // The only module that imports Glibc or Darwin.
        .target(name: "Platform", dependencies: [
            "CPlatform", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // The one binary codec: little-endian fields written and read back, bounds-checked.
        .target(name: "ByteCoding"),
        // JSON output through Codable with the keys in the order encode(to:) gives them.
        .target(name: "OrderedJSON"),
        .target(name: "Git", dependencies: ["CLibGit2", "ByteCoding", "Hashing", "Platform"]),
        .target(name: "Scanning", dependencies: ["Hashing"], plugins: ["EmbedGrammars"]),
        // The bottom of the embedding stack: the `Embedder` protocol, an embedder's identity,
        // the errors every engine shares and the user cache's folders. No engine, no network.
        .target(name: "EmbeddingCore"),
        // The native engine: safetensors, the WordPiece tokenizer, the BERT encoder and its
        // kernels (OpenBLAS for batches, CKernels for query-sized inputs).
        .target(name: "BertEngine", dependencies: [
            "EmbeddingCore", "CBLAS", "CKernels", "ByteCoding", "Hashing", "Platform",
        ]),
        // HTTP requests with a deadline, for the API provider and the model downloader, on
        // AsyncHTTPClient (SwiftNIO; TLS by swift-nio-ssl).
        .target(name: "HTTPTransport", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            "Platform",
        ]),
        // Any OpenAI-compatible `/v1/embeddings` endpoint: client, batching, retries, tiktoken,
        // and the redaction that keeps a key out of every message.
        .target(name: "OpenAIProvider", dependencies: [
            "EmbeddingCore", "HTTPTransport", "Hashing",
        ]),
        // The model store: where models are cached, found by name, installed and verified.
        .target(name: "ModelCatalog", dependencies: ["EmbeddingCore", "BertEngine", "Platform"]),
        // Model downloads from a Hugging Face endpoint into the store (the network's side of it).
        .target(name: "ModelDownload", dependencies: ["ModelCatalog", "EmbeddingCore", "HTTPTransport", "Platform"]),
        // Matrix kernels for query-sized inputs (AVX-512 / AVX2, chosen at run time) and the
        // per-embedder helper thread that splits them over two cores.
        .target(name: "CKernels", linkerSettings: [.linkedLibrary("pthread")]),
        // System calls Swift cannot make itself, for Platform only (getdents64, ioprio; posix_spawn's setsid flag).
        .target(name: "CPlatform"),
        .target(name: "Settings", dependencies: ["Git"]),
        // The loopback HTTP/1.1 server with limits, on SwiftNIO: `serve`, and the tests' endpoints.
        .target(name: "LoopbackHTTP", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        // Index storage: the file format, journal, lock, garbage collection and lexicon.
        // Reads and writes vectors; never makes one (no engine).
        .target(name: "IndexStorage", dependencies: ["Git", "Scanning", "EmbeddingCore", "ByteCoding", "Hashing", "Platform"]),
        // The indexing pipeline: snapshot → scan → lexical tier → embed within a budget → write.
        .target(name: "Indexing", dependencies: [
            "IndexStorage", "Git", "Scanning", "EmbeddingCore", "ByteCoding", "Hashing", "Platform",
        ]),
        // Rankers over storage (dense, lexical, fused, the query-time rules); no engine.
        .target(name: "Search", dependencies: ["IndexStorage", "EmbeddingCore", "Platform"]),

        // A repository's shape from its stored vectors (`clusters`, `map`): k-means, labels,
        // outliers, the 2-D layout and the HTML page. Storage and path rules only, no engine;
        // matrix products through the CBLAS loader the encoder uses (no second loader).
        .target(name: "Atlas", dependencies: ["IndexStorage", "Search", "Scanning", "OrderedJSON", "CBLAS", "Platform"]),

        // The printers (standard, vimgrep, JSON Lines, file lists, function lists) behind a
        // `TextSink`: they format what they are given and read nothing themselves.
        .target(name: "Printers", dependencies: ["Git", "Scanning", "OrderedJSON"]),

        // The operations the commands run (list functions, index, search), with no argument
        // parsing and no network: what needs one goes through `NetworkLink`.
        .target(name: "CodesearchKit", dependencies: [
            "Git", "Scanning", "EmbeddingCore", "BertEngine", "ModelCatalog", "Settings", "IndexStorage", "Indexing",
            "Search", "Atlas", "Printers", "Hashing", "Platform",
        ]),
        // The operations that need the network (an API's embedder, model downloads, `serve`),
        // behind CodesearchKit's `NetworkFeatures`, for the executables that link them.
        .target(name: "NetworkKit", dependencies: [
            "CodesearchKit", "EmbeddingCore", "BertEngine", "OpenAIProvider", "ModelCatalog", "ModelDownload",
            "Settings", "IndexStorage", "LoopbackHTTP",
        ]),

        // The MCP server: the CodesearchKit operations as tools over standard input and output.
        // Without the `MCP` trait it compiles to an empty module and the SDK is not built.
        .target(name: "MCPServer", dependencies: [
            "CodesearchKit", "Settings", "EmbeddingCore", "BertEngine", "ModelCatalog", "IndexStorage", "Indexing",
            "Scanning", "Search", "Git", "Hashing",
            .product(name: "MCP", package: "swift-sdk", condition: .when(traits: ["MCP"])),
            .product(name: "Logging", package: "swift-log", condition: .when(traits: ["MCP"])),
        ]),

        // The command-line front: argument parsing and printing, every command; no network.
        .target(name: "CodesearchCLI", dependencies: [
            "CodesearchKit", "Git", "Scanning", "EmbeddingCore", "BertEngine", "ModelCatalog",
            "Settings", "IndexStorage", "Indexing", "Search", "Atlas", "Printers", "OrderedJSON", "Platform",
            "CLibGit2NoCertificates", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // `codesearch`: the commands without the network stack, whose conformance records and
        // relocations every start would pay for (Benchmarks/RESULTS-index.md). A command that
        // needs the network runs again in `codesearch-net`, as git runs git-remote-https.
        .executableTarget(name: "codesearch", dependencies: ["CodesearchCLI"]),
        // `codesearch-net`: the same commands with the network linked (NetworkKit).
        .executableTarget(name: "codesearch-net", dependencies: ["CodesearchCLI", "CodesearchKit", "NetworkKit"],
                          path: "Sources/CodesearchNet"),

        // The MCP server's own executable, which `codesearch mcp` runs: the SDK links Foundation's
        // networking (libcurl and twenty libraries more), a cost every other command must not pay
        // at start-up (6 ms a search, measured in Benchmarks/RESULTS-mcp.md). An API provider's
        // embedder runs in it (NetworkKit).
        .executableTarget(name: "codesearch-mcp", dependencies: [
            "MCPServer", "CodesearchKit", "NetworkKit", "Platform", "CLibGit2NoCertificates",
        ], path: "Sources/CodesearchMCP"),

        // Build-time embedding of Grammars/*.json so the binary works from any directory.
        .executableTarget(name: "GrammarEmbedTool", path: "Sources/GrammarEmbedTool"),
        .plugin(name: "EmbedGrammars", capability: .buildTool(),
                dependencies: ["GrammarEmbedTool"]),

        // Shared by the test targets: real temporary git repositories.
        .target(name: "TestSupport", dependencies: ["LoopbackHTTP"], path: "Tests/TestSupport"),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "TestSupport"]),
        .testTarget(name: "ByteCodingTests", dependencies: ["ByteCoding"]),
        .testTarget(name: "OrderedJSONTests", dependencies: ["OrderedJSON"]),
        .testTarget(name: "GitTests", dependencies: ["Git", "Hashing", "TestSupport"]),
        .testTarget(name: "ScanningTests", dependencies: ["Scanning", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EmbeddingTests", dependencies: [
            "EmbeddingCore", "BertEngine", "HTTPTransport", "OpenAIProvider", "ModelCatalog", "ModelDownload", "CKernels", "Hashing", "Platform", "TestSupport",
        ],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings"]),
        .testTarget(name: "IndexTests", dependencies: ["ByteCoding", "IndexStorage", "Indexing", "Git", "Scanning", "EmbeddingCore", "BertEngine", "Hashing", "TestSupport"]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "IndexStorage", "Indexing", "EmbeddingCore", "BertEngine", "Git", "Scanning", "Hashing"]),
        .testTarget(name: "AtlasTests", dependencies: ["Atlas", "TestSupport"]),
        .testTarget(name: "LoopbackHTTPTests", dependencies: ["LoopbackHTTP", "TestSupport"]),
        .testTarget(name: "CodesearchKitTests", dependencies: ["CodesearchKit", "Git", "Scanning", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "PrintersTests", dependencies: ["Printers", "Git"]),
        .testTarget(name: "CommandLineTests", dependencies: [
            "CodesearchCLI", "Git", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
