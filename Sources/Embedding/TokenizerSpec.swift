import Foundation

/// Everything a BERT tokenizer is built from: the vocabulary, the normaliser's switches,
/// the unknown token, the word-length limit and the special tokens.
struct TokenizerSpec: Equatable {
    var vocab: [String: Int32] = [:]
    var normalizer = BertNormalizer()
    var unknownToken = "[UNK]"
    var maxChars = 100
    var special: [String: Int32] = [:]

    init() {}

    /// From a Hugging Face tokenizer.json (WordPiece model, BertNormalizer).
    init(tokenizerJSON jsonURL: URL) throws {
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
    }

    /// From vocab.txt (one token per line, ids in line order) and tokenizer_config.json.
    init(vocabText vocabURL: URL, directory: URL) throws {
        guard let text = try? String(contentsOf: vocabURL, encoding: .utf8) else {
            throw EmbeddingError.unreadable(path: vocabURL.path, reason: "not UTF-8 text")
        }
        var id: Int32 = 0
        var vocab: [String: Int32] = [:]
        text.enumerateLines { line, _ in vocab[line] = id; id += 1 }
        self.vocab = vocab
        if let config = try JSONFile.optional(directory.appending(path: "tokenizer_config.json")) {
            normalizer.lowercase = config.bool("do_lower_case") ?? true
            normalizer.handleChineseChars = config.bool("tokenize_chinese_chars") ?? true
            normalizer.stripAccents = config.bool("strip_accents") ?? normalizer.lowercase
            unknownToken = config.string("unk_token") ?? unknownToken
        }
        for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] { special[token] = vocab[token] }
    }

    // MARK: the cache

    static var defaultCache: URL { ModelStore.cacheRoot().appending(path: "tokenizers") }

    /// Path, size, mtime and inode of the source file: a changed file never hits the cache.
    static func cacheKey(for url: URL) -> String? {
        let path = url.resolvingSymlinksInPath().path
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let text = "\(path)\n\(st.st_size)\n\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)\n\(st.st_ino)\nv1"
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    private struct Header: Codable {
        var lowercase, stripAccents, cleanText, handleChineseChars: Bool
        var unknownToken: String
        var maxChars: Int
        var special: [String: Int32]
        var count: Int
    }

    /// Line 1: a JSON header; then one `token<TAB>id` line per vocabulary entry.
    /// Any mismatch (a torn write, another version) is a miss, never an error.
    static func load(from directory: URL, key: String) -> TokenizerSpec? {
        guard let data = FileManager.default.contents(atPath: directory.appending(path: key + ".tsv").path),
              let newline = data.firstIndex(of: UInt8(ascii: "\n")),
              let header = try? JSONDecoder().decode(Header.self, from: data[data.startIndex..<newline]),
              data.last == UInt8(ascii: "\n") else { return nil }
        var spec = TokenizerSpec()
        spec.vocab.reserveCapacity(header.count)
        // One pass over the bytes: this runs on every query's start-up.
        let complete: Bool = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = newline - data.startIndex + 1
            var entries = 0
            while i < bytes.count {
                var end = i
                while bytes[end] != UInt8(ascii: "\n") { end += 1 }  // the file ends with a newline
                var tab = end - 1
                while tab > i && bytes[tab] != UInt8(ascii: "\t") { tab -= 1 }
                guard tab > i || (tab == i && bytes[tab] == UInt8(ascii: "\t")), tab + 1 < end else { return false }
                var id: Int32 = 0
                for d in bytes[(tab + 1)..<end] {
                    guard d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9"), id < Int32.max / 10 else { return false }
                    id = id * 10 + Int32(d - UInt8(ascii: "0"))
                }
                spec.vocab[String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<tab]), as: UTF8.self)] = id
                entries += 1
                i = end + 1
            }
            return entries == header.count
        }
        guard complete else { return nil }
        spec.normalizer.lowercase = header.lowercase
        spec.normalizer.stripAccents = header.stripAccents
        spec.normalizer.cleanText = header.cleanText
        spec.normalizer.handleChineseChars = header.handleChineseChars
        spec.unknownToken = header.unknownToken
        spec.maxChars = header.maxChars
        spec.special = header.special
        return spec
    }

    /// Best effort: an unwritable cache only costs a parse next time.
    func save(to directory: URL, key: String) {
        guard !vocab.keys.contains(where: { $0.contains("\n") }) else { return }
        let header = Header(lowercase: normalizer.lowercase, stripAccents: normalizer.stripAccents,
                            cleanText: normalizer.cleanText, handleChineseChars: normalizer.handleChineseChars,
                            unknownToken: unknownToken, maxChars: maxChars, special: special, count: vocab.count)
        guard let json = try? JSONEncoder().encode(header) else { return }
        var out = json
        out.append(UInt8(ascii: "\n"))
        for (token, id) in vocab.sorted(by: { $0.value < $1.value }) {
            out.append(contentsOf: Array(token.utf8))
            out.append(contentsOf: Array("\t\(id)\n".utf8))
        }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let final = directory.appending(path: key + ".tsv")
        let temporary = directory.appending(path: key + ".tsv.\(getpid())")
        guard (try? out.write(to: temporary)) != nil else { return }
        if rename(temporary.path, final.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }
}
