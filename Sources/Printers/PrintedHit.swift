/// One ranked unit as the printers show it: everything they print, already read (the
/// source lines included), so a printer needs no repository, index or ranking.
public struct PrintedHit: Sendable, Equatable {
    /// Relative to the repository root; git's bytes (see `GitPath`).
    public var path: String
    public var name: String
    public var qualifiedName: String
    /// A callable's, a type's (`class`, `struct`, ...) or `module`.
    public var kind: String
    public var language: String
    public var signature: String
    /// The `def`/`func`/`class` line (a module unit's first code line), 1-based.
    public var line: Int
    /// The declaration's 1-based byte column.
    public var column: Int
    public var lastLine: Int
    public var score: Float
    /// The blob's id, 40 hex digits.
    public var blob: String
    /// Source lines from `line` on, as many as the output shows (none for JSON and vimgrep).
    public var context: [String]

    public init(path: String, name: String, qualifiedName: String, kind: String, language: String, signature: String,
                line: Int, column: Int, lastLine: Int, score: Float, blob: String, context: [String] = []) {
        self.path = path
        self.name = name
        self.qualifiedName = qualifiedName
        self.kind = kind
        self.language = language
        self.signature = signature
        self.line = line
        self.column = column
        self.lastLine = lastLine
        self.score = score
        self.blob = blob
        self.context = context
    }
}
