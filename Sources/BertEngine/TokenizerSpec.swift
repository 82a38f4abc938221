import Platform
import EmbeddingCore
import ByteCoding
import Foundation
import Hashing

/// Everything a BERT tokenizer is built from: the vocabulary, the normaliser's switches,
/// the unknown token, the word-length limit and the special tokens.
struct TokenizerSpec: Equatable {
    var vocab = Vocabulary([:])
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
        var tokens: [String: Int32] = [:]
        tokens.reserveCapacity(rawVocab.count)
        for (token, value) in rawVocab {
            guard let id = value as? NSNumber else {
                throw EmbeddingError.badJSON(path: jsonURL.path, reason: "vocab entry `\(token)` is not a number")
            }
            tokens[token] = id.int32Value
        }
        vocab = Vocabulary(tokens)
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
        var tokens: [String: Int32] = [:]
        text.enumerateLines { line, _ in tokens[line] = id; id += 1 }
        self.vocab = Vocabulary(tokens)
        if let config = try JSONFile.optional(directory.appending(path: "tokenizer_config.json")) {
            normalizer.lowercase = config.bool("do_lower_case") ?? true
            normalizer.handleChineseChars = config.bool("tokenize_chinese_chars") ?? true
            normalizer.stripAccents = config.bool("strip_accents") ?? normalizer.lowercase
            unknownToken = config.string("unk_token") ?? unknownToken
        }
        for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] { special[token] = vocab[token] }
    }

    // MARK: the cache

    static var defaultCache: URL { UserCache.root().appending(path: "tokenizers") }

    /// Path, size, mtime and inode of the source file: a changed file never hits the cache.
    static func cacheKey(for url: URL) -> String? {
        let path = url.resolvingSymlinksInPath().path
        guard let st = FileStatus.of(path) else { return nil }
        let text = "\(path)\n\(st.size)\n\(st.modified.seconds).\(st.modified.nanoseconds)\n\(st.inode)\nv1"
        return String(XXHash64.hash(text), radix: 16)
    }

    /// Binary: magic, the normaliser's switches, the unknown token, the word-length limit,
    /// the special tokens, then the vocabulary's table as `Vocabulary` holds it, then the
    /// XXH64 of everything before. Any mismatch (a torn write, another version) is a miss.
    private static let magic = Array("CSTOK\u{4}\n\0".utf8)

    static func load(from directory: URL, key: String) -> TokenizerSpec? {
        guard let data = FileManager.default.contents(atPath: directory.appending(path: key + ".vocab").path),
              data.count > magic.count + 8 else { return nil }
        return data.withUnsafeBytes { file in
            let body = UnsafeRawBufferPointer(rebasing: file[..<(file.count - 8)])
            guard file.u64(at: file.count - 8) == XXHash64.hash(body) else { return nil }
            var reader = ByteReader(body)
            return try? decode(&reader)
        }
    }

    /// The fields of a body whose checksum passed: nil, or a throw, at the first that does not fit.
    private static func decode(_ r: inout ByteReader) throws -> TokenizerSpec? {
        guard Array(try r.raw(magic.count)) == magic else { return nil }
        var spec = TokenizerSpec()
        let flags = try r.u32()
        spec.normalizer.lowercase = flags & 1 != 0
        spec.normalizer.stripAccents = flags & 2 != 0
        spec.normalizer.cleanText = flags & 4 != 0
        spec.normalizer.handleChineseChars = flags & 8 != 0
        spec.maxChars = Int(try r.u32())
        spec.unknownToken = try r.string()
        for _ in 0..<(try r.u32()) {
            let token = try r.string()
            spec.special[token] = Int32(bitPattern: try r.u32())
        }
        let count = try r.int(), longest = try r.int()
        let slots = try r.u32s(try r.int())
        let tokenBytes = try r.bytes(try r.int())
        guard r.isAtEnd, let vocab = Vocabulary(slots: slots, bytes: tokenBytes, count: count, longestPiece: longest)
        else { return nil }
        spec.vocab = vocab
        return spec
    }

    /// Best effort: an unwritable cache only costs a parse next time.
    func save(to directory: URL, key: String) {
        var w = ByteWriter(bytes: TokenizerSpec.magic)
        w.u32((normalizer.lowercase ? 1 : 0) | (normalizer.stripAccents ? 2 : 0)
              | (normalizer.cleanText ? 4 : 0) | (normalizer.handleChineseChars ? 8 : 0))
        w.u32(maxChars)
        w.string(unknownToken)
        w.u32(special.count)
        for (token, id) in special.sorted(by: { $0.key < $1.key }) { w.string(token); w.u32(UInt32(bitPattern: id)) }
        w.u32(vocab.count)
        w.u32(vocab.longestPiece)
        w.u32(vocab.slots.count)
        w.u32s(vocab.slots)
        w.u32(vocab.bytes.count)
        w.raw(vocab.bytes)
        w.u64(XXHash64.hash(w.bytes))
        let out = w.bytes
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Best effort and not durable: a missing or damaged cache is rebuilt from tokenizer.json.
        let final = directory.appending(path: key + ".vocab").path
        try? FileSystem.replaceAtomically(final, durable: false) { file in try file.write(out) }
    }
}
