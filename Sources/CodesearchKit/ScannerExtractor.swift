import Indexing
import Scanning

/// The indexer's view of the grammar-driven scanner.
public struct ScannerExtractor: FunctionExtractor {
    public let grammars: GrammarRegistry

    public init(grammars: GrammarRegistry) {
        self.grammars = grammars
    }

    public func language(forPath path: String) -> String? {
        grammars.language(forPath: path)
    }

    public func units(in bytes: [UInt8], language: String) -> [FunctionSpan] {
        grammars.scanner(language: language)?.units(in: bytes) ?? []
    }

    public var grammarVersion: String { grammars.version }
}
