import Settings
import IndexStorage
import Foundation
import Platform

/// The background filler (issue 14): when a search's update left units waiting for their
/// vectors (`CODESEARCH_EMBED_BUDGET`), a detached `codesearch index --background` embeds
/// them behind the user's back, as `git gc --auto` does its work.
///
/// Must hold: one filler per index (`filler.lock`, held for its whole run; a second one
/// exits at once), and it writes only under the writer lock, taken per round with
/// `--if-idle` (a hook or an `index` that holds it makes the filler stop); it runs at
/// the lowest CPU and I/O priority; it never starts in CI (`CI` set), when switched off
/// (`codesearch.background = false`, `CODESEARCH_BACKGROUND=0`), or for a search that named settings on its command line
/// (the filler reads only the environment and the configuration files, and would index
/// another file selection). Each round embeds for `round()` and then writes the index, so
/// searches see the coverage grow and a `kill -9` loses at most one round's work (the
/// journal keeps even that for the next run).
public enum BackgroundFiller {
    public static let logName = "filler.log"
    /// Held by a filler for its whole run, so a second one exits at once.
    public static let lockName = "filler.lock"
    /// How long a round embeds before it writes the index: 30 s, or
    /// `CODESEARCH_FILL_ROUND` seconds (tests make rounds short to land kills in every phase).
    public static func round(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration {
        guard let text = environment["CODESEARCH_FILL_ROUND"], let seconds = Double(text),
              seconds.isFinite, seconds > 0 else { return .seconds(30) }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// Whether a filler may start: `background` (the `background` setting: git config
    /// `codesearch.background`, the XDG file or `CODESEARCH_BACKGROUND`) and not in CI.
    public static func allowed(background: Bool, _ environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let ci = environment["CI"], !ci.isEmpty, ConfigurationLoader.parseBool(ci) != false { return false }
        return background
    }

    /// Starts a filler for `workspace`'s index at `location` when one may start (`allowed`)
    /// and no settings came as flags: the filler reads only the environment and the
    /// configuration files, and would index another file selection. `executable` as `launch`.
    @discardableResult
    public static func startIfAllowed(workspace: Workspace, location: IndexLocation, settingsAsFlags: Bool,
                                      executable: String? = nil) -> Bool {
        guard !settingsAsFlags, allowed(background: workspace.settings.background) else { return false }
        let root = workspace.repository.workingDirectory ?? workspace.repository.gitDirectory
        return launch(repository: root, indexDirectory: location.directory, executable: executable)
    }

    /// Starts `codesearch index --background` for this repository and index folder in a
    /// session of its own, standard output and error appended to `filler.log` in the index
    /// folder. False when it could not be started (the search has answered either way).
    /// `executable`: the `codesearch` to run (default: this process's own executable).
    @discardableResult
    public static func launch(repository: String, indexDirectory: String, executable: String? = nil) -> Bool {
        guard let executable = executable ?? CurrentProcess.executablePath() else { return false }
        let arguments = [executable, "index", "--background", "--repo", repository, "--index", indexDirectory]
        return DetachedProcess.start(executable, arguments: arguments, appendingOutputTo: indexDirectory + "/" + logName)
    }

    /// Drops this process to the lowest CPU priority (nice 19) and the idle I/O class;
    /// returns what took effect, for the log.
    public static func lowerPriority() -> String {
        let (nice, io) = CurrentProcess.lowerPriority()
        return "nice \(nice), io class \(io == 3 ? "idle" : String(io))"
    }
}
