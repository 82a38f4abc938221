/// One unit of a source file: a function, method, initializer or similar callable;
/// a type declaration (`class`, `struct`, ... as the grammar's `types` say); or the
/// module unit that stands for the whole file.
///
/// All line numbers are 1-based and inclusive; byte offsets are 0-based into the
/// file's bytes as stored in git (a UTF-8 BOM, if any, counts).
public struct FunctionSpan: Codable, Equatable, Hashable, Sendable {
    /// The callables come first; type kinds are named after the declaring keyword
    /// (ctags-like), `module` is the one unit per file.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case function, method, initializer, deinitializer, `subscript`, `operator`
        case `class`, `struct`, `enum`, `protocol`, `actor`, `extension`, interface
        case module

        /// Functions, methods and the like: what `functions`, `check` and `similar` compare.
        public var isCallable: Bool {
            switch self {
            case .function, .method, .initializer, .deinitializer, .subscript, .operator: return true
            default: return false
            }
        }

        public var isType: Bool { !isCallable && self != .module }
    }

    /// The qualified name of a file's module unit (the path is not part of a unit:
    /// a unit depends only on the blob's bytes).
    public static let moduleName = "<module>"

    /// The bare name: `load`, `init`, `subscript`, `==`.
    public var name: String
    /// Dotted path through enclosing types and functions: `Cache.load`, `outer.inner`.
    public var qualifiedName: String
    public var kind: Kind
    /// First line of the definition, including its first decorator / attribute line.
    public var firstLine: Int
    /// The line holding the `def` / `func` / `init` / `class` keyword; a module unit's
    /// first line with code (a docstring counts), or 1.
    public var declarationLine: Int
    /// 1-based column (in bytes) of that keyword on `declarationLine`; on line 1 a
    /// UTF-8 BOM is not counted.
    public var declarationColumn: Int
    /// Last line of the body.
    public var lastLine: Int
    /// The declaration's header, whitespace-folded, up to the body: `def f(a, b) -> int:`.
    public var signature: String
    /// Lines of the docstring (Python) or doc comment (`///`, `/** */`, Go `//`), if any.
    public var docFirstLine: Int?
    public var docLastLine: Int?
    /// Byte range of the whole span, from the start of `firstLine` to the end of `lastLine`:
    /// `byteStart` is the first byte of `firstLine` (0 for line 1, a BOM included),
    /// `byteEnd` is exclusive and stops before `lastLine`'s line terminator.
    public var byteStart: Int
    public var byteEnd: Int

    public init(name: String, qualifiedName: String, kind: Kind, firstLine: Int,
                declarationLine: Int, declarationColumn: Int, lastLine: Int,
                signature: String, docFirstLine: Int?, docLastLine: Int?,
                byteStart: Int, byteEnd: Int) {
        self.name = name
        self.qualifiedName = qualifiedName
        self.kind = kind
        self.firstLine = firstLine
        self.declarationLine = declarationLine
        self.declarationColumn = declarationColumn
        self.lastLine = lastLine
        self.signature = signature
        self.docFirstLine = docFirstLine
        self.docLastLine = docLastLine
        self.byteStart = byteStart
        self.byteEnd = byteEnd
    }
}
