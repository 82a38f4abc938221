import Foundation
import Hashing

extension TiktokenEncoding {
    /// Where tiktoken downloads cl100k_base from; its cache names the file by this URL's sha1.
    public static let cl100kBaseURL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    /// tiktoken's cache file name for `cl100kBaseURL`: the SHA-1 of the URL, in hex
    /// (TiktokenEncodingTests checks it against Python's hashlib).
    static let cl100kBaseCacheKey = "9b5ad71b2ce5302211f9c61530b329a4922fc6a4"
    /// sha256 of the published cl100k_base.tiktoken, as tiktoken checks it.
    public static let cl100kBaseSHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"

    /// Loads cl100k_base from `path` if given, else from tiktoken's cache, and checks its
    /// sha256. Returns nil when no file is found; throws when a file is found but is not
    /// cl100k_base.
    public static func cl100kBase(path: String? = nil,
                                  environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> TiktokenEncoding?
    {
        let candidates = path.map { [$0] } ?? cl100kBaseCachePaths(environment: environment)
        for candidate in candidates {
            guard let data = FileManager.default.contents(atPath: candidate) else {
                if path != nil { throw OpenAIError.invalidTokenizerFile("cannot read \(candidate)") }
                continue
            }
            let digest = SHA256Hasher.hex(of: data)
            guard digest == cl100kBaseSHA256 else {
                throw OpenAIError.invalidTokenizerFile(
                    "\(candidate) is not cl100k_base.tiktoken (sha256 \(digest)); delete it or point to the right file")
            }
            return try TiktokenEncoding(rankFile: data)
        }
        return nil
    }

    /// Where tiktoken would have cached cl100k_base, in the order it looks:
    /// `$TIKTOKEN_CACHE_DIR` (empty disables the cache), else `$DATA_GYM_CACHE_DIR`, else
    /// Python's `tempfile.gettempdir()` (`$TMPDIR`, `$TEMP`, `$TMP`, `/tmp`) + `data-gym-cache`.
    public static func cl100kBaseCachePaths(environment: [String: String]) -> [String] {
        let key = cl100kBaseCacheKey
        let directory: String
        if let dir = environment["TIKTOKEN_CACHE_DIR"] {
            directory = dir
        } else if let dir = environment["DATA_GYM_CACHE_DIR"] {
            directory = dir
        } else {
            let temp = ["TMPDIR", "TEMP", "TMP"].lazy.compactMap { environment[$0] }
                .first { !$0.isEmpty } ?? "/tmp"
            directory = (temp as NSString).appendingPathComponent("data-gym-cache")
        }
        if directory.isEmpty { return [] }
        return [(directory as NSString).appendingPathComponent(key)]
    }
}
