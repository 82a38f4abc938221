import CodesearchKit
import Foundation
import NetworkKit
import Platform
#if MCP
import MCPServer
#endif

// `codesearch-mcp`: the MCP server behind `codesearch mcp`, which parses the user's options
// and runs this executable from its own folder with them spelled out:
//
//   codesearch-mcp [--repo PATH] [--index DIR] [--setting KEY=VALUE ...]
//                  [--codesearch PATH] [--version-string V]
//
// `--codesearch` is the `codesearch` that starts background fillers. Kept apart because the
// SDK links Foundation's networking, which every other command would load at start-up.

struct Arguments {
    var repository: String?
    var indexDirectory: String?
    var settings: [(key: String, value: String)] = []
    var codesearch: String?
    var version = "unknown"

    init(_ argv: [String]) throws {
        var rest = argv[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw CodesearchError.usage("\(flag) needs a value") }
            return v
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--repo": repository = try value(flag)
            case "--index": indexDirectory = try value(flag)
            case "--codesearch": codesearch = try value(flag)
            case "--version-string": version = try value(flag)
            case "--setting":
                let pair = try value(flag).split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { throw CodesearchError.usage("--setting needs KEY=VALUE") }
                settings.append((pair[0], pair[1]))
            default: throw CodesearchError.usage("unknown argument '\(flag)'")
            }
        }
    }
}

func diagnostic(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

// An API provider's tools embed in this process (the SDK links a network stack already).
NetworkLink.features = LinkedNetwork()

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    #if MCP
    // Fillers started by calls are never waited for: let the kernel reap them.
    Signal.childExited.ignore()
    let settings = arguments.settings, codesearch = arguments.codesearch
    let options = ServerOptions(
        repository: arguments.repository, indexDirectory: arguments.indexDirectory,
        configurationFlags: settings, version: arguments.version,
        log: { diagnostic($0) },
        startFiller: { workspace, location in
            guard let codesearch else { return }
            BackgroundFiller.startIfAllowed(workspace: workspace, location: location, settingsAsFlags: !settings.isEmpty,
                                            executable: codesearch)
        })
    try await CodesearchServer.run(options)
    // Ends here with _exit, as `codesearch` does: exit() would run the C libraries' exit
    // handlers (OpenSSL's cleanup, registered through libgit2's libssh2) while a task of the
    // server may still be inside libgit2 or libcrypto on another thread, which then crashes
    // on a freed lock (seen: SIGSEGV in pthread_rwlock_wrlock, 1 exit in 6). Every reply has
    // been written by now (the transport writes straight to the descriptor).
    CurrentProcess.exitImmediately(0)
    #else
    throw CodesearchError.usage("this codesearch-mcp was built without the MCP trait; rebuild with default traits")
    #endif
} catch {
    diagnostic("codesearch mcp: error: \(error)")
    CurrentProcess.exit(2)
}
