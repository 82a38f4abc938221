import Foundation

/// `CODESEARCH_EMBED_BUDGET=SECONDS`: how long an index run (a search's update, an MCP tool call's,
/// or `codesearch index`) may spend embedding before it writes the remaining units without
/// vectors, the lexical tier, for a later run to fill in; `none` for no limit.
///
/// A search's default is `searchDefault`, so a fresh clone answers in seconds and a
/// background filler embeds the rest; `codesearch index`, asked for the work itself,
/// has no limit unless the variable sets one.
public enum EmbedBudget {
    public static let variable = "CODESEARCH_EMBED_BUDGET"
    public static let searchDefault: Duration = .milliseconds(200)

    /// A search's budget for the index at `indexPath`: `searchDefault` when there is an index,
    /// so the files changed since it are embedded first; none at all for a first index, where
    /// every unit is new and 0.2 s would embed a sliver of them while the first answer waits
    /// (the filler embeds them all). The variable, when set, decides either way.
    public static func forSearch(indexPath: String,
                                 _ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Duration? {
        let first = !FileManager.default.fileExists(atPath: indexPath)
        return try fromEnvironment(environment, default: first ? .zero : searchDefault)
    }

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       default fallback: Duration? = nil) throws -> Duration? {
        guard let text = environment[variable], !text.isEmpty else { return fallback }
        if ["none", "off"].contains(text.lowercased()) { return nil }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
            throw CodesearchError.usage("\(variable)=\(text): not a number of seconds (0 or more) or none")
        }
        return .milliseconds(Int64(seconds * 1000))
    }
}
