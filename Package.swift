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
            "Hashing", "Git", "Scanning", "Embedding", "Configuration", "Index", "Search", "Atlas", "CodesearchKit",
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
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
        // Keeps libgit2's start-up from parsing the system CA bundle (see its header).
        .target(name: "CLibGit2NoCertificates"),

        // Library core.
        // XXH64, the checksum of every file codesearch writes.
        .target(name: "Hashing"),
        .target(name: "Git", dependencies: ["CLibGit2", "CLibGit2NoCertificates", "Hashing"]),
        .target(name: "Scanning", plugins: ["EmbedGrammars"]),
        .target(name: "Embedding", dependencies: [
            "CBLAS", "CCurl", "Hashing",
            .product(name: "Crypto", package: "swift-crypto"),
            "CKernels",
        ]),
        // Matrix kernels for query-sized inputs (AVX-512 / AVX2, chosen at run time) and the
        // per-embedder helper thread that splits them over two cores.
        .target(name: "CKernels", linkerSettings: [.linkedLibrary("pthread")]),
        // Process scheduling calls for the background filler (ioprio_set; posix_spawn's setsid flag).
        .target(name: "CProcess"),
        .target(name: "Configuration", dependencies: ["Git"]),
        .target(name: "LoopbackHTTP"),
        .target(name: "Index", dependencies: ["Git", "Scanning", "Embedding", "Hashing"]),
        .target(name: "Search", dependencies: ["Index", "Embedding"]),
        // A repository's shape from its stored vectors (`clusters`, `map`): k-means, labels,
        // outliers, the 2-D layout and the HTML page. Storage and path rules only, no engine;
        // matrix products through the CBLAS loader the encoder uses (no second loader).
        .target(name: "Atlas", dependencies: ["Index", "Search", "Scanning", "CBLAS"]),

        // The operations the commands run (list functions, index, search), with no argument parsing.
        .target(name: "CodesearchKit", dependencies: [
            "Git", "Scanning", "Embedding", "Configuration", "Index", "Search", "Atlas", "LoopbackHTTP", "CProcess",
        ]),

        // The MCP server: the CodesearchKit operations as tools over standard input and output.
        // Without the `MCP` trait it compiles to an empty module and the SDK is not built.
        .target(name: "MCPServer", dependencies: [
            "CodesearchKit", "Configuration", "Embedding", "Index", "Scanning", "Search", "Git", "Hashing",
            .product(name: "MCP", package: "swift-sdk", condition: .when(traits: ["MCP"])),
            .product(name: "Logging", package: "swift-log", condition: .when(traits: ["MCP"])),
        ]),

        // Thin command-line front.
        .executableTarget(name: "codesearch", dependencies: [
            "CodesearchKit", "Git", "Scanning", "Embedding", "Configuration", "Index", "Search", "Atlas", "CProcess",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The MCP server's own executable, which `codesearch mcp` runs: the SDK links Foundation's
        // networking (libcurl and twenty libraries more), a cost every other command must not pay
        // at start-up (6 ms a search, measured in Benchmarks/RESULTS-mcp.md).
        .executableTarget(name: "codesearch-mcp", dependencies: [
            "MCPServer", "CodesearchKit",
        ], path: "Sources/CodesearchMCP"),

        // Build-time embedding of Grammars/*.json so the binary works from any directory.
        .executableTarget(name: "GrammarEmbedTool", path: "Sources/GrammarEmbedTool"),
        .plugin(name: "EmbedGrammars", capability: .buildTool(),
                dependencies: ["GrammarEmbedTool"]),

        // Shared by the test targets: real temporary git repositories.
        .target(name: "TestSupport", dependencies: ["LoopbackHTTP"], path: "Tests/TestSupport"),
        .testTarget(name: "GitTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "ScanningTests", dependencies: ["Scanning", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "EmbeddingTests", dependencies: ["Embedding", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration"]),
        .testTarget(name: "IndexTests", dependencies: ["Index", "Git", "Scanning", "Embedding", "Hashing", "TestSupport"]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "Index", "Embedding", "Git", "Scanning", "Hashing"]),
        .testTarget(name: "AtlasTests", dependencies: ["Atlas", "TestSupport"]),
        .testTarget(name: "LoopbackHTTPTests", dependencies: ["LoopbackHTTP", "TestSupport"]),
        .testTarget(name: "CodesearchKitTests", dependencies: ["CodesearchKit", "Git", "Scanning", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Git", "TestSupport"]),
        .testTarget(name: "CommandLineTests", dependencies: [
            "codesearch", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
    ]
)
