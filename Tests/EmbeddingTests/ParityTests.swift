@testable import BertEngine
import Foundation
import Testing

/// Parity with sentence-transformers on all-MiniLM-L6-v2: Fixtures/parity.json holds ids from
/// Hugging Face `tokenizers` and vectors from a float64 numpy BERT forward pass
/// (scripts/make-embedding-fixture.py).
@Suite(.enabled(if: installedModel != nil, "needs scripts/install-model"))
struct ParityTests {
    struct Case: Decodable { var text: String; var ids: [Int32]; var vector: [Float] }
    struct Fixture: Decodable { var cases: [Case] }

    static let tolerance: Float = 1e-5

    func fixture() throws -> Fixture {
        try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: try fixtureURL("parity.json")))
    }

    @Test func tokenIDsEqualHuggingFace() throws {
        let embedder = try BertEmbedder(modelDirectory: try #require(installedModel), digestMemo: nil)
        let cases = try fixture().cases
        #expect(cases.count >= 20)
        for c in cases {
            #expect(embedder.tokenIDs(c.text) == c.ids, "text: \(c.text.debugDescription)")
        }
    }

    @Test func vectorsMatchReferenceWithin1e5() async throws {
        let embedder = try BertEmbedder(modelDirectory: try #require(installedModel), digestMemo: nil)
        let cases = try fixture().cases
        let vectors = try await embedder.embed(documents: cases.map(\.text))
        var worst: Float = 0
        for (c, vector) in zip(cases, vectors) {
            let difference = maxAbsoluteDifference(vector, c.vector)
            worst = max(worst, difference)
            #expect(difference <= Self.tolerance, "text: \(c.text.debugDescription), max |diff| \(difference)")
        }
        // One query at a time takes the other path (a batch of one); it must agree too.
        for c in cases.prefix(4) {
            let vector = try await embedder.embed(query: c.text)
            #expect(maxAbsoluteDifference(vector, c.vector) <= Self.tolerance)
        }
        #expect(worst > 0 && worst <= Self.tolerance)
    }

    @Test func batchOrderDoesNotChangeVectors() async throws {
        let embedder = try BertEmbedder(modelDirectory: try #require(installedModel), digestMemo: nil)
        let texts = try fixture().cases.map(\.text)
        let forward = try await embedder.embed(documents: texts)
        let backward = try await embedder.embed(documents: texts.reversed())
        for (a, b) in zip(forward, backward.reversed()) { #expect(maxAbsoluteDifference(a, b) <= 1e-6) }
    }

    /// The encoder layers copied into huge pages (`serve`, `embed`) give the very same vectors.
    @Test func hugePageWeightsGiveTheSameVectors() async throws {
        let model = try #require(installedModel)
        let mapped = try BertEmbedder(modelDirectory: model, digestMemo: nil)
        let copied = try BertEmbedder(modelDirectory: model, digestMemo: nil, hugePages: true)
        let copy = try #require(copied.encoder.weights.hugeCopy).bytes
        #expect(mapped.encoder.weights.hugeCopy == nil)
        let inCopy = { (p: UnsafePointer<Float>) in
            UnsafeRawPointer(p) >= UnsafeRawPointer(copy.baseAddress!) && UnsafeRawPointer(p) < UnsafeRawPointer(copy.baseAddress! + copy.count)
        }
        for layer in copied.encoder.weights.layers {
            #expect([layer.query, layer.key, layer.value, layer.attentionOut, layer.intermediate, layer.output,
                     layer.queryBias, layer.outputNormBias].allSatisfy(inCopy))
        }
        #expect(!inCopy(copied.encoder.weights.wordEmbeddings))
        let texts = try fixture().cases.map(\.text)
        #expect(try await copied.embed(documents: texts) == (try await mapped.embed(documents: texts)))
        for text in texts.prefix(4) {
            #expect(try await copied.embed(query: text) == (try await mapped.embed(query: text)))
        }
    }

    /// fp16 weights widened at load: within 2e-3 of the fp32 reference (fp16 keeps ~3 digits).
    @Test func fp16WeightsStayClose() async throws {
        let model = try #require(installedModel)
        let folder = try linkedCopy(of: model)
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try SafetensorsFile(url: model.appending(path: "model.safetensors"))
        var owned: [UnsafeMutableBufferPointer<Float>] = []
        defer { owned.forEach { $0.deallocate() } }
        var tensors: [(String, String, [Int], [Float])] = []
        for (name, info) in source.tensors.sorted(by: { $0.key < $1.key }) where info.dtype == "F32" {
            let pointer = try source.floats(name, shape: info.shape, owned: &owned)
            tensors.append((name, "F16", info.shape, Array(UnsafeBufferPointer(start: pointer, count: info.shape.reduce(1, *)))))
        }
        try FileManager.default.removeItem(at: folder.appending(path: "model.safetensors"))
        try writeSafetensors(tensors, to: folder.appending(path: "model.safetensors"))
        // Asked for huge pages, fp16 weights keep their widened copies (nothing to move).
        let embedder = try BertEmbedder(modelDirectory: folder, digestMemo: nil, hugePages: true)
        #expect(embedder.encoder.weights.file.floatType == "F16")
        #expect(embedder.encoder.weights.hugeCopy == nil)
        let cases = try fixture().cases
        let vectors = try await embedder.embed(documents: cases.map(\.text))
        for (c, vector) in zip(cases, vectors) {
            #expect(maxAbsoluteDifference(vector, c.vector) <= 2e-3, "text: \(c.text.debugDescription)")
        }
    }

    @Test func identityIsStableAndMemoised() throws {
        let model = try #require(installedModel)
        let memo = try temporaryDirectory().appending(path: "digests")
        let first = try BertEmbedder(modelDirectory: model, digestMemo: memo).identity
        let files = try FileManager.default.contentsOfDirectory(atPath: memo.path)
        #expect(files.count == 1)
        let second = try BertEmbedder(modelDirectory: model, digestMemo: memo).identity
        #expect(first == second)
        // The memo is what answers: a forged digest in it is returned as it is.
        let entry = memo.appending(path: files[0])
        let line = try String(contentsOf: entry, encoding: .utf8)
        let forged = line.replacingOccurrences(of: first.fingerprint, with: String(repeating: "a", count: 64))
        try forged.write(to: entry, atomically: true, encoding: .utf8)
        #expect(try BertEmbedder(modelDirectory: model, digestMemo: memo).identity.fingerprint == String(repeating: "a", count: 64))
        // A torn memo line is a miss: the file is hashed again.
        try String(line.prefix(20)).write(to: entry, atomically: true, encoding: .utf8)
        #expect(try BertEmbedder(modelDirectory: model, digestMemo: memo).identity == first)
        #expect(first.model == "all-MiniLM-L6-v2" && first.dimensions == 384 && first.pooling == "mean" && first.maxTokens == 256)
        #expect(first.fingerprint == (try WeightsDigest.hash(fileAt: model.appending(path: "model.safetensors"))))
    }

    @Test func truncatesAtMaxSeqLengthNot128() throws {
        let embedder = try BertEmbedder(modelDirectory: try #require(installedModel), digestMemo: nil)
        #expect(embedder.tokenCount(String(repeating: "word ", count: 1000)) == 256)
    }
}
