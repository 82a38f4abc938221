import EmbeddingCore
import IndexStorage
import Indexing
import Search

/// A function named on the command line: `path:line` (any line inside it) or
/// `path::QualifiedName`. Paths are relative to the repository root.
public enum FunctionLocation: Sendable, Equatable, CustomStringConvertible {
    case line(path: String, line: Int)
    case name(path: String, qualifiedName: String)

    /// Parses `path:line` or `path::Name`; nil for anything else.
    public init?(_ text: String) {
        if let range = text.range(of: "::") {
            let path = String(text[..<range.lowerBound]), name = String(text[range.upperBound...])
            guard !path.isEmpty, !name.isEmpty else { return nil }
            self = .name(path: path, qualifiedName: name)
        } else if let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]), line > 0 {
            let path = String(text[..<colon])
            guard !path.isEmpty else { return nil }
            self = .line(path: path, line: line)
        } else {
            return nil
        }
    }

    public var path: String {
        switch self {
        case .line(let path, _), .name(let path, _): return path
        }
    }

    public func withPath(_ path: String) -> FunctionLocation {
        switch self {
        case .line(_, let line): return .line(path: path, line: line)
        case .name(_, let name): return .name(path: path, qualifiedName: name)
        }
    }

    public var description: String {
        switch self {
        case let .line(path, line): return "\(path):\(line)"
        case let .name(path, name): return "\(path)::\(name)"
        }
    }
}

public struct SimilarRequest: Sendable {
    public var location: FunctionLocation
    public var limit: Int
    public var minScore: Float
    public var update: Bool

    public init(location: FunctionLocation, limit: Int = 10, minScore: Float = -1, update: Bool = true) {
        self.location = location
        self.limit = limit
        self.minScore = minScore
        self.update = update
    }
}

public struct SimilarResult: Sendable {
    /// The function the request named, as indexed, and its path.
    public var target: FunctionRecord
    public var targetPath: String
    public var hits: [SearchHit]
    public var update: IndexSummary?
}

extension Workspace {
    /// The functions nearest to one function of the working tree, itself excluded:
    /// its stored vector is the query, so nothing is embedded unless the index is behind.
    /// The update before it (`updateBeforeQuery`) runs with `indexerOptions` (an embedding budget, say).
    public func similar(_ request: SimilarRequest, embedder: Embedder, location: IndexLocation,
                        indexerOptions: IndexerOptions = IndexerOptions()) async throws -> SimilarResult {
        var summary: IndexSummary?
        if request.update {
            summary = try await updateBeforeQuery(embedder: embedder, location: location, options: indexerOptions)
        }
        let index = try openIndex(location: location, embedder: embedder)
        guard let file = index.liveFiles().first(where: { $0.path == request.location.path }) else {
            throw CodesearchError.usage("\(request.location.path) is not an indexed source file")
        }
        guard let row = Self.functionRow(in: file, of: index, at: request.location) else {
            throw CodesearchError.usage("no function at \(request.location)")
        }
        let target = index.function(at: row)
        // A unit past an embedding budget has no vector yet: its row holds zeros, no query.
        guard index.hasVector(at: row) else {
            throw CodesearchError.usage("\(request.location) has no vector yet (vectors for \(VectorCoverage.text(of: index))); "
                + "run `codesearch index` to embed the rest, or search it by words with `codesearch search`")
        }
        // Types and modules are units too, but similar code is a matter of callables.
        let ranked = try DenseRanker(index: index).rank(
            query: index.vector(at: row), options: RankOptions(limit: request.limit + 1, minScore: request.minScore,
                                                               rowFilter: { index.kind(at: $0).isCallable }))
        let hits = ranked.filter { !($0.path == file.path && $0.function.span == target.span) }
        return SimilarResult(target: target, targetPath: file.path, hits: Array(hits.prefix(request.limit)), update: summary)
    }

    /// The index, checked to be this embedder's.
    func openIndex(location: IndexLocation, embedder: Embedder) throws -> IndexFile {
        let index: IndexFile
        do {
            index = try IndexFile.open(path: location.indexPath)
        } catch IndexError.missing {
            throw CodesearchError.usage("no index yet at \(location.indexPath); run `codesearch index` (or leave out --no-update)")
        }
        guard index.identity == embedder.identity else {
            throw CodesearchError.usage("the index was made by \(index.identity.provider) model \(index.identity.model) (\(index.identity.dimensions) dimensions), not the current \(embedder.identity.provider) model \(embedder.identity.model); run `codesearch index` to rebuild it")
        }
        return index
    }

    /// The innermost function containing the line, or the one with that qualified
    /// name (or, failing that, the only one with that simple name).
    static func functionRow(in file: LiveFile, of index: IndexFile, at location: FunctionLocation) -> Int? {
        let rows = file.functions.filter { index.kind(at: $0).isCallable }
        switch location {
        case .line(_, let line):
            return rows.filter {
                let s = index.function(at: $0).span
                return s.firstLine <= line && line <= s.lastLine
            }.min { a, b in
                let sa = index.function(at: a).span, sb = index.function(at: b).span
                return sa.lastLine - sa.firstLine < sb.lastLine - sb.firstLine
            }
        case .name(_, let name):
            if let exact = rows.first(where: { index.function(at: $0).span.qualifiedName == name }) { return exact }
            let simple = rows.filter { index.function(at: $0).span.name == name }
            return simple.count == 1 ? simple[0] : nil
        }
    }
}
