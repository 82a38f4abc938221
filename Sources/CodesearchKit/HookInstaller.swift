import Foundation

/// Installs, removes and reports the git hooks that keep the index current.
///
/// A hook that was already there is never overwritten: it is renamed to
/// `NAME.codesearch-chained` and run first by ours, with the same arguments and
/// standard input, and `uninstall` renames it back, byte for byte.
public struct HookInstaller: Sendable {
    /// Hooks after which the working tree may have changed.
    public static let indexingHooks = ["post-commit", "post-checkout", "post-merge", "post-rewrite"]
    static let marker = "# codesearch-hook v1"
    /// What `status` and `install --pre-commit` add to the indexing hooks.
    public static let preCommitHook = "pre-commit"
    static let chainedSuffix = ".codesearch-chained"

    public let hooksDirectory: String
    /// The `codesearch` binary the hooks run (absolute).
    public let executable: String
    /// Where the detached indexer writes its output.
    public let logPath: String

    public init(hooksDirectory: String, executable: String, logPath: String) {
        self.hooksDirectory = hooksDirectory
        self.executable = executable
        self.logPath = logPath
    }

    public enum HookState: String, Sendable {
        /// Ours, with no earlier hook.
        case installed
        /// Ours, running an earlier hook first.
        case installedChaining = "installed, chaining an earlier hook"
        /// Someone else's hook: `install` would chain it.
        case foreign = "not installed (another hook is there)"
        case absent = "not installed"
    }

    public func state(of name: String) -> HookState {
        let path = hooksDirectory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else { return .absent }
        guard String(decoding: data, as: UTF8.self).contains(Self.marker) else { return .foreign }
        return FileManager.default.fileExists(atPath: path + Self.chainedSuffix) ? .installedChaining : .installed
    }

    /// Installs (or refreshes) our hook under each name; returns what each name is now.
    /// Lines a user added around codesearch's block are kept; a hook whose block was
    /// edited is left alone and reported (`CodesearchError.hookEdited`).
    @discardableResult
    public func install(_ names: [String] = HookInstaller.indexingHooks) throws -> [(String, HookState)] {
        try FileManager.default.createDirectory(atPath: hooksDirectory, withIntermediateDirectories: true)
        var result: [(String, HookState)] = []
        for name in names {
            let path = hooksDirectory + "/" + name
            let script: String
            switch ownership(of: name) {
            case .foreign:
                let chained = path + Self.chainedSuffix
                if FileManager.default.fileExists(atPath: chained) {
                    throw CodesearchError.hookConflict(path: chained)
                }
                try FileManager.default.moveItem(atPath: path, toPath: chained)
                script = self.script(name: name)
            case .absent, .ours, .legacy:
                script = self.script(name: name)
            case let .oursWithUserLines(before, after):
                script = before + block(name: name) + after
            case .edited:
                throw CodesearchError.hookEdited(path: path)
            }
            try Self.replace(path, with: script, mode: Self.mode(of: path) ?? 0o755)
            result.append((name, state(of: name)))
        }
        return result
    }

    /// The shell word for a path, single-quoted.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The whole hook file as `install` first writes it.
    func script(name: String) -> String {
        "#!/bin/sh\n" + block(name: name)
    }

    /// codesearch's lines, between a begin marker that carries their digest and an end
    /// marker, so `uninstall` can tell them from lines a user added, and see an edit.
    func block(name: String) -> String {
        let body = self.body(name: name)
        return Self.beginMarker + Self.digest(body) + "\n" + body + "\n" + Self.endMarker + "\n"
    }

    /// What codesearch 0.1.0 wrote before the block had markers: recognised, never written.
    func legacyScript(name: String) -> String {
        "#!/bin/sh\n" + Self.marker + "\n" + body(name: name) + "\n"
    }

    /// The script without the shebang and markers, without a final newline.
    private func body(name: String) -> String {
        let text = name == Self.preCommitHook ? preCommitScript() : indexingScript(name: name)
        return String(text.dropLast())
    }

    private func chainPreamble(name: String) -> String {
        """
        # Installed by `codesearch hooks install`; `codesearch hooks uninstall` removes it
        # and puts back the hook it chained, if any.
        status=0
        chained="${0%/*}/\(name)\(Self.chainedSuffix)"
        if [ -x "$chained" ]; then
            "$chained" "$@" || status=$?
        fi

        """
    }

    /// Runs the chained hook, then starts `codesearch hooks run` detached and returns at
    /// once. It never fails the git command: the indexer's own failures go to the log.
    private func indexingScript(name: String) -> String {
        chainPreamble(name: name) + """
        if [ -x \(Self.quote(executable)) ]; then
            # Detached from git and immune to hang-ups, without a fork or exec more than needed.
            ( trap '' HUP; CODESEARCH_HOOK=\(name) exec \(Self.quote(executable)) hooks run --repo "$PWD" \\
                >>\(Self.quote(logPath)) 2>&1 </dev/null & ) >/dev/null 2>&1 </dev/null
        fi
        exit $status

        """
    }

    /// Blocks a commit that duplicates an existing function (`codesearch check --staged`
    /// exits 1). Any other failure of the check is reported and lets the commit go on.
    private func preCommitScript() -> String {
        chainPreamble(name: "pre-commit") + """
        [ $status -ne 0 ] && exit $status
        if [ -x \(Self.quote(executable)) ]; then
            \(Self.quote(executable)) check --staged --repo "$PWD"
            case $? in
                0) ;;
                1) echo "codesearch: commit stopped; 'git commit --no-verify' commits anyway" >&2
                   exit 1 ;;
                *) echo "codesearch: the duplicate check failed; committing anyway" >&2 ;;
            esac
        fi
        exit 0

        """
    }
}
