import Foundation
import Scanning

/// Prints functions found in a file, ctags-like or as JSON Lines. Shared by
/// `codesearch scan` (files on disk) and `codesearch functions` (a git snapshot).
///
/// Line format (`.lines`), one function per line, lines 1-based and inclusive:
///
///     path:firstLine-lastLine: qualifiedName
///
/// JSON Lines format (`.json`): one object per line, always shaped
/// `{"type": ..., "version": 1, "data": {...}}` so new message types can be added.
/// A function is:
///
///     {"type":"function","version":1,"data":{"path":"a.py","language":"python",
///      "name":"load","qualifiedName":"Cache.load","kind":"method",
///      "firstLine":3,"declarationLine":4,"declarationColumn":5,"lastLine":9,
///      "signature":"def load(self, key):","docFirstLine":5,"docLastLine":5,
///      "byteStart":20,"byteEnd":160}}
///
/// `kind` is one of function, method, initializer, deinitializer, subscript, operator;
/// `docFirstLine`/`docLastLine` are null without a doc comment or docstring;
/// `declarationColumn` is a 1-based byte column; `byteEnd` is exclusive.
struct FunctionPrinter {
    enum Format { case lines, json }

    let format: Format

    /// The text for one file's functions, every line ending in a newline.
    func render(path: String, language: String, functions: [FunctionSpan]) -> String {
        var out = ""
        for f in functions {
            switch format {
            case .lines:
                out += "\(path):\(f.firstLine)-\(f.lastLine): \(f.qualifiedName)\n"
            case .json:
                out += Self.jsonLine(path: path, language: language, function: f) + "\n"
            }
        }
        return out
    }

    /// Written by hand so keys come out in the documented order on every platform.
    static func jsonLine(path: String, language: String, function f: FunctionSpan) -> String {
        func optional(_ v: Int?) -> String { v.map(String.init) ?? "null" }
        var out = #"{"type":"function","version":1,"data":{"path":"#
        out += quoted(path)
        out += #","language":"# + quoted(language)
        out += #","name":"# + quoted(f.name)
        out += #","qualifiedName":"# + quoted(f.qualifiedName)
        out += #","kind":"# + quoted(f.kind.rawValue)
        out += #","firstLine":\#(f.firstLine),"declarationLine":\#(f.declarationLine)"#
        out += #","declarationColumn":\#(f.declarationColumn),"lastLine":\#(f.lastLine)"#
        out += #","signature":"# + quoted(f.signature)
        out += #","docFirstLine":\#(optional(f.docFirstLine)),"docLastLine":\#(optional(f.docLastLine))"#
        out += #","byteStart":\#(f.byteStart),"byteEnd":\#(f.byteEnd)}}"#
        return out
    }

    /// A JSON string literal; invalid UTF-8 has already become U+FFFD in `String`.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
