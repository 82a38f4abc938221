/// Query-time priors from a hit's path: cheap, and rename-safe because nothing
/// about the path is stored with the unit. A question is usually after the code
/// itself, not its tests, examples, documentation, benchmarks or a vendored copy;
/// each such role has a weight (a factor on the fused score, `RankingWeights`)
/// measured in `Benchmarks/RESULTS-quality.md`, and none applies when the question
/// asks for tests or examples itself.
public enum PathRole: String, CaseIterable, Sendable {
    case test, example, docs, benchmark, vendored, generated, reexport
}

public enum PathPrior {
    /// The role of the code at `path`, or nil for ordinary code. The first match wins,
    /// in the order tests, vendored, generated, examples, docs, benchmarks, re-export files.
    public static func role(of path: String) -> PathRole? {
        let components = path.split(separator: "/")
        guard let file = components.last else { return nil }
        let dirs = components.dropLast().map { $0.lowercased() }
        if isTestFile(String(file)) || dirs.contains(where: isTestFolder)
            || components.dropLast().contains(where: { $0.hasSuffix("Tests") }) {
            return .test
        }
        if dirs.contains(where: vendoredFolders.contains) { return .vendored }
        if isGenerated(String(file)) { return .generated }
        if dirs.contains(where: { exampleFolders.contains($0) }) { return .example }
        if dirs.contains(where: { docsFolders.contains($0) }) { return .docs }
        if dirs.contains(where: { benchmarkFolders.contains($0) }) || file.hasSuffix("_bench.go") { return .benchmark }
        if file == "__init__.py" { return .reexport }
        return nil
    }

    /// Tests, fixtures, generated and vendored code (the roles `check` and `similar` skip).
    public static func isSecondary(_ path: String) -> Bool {
        switch role(of: path) {
        case .test?, .vendored?, .generated?: return true
        default: return false
        }
    }

    static let testFolders: Set<String> = ["test", "tests", "testing", "spec", "specs", "fixtures", "__tests__", "testdata"]
    static let vendoredFolders: Set<String> = ["vendor", "vendored", "third_party", "thirdparty", "node_modules",
                                               "generated", "__generated__", "external"]
    static let exampleFolders: Set<String> = ["example", "examples", "_example", "_examples", "demo", "demos",
                                              "sample", "samples", "docs_src", "tutorial", "tutorials"]
    static let docsFolders: Set<String> = ["doc", "docs", "documentation"]
    static let benchmarkFolders: Set<String> = ["bench", "benches", "benchmark", "benchmarks"]

    static func isTestFolder(_ dir: String) -> Bool { testFolders.contains(dir) }

    static func isTestFile(_ file: String) -> Bool {
        file.hasPrefix("test_") || file.hasSuffix("_test.py") || file == "conftest.py" || file.hasSuffix("_test.go")
            // Case matters: `Latest.swift` is not a test.
            || file.hasSuffix("Tests.swift") || file.hasSuffix("Test.swift") || file.hasSuffix("Spec.swift")
    }

    static func isGenerated(_ file: String) -> Bool {
        file.hasSuffix(".pb.swift") || file.hasSuffix("_pb2.py") || file.hasSuffix(".pb.go") || file.contains(".generated.")
    }
}
