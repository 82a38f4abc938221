import Platform
import EmbeddingCore
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
        let bytes = [UInt8](data)
        let body = bytes[..<(bytes.count - 8)]
        var trailer = ByteCursor(bytes[(bytes.count - 8)...])
        guard Array(bytes.prefix(magic.count)) == magic, trailer.u64() == body.withUnsafeBytes({ XXHash64.hash($0) }) else { return nil }
        var cursor = ByteCursor(body.dropFirst(magic.count))
        var spec = TokenizerSpec()
        guard let flags = cursor.u32(), let maxChars = cursor.u32(), let unknown = cursor.string(),
              let specialCount = cursor.u32() else { return nil }
        spec.normalizer.lowercase = flags & 1 != 0
        spec.normalizer.stripAccents = flags & 2 != 0
        spec.normalizer.cleanText = flags & 4 != 0
        spec.normalizer.handleChineseChars = flags & 8 != 0
        spec.maxChars = Int(maxChars)
        spec.unknownToken = unknown
        for _ in 0..<specialCount {
            guard let token = cursor.string(), let id = cursor.u32() else { return nil }
            spec.special[token] = Int32(bitPattern: id)
        }
        guard let count = cursor.u32(), let longest = cursor.u32(), let slotValues = cursor.u32(),
              let slots = cursor.u32s(Int(slotValues)), let byteCount = cursor.u32(),
              let tokenBytes = cursor.bytes(Int(byteCount)), cursor.isAtEnd,
              let vocab = Vocabulary(slots: slots, bytes: tokenBytes, count: Int(count), longestPiece: Int(longest))
        else { return nil }
        spec.vocab = vocab
        return spec
    }

    /// Best effort: an unwritable cache only costs a parse next time.
    func save(to directory: URL, key: String) {
        var out = TokenizerSpec.magic
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) { u32(UInt32(s.utf8.count)); out.append(contentsOf: s.utf8) }
        u32((normalizer.lowercase ? 1 : 0) | (normalizer.stripAccents ? 2 : 0)
            | (normalizer.cleanText ? 4 : 0) | (normalizer.handleChineseChars ? 8 : 0))
        u32(UInt32(maxChars))
        string(unknownToken)
        u32(UInt32(special.count))
        for (token, id) in special.sorted(by: { $0.key < $1.key }) { string(token); u32(UInt32(bitPattern: id)) }
        u32(UInt32(vocab.count))
        u32(UInt32(vocab.longestPiece))
        u32(UInt32(vocab.slots.count))
        for v in vocab.slots { u32(v) }
        u32(UInt32(vocab.bytes.count))
        out.append(contentsOf: vocab.bytes)
        withUnsafeBytes(of: out.withUnsafeBytes { XXHash64.hash($0) }.littleEndian) { out.append(contentsOf: $0) }
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Best effort and not durable: a missing or damaged cache is rebuilt from tokenizer.json.
        let final = directory.appending(path: key + ".vocab").path
        try? FileSystem.replaceAtomically(final, durable: false) { file in try file.write(out) }
    }
}

/// Reads little-endian fields from a byte slice; nil past the end.
private struct ByteCursor {
    var rest: ArraySlice<UInt8>
    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }
    var isAtEnd: Bool { rest.isEmpty }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard n >= 0, rest.count >= n else { return nil }
        defer { rest = rest.dropFirst(n) }
        return Array(rest.prefix(n))
    }

    mutating func u32() -> UInt32? {
        guard rest.count >= 4 else { return nil }
        defer { rest = rest.dropFirst(4) }
        return rest.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    mutating func u64() -> UInt64? {
        guard rest.count >= 8 else { return nil }
        defer { rest = rest.dropFirst(8) }
        return rest.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }

    mutating func u32s(_ n: Int) -> [UInt32]? {
        guard n >= 0, rest.count >= n * 4 else { return nil }
        defer { rest = rest.dropFirst(n * 4) }
        return rest.withUnsafeBytes { raw in
            [UInt32](unsafeUninitializedCapacity: n) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(n * 4)]))
                if UInt32(littleEndian: 1) != 1 { for i in 0..<n { buffer[i] = UInt32(littleEndian: buffer[i]) } }
                initialized = n
            }
        }
    }

    mutating func string() -> String? {
        guard let n = u32(), let b = bytes(Int(n)) else { return nil }
        return String(validating: b, as: UTF8.self)
    }
}
