// swift-tools-version: 6.1
import PackageDescription

/// Release-build benchmarks (run them through scripts/bench-index, scripts/bench-search and
/// scripts/eval/bench-hybrid; figures in RESULTS-index.md and RESULTS-quality.md). Kept out of the root package so
/// that `swift build` there never compiles them.
let core: [Target.Dependency] = [.product(name: "CodesearchCore", package: "codesearch"), "BenchSupport"]

let package = Package(
    name: "codesearch-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "codesearch", path: "..")],
    targets: [
        // Seeded random data, a hash "embedder", medians.
        .target(name: "BenchSupport", dependencies: [.product(name: "CodesearchCore", package: "codesearch")]),
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
        // Dense vs hybrid query latency and bytes per function (scripts/eval/bench-hybrid).
        .executableTarget(name: "bench-hybrid", dependencies: core),
    ]
)
