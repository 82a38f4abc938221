@testable import BertEngine
@testable import EmbeddingCore
import Foundation
import Testing

/// Every broken model folder gives an `EmbeddingError` naming the file, never a crash.
struct ErrorTests {
    func tinyModel(dtype: String = "F32") throws -> URL {
        let folder = try temporaryDirectory()
        try TinyModel.write(to: folder, dtype: dtype)
        return folder
    }

    func loadError(_ folder: URL) -> EmbeddingError? {
        do { _ = try BertEmbedder(modelDirectory: folder, digestMemo: nil); return nil } catch {
            return error as? EmbeddingError
        }
    }

    func expectError(_ folder: URL, file: String, mentions words: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) {
        let error = loadError(folder)
        #expect(error != nil, "no error", sourceLocation: sourceLocation)
        let message = error.map(String.init(describing:)) ?? ""
        #expect(message.contains(file), "\(message)", sourceLocation: sourceLocation)
        for word in words { #expect(message.contains(word), "\(message)", sourceLocation: sourceLocation) }
        #expect(message == message.lowercased() || message.first?.isLowercase == true || message.hasPrefix("/"),
                sourceLocation: sourceLocation)
    }

    @Test func tinyModelLoadsAndEmbeds() async throws {
        let folder = try tinyModel()
        let embedder = try BertEmbedder(modelDirectory: folder, digestMemo: nil)
        let vectors = try await embedder.embed(documents: ["find the code", "", "parse json file"])
        #expect(vectors.count == 3 && vectors.allSatisfy { $0.count == 8 })
        for v in vectors { #expect(abs(v.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5) }
    }

    @Test func fp16AndBF16WeightsLoad() async throws {
        let reference = try await BertEmbedder(modelDirectory: try tinyModel(), digestMemo: nil).embed(query: "find code")
        for dtype in ["F16", "BF16"] {
            let v = try await BertEmbedder(modelDirectory: try tinyModel(dtype: dtype), digestMemo: nil).embed(query: "find code")
            #expect(maxAbsoluteDifference(v, reference) < 0.05)
        }
    }

    @Test func missingFolder() {
        expectError(URL(fileURLWithPath: "/nonexistent/model"), file: "/nonexistent/model", mentions: ["missing"])
    }

    @Test func missingWeights() throws {
        let folder = try tinyModel()
        try FileManager.default.removeItem(at: folder.appending(path: "model.safetensors"))
        expectError(folder, file: "model.safetensors", mentions: ["missing"])
    }

    @Test func missingConfig() throws {
        let folder = try tinyModel()
        try FileManager.default.removeItem(at: folder.appending(path: "config.json"))
        expectError(folder, file: "config.json", mentions: ["missing"])
    }

    @Test func missingTokenizer() throws {
        let folder = try tinyModel()
        try FileManager.default.removeItem(at: folder.appending(path: "vocab.txt"))
        expectError(folder, file: "tokenizer.json", mentions: ["vocab.txt"])
    }

    @Test func truncatedSafetensors() throws {
        let folder = try tinyModel()
        let url = folder.appending(path: "model.safetensors")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 100).write(to: url)
        expectError(folder, file: "model.safetensors", mentions: ["corrupt", "truncated"])
        try data.prefix(5).write(to: url)
        expectError(folder, file: "model.safetensors", mentions: ["corrupt"])
        try data.prefix(400).write(to: url)
        expectError(folder, file: "model.safetensors", mentions: ["corrupt"])
    }

    @Test func garbageSafetensorsHeader() throws {
        let folder = try tinyModel()
        var data = Data([16, 0, 0, 0, 0, 0, 0, 0])
        data.append(Data("not json at all!".utf8))
        try data.write(to: folder.appending(path: "model.safetensors"))
        expectError(folder, file: "model.safetensors", mentions: ["header"])
    }

    @Test func wrongTensorShape() throws {
        let folder = try tinyModel()
        var tensors = TinyModel.tensors(dtype: "F32")
        tensors[0] = (tensors[0].0, "F32", [TinyModel.vocab.count, 4], Array(tensors[0].3.prefix(TinyModel.vocab.count * 4)))
        try writeSafetensors(tensors, to: folder.appending(path: "model.safetensors"))
        expectError(folder, file: "model.safetensors", mentions: ["embeddings.word_embeddings.weight", "shape"])
    }

    @Test func missingTensor() throws {
        let folder = try tinyModel()
        try writeSafetensors(TinyModel.tensors(dtype: "F32").filter { !$0.0.contains("intermediate.dense.bias") },
                             to: folder.appending(path: "model.safetensors"))
        expectError(folder, file: "model.safetensors", mentions: ["encoder.layer.0.intermediate.dense.bias", "missing"])
    }

    @Test func unsupportedDtype() throws {
        let folder = try tinyModel()
        var tensors = TinyModel.tensors(dtype: "F32")
        tensors[3].1 = "F64"
        tensors[3].3 += tensors[3].3  // twice the bytes
        try writeSafetensors(tensors, to: folder.appending(path: "model.safetensors"))
        expectError(folder, file: "model.safetensors", mentions: ["F64"])
    }

    @Test func badJSON() throws {
        for file in ["config.json", "sentence_bert_config.json", "1_Pooling/config.json", "tokenizer_config.json"] {
            let folder = try tinyModel()
            try "{ not json".write(to: folder.appending(path: file), atomically: true, encoding: .utf8)
            expectError(folder, file: file, mentions: ["invalid JSON"])
        }
    }

    @Test func configMissingAField() throws {
        let folder = try tinyModel()
        try #"{"model_type": "bert", "hidden_size": 8}"#.write(to: folder.appending(path: "config.json"), atomically: true, encoding: .utf8)
        expectError(folder, file: "config.json", mentions: ["vocab_size"])
    }

    @Test func unsupportedArchitecture() throws {
        let folder = try tinyModel()
        let url = folder.appending(path: "config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        config["model_type"] = "gpt2"
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        expectError(folder, file: "config.json", mentions: ["unsupported", "gpt2"])
        config["model_type"] = "bert"
        config["hidden_act"] = "relu"
        try JSONSerialization.data(withJSONObject: config).write(to: url)
        expectError(folder, file: "config.json", mentions: ["unsupported", "relu"])
    }

    @Test func unsupportedPooling() throws {
        let folder = try tinyModel()
        try #"{"pooling_mode_max_tokens": true}"#.write(to: folder.appending(path: "1_Pooling/config.json"), atomically: true, encoding: .utf8)
        expectError(folder, file: "1_Pooling/config.json", mentions: ["pooling"])
    }

    @Test func clsPoolingIsRead() throws {
        let folder = try tinyModel()
        try #"{"pooling_mode_cls_token": true}"#.write(to: folder.appending(path: "1_Pooling/config.json"), atomically: true, encoding: .utf8)
        #expect(try BertEmbedder(modelDirectory: folder, digestMemo: nil).identity.pooling == "cls")
    }

    @Test func safetensorsDtypesFromPython() throws {
        struct Expected: Decodable { var half: [Float]; var single: [Float] }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: try fixtureURL("dtypes.json")))
        let file = try SafetensorsFile(url: try fixtureURL("dtypes.safetensors"))
        var owned: [UnsafeMutableBufferPointer<Float>] = []
        defer { owned.forEach { $0.deallocate() } }
        let half = try file.floats("half", shape: [3, 5], owned: &owned)
        let single = try file.floats("single", shape: [3, 5], owned: &owned)
        #expect(Array(UnsafeBufferPointer(start: half, count: 15)) == expected.half)
        #expect(Array(UnsafeBufferPointer(start: single, count: 15)) == expected.single)
    }
}
