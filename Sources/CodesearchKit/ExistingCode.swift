import EmbeddingCore
import Git
import IndexStorage
import Indexing
import Scanning
import Search

/// Code about to be written, to be compared with the code that exists: a snippet of
/// source, or a description of it in words.
public enum ExistingCodeQuery: Sendable {
    /// Source text; `language` names its grammar (nil: the grammar that finds the most
    /// functions in it).
    case code(String, language: String?)
    case description(String)
}

public struct ExistingCodeRequest: Sendable {
    public var query: ExistingCodeQuery
    public var limit: Int
    /// Bring the index up to date with the working tree first.
    public var update: Bool
    public var indexerOptions: IndexerOptions

    public init(query: ExistingCodeQuery, limit: Int = 10, update: Bool = true,
                indexerOptions: IndexerOptions = IndexerOptions()) {
        self.query = query
        self.limit = limit
        self.update = update
        self.indexerOptions = indexerOptions
    }
}

/// One existing callable near the code about to be written.
public struct ExistingCodeMatch: Sendable {
    /// The existing unit; its score is the cosine of the two embeddings.
    public var hit: SearchHit
    /// The snippet's function it was compared with; nil for a description, or a snippet
    /// in which no function was found (compared whole).
    public var snippetFunction: String?
    /// Code-shape similarity, names and literals aside (`CloneFingerprint`); nil for a
    /// description or code shorter than the duplicate check's minimum.
    public var structure: Float?
    /// Whether `codesearch check` would report the pair: cosine or shape at least its
    /// default threshold.
    public var likelyDuplicate: Bool
}

public struct ExistingCodeResult: Sendable {
    /// Best first, each existing unit once (with its best-matching snippet function).
    public var matches: [ExistingCodeMatch]
    /// The grammar the snippet was read with (nil for a description or an unrecognised snippet).
    public var language: String?
    public var update: IndexSummary?
    public var index: IndexFile?
}

extension Workspace {
    /// The existing callables nearest to code about to be written, by the duplicate
    /// check's signals: a snippet's functions are embedded as indexed functions are
    /// (`EmbeddingText`) and compared by cosine and code shape; a description is embedded
    /// as a search question.
    public func findExisting(_ request: ExistingCodeRequest, embedder: Embedder,
                             location: IndexLocation) async throws -> ExistingCodeResult {
        var summary: IndexSummary?
        if request.update {
            summary = try await updateBeforeQuery(embedder: embedder, location: location, options: request.indexerOptions)
        }
        let index = try openIndex(location: location, embedder: embedder)
        let ranker = DenseRanker(index: index)
        let options = RankOptions(limit: request.limit, rowFilter: { index.kind(at: $0).isCallable })
        switch request.query {
        case .description(let text):
            let hits = try ranker.rank(query: try await embedder.embed(query: text), options: options)
            let matches = hits.map {
                ExistingCodeMatch(hit: $0, snippetFunction: nil, structure: nil,
                                  likelyDuplicate: $0.score >= DuplicateCheckRequest.defaultThreshold)
            }
            return ExistingCodeResult(matches: matches, language: nil, update: summary, index: index)
        case let .code(source, language):
            let snippet = try Snippet(source: source, language: language, grammars: grammars)
            let vectors = try await embedder.embed(documents: snippet.texts)
            var best: [Int: ExistingCodeMatch] = [:]
            for (position, vector) in vectors.enumerated() {
                for hit in try ranker.rank(query: vector, options: options) {
                    let match = compare(snippet, position, with: hit)
                    if let kept = best[hit.row], kept.hit.score >= match.hit.score { continue }
                    best[hit.row] = match
                }
            }
            let matches = best.values.sorted { ($0.hit.score, $1.hit.row) > ($1.hit.score, $0.hit.row) }
            return ExistingCodeResult(matches: Array(matches.prefix(request.limit)), language: snippet.scanner?.grammar.name,
                                      update: summary, index: index)
        }
    }

    /// One snippet function against one existing unit: the shape score and the verdict.
    private func compare(_ snippet: Snippet, _ position: Int, with hit: SearchHit) -> ExistingCodeMatch {
        let span = snippet.spans.isEmpty ? nil : snippet.spans[position]
        var structure: Float?
        if let span, let scanner = grammars.scanner(forPath: hit.path),
           scanner.grammar.name == snippet.scanner?.grammar.name {
            let mine = snippet.scanner?.cloneFingerprint(of: span, in: snippet.bytes)
            let entry = SnapshotEntry(path: hit.path, blobID: hit.function.blobID, mode: 0o100644, size: 0)
            let minimum = DuplicateCheckRequest.defaultStructureMinimumTokens
            if let mine, mine.tokenCount >= minimum, let bytes = try? repository.contents(of: entry) {
                let theirs = scanner.cloneFingerprint(of: hit.function.span, in: bytes)
                structure = theirs.tokenCount >= minimum ? mine.similarity(to: theirs) : nil
            }
        }
        let duplicate = hit.score >= DuplicateCheckRequest.defaultThreshold
            || (structure ?? 0) >= DuplicateCheckRequest.defaultStructureThreshold
        return ExistingCodeMatch(hit: hit, snippetFunction: span?.qualifiedName, structure: structure,
                                 likelyDuplicate: duplicate)
    }
}

/// A snippet read with one grammar: its functions and their embedding texts, or the
/// whole snippet as one text when no grammar finds a function in it.
private struct Snippet {
    let bytes: [UInt8]
    let scanner: FunctionScanner?
    let spans: [FunctionSpan]
    let texts: [String]

    init(source: String, language: String?, grammars: GrammarRegistry) throws {
        bytes = Array(source.utf8)
        if let language {
            guard let named = grammars.scanner(language: language.lowercased()) else {
                throw CodesearchError.usage("no grammar for language '\(language)'; known: "
                                            + grammars.languages.joined(separator: ", "))
            }
            scanner = named
        } else {
            // The grammar that finds the most functions; nil when none finds any.
            let bytes = self.bytes
            scanner = grammars.languages.compactMap { grammars.scanner(language: $0) }
                .map { ($0, $0.functions(in: bytes).count) }
                .filter { $0.1 > 0 }
                .max { $0.1 < $1.1 }?.0
        }
        spans = scanner?.functions(in: bytes) ?? []
        let bytes = self.bytes
        texts = spans.isEmpty ? [IdentifierWords.splitIdentifiers(in: source)]
            : spans.map { EmbeddingText.text(for: $0, in: bytes) }
    }
}
