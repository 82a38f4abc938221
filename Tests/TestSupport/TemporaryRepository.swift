import Foundation

/// A real git repository in a fresh temporary directory, driven by the `git`
/// command line (tests only: the product itself talks to git through libgit2).
public final class TemporaryRepository {
    public let root: URL

    public init(bare: Bool = false) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("codesearch-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try git(bare ? ["init", "-q", "--bare", "-b", "main"] : ["init", "-q", "-b", "main"])
        if !bare {
            try git(["config", "user.name", "Test"])
            try git(["config", "user.email", "test@example.com"])
            try git(["config", "commit.gpgsign", "false"])
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    public var path: String { root.path }

    /// Writes a file (creating folders) relative to the repository root.
    public func write(_ relativePath: String, _ contents: String) throws {
        try write(relativePath, bytes: Array(contents.utf8))
    }

    public func write(_ relativePath: String, bytes: [UInt8]) throws {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    public func remove(_ relativePath: String) throws {
        try FileManager.default.removeItem(at: root.appendingPathComponent(relativePath))
    }

    /// Runs git in the repository and returns its standard output; throws on a non-zero exit.
    @discardableResult
    public func git(_ arguments: [String], in directory: String? = nil) throws -> String {
        try TemporaryRepository.run("/usr/bin/git", arguments, in: directory ?? path)
    }

    /// Commits everything with a message.
    public func commitAll(_ message: String = "commit") throws {
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
    }

    public struct CommandFailure: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let stderr: String
        public var description: String { "\(command) exited \(status): \(stderr)" }
        public init(command: String, status: Int32, stderr: String) {
            self.command = command
            self.status = status
            self.stderr = stderr
        }
    }

    /// Runs a program, returning stdout; throws `CommandFailure` on a non-zero exit.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in directory: String,
                           environment: [String: String]? = nil, stdin: String? = nil) throws -> String {
        let result = try runCapturing(executable, arguments, in: directory, environment: environment, stdin: stdin)
        guard result.status == 0 else {
            throw CommandFailure(command: ([executable] + arguments).joined(separator: " "),
                                 status: result.status, stderr: result.stderr)
        }
        return result.stdout
    }

    /// Runs a program and returns its exit status, stdout and stderr.
    public static func runCapturing(_ executable: String, _ arguments: [String], in directory: String,
                                    environment: [String: String]? = nil,
                                    stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["GIT_CONFIG_NOSYSTEM"] = "1"
        for (key, value) in environment ?? [:] { env[key] = value }
        process.environment = env
        // Output goes to temporary files, so a chatty child can never block on a full pipe.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        let input = Pipe()
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        let outData = (try? Data(contentsOf: outURL)) ?? Data()
        let errData = (try? Data(contentsOf: errURL)) ?? Data()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData, as: UTF8.self))
    }
}
