import ArgumentParser
import CodesearchKit
import Foundation
import IndexStorage

/// `codesearch status`: what the index holds and whether it is current.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the index holds and whether it is stale.",
        discussion: """
            Reads the index's header and metadata. Stale means the index holds \
            something other than the working tree as this command selects it, and the \
            state line says what: a changed working tree, another revision (index --rev), \
            other --include/--exclude/--languages (these narrow what is indexed, so give \
            status the ones the index was made with; search's --path and --lang only \
            filter results), or other grammars. In a bare repository HEAD stands for the \
            working tree. `codesearch index` (or any search) brings it up to date, and \
            repairs a damaged one. Every checksum is checked again whenever the file changed \
            since its last check; --verify checks them all regardless. Exits 0 when the \
            index is usable, 2 when it is missing or damaged.
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var indexOptions: IndexOptions

    @Flag(name: .long, help: "Also check the checksum of every vector.")
    var verify = false

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace()
        let location = workspace.indexLocation(override: indexOptions.directory)
        let status = try workspace.status(location: location, verify: verify)
        var lines = ["index: \(location.indexPath)"]
        guard let meta = status.metadata else {
            lines.append("state: \(status.problem ?? "unreadable")")
            Output.standard.write(lines.joined(separator: "\n") + "\n")
            throw ExitCode(2)
        }
        let id = meta.identity
        lines.append("snapshot: \(meta.snapshot.kind)" + (meta.snapshot.commitID.map { " at \($0.prefix(12))" } ?? "")
                     + (meta.snapshot.complete ? "" : " (incomplete)"))
        if let damage = status.damage {
            lines.append("state: damaged (\(damage)); run `codesearch index` to repair it")
        } else {
            lines.append("state: " + (status.staleReason.map { "stale (\($0); run `codesearch index`)" } ?? "current"))
        }
        lines.append("embedder: \(id.provider) \(id.model), \(id.dimensions) dimensions, \(id.pooling) pooling, max \(id.maxTokens) tokens"
                     + (id.provider == "native" ? ", \(id.precision)" : ""))
        if id.provider == "native" {
            lines.append(PrecisionStatus.line(settings: workspace.settings, indexPrecision: id.precision))
        }
        lines.append("files: \(meta.liveFileCount)")
        lines.append("functions: \(meta.liveFunctionCount) live, \(meta.functionCount) stored in \(meta.blobCount) blobs")
        if let coverage = (try? IndexFile.open(path: location.indexPath))?.liveVectorCoverage(),
           coverage.withVector < coverage.total {
            lines.append("vectors: \(meta.encoding), \(VectorCoverage.text(coverage)) (the rest are ranked by words until `codesearch index` embeds them)")
        } else {
            lines.append("vectors: \(meta.encoding)")
        }
        lines.append(String(format: "size: %.1f MB (%d bytes per function)", Double(meta.fileSize) / 1e6,
                            meta.functionCount > 0 ? meta.fileSize / meta.functionCount : 0))
        if status.pendingJournal { lines.append("pending: an interrupted run left work that the next run will use") }
        if let verified = status.verified {
            switch verified {
            case .success: lines.append("verify: ok")
            case .failure(let error): lines.append("verify: FAILED: \(error)")
            }
        }
        Output.standard.write(lines.joined(separator: "\n") + "\n")
        if case .failure? = status.verified { throw ExitCode(2) }
        if status.damage != nil { throw ExitCode(2) }
    }
}
