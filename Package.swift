// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "codesearch",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "codesearch", targets: ["codesearch"]),
        .executable(name: "codesearch-mcp", targets: ["codesearch-mcp"]),
        // The library core, for the Benchmarks/ package (and anyone embedding codesearch).
        .library(name: "CodesearchCore", targets: [
            "ByteCoding", "OrderedJSON", "Hashing", "Git", "Scanning", "EmbeddingCore", "BertEngine", "HTTPTransport", "OpenAIProvider", "ModelCatalog",
            "Configuration", "Platform", "IndexStorage", "Indexing", "Search", "Atlas", "CodesearchKit",
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
    ],
    targets: [
        // System-library shims: each C library is imported by exactly one Swift module.
        .systemLibrary(name: "CLibGit2", pkgConfig: "libgit2",
                       providers: [.apt(["libgit2-dev"])]),
        // OpenBLAS, loaded with dlopen on first use (see Sources/CBLAS/include/CBLAS.h).
        .target(name: "CBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // libcurl, loaded with dlopen on the first request (see Sources/CCurl/include/CCurl.h);
        // only its headers are needed to build.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
        // Keeps libgit2's start-up from parsing the system CA bundle (see its header): a
        // start-up shortcut of the two executables, which link it; libraries never do.
        .target(name: "CLibGit2NoCertificates"),

        // Library core.
        // XXH64, the checksum of every file codesearch writes.
        // OpenSSL's libcrypto, for SHA-256 (already loaded by libgit2; see its shim.h).
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "Hashing", dependencies: [.target(name: "CLibCrypto", condition: .when(platforms: [.linux]))]),
        // The platform layer: concurrency over the cores (and, next, files and system calls).
        .target(name: "Platform"),
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
        // HTTP requests with a deadline, for the API provider and the model downloader.
        .target(name: "HTTPTransport", dependencies: ["CCurl"]),
        // Any OpenAI-compatible `/v1/embeddings` endpoint: client, batching, retries, tiktoken,
        // and the redaction that keeps a key out of every message.
        .target(name: "OpenAIProvider", dependencies: [
            "EmbeddingCore", "HTTPTransport", "Hashing",
        ]),
        // The model store: where models are cached, found by name, installed and verified.
        .target(name: "ModelCatalog", dependencies: ["EmbeddingCore", "BertEngine", "HTTPTransport"]),
        // Matrix kernels for query-sized inputs (AVX-512 / AVX2, chosen at run time) and the
        // per-embedder helper thread that splits them over two cores.
        .target(name: "CKernels", linkerSettings: [.linkedLibrary("pthread")]),
        // Process scheduling calls for the background filler (ioprio_set; posix_spawn's setsid flag).
        .target(name: "CProcess"),
        .target(name: "Configuration", dependencies: ["Git"]),
        .target(name: "LoopbackHTTP"),
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
        .target(name: "Atlas", dependencies: ["IndexStorage", "Search", "Scanning", "OrderedJSON", "CBLAS"]),

        // The printers (standard, vimgrep, JSON Lines, file lists, function lists) behind a
        // `TextSink`: they format what they are given and read nothing themselves.
        .target(name: "Printers", dependencies: ["Git", "Scanning", "OrderedJSON"]),

        // The operations the commands run (list functions, index, search), with no argument parsing.
        .target(name: "CodesearchKit", dependencies: [
            "Git", "Scanning", "EmbeddingCore", "BertEngine", "OpenAIProvider", "ModelCatalog", "Configuration", "IndexStorage", "Indexing",
            "Search", "Atlas", "Printers", "Hashing", "Platform", "LoopbackHTTP", "CProcess",
        ]),

        // The MCP server: the CodesearchKit operations as tools over standard input and output.
        // Without the `MCP` trait it compiles to an empty module and the SDK is not built.
        .target(name: "MCPServer", dependencies: [
            "CodesearchKit", "Configuration", "EmbeddingCore", "BertEngine", "OpenAIProvider", "ModelCatalog", "IndexStorage", "Indexing",
            "Scanning", "Search", "Git", "Hashing",
            .product(name: "MCP", package: "swift-sdk", condition: .when(traits: ["MCP"])),
            .product(name: "Logging", package: "swift-log", condition: .when(traits: ["MCP"])),
        ]),

        // Thin command-line front.
        .executableTarget(name: "codesearch", dependencies: [
            "CodesearchKit", "Git", "Scanning", "EmbeddingCore", "BertEngine", "OpenAIProvider", "ModelCatalog",
            "Configuration", "IndexStorage", "Indexing", "Search", "Atlas", "Printers", "OrderedJSON", "Platform", "CProcess",
            "CLibGit2NoCertificates", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The MCP server's own executable, which `codesearch mcp` runs: the SDK links Foundation's
        // networking (libcurl and twenty libraries more), a cost every other command must not pay
        // at start-up (6 ms a search, measured in Benchmarks/RESULTS-mcp.md).
        .executableTarget(name: "codesearch-mcp", dependencies: [
            "MCPServer", "CodesearchKit", "CLibGit2NoCertificates",
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
            "EmbeddingCore", "BertEngine", "HTTPTransport", "OpenAIProvider", "ModelCatalog", "CKernels", "Hashing", "TestSupport",
        ],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "IndexTests", dependencies: ["ByteCoding", "IndexStorage", "Indexing", "Git", "Scanning", "EmbeddingCore", "BertEngine", "Hashing", "TestSupport"]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "IndexStorage", "Indexing", "EmbeddingCore", "BertEngine", "Git", "Scanning", "Hashing"]),
        .testTarget(name: "AtlasTests", dependencies: ["Atlas", "TestSupport"]),
        .testTarget(name: "LoopbackHTTPTests", dependencies: ["LoopbackHTTP", "TestSupport"]),
        .testTarget(name: "CodesearchKitTests", dependencies: ["CodesearchKit", "Git", "Scanning", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "PrintersTests", dependencies: ["Printers", "Git"]),
        .testTarget(name: "CommandLineTests", dependencies: [
            "codesearch", "Git", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
