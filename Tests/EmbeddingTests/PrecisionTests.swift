import CKernels
import Foundation
import Testing
@testable import BertEngine
@testable import EmbeddingCore

/// int8 and bf16 against the fp32 reference on the parity corpus (Fixtures/parity.json,
/// sentence-transformers' vectors): the issue's quality bar, per text cosine ≥ 0.995 and
/// ≥ 0.999 on average. And precision as part of the identity.
@Suite(.enabled(if: installedModel != nil, "needs scripts/install-model"))
struct PrecisionTests {
    func cosine(_ a: [Float], _ b: [Float]) -> Double {
        let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let norms = a.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot() * b.reduce(0.0) { $0 + Double($1 * $1) }.squareRoot()
        return dot / norms
    }

    static var available: [EncoderPrecision] {
        [.int8] + (cs_packed_level(CS_PACKED_BF16) > 0 ? [.bf16, .mixed] : [])
    }

    @Test(arguments: available)
    func vectorsMeetTheQualityBar(precision: EncoderPrecision) async throws {
        let embedder = try BertEmbedder(modelDirectory: try #require(installedModel), digestMemo: nil, precision: precision)
        #expect(embedder.precision.precision == precision)
        let cases = try ParityTests().fixture().cases
        let vectors = try await embedder.embed(documents: cases.map(\.text))
        let cosines = zip(cases, vectors).map { cosine($0.vector, $1) }
        let mean = cosines.reduce(0, +) / Double(cosines.count)
        // Every precision meets the issue's bar (measured: int8 with its outlier channels
        // 0.9990 / 0.9995, mixed 0.998 / 0.9995; int8 without them missed it, 0.992 / 0.998).
        let bar: (min: Double, mean: Double) = (0.995, 0.999)
        #expect(cosines.min()! >= bar.min, "\(precision): min cosine \(cosines.min()!)")
        #expect(mean >= bar.mean, "\(precision): mean cosine \(mean)")
        // One document alone gets the vector it gets inside a batch: rows are quantised one
        // by one, so batching changes nothing.
        for (c, vector) in zip(cases, vectors).prefix(3) {
            let alone = try await embedder.embed(documents: [c.text])[0]
            #expect(maxAbsoluteDifference(alone, vector) <= 1e-5)
        }
    }

    /// A query runs at fp32 whatever the precision (`EmbeddingRole`): the reference vector,
    /// and no packing, so a one-query search costs what it costs at fp32.
    @Test(arguments: available)
    func queriesRunAtFP32(precision: EncoderPrecision) async throws {
        let model = try #require(installedModel)
        let reduced = try BertEmbedder(modelDirectory: model, digestMemo: nil, precision: precision)
        let fp32 = try BertEmbedder(modelDirectory: model, digestMemo: nil, precision: .fp32)
        let question = "where do we retry failed uploads"
        let query = try await reduced.embed(query: question)
        #expect(maxAbsoluteDifference(query, try await fp32.embed(query: question)) <= 1e-6)
        #expect(maxAbsoluteDifference(query, try await reduced.embed(documents: [question])[0]) > 1e-6,
                "the document path runs at \(precision)")
    }

    /// int8's outlier channels are remembered per weights digest: a later embedder reads
    /// them (the same vectors, without the 0.35 s calibration), and a damaged memo is
    /// recalibrated and replaced, never trusted.
    @Test func outlierChannelsAreRememberedAndADamagedMemoIsReplaced() async throws {
        let model = try #require(installedModel)
        let memo = FileManager.default.temporaryDirectory.appending(path: "outliers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: memo) }
        let text = "def parse(path):\n    return json.load(open(path))"
        func vector() async throws -> [Float] {
            try await BertEmbedder(modelDirectory: model, digestMemo: nil, precision: .int8, outlierMemo: memo)
                .embed(documents: [text])[0]
        }
        let first = try await vector()
        let files = try FileManager.default.contentsOfDirectory(atPath: memo.path)
        #expect(files.count == 1 && files[0].hasSuffix("-v\(OutlierChannels.version)-4"), "\(files)")
        let file = memo.appending(path: try #require(files.first))
        let written = try String(contentsOf: file, encoding: .utf8)
        #expect(written.split(separator: "\n").count == 6 * 4)
        #expect(try await vector() == first)
        for damage in ["", "99 63 102\n", written.replacingOccurrences(of: "\n", with: "9999\n"),
                       written.replacingOccurrences(of: "\n", with: " x\n"), String(written.dropLast())] {
            try Data(damage.utf8).write(to: file)
            #expect(try await vector() == first)
            #expect(try String(contentsOf: file, encoding: .utf8) == written, "replaced after \(damage.prefix(20))")
        }
        // A valid memo naming other channels is what the embedder uses: the memo is read.
        try Data(String(repeating: "0 1 2 3\n", count: 24).utf8).write(to: file)
        #expect(try await vector() != first)
    }

    /// Every precision but auto and fp32 is read back from a stored model name: one left out
    /// made an index written at it look like another model's to the next search.
    @Test func everyReducedPrecisionIsReadBackFromTheIndex() {
        for precision in EncoderPrecision.allCases where precision != .auto && precision != .fp32 {
            #expect(EmbedderIdentity.parseStoredModel("m@" + precision.identityName) == ("m", precision.identityName))
            #expect(EncoderPrecision(identityName: precision.identityName) == precision)
        }
        // The first int8 scheme (no outlier channels) reads back as itself, a precision no
        // build runs now: its index is re-embedded, never kept or mixed with int8v2 vectors.
        #expect(EmbedderIdentity.parseStoredModel("m@int8") == ("m", "int8"))
        #expect(EncoderPrecision(identityName: "int8") == nil)
    }

    @Test func precisionIsPartOfTheIdentity() throws {
        let model = try #require(installedModel)
        let fp32 = try BertEmbedder.identity(modelDirectory: model, digestMemo: nil, precision: .fp32)
        let int8 = try BertEmbedder.identity(modelDirectory: model, digestMemo: nil, precision: .int8)
        #expect(fp32.precision == "fp32" && int8.precision == "int8v2" && fp32 != int8)
        // fp32's key is the one indexes made before precisions had: they stay valid.
        #expect(fp32.key == "native:all-MiniLM-L6-v2:\(fp32.fingerprint):384:mean:256")
        #expect(int8.key == fp32.key + ":int8v2")
        if cs_packed_level(CS_PACKED_BF16) > 0 {
            let mixed = try BertEmbedder.identity(modelDirectory: model, digestMemo: nil, precision: .mixed)
            #expect(mixed.key == fp32.key + ":mixed" && mixed.storedModel == "all-MiniLM-L6-v2@mixed")
            #expect(EmbedderIdentity.parseStoredModel(mixed.storedModel) == ("all-MiniLM-L6-v2", "mixed"))
        }
        #expect(int8.storedModel == "all-MiniLM-L6-v2@int8v2" && fp32.storedModel == "all-MiniLM-L6-v2")
        #expect(EmbedderIdentity.parseStoredModel(int8.storedModel) == ("all-MiniLM-L6-v2", "int8v2"))
        #expect(EmbedderIdentity.parseStoredModel("name@v2") == ("name@v2", "fp32"))
        // auto never reaches the identity: it resolves to what runs.
        let auto = try BertEmbedder.identity(modelDirectory: model, digestMemo: nil, precision: .auto)
        #expect(auto.precision == (try PrecisionChoice.resolve(.auto)).precision.identityName)
        let decoded = try JSONDecoder().decode(EmbedderIdentity.self, from: Data(
            #"{"provider":"native","model":"m","weightsSHA256":"","dimensions":4,"pooling":"mean","maxTokens":8}"#.utf8))
        #expect(decoded.precision == "fp32")
    }
}
