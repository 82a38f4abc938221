import Foundation
import Git
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
/// `kind` is one of function, method, initializer, deinitializer, subscript, operator,
/// or (with `--kind`) class, struct, enum, protocol, actor, extension, interface, module;
/// `docFirstLine`/`docLastLine` are null without a doc comment or docstring;
/// `declarationColumn` is a 1-based byte column; `byteEnd` is exclusive. A path that is
/// not valid UTF-8 has U+FFFD in `path` and its exact bytes in
/// `"pathBytes":{"bytes":"<base64>"}` right after it, as ripgrep's JSON gives them.
///
/// In the line format a path with unusual bytes is quoted as `PrintableText.path` says,
/// and names have their control characters escaped when `escapeText` (on a terminal).
public struct FunctionPrinter {
    public enum Format: Sendable { case lines, json }

    public let format: Format
    public var escapeText = false

    public init(format: Format, escapeText: Bool = false) {
        self.format = format
        self.escapeText = escapeText
    }

    /// The text for one file's functions, every line ending in a newline.
    public func render(path: String, language: String, functions: [FunctionSpan]) -> String {
        var out: [UInt8] = []
        append(path: path, language: language, functions: functions, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends one file's functions as UTF-8, every line ending in a newline.
    public func append(path: String, language: String, functions: [FunctionSpan], to out: inout [UInt8]) {
        out.reserveCapacity(out.count + functions.count * (format == .json ? 320 : 64))
        switch format {
        case .lines:
            let shownPath = PrintableText.path(path)
            for f in functions {
                let name = PrintableText.text(f.qualifiedName, escaping: escapeText)
                out += Array("\(shownPath):\(f.firstLine)-\(f.lastLine): \(name)\n".utf8)
            }
        case .json:
            let quotedPath = Self.pathFields(path)
            let quotedLanguage = Self.quoted(language)
            for f in functions {
                Self.appendJSON(to: &out, path: quotedPath, language: quotedLanguage, function: f)
                out.append(10)
            }
        }
    }

    /// One JSON Lines message, without the newline.
    public static func jsonLine(path: String, language: String, function f: FunctionSpan) -> String {
        var out: [UInt8] = []
        appendJSON(to: &out, path: pathFields(path), language: quoted(language), function: f)
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of `"path"`, followed by `,"pathBytes":{...}` for a path that is not UTF-8.
    private static func pathFields(_ path: String) -> [UInt8] {
        var out = quoted(GitPath.lossy(path))
        if !GitPath.isValidUTF8(path) {
            out += Array(#","pathBytes":{"bytes":""#.utf8)
            out += Array(Data(GitPath.bytes(of: path)).base64EncodedString().utf8)
            out += Array(#""}"#.utf8)
        }
        return out
    }

    /// Written by hand so keys come out in the documented order on every platform.
    private static func appendJSON(to out: inout [UInt8], path: [UInt8], language: [UInt8], function f: FunctionSpan) {
        func raw(_ s: StaticString) {
            s.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        func int(_ v: Int?) {
            if let v { out += Array(String(v).utf8) } else { raw("null") }
        }
        raw(#"{"type":"function","version":1,"data":{"path":"#)
        out += path
        raw(#","language":"#); out += language
        raw(#","name":"#); out += quoted(f.name)
        raw(#","qualifiedName":"#); out += quoted(f.qualifiedName)
        raw(#","kind":""#); out += Array(f.kind.rawValue.utf8); raw(#"""#)
        raw(#","firstLine":"#); int(f.firstLine)
        raw(#","declarationLine":"#); int(f.declarationLine)
        raw(#","declarationColumn":"#); int(f.declarationColumn)
        raw(#","lastLine":"#); int(f.lastLine)
        raw(#","signature":"#); out += quoted(f.signature)
        raw(#","docFirstLine":"#); int(f.docFirstLine)
        raw(#","docLastLine":"#); int(f.docLastLine)
        raw(#","byteStart":"#); int(f.byteStart)
        raw(#","byteEnd":"#); int(f.byteEnd)
        raw("}}")
    }

    /// A JSON string literal, as UTF-8; `String` has already turned invalid UTF-8
    /// into U+FFFD.
    public static func quoted(_ s: String) -> [UInt8] {
        var out: [UInt8] = [34]
        out.reserveCapacity(s.utf8.count + 2)
        let hex = Array("0123456789abcdef".utf8)
        for c in s.utf8 {
            switch c {
            case 34: out += [92, 34]
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            case 13: out += [92, 114]
            case 9: out += [92, 116]
            case 0..<0x20, 0x7F:
                out += [92, 117, 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]]
            default:
                out.append(c)
            }
        }
        out.append(34)
        return out
    }
}
