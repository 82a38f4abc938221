/// Finds the units of one source file, driven by a `Grammar`: its functions (and
/// other callables), its type declarations and one module unit (see `ModuleUnit.swift`).
///
/// Scanning is one pass over the bytes (never `Character`s), so it is linear in the
/// input and never fails: binary data, invalid UTF-8, unterminated strings and
/// unbalanced brackets give a best-effort answer.
///
/// Decisions every consumer should know:
/// - Functions without a body (Swift protocol requirements, Go assembly stubs) are
///   reported; their `lastLine` is the last line of the declaration. They have a
///   signature and often a doc comment, which is what search needs.
/// - Accessors (`get`/`set`/`willSet`/`didSet`) and computed properties are not
///   reported; neither are closures, lambdas or function literals. A named function
///   declared inside one of them is reported.
/// - `firstLine` is the line of the first decorator, attribute or modifier
///   (`@available`, `public`) before the keyword; doc comments are not included but
///   are reported in `docFirstLine...docLastLine`.
/// - `byteEnd` is exclusive and stops before the line terminator of `lastLine`.
/// - Lines end at LF, CRLF or a lone CR (`LineEnds`).
public struct FunctionScanner: Sendable {
    /// Changes whenever the engine changes what it extracts from unchanged grammars;
    /// part of `GrammarRegistry.version`, so indexed blobs are scanned again.
    public static let engineVersion = "units-1"

    public let grammar: Grammar
    let compiled: CompiledGrammar

    public init(grammar: Grammar) throws {
        self.grammar = grammar
        self.compiled = try CompiledGrammar(grammar)
    }

    /// The callables of `bytes`, in source order (an enclosing function before the
    /// functions nested in it).
    public func functions(in bytes: [UInt8]) -> [FunctionSpan] {
        bytes.withUnsafeBufferPointer { functions(in: $0) }
    }

    /// Every unit of `bytes`: the module unit first, then callables and types in
    /// source order (an enclosing unit before the units nested in it).
    public func units(in bytes: [UInt8]) -> [FunctionSpan] {
        bytes.withUnsafeBufferPointer { units(in: $0) }
    }

    public func units(in buffer: UnsafeRawBufferPointer) -> [FunctionSpan] {
        units(in: buffer.assumingMemoryBound(to: UInt8.self))
    }

    public func units(in buffer: UnsafeBufferPointer<UInt8>) -> [FunctionSpan] {
        // The engine counts lines at LF only; a same-length copy keeps every offset valid.
        if let copy = LineEnds.loneCRsAsLF(buffer) {
            return copy.withUnsafeBufferPointer { scan($0) }
        }
        return scan(buffer)
    }

    private func scan(_ buffer: UnsafeBufferPointer<UInt8>) -> [FunctionSpan] {
        var engine = ScanEngine(grammar: compiled, bytes: buffer)
        return engine.run()
    }

    /// The functions of the bytes in `buffer`; the buffer is only read during the call.
    public func functions(in buffer: UnsafeRawBufferPointer) -> [FunctionSpan] {
        functions(in: buffer.assumingMemoryBound(to: UInt8.self))
    }

    public func functions(in buffer: UnsafeBufferPointer<UInt8>) -> [FunctionSpan] {
        units(in: buffer).filter(\.kind.isCallable)
    }
}
