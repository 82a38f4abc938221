import Printers
import ArgumentParser
import Foundation
import Scanning

/// `codesearch scan`: the grammar-driven scanner over files on disk, without git.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "List the functions of source files on disk (no git needed).",
        discussion: """
            Prints one line per function, path:first-last: qualifiedName, or with \
            --json one JSON object per line. The language comes from the file \
            extension unless --language is given. Exits 2 if any file could not be \
            read or has no grammar (the other files are still scanned).
            """)

    @Flag(name: .long, help: "Print JSON Lines instead of path:first-last: name.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Which units to list: function, type, module or all.",
                                            valueName: "kind"))
    var kind: UnitFilter = .function

    @Option(name: .long, help: ArgumentHelp("Scan every file with this grammar (e.g. python, swift, go).", valueName: "name"))
    var language: String?

    @Option(name: .long, help: ArgumentHelp("A folder of extra grammar JSON files (repeatable).", valueName: "dir"))
    var grammars: [String] = []

    @Argument(help: ArgumentHelp("Source files to scan.", valueName: "file"))
    var files: [String]

    func run() async throws {
        let registry: GrammarRegistry
        do {
            registry = try GrammarRegistry(folders: grammars)
        } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        if let language, registry.scanner(language: language) == nil {
            printError("\(ScanningError.unknownLanguage(language))")
            throw ExitCode(2)
        }
        let printer = FunctionPrinter(format: json ? .json : .lines)
        let failed = FileScan(registry: registry, language: language, filter: kind, printer: printer).run(files)
        if failed { throw ExitCode(2) }
    }
}

extension ScanCommand {
/// Scans files one by one, streaming output; returns whether any file failed.
struct FileScan {
    let registry: GrammarRegistry
    let language: String?
    let filter: UnitFilter
    let printer: FunctionPrinter

    func run(_ paths: [String]) -> Bool {
        var failed = false
        var buffer: [UInt8] = []
        for path in paths {
            guard let scanner = language.flatMap(registry.scanner(language:)) ?? registry.scanner(forPath: path) else {
                printError("\(path): error: \(ScanningError.noGrammarForFile(path))")
                failed = true
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                printError("\(path): error: cannot read the file")
                failed = true
                continue
            }
            let functions = data.withUnsafeBytes { filter.units(of: scanner, in: $0) }
            printer.append(path: path, language: scanner.grammar.name, functions: functions, to: &buffer)
            if buffer.count > 1 << 18 { write(&buffer) }
        }
        write(&buffer)
        return failed
    }

    private func write(_ buffer: inout [UInt8]) {
        guard !buffer.isEmpty else { return }
        Output.standard.write(bytes: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
}

fileprivate func printError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasPrefix("error") || message.contains(": error:") ? message : "error: " + message).utf8 + [10]))
}
