import Foundation

/// The built `codesearch` executable, run as a user would run it.
public enum CodesearchBinary {
    /// `CODESEARCH_BIN` if set, else the `codesearch` built beside the test bundle.
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["CODESEARCH_BIN"], !override.isEmpty {
            return override
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // .build/<triple>/debug/codesearchPackageTests.xctest: the binary sits in the same folder.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("codesearch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/codesearch").standardized.path
    }

    public struct Result {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `codesearch ARGS` in `directory` with a private HOME (no user config leaks in)
    /// but the real model cache.
    public static func run(_ arguments: [String], in directory: String,
                           environment: [String: String] = [:], stdin: String? = nil) throws -> Result {
        let r = try TemporaryRepository.runCapturing(path, arguments, in: directory,
                                                     environment: self.environment(environment), stdin: stdin)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// The environment a test run gets: `extra`, over an isolated HOME and config
    /// folder, the real model cache, and NO_COLOR.
    public static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = extra
        let realHome = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        if env["XDG_CACHE_HOME"] == nil {
            env["XDG_CACHE_HOME"] = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? realHome + "/.cache"
        }
        if env["HOME"] == nil { env["HOME"] = isolatedHome }
        if env["XDG_CONFIG_HOME"] == nil { env["XDG_CONFIG_HOME"] = isolatedHome + "/.config" }
        env["NO_COLOR"] = env["NO_COLOR"] ?? "1"
        // A test's search embeds everything unless it sets a budget: no result may depend
        // on how fast the machine embedded within a second.
        env["CODESEARCH_EMBED_BUDGET"] = env["CODESEARCH_EMBED_BUDGET"] ?? "none"
        return env
    }

    /// An empty HOME, so the developer's own ~/.gitconfig never changes a test.
    public static let isolatedHome: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codesearch-home-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }()
}
