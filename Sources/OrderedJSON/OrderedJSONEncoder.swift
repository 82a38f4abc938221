import Foundation

/// Encodes `Encodable` values as compact JSON with the keys in the order `encode(to:)`
/// encodes them: the documented order of every JSON message codesearch prints.
///
/// Foundation's `JSONEncoder` cannot do this here: on this toolchain (Swift 6.3,
/// swift-foundation) it keeps an object's keys in a `Dictionary`, so without
/// `.sortedKeys` they come out in a different order in every process (hashing is seeded
/// per process), and with it alphabetically. It also writes `\b` and `\f` where the
/// documented formats have `\u0008` and `\u000c`, and DEL raw. So the messages are
/// `Codable` value types, and this encoder writes them (`JSONEncoder` still reads and
/// writes them wherever order does not matter).
///
/// Output: no white space; integers in decimal; `Float` and `Double` as Swift prints them
/// (shortest round-trip form, `1.0`, `1e-05`), a non-finite one is an error;
/// `FixedDecimal` with its fixed decimals; strings as UTF-8 with `Escaping`'s escapes.
///
/// Containers are written as they are opened, so an `encode(to:)` must finish a nested
/// container before it goes on with its parent (every synthesized conformance, and every
/// hand-written one in this project, does), and may ask its encoder for one container.
public struct OrderedJSONEncoder: Sendable {
    /// Which characters of a string are escaped.
    public enum Escaping: Sendable {
        /// `"` and `\` as `\"` and `\\`; newline, carriage return and tab as `\n`, `\r`, `\t`;
        /// every other C0 control and DEL as `\u00XX` (lowercase hex). Everything else,
        /// `/` and non-ASCII included, is written as it is.
        case standard
        /// Safe inside an HTML `<script>` block: as `standard`, but `<`, `>`, `&`, U+2028,
        /// U+2029 and carriage return as `\uXXXX`, so no `</script>` or `<!--` can appear.
        case script
    }

    public var escaping: Escaping

    public init(escaping: Escaping = .standard) {
        self.escaping = escaping
    }

    /// `value` as JSON text.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var out: [UInt8] = []
        try append(value, to: &out)
        return out
    }

    /// `value` as a `String` of JSON.
    public func string<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    /// Appends `value`'s JSON to `out` (no newline).
    public func append<T: Encodable>(_ value: T, to out: inout [UInt8]) throws {
        try appendLines(CollectionOfOne(value), to: &out, newline: false)
    }

    /// `s` as a JSON string with `.standard` escaping, appended to `out`: for a hand-written
    /// fast path that must write what this encoder writes.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        JSONWriter.appendStandard(s, to: &out)
    }

    /// `v` in decimal, appended to `out` (see `appendString`).
    public static func appendInteger(_ v: Int, to out: inout [UInt8]) {
        JSONWriter.appendInteger(v, to: &out)
    }

    /// Appends each value's JSON followed by a newline (JSON Lines) to `out`.
    public func appendLines<S: Sequence>(_ values: S, to out: inout [UInt8], newline: Bool = true) throws
        where S.Element: Encodable
    {
        let writer = JSONWriter(escaping: escaping)
        swap(&writer.bytes, &out)
        defer { swap(&writer.bytes, &out) }
        for value in values {
            try writer.value(value)
            if newline { writer.bytes.append(10) }
        }
    }
}

/// A number printed with `digits` decimals (`0.831200`), as the documented formats print
/// scores and similarities. Other encoders get the value as a `Double`.
public struct FixedDecimal: Encodable, Sendable, Equatable {
    public var value: Double
    public var digits: Int

    public init(_ value: Float, digits: Int = 6) {
        self.value = Double(value)
        self.digits = digits
    }

    /// C's `%.Nf`, exactly as the formats have always printed it (`-0.000000` included).
    public var text: String { String(format: "%.\(digits)f", value) }

    public func encode(to encoder: Encoder) throws {
        if let ours = encoder as? JSONValueEncoder { return ours.writer.raw(text) }
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
