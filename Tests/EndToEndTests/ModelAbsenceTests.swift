import Foundation
import TestSupport
import Testing

/// Without any model installed (an empty model cache, no CODESEARCH_MODEL): lexical
/// search still works, and the message for the other modes names a command the user
/// has (issue 12, item 16).
@Suite struct ModelAbsenceTests {
    /// An empty cache folder: the model is looked for in $XDG_CACHE_HOME/codesearch/models.
    let emptyCache: String
    var noModel: [String: String] { ["XDG_CACHE_HOME": emptyCache] }

    init() throws {
        emptyCache = FileManager.default.temporaryDirectory.appendingPathComponent("codesearch-empty-cache-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: emptyCache, withIntermediateDirectories: true)
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("net/upload.py", "def retry_upload(client, data):\n    return client.upload(data)\n")
        try repo.write("text/words.py", "def reverse_words(sentence):\n    return sentence[::-1]\n")
        try repo.commitAll()
        return repo
    }

    private func search(_ arguments: [String], in repo: TemporaryRepository,
                        environment: [String: String]) throws -> CodesearchBinary.Result {
        try CodesearchBinary.run(["search", "--vimgrep"] + arguments, in: repo.path, environment: environment)
    }

    @Test func lexicalSearchNeedsNoModel() throws {
        let repo = try makeRepository()
        let result = try search(["--mode", "lexical", "retry upload"], in: repo, environment: noModel)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("net/upload.py:1:"))
        #expect(result.stderr == "")
        // A file added later is found too: the lexical-only index is kept up to date.
        try repo.write("net/download.py", "def fetch_download(url):\n    return url\n")
        let later = try search(["--mode", "lexical", "fetch download"], in: repo, environment: noModel)
        #expect(later.stdout.hasPrefix("net/download.py:1:"), "\(later.stderr)")
    }

    @Test func theMissingModelMessageNamesTheInstallCommand() throws {
        let repo = try makeRepository()
        let result = try search(["retry upload"], in: repo, environment: noModel)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("codesearch: error: model `all-MiniLM-L6-v2` not found"))
        #expect(result.stderr.contains("`codesearch model install sentence-transformers/all-MiniLM-L6-v2`"))
        #expect(result.stderr.contains("`codesearch search --mode lexical` needs no model"))
        #expect(!result.stderr.contains("scripts/"))
    }

    /// An index made by a model is searched as it is, never replaced, when that model is gone.
    @Test func anotherModelsIndexIsSearchedAsItIs() throws {
        let repo = try makeRepository()
        let withModel = ["CODESEARCH_MODEL": try IndexTestSupport.tinyModel()]
        let indexed = try CodesearchBinary.run(["index"], in: repo.path, environment: withModel)
        #expect(indexed.status == 0, "\(indexed.stderr)")
        let before = try Data(contentsOf: repo.root.appendingPathComponent(".git/codesearch/index"))
        try repo.write("net/download.py", "def fetch_download(url):\n    return url\n")

        let result = try search(["--mode", "lexical", "retry upload"], in: repo, environment: noModel)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("net/upload.py:1:"))
        #expect(result.stderr.hasPrefix("codesearch: note: the index was searched as it is, without bringing it up to date: model `all-MiniLM-L6-v2` not found"))
        #expect(try Data(contentsOf: repo.root.appendingPathComponent(".git/codesearch/index")) == before)
        // With the model back, the index is updated as usual.
        let again = try search(["--mode", "lexical", "fetch download"], in: repo, environment: withModel)
        #expect(again.stdout.hasPrefix("net/download.py:1:"), "\(again.stderr)")
    }
}
