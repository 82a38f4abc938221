#if MCP
import CodesearchKit
import Foundation
import IndexStorage
import MCP

/// `status`: `codesearch status` as a tool. It reports the index as it stands and updates
/// nothing (the next search does).
struct StatusTool: CodesearchTool {
    let name = "status"
    let title = "Index status"
    let description = """
        What the index holds (files, units, embedder), whether it is current with the working \
        tree (and why not), how many units have vectors yet, and whether it is damaged. Updates \
        nothing: every search brings the index up to date first.
        """
    let parameters: [Parameter] = []

    var outputSchema: Value {
        let integer: Value = ["type": "integer"], string: Value = ["type": "string"]
        return ["type": "object", "required": ["index", "state", "pendingWork"], "properties": [
            "index": string,
            "state": ["type": "string", "enum": ["current", "stale", "damaged", "missing"]],
            "reason": string, "snapshot": string, "embedder": string,
            "files": integer, "units": integer, "unitsWithVectors": integer, "pendingWork": ["type": "boolean"],
        ]]
    }

    func call(_ arguments: ToolArguments, _ context: CallContext) async throws -> CallTool.Result {
        let session = context.session
        let workspace = try await session.workspace()
        let location = await session.location(workspace)
        let status = try workspace.status(location: location, verify: false)
        var fields: [String: Value] = ["index": .string(location.indexPath), "pendingWork": .bool(status.pendingJournal)]
        var lines = ["index: \(location.indexPath)"]
        guard let meta = status.metadata else {
            // A file that is there but cannot be read is damaged; the next search rebuilds it.
            let state = FileManager.default.fileExists(atPath: location.indexPath) ? "damaged" : "missing"
            let reason = status.problem ?? "unreadable"
            fields["state"] = .string(state)
            fields["reason"] = .string(reason)
            lines.append("state: \(state) (\(reason))")
            return Self.result(fields, lines)
        }
        let state: String, reason: String?
        if let damage = status.damage {
            (state, reason) = ("damaged", "\(damage); any search repairs it")
        } else if let stale = status.staleReason {
            (state, reason) = ("stale", "\(stale); the next search brings it up to date")
        } else {
            (state, reason) = ("current", nil)
        }
        let id = meta.identity
        fields["state"] = .string(state)
        if let reason { fields["reason"] = .string(reason) }
        fields["snapshot"] = .string("\(meta.snapshot.kind)" + (meta.snapshot.complete ? "" : " (incomplete)"))
        fields["embedder"] = .string("\(id.provider) \(id.model), \(id.dimensions) dimensions")
        fields["files"] = .int(meta.liveFileCount)
        fields["units"] = .int(meta.liveFunctionCount)
        lines.append("state: \(state)" + (reason.map { " (\($0))" } ?? ""))
        lines.append("snapshot: \(fields["snapshot"]?.stringValue ?? "")")
        lines.append("embedder: \(fields["embedder"]?.stringValue ?? "")")
        lines.append("files: \(meta.liveFileCount), units: \(meta.liveFunctionCount)")
        if let index = try? IndexFile.open(path: location.indexPath) {
            let coverage = index.liveVectorCoverage()
            fields["unitsWithVectors"] = .int(coverage.withVector)
            lines.append("vectors: \(VectorCoverage.text(coverage))")
        }
        if status.pendingJournal { lines.append("pending: an interrupted run left work that the next run will use") }
        return Self.result(fields, lines)
    }

    static func result(_ fields: [String: Value], _ lines: [String]) -> CallTool.Result {
        CallTool.Result(content: [.plain(lines.map(HitRendering.visible).joined(separator: "\n") + "\n")],
                        structuredContent: .object(fields), isError: false)
    }
}
#endif
