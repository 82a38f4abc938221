import Foundation

/// The user cache every engine and the model store share: `$XDG_CACHE_HOME/codesearch`,
/// or `~/.cache/codesearch`. Nothing in it is needed for correctness; each file is
/// checksummed or rebuilt when it does not match.
public enum UserCache {
    /// The cache root for an environment (an absolute `XDG_CACHE_HOME` wins, as the XDG spec asks).
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appending(path: "codesearch")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appending(path: ".cache/codesearch")
    }

    /// Where the native engine remembers weights digests by default.
    public static var weightsDigestMemo: URL { root().appending(path: "weights-sha256") }

    /// Where the native engine remembers each model's int8 outlier channels by default.
    public static var outlierChannelsMemo: URL { root().appending(path: "outlier-channels") }
}

/// The model codesearch uses when none is named.
public enum DefaultModel {
    public static let name = "all-MiniLM-L6-v2"
}
