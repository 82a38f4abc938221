import ArgumentParser
import Atlas
import CodesearchKit
import Foundation

/// `codesearch map`: one self-contained HTML page of the repository's units in two dimensions.
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Draw the functions and types as a map: one self-contained HTML page.",
        discussion: """
            Brings the index up to date, clusters the units as `codesearch clusters` does \
            (same -k, --auto, --seed, --path, --lang, --include-tests), lays their vectors \
            out in two dimensions with UMAP (15 neighbours over the 50 leading principal \
            components, started from the first two; t-SNE's kernel 1/(1+d²) in the plane) \
            and writes one HTML file: no network, \
            inline script and styles, works from file://. Every unit is a point on a \
            canvas, coloured by cluster, with each cluster's label at its centre; hovering \
            shows the qualified name and path:line; clicking opens the unit in your editor \
            through --editor-url, where {path} is the absolute path (the slash it starts \
            with is not doubled after a host: vscode://file/home/...), {relpath} the path from \
            the repository root and {line} the line; the box at the top narrows the points \
            by name or path; the legend lists the clusters with their sizes (click one to \
            hide it). Wheel to zoom, drag to pan, double-click to fit. The same index and \
            --seed give the same page, byte for byte.

            Exits 0 when the page was written, 1 when there was nothing to draw, 2 on error.
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var embedderOptions: EmbedderOptions
    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var atlas: AtlasOptions

    @Option(name: .customShort("o"), help: ArgumentHelp("Where to write the page (- for standard output).", valueName: "file"))
    var output = "codesearch-map.html"

    @Option(name: .customLong("editor-url"), help: ArgumentHelp(
        "What a click opens (default \(MapPage.defaultEditorURL); e.g. idea://open?file={path}&line={line}).",
        valueName: "template"))
    var editorURL = MapPage.defaultEditorURL

    @Option(name: .long, help: ArgumentHelp("The page's title (default: the repository folder's name).", valueName: "text"))
    var title: String?

    func validate() throws {
        if output.isEmpty { throw ValidationError("-o needs a file name, or - for standard output") }
    }

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace(extraFlags: embedderOptions.configurationFlags)
        let location = workspace.indexLocation(override: indexOptions.directory)
        let embedder = try await embedderOptions.makeEmbedder(for: workspace, location: location)
        let request = try atlas.request(in: workspace)
        let result: ClustersResult, page: MapPage
        do {
            (result, page) = try await workspace.map(request, title: title, editorURL: editorURL, embedder: embedder,
                                                     location: location)
        } catch let error as AtlasError {
            guard case .tooFewUnits = error else { throw error }
            Output.diagnostic("codesearch: \(error)")
            throw ExitCode(1)
        }
        ProcessLifetime.keep(result)
        AtlasOptions.printNotes(result)
        let html = page.html()
        if output == "-" {
            Output.standard.write(html)
            return
        }
        do {
            try Data(html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CodesearchError.io(path: output, reason: error.localizedDescription)
        }
        Output.diagnostic("codesearch: wrote \(output): \(page.points.count) units in \(page.clusters.count) clusters")
    }
}
