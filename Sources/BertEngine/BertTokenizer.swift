import EmbeddingCore
import Foundation

/// A BERT WordPiece tokenizer equal to Hugging Face `tokenizers` for BERT models:
/// special-token matching, `BertNormalizer`, `BertPreTokenizer`, `WordPiece`, then
/// `BertPostProcessor` ([CLS] text [SEP], truncated to the model's max length).
struct BertTokenizer: Sendable {
    let normalizer: BertNormalizer
    let preTokenizer = BertPreTokenizer()
    let wordPiece: WordPiece
    let postProcessor: BertPostProcessor
    /// Special tokens matched verbatim in the raw text, e.g. `[MASK]`, longest first.
    let specialTokens: [(text: String, id: Int32)]

    init(normalizer: BertNormalizer, wordPiece: WordPiece, postProcessor: BertPostProcessor,
         specialTokens: [(text: String, id: Int32)]) {
        self.normalizer = normalizer
        self.wordPiece = wordPiece
        self.postProcessor = postProcessor
        self.specialTokens = specialTokens.sorted { $0.text.count > $1.text.count }
    }

    /// Token ids including [CLS] and [SEP], at most `postProcessor.maxLength` of them.
    func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let (range, id) = firstSpecialToken(in: rest) else {
                appendWords(String(rest), to: &ids)
                break
            }
            appendWords(String(rest[..<range.lowerBound]), to: &ids)
            ids.append(id)
            rest = rest[range.upperBound...]
            if ids.count >= postProcessor.maxContentLength { break }
        }
        return postProcessor.process(ids)
    }

    private func appendWords(_ text: String, to ids: inout [Int32]) {
        guard !text.isEmpty else { return }
        for word in preTokenizer.split(normalizer.normalize(text)) {
            wordPiece.tokenize(word, into: &ids)
            if ids.count >= postProcessor.maxContentLength { return }
        }
    }

    private func firstSpecialToken(in text: Substring) -> (Range<Substring.Index>, Int32)? {
        guard !specialTokens.isEmpty, text.contains("[") || specialTokens.contains(where: { !$0.text.hasPrefix("[") })
        else { return nil }
        var best: (Range<Substring.Index>, Int32)? = nil
        for (token, id) in specialTokens {
            if let range = text.range(of: token), best.map({ range.lowerBound < $0.0.lowerBound }) ?? true {
                best = (range, id)
            }
        }
        return best
    }
}

/// Stage 4 of 4: truncate to `maxLength - 2` tokens and wrap in [CLS] ... [SEP].
struct BertPostProcessor: Sendable {
    let clsID: Int32
    let sepID: Int32
    let maxLength: Int
    var maxContentLength: Int { maxLength - 2 }

    func process(_ ids: [Int32]) -> [Int32] {
        [clsID] + ids.prefix(maxContentLength) + [sepID]
    }
}

extension BertTokenizer {
    /// Loads tokenizer.json, or else vocab.txt with tokenizer_config.json, from a model folder.
    /// What tokenizer.json holds is remembered in the user cache (keyed by the file's path,
    /// size, mtime and inode), because parsing 0.5 MB of JSON dominates a query's start-up.
    init(directory: URL, maxLength: Int, cache: URL? = TokenizerSpec.defaultCache) throws {
        let jsonURL = directory.appending(path: "tokenizer.json")
        let vocabURL = directory.appending(path: "vocab.txt")
        let spec: TokenizerSpec
        if FileManager.default.fileExists(atPath: jsonURL.path) {
            let key = TokenizerSpec.cacheKey(for: jsonURL)
            if let cache, let key, let cached = TokenizerSpec.load(from: cache, key: key) {
                spec = cached
            } else {
                spec = try TokenizerSpec(tokenizerJSON: jsonURL)
                if let cache, let key { spec.save(to: cache, key: key) }
            }
        } else if FileManager.default.fileExists(atPath: vocabURL.path) {
            spec = try TokenizerSpec(vocabText: vocabURL, directory: directory)
        } else {
            throw EmbeddingError.missingFile(path: jsonURL.path, hint: "the model folder needs tokenizer.json or vocab.txt")
        }
        let source = FileManager.default.fileExists(atPath: jsonURL.path) ? jsonURL.path : vocabURL.path
        guard let unknownID = spec.vocab[spec.unknownToken], let clsID = spec.vocab["[CLS]"], let sepID = spec.vocab["[SEP]"] else {
            throw EmbeddingError.badJSON(path: source, reason: "the vocabulary lacks [UNK], [CLS] or [SEP]")
        }
        var wordPiece = WordPiece(vocab: spec.vocab, unknownID: unknownID)
        wordPiece.maxInputCharsPerWord = spec.maxChars
        self.init(normalizer: spec.normalizer, wordPiece: wordPiece,
                  postProcessor: BertPostProcessor(clsID: clsID, sepID: sepID, maxLength: maxLength),
                  specialTokens: spec.special.map { ($0.key, $0.value) })
    }
}
