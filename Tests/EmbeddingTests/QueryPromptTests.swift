@testable import BertEngine
import Foundation
import Testing

/// Models that want a query prompt (e5's `query: `, bge's instruction) name it in
/// config_sentence_transformers.json; documents are embedded without it.
@Suite struct QueryPromptTests {
    @Test func queryPromptComesFromTheModelsConfiguration() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try TinyModel.write(to: folder)
        let plain = try BertEmbedder(modelDirectory: folder, threads: 1, digestMemo: nil)
        #expect(try await plain.embed(query: "parse json") == plain.embedSynchronously(["parse json"])[0])

        try #"{"prompts": {"query": "find ", "passage": ""}}"#
            .write(to: folder.appending(path: "config_sentence_transformers.json"), atomically: true, encoding: .utf8)
        let prompted = try BertEmbedder(modelDirectory: folder, threads: 1, digestMemo: nil)
        let query = try await prompted.embed(query: "parse json")
        #expect(try query == prompted.embedSynchronously(["find parse json"])[0])
        #expect(try query != prompted.embedSynchronously(["parse json"])[0])
        #expect(prompted.identity == plain.identity)  // documents' vectors are unchanged
    }
}
