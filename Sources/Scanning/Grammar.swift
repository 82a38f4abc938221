/// A language description read from a grammar JSON file (`Grammars/<language>.json`).
///
/// The scanner engine knows nothing about any particular language; everything it
/// needs comes from here. Schema (all keys not marked optional are required):
///
/// - `name`, `extensions` (without dots).
/// - `block`: `"indentation"` (Python-like) or `"braces"`; `tabWidth` (optional, 8).
/// - `identifierStart` / `identifierPart`: characters allowed besides ASCII letters,
///   digits, `_` and non-ASCII bytes; `identifierQuote` (optional): a quote that makes
///   any text an identifier (Swift's backtick).
/// - `operatorCharacters`: runs of these form one operator token (`->`, `==`).
/// - `lineJoiningBrackets`: opening brackets inside which newlines do not end a line.
/// - `lineContinuation` (optional): a character that joins a line with the next.
/// - `lineComments`, `blockComments` (`open`, `close`, `nestable`).
/// - `docComments`: `linePrefixes`, `blockOpens` (comments attached to the next
///   definition), `firstStatementString` (a docstring as the first body statement).
/// - `stringPrefixes` (case-insensitive, e.g. `rb`), `rawStringDelimiter` (optional,
///   Swift's `#`: `#"..."#` needs as many after the close and after the escape).
/// - `strings`: tried in order; each `open`, `close`, `multiline`, `escape` (optional),
///   `openEndsLine` (optional: `open` must end its line, else the next form is tried)
///   and `interpolation` (optional): `open`/`close` of embedded code, `afterEscape`
///   (Swift `\(`), `literalDoubled` (`{{` is text), `formatSpec` (`:` ends the code
///   part, Python f-strings), `prefix` (only strings with this prefix letter interpolate).
/// - `definitions`: `keyword`, `kind` (a `FunctionSpan.Kind`; `function` becomes
///   `method` inside a type), `name` (`identifier`, `identifierOrOperator`, `keyword`:
///   the keyword is the name), `receiver` (optional: Go's `func (r *T) name`),
///   `topLevel` (optional: a named definition only as the first token of a statement
///   outside every scope, as Go's; elsewhere the keyword starts a literal, `func(x) {`).
/// - `types`: `keyword`, `dottedName` (optional: `extension A.B`), `kind` (optional: the
///   declaration is a unit of this `FunctionSpan.Kind`), `bodyKinds` (optional: the word
///   right before the body chooses the kind, Go's `type T struct {`; without one of
///   them, or with other words between the name and it, there is no unit),
///   `grouped` (optional: `type ( A struct {...}; B interface {...} )` declares one
///   type per statement of the group).
/// - `modifiers`: words that may precede a definition keyword (`public`, `async`).
/// - `attributes` (optional): `prefix` and `form`: `line` (a Python decorator takes
///   the whole logical line) or `token` (`@name` plus an optional `(...)`).
/// - `reservedWords` (optional): words that are never a name (`class var x`).
/// - `keywordsIgnoredAfter`: a definition or type keyword right after one of these
///   tokens is not one (`self.init(...)`, `import class X`).
/// - `header`: `bodyOpen` (`:` or `{`), `bodylessAtNewline` (a header may end at a
///   newline without a body, e.g. a protocol requirement), `continuesAfter` and
///   `continuesBefore`: tokens that keep a header going across a newline;
///   `angleBrackets` (optional): an open `<...>` keeps it going too.
/// - `regexLiterals` (optional): `delimiter` (`/`), `extendedDelimiter` (optional, `#`:
///   `#/.../#` with any number of them, a regex wherever it stands, spanning lines when
///   the opening ends its line), `bare` (a lone `/.../` is a regex where an expression
///   may start, by the Swift lexer's rules), `escape`, `notAfterWords` (optional: words
///   after which a bare delimiter is an operator's name, `func /`).
/// - `conditionalCompilation` (optional): `if`, `else`, `end` directive words (`#if`).
///   A directive line is invisible to the structure, and every branch is scanned
///   from the brace state at its `#if`, so a header duplicated across branches
///   cannot unbalance the rest of the file.
/// - `keywords` (optional): the language's reserved words and built-in constants
///   (`if`, `return`, `self`, `None`). Scanning ignores them; the clone fingerprint
///   keeps them while it replaces every other identifier with one placeholder, so a
///   copy with renamed names keeps its shape (`CloneFingerprint`).
public struct Grammar: Codable, Sendable, Equatable {
    public enum BlockStyle: String, Codable, Sendable { case indentation, braces }
    public struct BlockComment: Codable, Sendable, Equatable {
        public var open: String
        public var close: String
        public var nestable: Bool
    }
    public struct DocComments: Codable, Sendable, Equatable {
        public var linePrefixes: [String]
        public var blockOpens: [String]
        public var firstStatementString: Bool
    }
    public struct Interpolation: Codable, Sendable, Equatable {
        public var open: String
        public var close: String
        public var afterEscape: Bool?
        public var literalDoubled: Bool?
        public var formatSpec: String?
        public var prefix: String?
    }
    public struct StringForm: Codable, Sendable, Equatable {
        public var open: String
        public var close: String
        public var multiline: Bool
        /// Only text up to the end of the line may follow `open` (Swift `"""`), so
        /// `#"""#` is a one-line string holding a quote.
        public var openEndsLine: Bool?
        public var escape: String?
        public var interpolation: Interpolation?
    }
    public enum NameForm: String, Codable, Sendable {
        case identifier, identifierOrOperator, keyword
    }
    public struct Definition: Codable, Sendable, Equatable {
        public var keyword: String
        public var kind: FunctionSpan.Kind
        public var name: NameForm
        public var receiver: Bool?
        public var topLevel: Bool?
    }
    public struct TypeIntroducer: Codable, Sendable, Equatable {
        public var keyword: String
        public var dottedName: Bool?
        public var kind: FunctionSpan.Kind?
        public var bodyKinds: [String: FunctionSpan.Kind]?
        public var grouped: Bool?
    }
    public enum AttributeForm: String, Codable, Sendable { case line, token }
    public struct Attributes: Codable, Sendable, Equatable {
        public var prefix: String
        public var form: AttributeForm
    }
    public struct ConditionalCompilation: Codable, Sendable, Equatable {
        public var `if`: [String]
        public var `else`: [String]
        public var end: [String]
    }
    public struct RegexLiterals: Codable, Sendable, Equatable {
        public var delimiter: String
        public var extendedDelimiter: String?
        public var bare: Bool
        public var escape: String
        public var notAfterWords: [String]?
    }
    public struct Header: Codable, Sendable, Equatable {
        public var bodyOpen: String
        public var bodylessAtNewline: Bool?
        /// `<...>` at statement depth keeps a header going (Swift generics).
        public var angleBrackets: Bool?
        public var continuesAfter: [String]
        public var continuesBefore: [String]
    }

    public var name: String
    public var extensions: [String]
    public var block: BlockStyle
    public var tabWidth: Int?
    public var identifierStart: String
    public var identifierPart: String
    public var identifierQuote: String?
    public var operatorCharacters: String
    public var lineJoiningBrackets: String
    public var lineContinuation: String?
    public var lineComments: [String]
    public var blockComments: [BlockComment]
    public var docComments: DocComments
    public var stringPrefixes: [String]?
    public var rawStringDelimiter: String?
    public var strings: [StringForm]
    public var definitions: [Definition]
    public var types: [TypeIntroducer]
    public var modifiers: [String]
    public var attributes: Attributes?
    public var keywordsIgnoredAfter: [String]
    /// Words that are never a definition or type name (`var` in `class var x`).
    public var reservedWords: [String]?
    public var header: Header
    public var conditionalCompilation: ConditionalCompilation?
    public var keywords: [String]?
    public var regexLiterals: RegexLiterals?
}
