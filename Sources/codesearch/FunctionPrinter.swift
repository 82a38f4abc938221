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

    private struct Message: Encodable {
        struct Payload: Encodable {
            let path: String
            let language: String
            let name: String
            let qualifiedName: String
            let kind: String
            let firstLine: Int
            let declarationLine: Int
            let declarationColumn: Int
            let lastLine: Int
            let signature: String
            let docFirstLine: Int?
            let docLastLine: Int?
            let byteStart: Int
            let byteEnd: Int

            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(path, forKey: .path)
                try c.encode(language, forKey: .language)
                try c.encode(name, forKey: .name)
                try c.encode(qualifiedName, forKey: .qualifiedName)
                try c.encode(kind, forKey: .kind)
                try c.encode(firstLine, forKey: .firstLine)
                try c.encode(declarationLine, forKey: .declarationLine)
                try c.encode(declarationColumn, forKey: .declarationColumn)
                try c.encode(lastLine, forKey: .lastLine)
                try c.encode(signature, forKey: .signature)
                try c.encode(docFirstLine, forKey: .docFirstLine)
                try c.encode(docLastLine, forKey: .docLastLine)
                try c.encode(byteStart, forKey: .byteStart)
                try c.encode(byteEnd, forKey: .byteEnd)
            }
            enum CodingKeys: String, CodingKey {
                case path, language, name, qualifiedName, kind, firstLine, declarationLine,
                     declarationColumn, lastLine, signature, docFirstLine, docLastLine, byteStart, byteEnd
            }
        }
        let type = "function"
        let version = 1
        let data: Payload
        enum CodingKeys: String, CodingKey { case type, version, data }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes]
        return e
    }()

    static func jsonLine(path: String, language: String, function f: FunctionSpan) -> String {
        let message = Message(data: .init(
            path: path, language: language, name: f.name, qualifiedName: f.qualifiedName,
            kind: f.kind.rawValue, firstLine: f.firstLine, declarationLine: f.declarationLine,
            declarationColumn: f.declarationColumn, lastLine: f.lastLine, signature: f.signature,
            docFirstLine: f.docFirstLine, docLastLine: f.docLastLine,
            byteStart: f.byteStart, byteEnd: f.byteEnd))
        guard let data = try? encoder.encode(message) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
