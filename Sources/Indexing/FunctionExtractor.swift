import IndexStorage
import Scanning

/// What the indexer needs from the scanner; the CLI implements it over the
/// grammar-driven scanner engine.
public protocol FunctionExtractor: Sendable {
    /// The language of a path (from its extension), or nil when it is not source code.
    func language(forPath path: String) -> String?
    /// The units in a file's bytes (functions, types, the module unit). Must not trap on any input.
    func units(in bytes: [UInt8], language: String) -> [FunctionSpan]
    /// Changes whenever any grammar or the engine changes what it extracts.
    var grammarVersion: String { get }
}
