import Foundation
import TestSupport
import Testing

/// The editor recipes of docs/editors.md, each run against real `--vimgrep` output
/// with that editor's own pattern, and by the editor itself when it is installed
/// (apt: vim-nox or vim, emacs-nox, fzf; node for the VS Code matcher).
@Suite struct EditorRecipeTests {
    /// Hits as the recipes must see them: (file, line, column, text).
    struct Hit: Equatable, CustomStringConvertible {
        var file: String, line: Int, column: Int, text: String
        var description: String { "\(file):\(line):\(column):\(text)" }
    }

    static let question = "read the settings from a json file"
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/editors.md").standardized.path

    /// The repository and its real `--vimgrep` output, with the hits it names.
    private func searchOutput() throws -> (TemporaryRepository, String, [Hit]) {
        let repo = try SimilarFixture.makeRepository()
        let result = try CodesearchBinary.run(["search", "--vimgrep", "-n", "3", Self.question], in: repo.path)
        #expect(result.status == 0)
        let hits = result.stdout.split(separator: "\n").map { line -> Hit in
            let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            return Hit(file: parts[0], line: Int(parts[1]) ?? 0, column: Int(parts[2]) ?? 0, text: parts[3])
        }
        #expect(hits.count == 3)
        #expect(hits.contains(Hit(file: "config.py", line: 4, column: 1, text: "def read_config(path):")))
        return (repo, result.stdout, hits)
    }

    /// Whether an editor is installed; a recipe whose editor is missing is skipped, with the reason.
    static func installed(_ names: String...) -> Bool { names.contains { tool($0) != nil } }

    /// vim-tiny has no expression evaluation, which the test needs to read the quickfix list back.
    static var fullVim: Bool {
        guard let vim = tool("vim") ?? tool("nvim") else { return false }
        return URL(fileURLWithPath: vim).resolvingSymlinksInPath().lastPathComponent != "vim.tiny"
    }

    static func tool(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: dir + "/" + name) {
            return dir + "/" + name
        }
        return nil
    }

    /// Runs in the repository with the codesearch under test first on the PATH.
    private func run(_ executable: String, _ arguments: [String], in repo: TemporaryRepository) throws -> (status: Int32, stdout: String, stderr: String) {
        let binDir = URL(fileURLWithPath: CodesearchBinary.path).deletingLastPathComponent().path
        let path = binDir + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try TemporaryRepository.runCapturing(executable, arguments, in: repo.path, environment: [
            "PATH": path, "HOME": CodesearchBinary.isolatedHome, "NO_COLOR": "1", "CODESEARCH_EMBED_BUDGET": "none",
            "XDG_CACHE_HOME": ProcessInfo.processInfo.environment["XDG_CACHE_HOME"]
                ?? (ProcessInfo.processInfo.environment["HOME"] ?? "/root") + "/.cache",
            "XDG_CONFIG_HOME": CodesearchBinary.isolatedHome + "/.config",
        ])
    }

    private func docsContain(_ text: String) throws -> Bool {
        try String(contentsOfFile: Self.docs, encoding: .utf8).contains(text)
    }

    @Test(.enabled(if: fullVim, "vim (not vim-tiny) is not installed (apt-get install vim-nox)"))
    func vimQuickfixWithGrepprgAndGrepformat() throws {
        #expect(try docsContain("set grepprg=codesearch\\ search\\ --vimgrep\nset grepformat=%f:%l:%c:%m"))
        let (repo, _, hits) = try searchOutput()
        guard let vim = Self.tool("vim") ?? Self.tool("nvim") else {
            Issue.record("vim is not installed (apt-get install vim-nox); the Vim recipe was not run")
            return
        }
        let out = repo.path + "/quickfix.txt"
        let result = try run(vim, [
            "-es", "-N", "-u", "NONE", "-i", "NONE",
            "-c", "set grepprg=codesearch\\ search\\ --vimgrep\\ -n\\ 3",
            "-c", "set grepformat=%f:%l:%c:%m",
            "-c", "silent grep! \(Self.question)",
            "-c", #"call writefile(map(getqflist(), {_, e -> bufname(e.bufnr) . ':' . e.lnum . ':' . e.col . ':' . e.text . ':' . e.valid}), 'quickfix.txt')"#,
            "-c", "qa!",
        ], in: repo)
        #expect(result.status == 0, "\(result.stderr)")
        let quickfix = try String(contentsOfFile: out, encoding: .utf8)
        #expect(quickfix == hits.map { "\($0):1\n" }.joined())
    }

    @Test(.enabled(if: installed("emacs"), "emacs is not installed (apt-get install emacs-nox)"))
    func emacsGrepModeVisitsEachHit() throws {
        #expect(try docsContain(#"(setq grep-command "codesearch search --vimgrep "\#n      grep-use-null-device nil)"#))
        let (repo, _, hits) = try searchOutput()
        guard let emacs = Self.tool("emacs") else {
            Issue.record("emacs is not installed (apt-get install emacs-nox); the Emacs recipe was not run")
            return
        }
        // M-x grep with the recipe's command, then next-error through every hit.
        let program = """
            (progn
              (require 'grep)
              (setq grep-command "codesearch search --vimgrep " grep-use-null-device nil)
              (let ((root default-directory)
                    (buffer (grep (concat grep-command "-n 3 \(Self.question)"))))
                (while (get-buffer-process buffer) (accept-process-output nil 0.1))
                (dotimes (_ \(hits.count))
                  (next-error)
                  (with-current-buffer (window-buffer (selected-window))
                    (princ (format "%s:%d\\n" (file-relative-name buffer-file-name root)
                                   (line-number-at-pos (window-point))))))))
            """
        let result = try run(emacs, ["--batch", "-Q", "--eval", program], in: repo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == hits.map { "\($0.file):\($0.line)\n" }.joined())
    }

    @Test(.enabled(if: installed("node", "nodejs"), "node is not installed (apt-get install nodejs)"))
    func vsCodeProblemMatcherFromTheDocs() throws {
        let (repo, output, hits) = try searchOutput()
        guard let node = Self.tool("node") ?? Self.tool("nodejs") else {
            Issue.record("node is not installed; the VS Code matcher was not run")
            return
        }
        // The tasks.json of docs/editors.md, parsed as JSON; VS Code compiles the
        // pattern's regexp as a JavaScript RegExp and matches the output line by line.
        try output.write(toFile: repo.path + "/hits.txt", atomically: true, encoding: .utf8)
        let script = """
            const fs = require('fs');
            const docs = fs.readFileSync(process.argv[1], 'utf8');
            const tasks = JSON.parse(docs.split('```json')[1].split('```')[0]);
            const p = tasks.tasks[0].problemMatcher.pattern;
            const re = new RegExp(p.regexp);
            for (const line of fs.readFileSync('hits.txt', 'utf8').split('\\n')) {
              const m = re.exec(line);
              if (m) console.log([m[p.file], m[p.line], m[p.column], m[p.message]].join('|'));
            }
            """
        let result = try run(node, ["-e", script, Self.docs], in: repo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == hits.map { "\($0.file)|\($0.line)|\($0.column)|\($0.text)\n" }.joined())
    }

    @Test(.enabled(if: installed("fzf"), "fzf is not installed (apt-get install fzf)"))
    func fzfFiltersBySignatureAndTheLineOpensAtItsPlace() throws {
        #expect(try docsContain("fzf --delimiter : --nth 4.. --preview 'sed -n \"{2},+20p\" {1}'"))
        let (repo, output, hits) = try searchOutput()
        guard let fzf = Self.tool("fzf") else {
            Issue.record("fzf is not installed (apt-get install fzf); the fzf recipe was not run")
            return
        }
        try output.write(toFile: repo.path + "/hits.txt", atomically: true, encoding: .utf8)
        // --nth 4.. searches the signature only: "app/" is in a path, never in a signature.
        let byPath = try run("/bin/sh", ["-c", "\(fzf) --filter app/ --delimiter : --nth 4.. < hits.txt"], in: repo)
        #expect(byPath.stdout == "")
        let chosen = try run("/bin/sh", ["-c", """
            \(fzf) --filter load_settings --delimiter : --nth 4.. < hits.txt |
              { IFS=: read -r file line _ && echo "$file $line"; }
            """], in: repo)
        let twin = try #require(hits.first { $0.text.contains("load_settings") })
        #expect(chosen.stdout == "\(twin.file) \(twin.line)\n")
    }

    @Test func gitCodesearchThroughTheInstalledLink() throws {
        let repo = try SimilarFixture.makeRepository()
        // A private bin folder holding a link to the binary under test, as an install would.
        let bin = repo.path + "-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bin) }
        try FileManager.default.createSymbolicLink(atPath: bin + "/codesearch", withDestinationPath: CodesearchBinary.path)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../scripts/install-git-alias").standardized.path
        let installed = try TemporaryRepository.runCapturing(script, [bin + "/codesearch"], in: repo.path)
        #expect(installed.stdout == "linked \(bin)/git-codesearch -> codesearch\n")
        let result = try TemporaryRepository.runCapturing("/usr/bin/git", ["codesearch", "functions", "config.py"], in: repo.path,
                                                          environment: ["PATH": bin + ":/usr/bin:/bin"])
        #expect(result.stdout == "config.py:4-7: read_config\nconfig.py:10-14: checksum\n")
    }
}
