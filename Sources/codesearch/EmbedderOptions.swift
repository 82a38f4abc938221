import ArgumentParser
import CodesearchKit

/// Options of every command that embeds text.
struct EmbedderOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Model folder, or the name of a model in the cache (default: all-MiniLM-L6-v2).",
        valueName: "dir|name"))
    var model: String?

    var choice: EmbedderChoice { EmbedderChoice(modelFlag: model) }
}

/// `--index DIR`: where the index lives, instead of `<git common dir>/codesearch`.
struct IndexOptions: ParsableArguments {
    @Option(name: .customLong("index"), help: ArgumentHelp(
        "The index folder (default: .git/codesearch in the repository's common git dir).", valueName: "dir"))
    var directory: String?
}
