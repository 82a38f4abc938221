import ArgumentParser
import CodesearchKit
import Foundation
import ModelCatalog

struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "List, locate, verify and install embedding models.",
        discussion: """
            Models live in $XDG_CACHE_HOME/codesearch/models (default ~/.cache/codesearch/models), \
            one sentence-transformers folder per model. The model used is the first of: --model, \
            $CODESEARCH_MODEL, the user configuration, the cached all-MiniLM-L6-v2.
            """,
        subcommands: [List.self, Path.self, Verify.self, Install.self])

    /// Runs `body`, printing an error to stderr and exiting 2 on failure.
    static func guarded(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let error as NetworkRequired {
            throw error
        } catch {
            FileHandle.standardError.write(Data("codesearch: error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the models in the cache.")
        func run() async throws {
            let store = ModelStore()
            for name in store.list() { Output.standard.line(name) }
            // The path every model runs in here: on stderr, so the list stays one name a line.
            Output.diagnostic(PrecisionStatus.line(settings: try Workspace.settings(flags: []).0))
        }
    }

    struct Path: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the folder of the model that would be used.")
        @Option(name: .long, help: ArgumentHelp("Model folder or cached model name.", valueName: "DIR"))
        var model: String?

        func run() async throws {
            try await guarded { Output.standard.line(try ModelLocator(flag: model, userConfigValue: try Workspace.settings(flags: []).0.model).resolve().directory.path) }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a model's files, tensor shapes and weights sha256.")
        @Option(name: .long, help: ArgumentHelp("Model folder or cached model name.", valueName: "DIR"))
        var model: String?

        func run() async throws {
            try await guarded {
                let directory = try ModelLocator(flag: model, userConfigValue: try Workspace.settings(flags: []).0.model).resolve().directory
                let report = try ModelStore().verify(directory)
                Output.standard.line("""
                    ok \(report.directory.path)
                    files: \(report.files.joined(separator: " "))
                    weights: \(report.tensors) tensors, \(report.weightsType), \(report.layers) layers, \
                    \(report.identity.dimensions) dimensions
                    pooling: \(report.identity.pooling), max tokens \(report.identity.maxTokens)
                    sha256: \(report.identity.fingerprint)
                    """)
            }
        }
    }

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a model folder into the cache, or download one by Hugging Face name.",
            discussion: """
                SOURCE is a local sentence-transformers folder (copied after it loads cleanly), or a \
                name such as sentence-transformers/all-MiniLM-L6-v2, downloaded from \
                $CODESEARCH_HF_ENDPOINT (default https://huggingface.co).
                """)
        @Argument(help: ArgumentHelp("A model folder or a Hugging Face model name.", valueName: "DIR|NAME"))
        var source: String

        @Option(name: .long, help: "Name in the cache (default: the folder's or model's name).")
        var name: String?

        func run() async throws {
            try await guarded {
                let store = ModelStore()
                let expanded = (source as NSString).expandingTildeInPath
                var isDirectory: ObjCBool = false
                let target: URL
                if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory), isDirectory.boolValue {
                    target = try store.install(from: URL(fileURLWithPath: expanded), name: name)
                } else {
                    target = try await NetworkLink.required("downloading a model").downloadModel(source, into: store)
                }
                Output.standard.line(target.path)
            }
        }
    }
}
