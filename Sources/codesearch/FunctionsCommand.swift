import ArgumentParser

struct FunctionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "functions",
        abstract: "List the functions and methods of a repository, ctags-like.")
    func run() async throws {}
}
