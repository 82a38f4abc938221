import Printers
import ArgumentParser
import CodesearchKit
import Foundation
import Scanning

/// `codesearch functions`: the functions of a git snapshot, ctags-like.
struct FunctionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "functions",
        abstract: "List the functions and methods of a repository (or its types and modules), ctags-like.",
        discussion: """
            Reads the working tree (tracked files as they are on disk, plus untracked \
            files that are not ignored), the staging area (--staged) or any revision \
            (--rev), and prints one line per function:

              path:firstLine-lastLine: qualifiedName

            Paths are relative to the repository root; lines are 1-based and inclusive; \
            firstLine is the first decorator or attribute line. --json prints JSON Lines \
            ({"type":"function","version":1,"data":{...}}) with every field of the span. \
            --kind chooses the units listed: function (the default: functions, methods, \
            initializers and other callables), type (class, struct, enum, protocol, actor, \
            extension, interface: the span runs from the first attribute line to the end \
            of the body), module (one per file, named <module>: line 1 to the last line), \
            or all; search ranks all of them. Exits 0 when a unit was listed, 1 when none \
            was, 2 on error.
            """)

    @OptionGroup var repositoryOptions: RepositoryOptions
    @OptionGroup var selection: SnapshotSelection

    @Flag(name: .long, help: "Print JSON Lines instead of path:first-last: name.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Which units to list: function, type, module or all.",
                                            valueName: "kind"))
    var kind: UnitFilter = .function

    @Argument(help: ArgumentHelp("Only these files or folders (relative to the current directory).",
                                 valueName: "path"))
    var paths: [String] = []

    func run() async throws {
        let workspace = try repositoryOptions.openWorkspace()
        let relative = try paths.map { path -> String in
            guard let r = workspace.repositoryRelative(path) else {
                throw ValidationError("\(path) is outside the repository")
            }
            return r
        }
        let snapshot = Workspace.restrict(try workspace.snapshot(selection.kind), to: relative)
        let (files, failures) = workspace.functions(in: snapshot, filter: kind)
        let printer = FunctionPrinter(format: json ? .json : .lines, escapeText: Output.isTerminal(1))
        var count = 0
        for file in files {
            Output.standard.write(printer.render(path: file.entry.path, language: file.language, functions: file.functions))
            count += file.functions.count
        }
        for failure in failures {
            Output.diagnostic("codesearch: \(PrintableText.path(failure.path)): \(failure.message)")
        }
        if !failures.isEmpty { throw ExitCode(2) }
        if count == 0 { throw ExitCode(1) }
    }
}

extension UnitFilter: ExpressibleByArgument {}
