// swift-tools-version: 6.1
import PackageDescription

/// Release-build benchmarks of issue #4 (run them through scripts/bench-index and
/// scripts/bench-search; figures in RESULTS-index.md). Kept out of the root package so
/// that `swift build` there never compiles them.
let core: [Target.Dependency] = [.product(name: "CodesearchCore", package: "codesearch")]

let package = Package(
    name: "codesearch-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "codesearch", path: "..")],
    targets: [
        // Dense ranking kernel alone: fp16/fp32, 1 and 2 threads, 10k to 1M synthetic vectors.
        .executableTarget(name: "bench-kernel", dependencies: core),
        // fp16 vs fp32 storage: top-10 agreement and score error.
        .executableTarget(name: "bench-precision", dependencies: core),
        // Indexer and DenseRanker over real index files of 10k to 1M functions (hash embedder).
        .executableTarget(name: "bench-index-files", dependencies: core),
        // A repository plus an index of N synthetic functions that `codesearch search` accepts
        // as current, for timing the whole search process.
        .executableTarget(name: "make-search-index", dependencies: core),
        // Where the time of one `codesearch search` goes: model load, snapshot, open, rank.
        .executableTarget(name: "profile-search", dependencies: core),
    ]
)
