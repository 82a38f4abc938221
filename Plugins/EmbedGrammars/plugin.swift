import Foundation
import PackagePlugin

/// Compiles the top-level `Grammars/*.json` into the `Scanning` module, so the
/// built-in grammars travel inside the binary and work from any directory.
@main
struct EmbedGrammars: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let grammarsDir = context.package.directoryURL.appending(path: "Grammars")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: grammarsDir.path)) ?? []
        let inputs = names.filter { $0.hasSuffix(".json") }.sorted()
            .map { grammarsDir.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinGrammars.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) grammars",
                executable: try context.tool(named: "GrammarEmbedTool").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs + [grammarsDir],
                outputFiles: [output]
            )
        ]
    }
}
