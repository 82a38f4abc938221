import Platform
import IndexStorage
import Dispatch
import Git
import Scanning

/// The CPU half of indexing a blob, done for several blobs at once on every core: its
/// units, the text each is embedded with, that text's hash and its lexical terms. It
/// depends on nothing but the blob's bytes, so any order and any thread give the same.
/// Reading the bytes stays on the calling thread (one libgit2 repository is not shared
/// across threads).
struct BlobScan: Sendable {
    struct Unit: Sendable {
        var span: FunctionSpan
        var text: String
        var textHash: UInt64
        var bag: LexicalBag
    }

    /// The bytes could not be read: the message, kept for the run's failures.
    var failure: String?
    var units: [Unit] = []

    /// Blobs read and scanned ahead of the run's loop: one chunk at a time.
    static let chunk = 64

    static func scan(_ bytes: [UInt8], language: String, extractor: FunctionExtractor) -> [Unit] {
        let spans = IndexRun.looksBinary(bytes) ? [] : extractor.units(in: bytes, language: language)
        return zip(spans, EmbeddingText.texts(for: spans, in: bytes)).map { span, text in
            Unit(span: span, text: text, textHash: EmbeddingText.hash(text),
                 bag: LexicalTerms.bag(for: span, text: text, in: bytes))
        }
    }

    /// Reads `entries` in order, then scans them concurrently.
    static func scan(_ entries: ArraySlice<Indexer.SourceEntry>, source: BlobSource,
                     extractor: FunctionExtractor) -> [BlobScan] {
        var inputs: [(bytes: [UInt8], language: String)?] = []
        var results = [BlobScan](repeating: BlobScan(), count: entries.count)
        for (i, item) in entries.enumerated() {
            do {
                inputs.append((try source.contents(of: item.entry), item.key.language))
            } catch {
                inputs.append(nil)
                results[i].failure = "\(error)"
            }
        }
        let work = inputs
        let scanned = Parallel.map(work.count) { i in
            work[i].map { scan($0.bytes, language: $0.language, extractor: extractor) }
        }
        for (i, units) in scanned.enumerated() { if let units { results[i].units = units } }
        return results
    }
}
