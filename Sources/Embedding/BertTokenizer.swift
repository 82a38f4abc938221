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
    init(directory: URL, maxLength: Int) throws {
        let jsonURL = directory.appending(path: "tokenizer.json")
        let vocabURL = directory.appending(path: "vocab.txt")
        var normalizer = BertNormalizer()
        var vocab: [String: Int32] = [:]
        var unknownToken = "[UNK]"
        var maxChars = 100
        var special: [String: Int32] = [:]
        if FileManager.default.fileExists(atPath: jsonURL.path) {
            let file = try JSONFile(url: jsonURL)
            guard let model = file.object["model"] as? [String: Any],
                  let rawVocab = model["vocab"] as? [String: Any] else {
                throw EmbeddingError.badJSON(path: jsonURL.path, reason: "`model.vocab` is missing")
            }
            if let type = model["type"] as? String, type != "WordPiece" {
                throw EmbeddingError.unsupportedModel(path: jsonURL.path, reason: "tokenizer model `\(type)` is not WordPiece")
            }
            vocab.reserveCapacity(rawVocab.count)
            for (token, value) in rawVocab {
                guard let id = value as? NSNumber else {
                    throw EmbeddingError.badJSON(path: jsonURL.path, reason: "vocab entry `\(token)` is not a number")
                }
                vocab[token] = id.int32Value
            }
            unknownToken = model["unk_token"] as? String ?? unknownToken
            maxChars = (model["max_input_chars_per_word"] as? NSNumber)?.intValue ?? maxChars
            if let n = file.object["normalizer"] as? [String: Any] {
                guard n["type"] as? String == "BertNormalizer" else {
                    throw EmbeddingError.unsupportedModel(path: jsonURL.path, reason: "normalizer `\(n["type"] ?? "?")` is not BertNormalizer")
                }
                normalizer.cleanText = (n["clean_text"] as? Bool) ?? true
                normalizer.handleChineseChars = (n["handle_chinese_chars"] as? Bool) ?? true
                normalizer.lowercase = (n["lowercase"] as? Bool) ?? true
                normalizer.stripAccents = (n["strip_accents"] as? Bool) ?? normalizer.lowercase
            }
            for entry in file.object["added_tokens"] as? [[String: Any]] ?? [] {
                if let content = entry["content"] as? String, let id = entry["id"] as? NSNumber,
                   (entry["special"] as? Bool) ?? false {
                    special[content] = id.int32Value
                }
            }
        } else if FileManager.default.fileExists(atPath: vocabURL.path) {
            guard let text = try? String(contentsOf: vocabURL, encoding: .utf8) else {
                throw EmbeddingError.unreadable(path: vocabURL.path, reason: "not UTF-8 text")
            }
            var id: Int32 = 0
            text.enumerateLines { line, _ in vocab[line] = id; id += 1 }
            if let config = try JSONFile.optional(directory.appending(path: "tokenizer_config.json")) {
                normalizer.lowercase = config.bool("do_lower_case") ?? true
                normalizer.handleChineseChars = config.bool("tokenize_chinese_chars") ?? true
                normalizer.stripAccents = config.bool("strip_accents") ?? normalizer.lowercase
                unknownToken = config.string("unk_token") ?? unknownToken
            }
            for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] { special[token] = vocab[token] }
        } else {
            throw EmbeddingError.missingFile(path: jsonURL.path, hint: "the model folder needs tokenizer.json or vocab.txt")
        }
        let source = FileManager.default.fileExists(atPath: jsonURL.path) ? jsonURL.path : vocabURL.path
        guard let unknownID = vocab[unknownToken], let clsID = vocab["[CLS]"], let sepID = vocab["[SEP]"] else {
            throw EmbeddingError.badJSON(path: source, reason: "the vocabulary lacks [UNK], [CLS] or [SEP]")
        }
        var wordPiece = WordPiece(vocab: vocab, unknownID: unknownID)
        wordPiece.maxInputCharsPerWord = maxChars
        self.init(normalizer: normalizer, wordPiece: wordPiece,
                  postProcessor: BertPostProcessor(clsID: clsID, sepID: sepID, maxLength: maxLength),
                  specialTokens: special.map { ($0.key, $0.value) })
    }
}
