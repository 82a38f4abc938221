import Foundation

/// A program running beside a test (e.g. `codesearch serve`), with its standard error
/// in a file the test can poll. Killed by `stop()`.
public final class BackgroundProcess: @unchecked Sendable {
    public let process = Process()
    private let errURL: URL

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil) throws {
        errURL = FileManager.default.temporaryDirectory.appendingPathComponent("bg-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// What the process wrote to standard error so far.
    public var stderr: String {
        (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    }

    /// Polls standard error until `predicate` holds, for at most `seconds`; returns the text.
    public func waitForStderr(seconds: Double = 60, _ predicate: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let text = stderr
            if predicate(text) { return text }
            if !process.isRunning { return predicate(stderr) ? stderr : nil }
            usleep(50_000)
        }
        return nil
    }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
        try? FileManager.default.removeItem(at: errURL)
    }
}
