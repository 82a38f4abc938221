import ArgumentParser
import Atlas
import CodesearchKit
import Foundation

/// `codesearch clusters`: the indexed units grouped by their vectors, or the outliers.
struct ClustersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusters",
        abstract: "Group the functions and types by meaning, or list the ones that fit nowhere.",
        discussion: """
            Brings the index up to date, then clusters the vectors of the working tree's \
            functions and types (module units and, unless --include-tests, tests and \
            benchmarks are left out) by spherical k-means with k-means++ seeds. Each \
            cluster prints as its label, its most distinctive words (class-based TF-IDF \
            over the identifier words and comments search indexes), its size, and its \
            most central members:

              #1 parse token header  (412 units)
                path:line: QualifiedName  0.81

            k is -k N, or the cube root of the number of units (2 to 30), or with --auto \
            the candidate (2 to 50) with the best mean silhouette (cosine distance) on a \
            sample of 3,000 units. The same index and --seed give the same clusters.

            --outliers lists instead the units far from every cluster and from the other \
            units of their own file (both in the lowest tenth of all units), most outlying \
            first, each with the numbers that put it there: its cosine with its cluster's \
            centroid and its mean cosine with its file's other units, beside the medians.

            --json prints JSON Lines, each {"type":...,"version":1,"data":{...}}: cluster, \
            member (with --members), outlier and summary messages. Exits 0 when something \
            was printed, 1 when there was nothing to cluster or no outlier, 2 on error.
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var atlas: AtlasOptions

    @Flag(name: .long, help: "List the units that fit no cluster and not their own file, instead of the clusters.")
    var outliers = false

    @Option(name: [.customShort("n"), .long], parsing: .unconditional,
            help: "Central members shown per cluster, or outliers listed (default 5, or 20 with --outliers).")
    var limit: Int?

    @Flag(name: .long, help: "Also print every unit with its cluster (path:line: name<TAB>#cluster).")
    var members = false

    @Flag(name: .long, help: "Print JSON Lines.")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("-n must be at least 1") }
        if outliers && members { throw ValidationError("--outliers and --members cannot be used together") }
    }

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace(extraFlags: embedderOptions.configurationFlags)
        let location = workspace.indexLocation(override: indexOptions.directory)
        let embedder = try await embedderOptions.makeEmbedder(for: workspace, location: location)
        let request = try atlas.request(in: workspace, central: outliers ? 0 : (limit ?? 5))
        let printer = ClusterPrinter(json: json)
        do {
            if outliers {
                let (result, found) = try await workspace.outliers(request, limit: limit ?? 20, embedder: embedder, location: location)
                ProcessLifetime.keep(result)
                AtlasOptions.printNotes(result)
                printer.printOutliers(found, of: result)
                if found.isEmpty { throw ExitCode(1) }
            } else {
                let result = try await workspace.clusters(request, embedder: embedder, location: location)
                ProcessLifetime.keep(result)
                AtlasOptions.printNotes(result)
                printer.printClusters(result, members: members)
            }
        } catch let error as AtlasError {
            guard case .tooFewUnits = error else { throw error }
            Output.diagnostic("codesearch: \(error)")
            throw ExitCode(1)
        }
    }
}
