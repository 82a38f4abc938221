import CodesearchKit
import Foundation
import Platform

/// The executables installed beside `codesearch` that run some commands in its place:
/// `codesearch-mcp` (the MCP server) and `codesearch-net` (what needs the network stack).
/// Each links a library the others must not load at start-up.
enum SiblingExecutable {
    /// This executable's path and the path of `name` beside it, which must be executable.
    static func locate(_ name: String) throws -> (this: String, sibling: String) {
        guard let this = CurrentProcess.executablePath() else {
            throw CodesearchError.usage("cannot find this executable's path")
        }
        let sibling = (this as NSString).deletingLastPathComponent + "/" + name
        guard FileManager.default.isExecutableFile(atPath: sibling) else {
            throw CodesearchError.usage("\(sibling) is missing: build it beside codesearch "
                + "(`swift build -c release --product \(name)`, or scripts/setup)")
        }
        return (this, sibling)
    }

    /// Replaces this process with `path` run with `arguments` (its name first); returns
    /// only by throwing when it could not.
    static func replaceProcess(_ path: String, arguments: [String]) throws -> Never {
        let failure = CurrentProcess.execute(path, arguments: arguments)
        throw CodesearchError.usage("cannot run \(path): \(SystemCallError.message(failure.code))")
    }
}

/// `codesearch-net`, which runs a command `codesearch` cannot (`NetworkRequired`).
enum NetworkExecutable {
    /// Runs this process's command line again in `codesearch-net`. The command threw
    /// `needed` where its settings were resolved, before it printed or wrote anything, so
    /// running it again from the start loses nothing. On failure: the reason, exit status 2.
    static func replaceProcess(_ needed: NetworkRequired) -> Never {
        // Missing, the error names what needed it; present but not runnable, why not.
        guard let (_, net) = try? SiblingExecutable.locate("codesearch-net") else {
            Output.diagnostic("codesearch: error: \(needed)")
            terminate(2)
        }
        do {
            try SiblingExecutable.replaceProcess(net, arguments: [net] + CommandLine.arguments.dropFirst())
        } catch {
            Output.diagnostic("codesearch: error: \(error)")
        }
        terminate(2)
    }
}
