import Foundation

/// Removes a secret, any long piece of it, and credentials in header form from text that
/// came from a server, before the text can reach a message, a log or a terminal.
enum SecretRedaction {
    /// A run of this many bytes of the key is treated as the key: a server may echo a key
    /// cut short, or one cut may fall inside it.
    static let shortestFragment = 8
    static let marker = "[redacted]"

    /// `text` with every run of `shortestFragment` or more bytes that also occurs in `secret`
    /// replaced by one marker, and `Bearer …`, `api-key: …` and `Authorization: …` values redacted.
    static func redact(_ text: String, secret: String?) -> String {
        var text = text
        if let secret, !secret.isEmpty { text = redactFragments(of: Array(secret.utf8), in: text) }
        for pattern in credentialPatterns {
            text = text.replacingOccurrences(of: pattern, with: "$1 \(marker)", options: .regularExpression)
        }
        return text
    }

    /// Header-shaped credentials a server may echo back (case-insensitive); group 1 is kept.
    private static let credentialPatterns = [
        #"(?i)(bearer)\s+[^\s"',;]+"#,
        #"(?i)(api[-_]?key"?\s*[:=]\s*"?)[^\s"',;]+"#,
        // A scheme word (`Basic`, `Token`) and the credential after it both go.
        #"(?i)(authorization"?\s*[:=]\s*"?)(?!bearer)(?:[a-z]+\s+)?[^\s"',;]+"#,
    ]

    /// Marks every byte of `text` inside a window of `shortestFragment` bytes that is also a
    /// window of the secret, and replaces each marked run by the marker. A run of the secret
    /// of any length past the bound is covered window by window, so it goes whole.
    private static func redactFragments(of secret: [UInt8], in text: String) -> String {
        let bytes = Array(text.utf8)
        let width = min(shortestFragment, secret.count)
        guard bytes.count >= width else { return text }
        var windows = Set<ArraySlice<UInt8>>()
        for start in 0...(secret.count - width) { windows.insert(secret[start..<start + width]) }
        var marked = [Bool](repeating: false, count: bytes.count)
        for start in 0...(bytes.count - width) where windows.contains(bytes[start..<start + width]) {
            for i in start..<start + width { marked[i] = true }
        }
        guard marked.contains(true) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if marked[i] {
                out.append(contentsOf: marker.utf8)
                while i < bytes.count && marked[i] { i += 1 }
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
