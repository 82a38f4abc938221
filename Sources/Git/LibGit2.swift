import CLibGit2
import CLibGit2NoCertificates
import Foundation

/// libgit2's global state. Initialised once, explicitly, by the first `Repository.open`;
/// `git_libgit2_init` is reference-counted and safe to call from any thread.
public enum LibGit2 {
    static let initialized: Void = {
        _ = git_libgit2_init()
    }()

    /// How many times libgit2 asked to load CA certificates, which it is not given
    /// (`CLibGit2NoCertificates`): at most once per process, at initialisation.
    public static var certificateRequests: Int { Int(codesearch_libgit2_certificate_requests()) }

    /// Starts the one-time initialisation on a background thread and returns at once; the
    /// first `Repository.open` waits for it to finish (about half a millisecond: mbedTLS's
    /// set-up, with the CA bundle left unparsed, see `CLibGit2NoCertificates`).
    public static func initializeInBackground() {
        startLock.withLock { startedInBackground = true }
        // A bare thread: Foundation's Thread costs 0.4 ms to start, a fifth of this work.
        var thread = pthread_t()
        if pthread_create(&thread, nil, { _ in
            _ = LibGit2.initialized
            return nil
        }, nil) == 0 {
            pthread_detach(thread)
        }
    }

    private static let startLock = NSLock()
    nonisolated(unsafe) private static var startedInBackground = false

    /// Waits for an initialisation started by `initializeInBackground` to finish. A process
    /// must not exit while it runs: the exit handlers of the libraries it sets up (OpenSSL's,
    /// through libssh2) would free what it is still using.
    public static func finishBackgroundInitialization() {
        if startLock.withLock({ startedInBackground }) { _ = initialized }
    }

    /// The message of the last libgit2 error on this thread.
    static func lastErrorMessage() -> String {
        guard let err = git_error_last(), let msg = err.pointee.message else { return "unknown error" }
        return String(cString: msg)
    }

    /// The one place where a libgit2 return code becomes a Swift error.
    @discardableResult
    static func check(_ code: Int32, _ function: String) throws -> Int32 {
        if code < 0 {
            throw GitError.libgit2(function: function, code: code, message: lastErrorMessage())
        }
        return code
    }
}

extension git_oid {
    var blobID: BlobID {
        withUnsafeBytes(of: id) { raw in
            // git_oid is exactly 20 bytes, so this always succeeds.
            BlobID(bytes: Array(raw.prefix(20)))!
        }
    }
}

extension BlobID {
    var oid: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            for i in 0..<20 { raw[i] = bytes[i] }
        }
        return oid
    }
}
