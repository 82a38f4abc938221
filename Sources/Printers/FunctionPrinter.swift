import Foundation
import Git
import OrderedJSON
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
            var head = Array(#"{"type":"function","version":1,"data":{"path":"#.utf8)
            OrderedJSONEncoder.appendString(GitPath.lossy(path), to: &head)
            if let pathBytes = PathBytes(path: path) {
                head += Array(#","pathBytes":{"bytes":"#.utf8)
                OrderedJSONEncoder.appendString(pathBytes.bytes, to: &head)
                head.append(UInt8(ascii: "}"))
            }
            head += Array(#","language":"#.utf8)
            OrderedJSONEncoder.appendString(language, to: &head)
            for f in functions {
                out += head
                Self.appendFields(of: f, to: &out)
            }
        }
    }

    /// The fields after `language`, `}}` and the newline: the bytes `OrderedJSONEncoder`
    /// writes for `FunctionData`, written directly because `functions --json` prints tens of
    /// thousands of these and the Codable route cost 11% more CPU there (measured in
    /// Benchmarks/RESULTS-json.md). PrintersTests checks the two against each other.
    private static func appendFields(of f: FunctionSpan, to out: inout [UInt8]) {
        func key(_ s: StaticString) { s.withUTF8Buffer { out.append(contentsOf: $0) } }
        func int(_ v: Int?) {
            if let v { OrderedJSONEncoder.appendInteger(v, to: &out) } else { key("null") }
        }
        key(#","name":"#); OrderedJSONEncoder.appendString(f.name, to: &out)
        key(#","qualifiedName":"#); OrderedJSONEncoder.appendString(f.qualifiedName, to: &out)
        key(#","kind":"#); OrderedJSONEncoder.appendString(f.kind.rawValue, to: &out)
        key(#","firstLine":"#); int(f.firstLine)
        key(#","declarationLine":"#); int(f.declarationLine)
        key(#","declarationColumn":"#); int(f.declarationColumn)
        key(#","lastLine":"#); int(f.lastLine)
        key(#","signature":"#); OrderedJSONEncoder.appendString(f.signature, to: &out)
        key(#","docFirstLine":"#); int(f.docFirstLine)
        key(#","docLastLine":"#); int(f.docLastLine)
        key(#","byteStart":"#); int(f.byteStart)
        key(#","byteEnd":"#); int(f.byteEnd)
        key("}}\n")
    }

    /// One `function` message through `OrderedJSONEncoder`, without the newline: what the
    /// fast path above must match.
    static func encodedLine(path: String, language: String, function f: FunctionSpan) -> String {
        JSONMessage(type: "function", version: 1,
                    data: FunctionData(path: GitPath.lossy(path), pathBytes: PathBytes(path: path), language: language, span: f)).line
    }

}
