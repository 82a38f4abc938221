import Foundation
import Git
import OrderedJSON
import Scanning

/// One JSON Lines message, `{"type": T, "version": V, "data": {...}}`, keys in that order
/// (`OrderedJSONEncoder` keeps the order in which the properties are declared).
public struct JSONMessage<Data: Encodable>: Encodable {
    public var type: String
    public var version: Int
    public var data: Data

    public init(type: String, version: Int, data: Data) {
        self.type = type
        self.version = version
        self.data = data
    }

    /// The message as one line of text, without the newline.
    public var line: String {
        // Every field is a string, an integer or a finite fixed decimal: encoding cannot fail.
        (try? OrderedJSONEncoder().string(self)) ?? ""
    }
}

/// A path's exact bytes, for a path that is not valid UTF-8: `{"bytes":"<base64>"}`, as
/// ripgrep's JSON gives such paths. It follows `"path"`, which holds the path with each
/// byte that is not UTF-8 shown as U+FFFD.
public struct PathBytes: Encodable, Sendable {
    public var bytes: String

    /// nil for a valid UTF-8 path (then `"pathBytes"` is left out).
    public init?(path: String) {
        guard !GitPath.isValidUTF8(path) else { return nil }
        bytes = Data(GitPath.bytes(of: path)).base64EncodedString()
    }
}

/// `hit` (see `JSONHitPrinter`).
struct HitData: Encodable {
    var rank: Int
    var path: String
    var pathBytes: PathBytes?
    var line: Int
    var column: Int
    var endLine: Int
    var name: String
    var qualifiedName: String
    var kind: String
    var language: String
    var signature: String
    var score: FixedDecimal
    var blob: String
}

/// `file` (see `FileListPrinter`).
struct FileData: Encodable {
    var rank: Int
    var path: String
    var pathBytes: PathBytes?
    var line: Int
    var score: FixedDecimal
}

struct HitCount: Encodable { var hits: Int }
struct FileCount: Encodable { var files: Int }

/// `function` (see `FunctionPrinter`): every field always there, the doc lines `null`
/// without a doc comment.
struct FunctionData: Encodable {
    var path: String
    var pathBytes: PathBytes?
    var language: String
    var span: FunctionSpan

    enum CodingKeys: String, CodingKey {
        case path, pathBytes, language, name, qualifiedName, kind, firstLine, declarationLine, declarationColumn,
             lastLine, signature, docFirstLine, docLastLine, byteStart, byteEnd
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encodeIfPresent(pathBytes, forKey: .pathBytes)
        try c.encode(language, forKey: .language)
        try c.encode(span.name, forKey: .name)
        try c.encode(span.qualifiedName, forKey: .qualifiedName)
        try c.encode(span.kind.rawValue, forKey: .kind)
        try c.encode(span.firstLine, forKey: .firstLine)
        try c.encode(span.declarationLine, forKey: .declarationLine)
        try c.encode(span.declarationColumn, forKey: .declarationColumn)
        try c.encode(span.lastLine, forKey: .lastLine)
        try c.encode(span.signature, forKey: .signature)
        try c.encode(span.docFirstLine, forKey: .docFirstLine)
        try c.encode(span.docLastLine, forKey: .docLastLine)
        try c.encode(span.byteStart, forKey: .byteStart)
        try c.encode(span.byteEnd, forKey: .byteEnd)
    }
}
