import Testing
@testable import Settings

@Suite struct LanguageCheckTests {
    let check = LanguageCheck(known: ["swift", "python", "go"])

    @Test func flagsAndEnvironmentAreErrorsFilesAreWarnings() {
        let layers = ConfigurationLoader.Layers(
            flags: [("languages", "python")], environment: ["CODESEARCH_LANGUAGES": "cobol"],
            user: [("languages", "swfit")], repository: [("languages", "pyhton, go")])
        // The flag hides the environment and the user's config, as it does for the setting.
        let (errors, warnings) = check.problems(in: layers)
        #expect(errors.isEmpty)
        #expect(warnings == [".codesearch: languages 'pyhton' is not a known language (did you mean python? known: go, python, swift); it matches no file"])

        let fromEnvironment = check.problems(in: .init(environment: ["CODESEARCH_LANGUAGES": "cobol,Go"]))
        #expect(fromEnvironment.errors == ["CODESEARCH_LANGUAGES 'cobol' is not a known language (known: go, python, swift)"])
        let fromUser = check.problems(in: .init(user: [("languages", "swfit")]))
        #expect(fromUser.errors.isEmpty && fromUser.warnings.count == 1)
    }

    @Test func suggestionsAreCloseNamesOnly() {
        #expect(check.closest(to: "pyhton") == "python")
        #expect(check.closest(to: "swfit") == "swift")
        #expect(check.closest(to: "gp") == "go")
        #expect(check.closest(to: "cobol") == nil)
        #expect(check.closest(to: "c") == nil)
    }
}

@Suite struct FileSelectionTests {
    @Test func textRoundTripsAndDifferencesAreNamed() throws {
        var settings = Settings()
        settings.include = [PathPattern("src/")]
        settings.exclude = [PathPattern("*_test.py"), PathPattern("vendor/")]
        settings.languages = ["swift", "python"]
        let selection = FileSelection(settings: settings)
        #expect(FileSelection(text: selection.text) == selection)
        let everything = FileSelection(settings: Settings())
        #expect(FileSelection(text: everything.text) == everything)
        #expect(FileSelection(text: "languages=python") == nil)
        #expect(everything.differences(from: selection) == [
            "include src/ in the index, none now", "exclude *_test.py vendor/ in the index, none now",
            "languages python,swift in the index, all now",
        ])
        #expect(selection.languageNames(known: ["go", "python", "swift"]) == "Python or Swift")
        #expect(everything.languageNames(known: ["go", "python", "swift"]) == "Go, Python or Swift")
    }
}
