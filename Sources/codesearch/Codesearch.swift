import ArgumentParser

@main
struct Codesearch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codesearch",
        abstract: "Semantic code search for git repositories.",
        discussion: """
            Indexes every function and method of a repository's Python and Swift \
            files (and any language with a grammar file), embeds them with a local \
            sentence-embedding model, and answers natural-language questions with \
            path:line hits. The index lives in .git/codesearch/ and is keyed by git \
            blob id, so unchanged or renamed files are never embedded twice.
            """,
        version: "0.1.0",
        subcommands: [
            FunctionsCommand.self,
            EmbedCommand.self,
            ModelCommand.self,
        ]
    )
}
