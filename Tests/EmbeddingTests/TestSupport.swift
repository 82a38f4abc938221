@testable import EmbeddingCore
import Foundation
@testable import ModelCatalog

/// The installed default model, or nil when this machine has not run scripts/install-model.
let installedModel: URL? = {
    let url = ModelStore(environment: ProcessInfo.processInfo.environment).directory(forName: "all-MiniLM-L6-v2")
    return FileManager.default.fileExists(atPath: url.appending(path: "model.safetensors").path) ? url : nil
}()

func fixtureURL(_ name: String) throws -> URL {
    guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
        throw EmbeddingError.missingFile(path: name, hint: "test fixture")
    }
    return url
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appending(path: "embedding-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes a safetensors file: tensors as (name, dtype, shape, values), stored as F32, F16 or BF16.
func writeSafetensors(_ tensors: [(String, String, [Int], [Float])], to url: URL) throws {
    var header: [String: Any] = [:]
    var data = Data()
    for (name, dtype, shape, values) in tensors {
        let begin = data.count
        for v in values {
            switch dtype {
            case "F16": withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { data.append(contentsOf: $0) }
            case "BF16": withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { data.append(contentsOf: $0) }
            default: withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        header[name] = ["dtype": dtype, "shape": shape, "data_offsets": [begin, data.count]]
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var file = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
    file.append(json)
    file.append(data)
    try file.write(to: url)
}

/// A complete tiny BERT sentence-transformers folder with deterministic weights:
/// C = 8, H = 2, I = 16, 1 layer, a 30-word vocab.
struct TinyModel {
    static let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "code", "search", "##es", "find",
                        "function", "file", "parse", "json", "open", "read", "a", "b", "c", ".", ",", "(", ")",
                        "def", "return", "x", "y", "##s", "un", "##able"]
    static let c = 8, heads = 2, inter = 16, positions = 16

    static func write(to directory: URL, dtype: String = "F32") throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appending(path: "1_Pooling"), withIntermediateDirectories: true)
        let config: [String: Any] = [
            "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
            "hidden_size": c, "num_attention_heads": heads, "intermediate_size": inter,
            "num_hidden_layers": 1, "max_position_embeddings": positions, "type_vocab_size": 2,
            "vocab_size": vocab.count, "layer_norm_eps": 1e-12,
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: directory.appending(path: "config.json"))
        try (vocab.joined(separator: "\n") + "\n").write(to: directory.appending(path: "vocab.txt"), atomically: true, encoding: .utf8)
        try #"{"do_lower_case": true}"#.write(to: directory.appending(path: "tokenizer_config.json"), atomically: true, encoding: .utf8)
        try #"{"max_seq_length": 12}"#.write(to: directory.appending(path: "sentence_bert_config.json"), atomically: true, encoding: .utf8)
        try #"{"word_embedding_dimension": 8, "pooling_mode_mean_tokens": true}"#
            .write(to: directory.appending(path: "1_Pooling/config.json"), atomically: true, encoding: .utf8)
        try writeSafetensors(tensors(dtype: dtype), to: directory.appending(path: "model.safetensors"))
    }

    static func tensors(dtype: String) -> [(String, String, [Int], [Float])] {
        var seed: UInt32 = 12345
        func values(_ count: Int, scale: Float = 0.5, offset: Float = 0) -> [Float] {
            (0..<count).map { _ in
                seed = seed &* 1664525 &+ 1013904223
                return offset + scale * (Float(seed >> 8) / Float(1 << 24) - 0.5)
            }
        }
        var t: [(String, String, [Int], [Float])] = [
            ("embeddings.word_embeddings.weight", dtype, [vocab.count, c], values(vocab.count * c)),
            ("embeddings.position_embeddings.weight", dtype, [positions, c], values(positions * c)),
            ("embeddings.token_type_embeddings.weight", dtype, [2, c], values(2 * c)),
            ("embeddings.LayerNorm.weight", dtype, [c], values(c, offset: 1)),
            ("embeddings.LayerNorm.bias", dtype, [c], values(c)),
        ]
        let p = "encoder.layer.0."
        for name in ["query", "key", "value"] {
            t.append((p + "attention.self.\(name).weight", dtype, [c, c], values(c * c)))
            t.append((p + "attention.self.\(name).bias", dtype, [c], values(c)))
        }
        t += [
            (p + "attention.output.dense.weight", dtype, [c, c], values(c * c)),
            (p + "attention.output.dense.bias", dtype, [c], values(c)),
            (p + "attention.output.LayerNorm.weight", dtype, [c], values(c, offset: 1)),
            (p + "attention.output.LayerNorm.bias", dtype, [c], values(c)),
            (p + "intermediate.dense.weight", dtype, [inter, c], values(inter * c)),
            (p + "intermediate.dense.bias", dtype, [inter], values(inter)),
            (p + "output.dense.weight", dtype, [c, inter], values(c * inter)),
            (p + "output.dense.bias", dtype, [c], values(c)),
            (p + "output.LayerNorm.weight", dtype, [c], values(c, offset: 1)),
            (p + "output.LayerNorm.bias", dtype, [c], values(c)),
        ]
        return t
    }
}

/// Folder whose files are symlinks to `source`'s, so one file can be replaced cheaply.
func linkedCopy(of source: URL) throws -> URL {
    let fm = FileManager.default
    let target = try temporaryDirectory()
    for name in try fm.contentsOfDirectory(atPath: source.path) {
        try fm.createSymbolicLink(at: target.appending(path: name), withDestinationURL: source.appending(path: name))
    }
    return target
}

func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
