import Settings
import IndexStorage
import Indexing
import Search

/// What a query's answer rests on, in words, for every front (the CLI prints these on
/// standard error, the MCP server returns them beside the results). Files that could not
/// be read are listed by the front, which knows how to show a path.
public enum QueryNotes {
    /// The update that ran before the query: another indexer running, an index that
    /// could not be written, an index rebuilt.
    public static func update(_ update: IndexSummary?) -> [String] {
        guard let update else { return [] }
        var notes: [String] = []
        if update.outcome == .busy {
            notes.append("another indexer is running; results may be stale")
        }
        if update.outcome == .failed {
            notes.append("the index could not be brought up to date (\(update.updateFailure ?? "unknown error")); "
                         + "results are from the index as it was")
        }
        if let reason = update.discardedIndex { notes.append("the index was rebuilt: \(reason)") }
        return notes
    }

    /// One note while some units wait for their vectors: what the ranking rests on.
    public static func coverage(_ index: IndexFile?) -> String? {
        // Units wait only in an incomplete snapshot: a complete one costs no walk of its rows.
        guard let index, !index.snapshot.complete else { return nil }
        let coverage = index.liveVectorCoverage()
        guard coverage.withVector < coverage.total else { return nil }
        return "vectors for \(VectorCoverage.text(coverage)); the rest ranked by words; `codesearch index` embeds them"
    }
}

extension Workspace {
    /// Result languages asked for by name, lower-case (nil: every language); a name no
    /// grammar knows is an error, since it would filter out every result.
    public func resultLanguages(_ values: [String], source: String) throws -> Set<String>? {
        let names = values.flatMap { $0.split(separator: ",").map(String.init) }
        guard !names.isEmpty else { return nil }
        let check = LanguageCheck(known: grammars.languages)
        if let unknown = check.unknown(names).first {
            throw CodesearchError.usage(check.message(for: unknown, source: source))
        }
        return Set(names.map { $0.lowercased() })
    }
}

/// A ranking turned into a ranking of files (`search -l`): each file at the rank of its best unit.
public enum FileRanking {
    /// Units asked of the ranking per file wanted: a file's later units decay, so a few
    /// per file reach `limit` distinct files in all but the narrowest repositories.
    public static let unitsPerFile = 4

    /// The first hit of each path, in ranking order, at most `limit`.
    public static func bestPerFile(_ hits: [SearchHit], limit: Int) -> [SearchHit] {
        var seen = Set<String>()
        var out: [SearchHit] = []
        for hit in hits where out.count < limit && seen.insert(hit.path).inserted { out.append(hit) }
        return out
    }
}
