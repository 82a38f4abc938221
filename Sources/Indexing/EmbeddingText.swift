import IndexStorage
import Scanning
import Hashing

/// The text embedded for a unit. It depends only on the blob's bytes,
/// never on the path, so one embedding serves every path and revision.
///
/// The qualified name comes first and identifiers are split into words
/// (`parseHTTPHeader` → parse http header) so the word-piece tokenizer sees
/// English words; measured in `Benchmarks/RESULTS-quality.md`.
public enum EmbeddingText {
    /// A callable's text: its qualified name, then its source.
    public static func text(for span: FunctionSpan, in bytes: [UInt8]) -> String {
        // Split from the bytes, decoded once at the end (`IdentifierWords.appendSplitting`).
        var out: [UInt8] = [], name = span.qualifiedName
        name.withUTF8 { IdentifierWords.appendSplitting($0, to: &out) }
        out.append(10)
        let start = min(max(0, span.byteStart), bytes.count)
        let end = min(max(start, span.byteEnd), bytes.count)
        bytes.withUnsafeBufferPointer { IdentifierWords.appendSplitting(UnsafeBufferPointer(rebasing: $0[start..<end]), to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The texts of all the units of one blob, in order. A type's or module's text
    /// summarises the units around it (`UnitText`), so it needs them all; it still
    /// depends only on the blob's bytes, since the units do.
    public static func texts(for units: [FunctionSpan], in bytes: [UInt8]) -> [String] {
        let lines = units.contains { !$0.kind.isCallable } ? LineTable(bytes) : nil
        let index = units.contains { $0.kind.isType } ? UnitText.Index(units) : nil
        return units.enumerated().map { position, unit in
            guard let lines, !unit.kind.isCallable else { return text(for: unit, in: bytes) }
            let raw = unit.kind == .module || index == nil
                ? UnitText.module(unit, units: units, lines: lines)
                : UnitText.type(unit, at: position, units: units, index: index!, lines: lines)
            return IdentifierWords.splitIdentifiers(in: raw)
        }
    }

    /// The function's source, bytes `byteStart..<byteEnd` (clamped), decoded as
    /// UTF-8 with replacement characters for invalid sequences.
    public static func source(of span: FunctionSpan, in bytes: [UInt8]) -> String {
        let start = min(max(0, span.byteStart), bytes.count)
        let end = min(max(start, span.byteEnd), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The cache key of a text: equal texts share one vector.
    public static func hash(_ text: String) -> UInt64 {
        XXHash64.hash(text, seed: 0x636f_6465_7365_6172)
    }
}
