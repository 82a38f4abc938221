import Settings
import Testing

@Suite struct PathPatternTests {
    @Test(arguments: [
        ("*.py", "a.py", true), ("*.py", "deep/dir/a.py", true), ("*.py", "a.pyc", false),
        ("vendor/", "vendor/x/y.py", true), ("vendor", "src/vendor/y.py", true),
        ("src/*.py", "src/a.py", true), ("src/*.py", "src/deep/a.py", false), ("src/*.py", "lib/src/a.py", false),
        ("src/**/*.py", "src/a.py", true), ("src/**/*.py", "src/x/y/z.py", true),
        ("**/test_*.py", "a/b/test_x.py", true), ("/build", "build/out.py", true), ("/build", "src/build/x", false),
        ("a?c.swift", "abc.swift", true), ("a?c.swift", "ac.swift", false), ("*", "anything/at/all", true),
        ("Tests/**", "Tests/Foo/Bar.swift", true), ("Tests/**", "Sources/Tests.swift", false),
        ("src/**/*.py", "srcx/a.py", false), ("a/?/b", "a/x/b", true), ("**/test_*.py", "test_a.py", true),
        ("**/test_*.py", "a/b/atest_a.py", false), ("Sources/**/Index*.swift", "Sources/Index/IndexFile.swift", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(PathPattern(pattern).matches(path) == expected, "\(pattern) ~ \(path)")
    }
}

@Suite struct LoaderTests {
    let loader = ConfigurationLoader()

    @Test func precedenceFlagsOverEnvironmentOverUser() {
        let layers = ConfigurationLoader.Layers(
            flags: [("max-file-size", "2k")],
            environment: ["CODESEARCH_MAX_FILE_SIZE": "3k", "CODESEARCH_MODEL": "/env/model"],
            user: [("max-file-size", "4k"), ("model", "/user/model"), ("languages", "python")])
        let (settings, warnings) = loader.load(layers)
        #expect(settings.maxFileSize == 2048)
        #expect(settings.model == "/env/model")
        #expect(settings.languages == ["python"])
        #expect(warnings.isEmpty)
    }

    @Test func repositoryMayOnlyNarrow() {
        let layers = ConfigurationLoader.Layers(
            user: [("languages", "python, swift"), ("max-file-size", "100k"), ("include", "src/**")],
            repository: [("languages", "swift go"), ("max-file-size", "1m"), ("exclude", "src/gen/**"),
                         ("include", "src/app/**"), ("model", "/tmp/evil-model"), ("grammars", "/tmp/evil"),
                         ("base-url", "http://evil.example")])
        let (settings, warnings) = loader.load(layers)
        #expect(settings.languages == ["swift"])            // intersection, never a new language
        #expect(settings.maxFileSize == 100 * 1024)         // the smaller limit wins
        #expect(settings.model == nil)                      // refused
        #expect(settings.grammarDirectories.isEmpty)        // refused
        #expect(settings.admits(path: "src/app/a.swift", language: "swift"))
        #expect(!settings.admits(path: "src/lib/a.swift", language: "swift"))  // repository include narrows
        #expect(!settings.admits(path: "tools/a.swift", language: "swift"))    // user include still applies
        #expect(!settings.admits(path: "src/gen/a.swift", language: "swift"))  // repository exclude
        #expect(!settings.admits(path: "src/app/a.py", language: "python"))
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.contains("'model' refused") })
        #expect(warnings.contains { $0.contains("'base-url' refused") })
    }

    @Test func badSizeWarnsAndKeepsDefault() {
        let (settings, warnings) = loader.load(.init(user: [("max-file-size", "lots")]))
        #expect(settings.maxFileSize == 1 << 20)
        #expect(warnings.count == 1)
        #expect(ConfigurationLoader.parseSize("2M") == 2 << 20)
        #expect(ConfigurationLoader.parseSize("-1") == nil)
        #expect(ConfigurationLoader.parseSize("99999999999999g") == nil)  // overflowed and trapped
    }

    @Test func backgroundIsABooleanTheRepositoryCannotSet() {
        #expect(loader.load(.init()).settings.background)
        #expect(!loader.load(.init(user: [("background", "false")])).settings.background)
        #expect(!loader.load(.init(environment: ["CODESEARCH_BACKGROUND": "0"])).settings.background)
        #expect(loader.load(.init(environment: ["CODESEARCH_BACKGROUND": "yes"], user: [("background", "off")])).settings.background)
        let (kept, warnings) = loader.load(.init(user: [("background", "sometimes")]))
        #expect(kept.background && warnings.count == 1)
        // A cloned repository may not switch the filler on or off behind the user's back.
        let (settings, refused) = loader.load(.init(user: [("background", "false")], repository: [("background", "true")]))
        #expect(!settings.background && refused.count == 1)
    }

    /// Precision is part of the index's identity, like the model: a cloned repository may
    /// not choose it (a slow emulated path, or re-embedding everyone's index).
    @Test func precisionIsCheckedAndTheRepositoryCannotSetIt() {
        #expect(loader.load(.init()).settings.precision == "auto")
        #expect(loader.load(.init(environment: ["CODESEARCH_PRECISION": "INT8"])).settings.precision == "int8")
        #expect(loader.load(.init(flags: [("precision", "fp32")], environment: ["CODESEARCH_PRECISION": "bf16"])).settings.precision == "fp32")
        let (kept, warnings) = loader.load(.init(user: [("precision", "fp16")]))
        #expect(kept.precision == "auto" && warnings.count == 1)
        let (settings, refused) = loader.load(.init(user: [("precision", "fp32")], repository: [("precision", "int8")]))
        #expect(settings.precision == "fp32")
        #expect(refused.count == 1 && refused[0].contains("'precision' refused"))
    }

    @Test func configFileSectionParsing() {
        let text = """
            # comment
            [core]
            \tmodel = /not/ours
            [codesearch]
            \tinclude = src/** # trailing comment
            \texclude = "vendor/**"
            [include]
            \tpath = /etc/passwd
            """
        let entries = ConfigFile.entries(in: text)
        #expect(entries.map(\.key) == ["include", "exclude"])
        #expect(entries.map(\.value) == ["src/**", "vendor/**"])
    }
}
