import Foundation
import Git

/// Text from a repository made safe to print. A committed file name or docstring is
/// untrusted: `\e]0;PWNED\a` would retitle the user's terminal, a newline in a path would
/// split a `--vimgrep` line, and a non-UTF-8 path printed lossily names a file that does
/// not exist.
public enum PrintableText {
    /// A path as git prints it with `core.quotePath=false`, except that bytes which are not
    /// valid UTF-8 are escaped too (git passes them raw): a path with a control
    /// character, a `"`, a `\`, a byte that is not UTF-8, or an invisible direction
    /// override is put in double quotes with C escapes (`\n`, `\t`, `\"`, `\\`) and
    /// three-digit octal for other bytes: `"caf\351.py"`. Any other path is printed as is,
    /// non-ASCII letters included.
    public static func path(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: mustQuote) else { return path }
        var out = "\""
        for scalar in path.unicodeScalars {
            if let byte = GitPath.escapedByte(scalar) {
                out += octal(byte)
            } else if mustQuote(scalar) {
                for byte in String(scalar).utf8 { out += cEscape(byte) ?? octal(byte) }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Text (a name, a signature, a line of source) with every control character shown as
    /// an escape: C0 controls and DEL as `\x1b`, C1 controls and direction overrides as
    /// `\u{202e}`. Tabs stay, as they are part of ordinary source. Nothing else changes.
    public static func text(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if !isControl(scalar) {
                out.unicodeScalars.append(scalar)
            } else if scalar.value < 0x80 {
                out += "\\x" + hex(scalar.value, digits: 2)
            } else {
                out += "\\u{" + hex(scalar.value, digits: 1) + "}"
            }
        }
        return out
    }

    /// `text(_:)` when `escaping`, else the text as it is (output to a file or a pipe
    /// keeps the bytes a program downstream may want).
    public static func text(_ text: String, escaping: Bool) -> String {
        escaping ? self.text(text) : text
    }

    /// Whether a scalar makes a path need quotes.
    private static func mustQuote(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\"" || scalar == "\\" || scalar == "\t" || isControl(scalar) || GitPath.escapedByte(scalar) != nil
    }

    /// C0 controls but tab, DEL, C1 controls, and the bidirectional overrides and isolates
    /// that reorder what a terminal shows (U+202A-U+202E, U+2066-U+2069).
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: return false
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Git's short escapes (`quote.c`), or nil for a byte shown in octal.
    private static func cEscape(_ byte: UInt8) -> String? {
        switch byte {
        case 0x07: return "\\a"
        case 0x08: return "\\b"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0B: return "\\v"
        case 0x0C: return "\\f"
        case 0x0D: return "\\r"
        case 0x22: return "\\\""
        case 0x5C: return "\\\\"
        default: return nil
        }
    }

    private static func octal(_ byte: UInt8) -> String {
        "\\" + String(byte >> 6) + String((byte >> 3) & 7) + String(byte & 7)
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}
