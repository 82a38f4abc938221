#if canImport(CommonCrypto)
import CommonCrypto
#else
import CLibCrypto
#endif
import Foundation

/// SHA-256, streaming: the identity of a model's weights, the check of a downloaded
/// tokenizer table and an endpoint's fingerprint. OpenSSL's EVP digest on Linux
/// (`EVP_DigestInit_ex` / `EVP_DigestUpdate` / `EVP_DigestFinal_ex`), CommonCrypto on Darwin.
public final class SHA256Hasher {
    #if canImport(CommonCrypto)
    private var context = CC_SHA256_CTX()
    #else
    // Owned here: made in init, freed in deinit, never handed out.
    private let context: OpaquePointer
    #endif
    private var finished = false

    public init() {
        #if canImport(CommonCrypto)
        CC_SHA256_Init(&context)
        #else
        // EVP_MD_CTX_new fails only when malloc does; EVP_DigestInit_ex with the built-in
        // SHA-256 then cannot fail. Neither is recoverable, so both stop the process.
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.context = context
        precondition(EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1, "EVP_DigestInit_ex(sha256) failed")
        #endif
    }

    deinit {
        #if !canImport(CommonCrypto)
        EVP_MD_CTX_free(context)
        #endif
    }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "SHA256Hasher.update after finalize")
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        #if canImport(CommonCrypto)
        CC_SHA256_Update(&context, base, CC_LONG(bytes.count))
        #else
        precondition(EVP_DigestUpdate(context, base, bytes.count) == 1, "EVP_DigestUpdate failed")
        #endif
    }

    public func update(_ data: Data) { data.withUnsafeBytes { update($0) } }

    /// The digest as 64 lower-case hex digits; the hasher is spent afterwards.
    public func finalizeHex() -> String {
        precondition(!finished, "SHA256Hasher.finalize twice")
        finished = true
        var digest = [UInt8](repeating: 0, count: 32)
        #if canImport(CommonCrypto)
        CC_SHA256_Final(&digest, &context)
        #else
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &digest, &length) == 1 && length == 32, "EVP_DigestFinal_ex failed")
        #endif
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest { out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The hex digest of one buffer.
    public static func hex(of data: Data) -> String {
        let hasher = SHA256Hasher()
        hasher.update(data)
        return hasher.finalizeHex()
    }
}
