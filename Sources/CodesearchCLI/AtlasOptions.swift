import ArgumentParser
import Atlas
import CodesearchKit
import Settings

/// Options `clusters` and `map` share: how many clusters, the seed, and which units.
struct AtlasOptions: ParsableArguments {
    @Option(name: .customShort("k"), parsing: .unconditional, help: ArgumentHelp(
        "How many clusters (default: the cube root of the number of units, 2 to 30).", valueName: "n"))
    var clusterCount: Int?

    @Flag(name: .long, help: "Choose the number of clusters by silhouette (see the discussion).")
    var auto = false

    @Option(name: .long, help: ArgumentHelp("The seed of every random choice; the same index and seed give the same result.",
                                            valueName: "n"))
    var seed: UInt64 = 1

    @Option(name: .customLong("path"), help: ArgumentHelp(
        "Only units whose path matches this gitignore-style pattern (repeatable).", valueName: "glob"))
    var paths: [String] = []

    @Option(name: .customLong("lang"), help: ArgumentHelp("Only units in this language (repeatable).", valueName: "language"))
    var languages: [String] = []

    @Flag(name: .customLong("include-tests"), help: "Keep tests and benchmarks (left out by default, by search's path rules).")
    var includeTests = false

    @Flag(name: .customLong("no-update"), help: "Use the index as it is, without updating it first.")
    var noUpdate = false

    func validate() throws {
        if let clusterCount, clusterCount < 1 { throw ValidationError("-k must be at least 1") }
        if clusterCount != nil && auto { throw ValidationError("-k and --auto cannot be used together") }
    }

    var count: ClusterCount {
        if let clusterCount { return .fixed(clusterCount) }
        return auto ? .auto : .bySize
    }

    func request(in workspace: Workspace, central: Int = 5) throws -> AtlasRequest {
        let patterns = paths.map(PathPattern.init)
        var filter: (@Sendable (String) -> Bool)? = nil
        if !patterns.isEmpty { filter = { path in patterns.contains { $0.matches(path) } } }
        let selection = UnitSelection(languages: try workspace.resultLanguages(languages, source: "--lang"),
                                      pathFilter: filter, includeTests: includeTests)
        return AtlasRequest(count: count, seed: seed, selection: selection, update: !noUpdate, central: central)
    }

    /// The notes every atlas command prints on standard error: the update, units waiting for
    /// vectors (left out), and how `--auto` chose.
    static func printNotes(_ result: ClustersResult) {
        UpdateNotes.print(result.update)
        if result.units.withoutVector > 0 {
            Output.diagnostic("codesearch: note: \(result.units.withoutVector) units without a vector yet are left out "
                              + "(vectors for \(VectorCoverage.text(of: result.index))); run `codesearch index` to embed them")
        }
        let scores = result.report.silhouettes
        if !scores.isEmpty {
            let list = scores.map { "\($0.k): " + String(format: "%.3f", $0.silhouette) }.joined(separator: ", ")
            Output.diagnostic("codesearch: note: --auto chose k = \(result.report.clusters.count) by mean silhouette on a sample (\(list))")
        }
    }
}
