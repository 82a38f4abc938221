import CodesearchKit
import Foundation
import Testing

@Suite struct EmbedBudgetTests {
    /// A first index embeds nothing in the foreground; a later search embeds the changed files
    /// for up to 0.2 s; the variable decides either way.
    @Test func aSearchEmbedsInTheForegroundOnlyOverAnExistingIndex() throws {
        let path = NSTemporaryDirectory() + "codesearch-budget-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try EmbedBudget.forSearch(indexPath: path, [:]) == .zero)
        #expect(try EmbedBudget.forSearch(indexPath: path, ["CODESEARCH_EMBED_BUDGET": "1.5"]) == .milliseconds(1500))
        FileManager.default.createFile(atPath: path, contents: Data())
        #expect(try EmbedBudget.forSearch(indexPath: path, [:]) == EmbedBudget.searchDefault)
        #expect(try EmbedBudget.forSearch(indexPath: path, ["CODESEARCH_EMBED_BUDGET": "none"]) == nil)
        #expect(throws: (any Error).self) { try EmbedBudget.forSearch(indexPath: path, ["CODESEARCH_EMBED_BUDGET": "soon"]) }
    }
}
