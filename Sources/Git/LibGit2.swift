import CLibGit2

/// libgit2's global state. Initialised once, explicitly, by the first `Repository.open`;
/// `git_libgit2_init` is reference-counted and safe to call from any thread.
public enum LibGit2 {
    static let initialized: Void = {
        _ = git_libgit2_init()
    }()

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
