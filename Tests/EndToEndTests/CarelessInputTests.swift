import Foundation
import TestSupport
import Testing

/// Input a hurried user gives: a misspelt language, a negative count, a score that is not
/// a number, a repository with nothing to search. Each gets a clear message instead of
/// an empty result or a parser's puzzle (issue 12, items 11 and 17).
@Suite struct CarelessInputTests: TinyModelSuite {
    let model: String

    init() throws {
        model = try IndexTestSupport.tinyModel()
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("net/upload.py", "def retry_upload(client, data):\n    return client.upload(data)\n")
        try repo.commitAll()
        return repo
    }

    private func search(_ arguments: [String], in repo: TemporaryRepository,
                        environment: [String: String] = [:]) throws -> CodesearchBinary.Result {
        try CodesearchBinary.run(["search", "--mode", "lexical"] + arguments, in: repo.path,
                                 environment: env.merging(environment) { $1 })
    }

    @Test func unknownLanguageFlagsAreErrorsThatNameTheKnownLanguages() throws {
        let repo = try makeRepository()
        let lang = try search(["--lang", "cobol", "upload"], in: repo)
        #expect(lang.status == 2)
        #expect(lang.stdout == "")
        #expect(lang.stderr == "codesearch: error: --lang 'cobol' is not a known language (known: go, python, swift)\n")

        let languages = try search(["--languages", "pyhton", "upload"], in: repo)
        #expect(languages.status == 2)
        #expect(languages.stderr == "codesearch: error: --languages 'pyhton' is not a known language "
                + "(did you mean python? known: go, python, swift)\n")

        let environment = try search(["upload"], in: repo, environment: ["CODESEARCH_LANGUAGES": "pyhton"])
        #expect(environment.status == 2)
        #expect(environment.stderr.contains("CODESEARCH_LANGUAGES 'pyhton' is not a known language"))

        // Case and a known name beside an unknown one do not hide it.
        #expect(try search(["--lang", "Python", "upload"], in: repo).status == 0)
        #expect(try search(["--languages", "python,cobol", "upload"], in: repo).status == 2)
    }

    @Test func anUnknownLanguageInACommittedConfigIsAWarning() throws {
        let repo = try makeRepository()
        try repo.write(".codesearch", "[codesearch]\n    languages = pyhton\n")
        try repo.commitAll("config")
        let result = try search(["upload"], in: repo)
        #expect(result.status == 1)
        #expect(result.stderr.contains("codesearch: warning: .codesearch: languages 'pyhton' is not a known language "
                                       + "(did you mean python? known: go, python, swift); it matches no file\n"))
    }

    @Test func negativeAndNonFiniteNumbersAreExplained() throws {
        let repo = try makeRepository()
        let negative = try search(["-n", "-1", "upload"], in: repo)
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("-n must be at least 1"), "\(negative.stderr)")
        #expect(!negative.stderr.contains("Missing value"))

        for bad in ["nan", "inf", "-inf"] {
            let score = try search(["--min-score", bad, "upload"], in: repo)
            #expect(score.status == 2, "--min-score \(bad) was accepted")
            #expect(score.stderr.contains("--min-score must be a finite number"), "\(score.stderr)")
        }
        let context = try search(["--context", "-2", "upload"], in: repo)
        #expect(context.status == 2)
        #expect(context.stderr.contains("--context must be 0 or more"), "\(context.stderr)")

        // A negative score is a fine threshold.
        #expect(try search(["--min-score", "-0.5", "upload"], in: repo).status == 0)
    }

    /// Files outside a sparse checkout's cone are not on disk: never indexed nor found.
    @Test func filesOutsideTheSparseCheckoutAreNotFound() throws {
        let repo = try makeRepository()
        try repo.write("other/upload_again.py", "def upload_again(data):\n    return data\n")
        try repo.commitAll("other")
        try repo.git(["sparse-checkout", "set", "--cone", "net"])
        let result = try search(["--vimgrep", "upload"], in: repo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("net/upload.py:1:"))
        #expect(!result.stdout.contains("other/"))
    }

    @Test func aRepositoryWithNothingToSearchSaysSo() throws {
        let repo = try TemporaryRepository()
        try repo.write("README.md", "# upload notes\n")
        try repo.write("tool.rb", "def upload; end\n")
        try repo.commitAll()
        let result = try search(["upload"], in: repo)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let root = repo.root.resolvingSymlinksInPath().path
        #expect(result.stderr == "codesearch: no Go, Python or Swift files in \(root)\n")

        let narrowed = try search(["--languages", "swift", "upload"], in: try makeRepository())
        #expect(narrowed.status == 1)
        #expect(narrowed.stderr.hasPrefix("codesearch: no Swift files in "))
    }
}
