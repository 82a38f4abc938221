import EmbeddingCore
import Foundation

/// How token states become one sentence vector (1_Pooling/config.json).
public enum Pooling: String, Sendable {
    case mean
    case cls
}

/// The shape and options of a BERT sentence encoder, read from a sentence-transformers folder:
/// config.json, sentence_bert_config.json, 1_Pooling/config.json, modules.json.
struct BertConfig: Sendable {
    var vocabSize: Int
    var hiddenSize: Int          // C
    var layers: Int
    var heads: Int               // H, C = H * D
    var intermediateSize: Int    // 4C for BERT
    var maxPositions: Int
    var typeVocabSize: Int
    var layerNormEps: Float
    /// Truncation length in tokens including [CLS] and [SEP] (sentence-transformers' max_seq_length).
    var maxSequenceLength: Int
    var pooling: Pooling
    /// Text put before a search query, from config_sentence_transformers.json's
    /// `prompts.query` (e5's `query: `, bge's instruction); empty for most models.
    var queryPrompt = ""

    init(directory: URL) throws {
        let configURL = directory.appending(path: "config.json")
        let config = try JSONFile(url: configURL)
        let modelType = config.string("model_type") ?? "bert"
        guard modelType == "bert" else {
            throw EmbeddingError.unsupportedModel(path: configURL.path, reason: "model_type `\(modelType)` is not `bert`")
        }
        let activation = config.string("hidden_act") ?? "gelu"
        guard activation == "gelu" else {
            throw EmbeddingError.unsupportedModel(path: configURL.path, reason: "hidden_act `\(activation)` is not `gelu`")
        }
        if let kind = config.string("position_embedding_type"), kind != "absolute" {
            throw EmbeddingError.unsupportedModel(path: configURL.path, reason: "position_embedding_type `\(kind)` is not `absolute`")
        }
        vocabSize = try config.int("vocab_size")
        hiddenSize = try config.int("hidden_size")
        layers = try config.int("num_hidden_layers")
        heads = try config.int("num_attention_heads")
        intermediateSize = try config.int("intermediate_size")
        maxPositions = try config.int("max_position_embeddings", default: 512)
        typeVocabSize = try config.int("type_vocab_size", default: 2)
        layerNormEps = Float(try config.double("layer_norm_eps", default: 1e-12))
        guard vocabSize > 0, hiddenSize > 0, layers > 0, heads > 0, intermediateSize > 0,
              hiddenSize % heads == 0, maxPositions > 2, typeVocabSize > 0
        else {
            throw EmbeddingError.badJSON(path: configURL.path, reason: "sizes are not positive or hidden_size is not a multiple of num_attention_heads")
        }

        maxSequenceLength = maxPositions
        if let sbert = try JSONFile.optional(directory.appending(path: "sentence_bert_config.json")) {
            maxSequenceLength = min(try sbert.int("max_seq_length", default: maxPositions), maxPositions)
        }
        guard maxSequenceLength > 2 else {
            throw EmbeddingError.badJSON(path: directory.appending(path: "sentence_bert_config.json").path, reason: "max_seq_length must exceed 2")
        }

        if let st = try JSONFile.optional(directory.appending(path: "config_sentence_transformers.json")),
           let prompts = st.object["prompts"] as? [String: Any] {
            queryPrompt = prompts["query"] as? String ?? ""
        }
        let modules = try Self.modules(directory: directory)
        pooling = .mean
        let poolingURL = directory.appending(path: modules.poolingPath ?? "1_Pooling").appending(path: "config.json")
        if let file = try JSONFile.optional(poolingURL) {
            let mean = file.bool("pooling_mode_mean_tokens") ?? false
            let cls = file.bool("pooling_mode_cls_token") ?? false
            let others = ["pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens",
                          "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken"].filter { file.bool($0) == true }
            guard mean != cls, others.isEmpty else {
                throw EmbeddingError.unsupportedModel(path: poolingURL.path, reason: "only one of mean or cls pooling is supported")
            }
            pooling = cls ? .cls : .mean
            if let width = file.object["word_embedding_dimension"] as? NSNumber, width.intValue != hiddenSize {
                throw EmbeddingError.badJSON(path: poolingURL.path, reason: "word_embedding_dimension \(width) differs from hidden_size \(hiddenSize)")
            }
        }
    }

    /// Reads modules.json for where pooling lives. Vectors are always L2-normalised (the
    /// `Embedder` contract), as sentence-transformers' Normalize module does.
    private static func modules(directory: URL) throws -> (poolingPath: String?, normalize: Bool?) {
        let url = directory.appending(path: "modules.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return (nil, nil) }
        guard let data = try? Data(contentsOf: url),
              let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]]
        else {
            throw EmbeddingError.badJSON(path: url.path, reason: "expected an array of modules")
        }
        var poolingPath: String?
        var normalize = false
        for module in list {
            let type = module["type"] as? String ?? ""
            if type.hasSuffix("Pooling") { poolingPath = module["path"] as? String }
            if type.hasSuffix("Normalize") { normalize = true }
        }
        return (poolingPath, normalize)
    }
}
