import Platform

/// Paths as git holds them: bytes, usually UTF-8 but not always (a file committed as
/// `caf\xe9.py` on a Latin-1 system). A `String` path from this module keeps every byte:
/// valid UTF-8 decodes as usual, and each byte that is not part of valid UTF-8 becomes the
/// private-use scalar U+10FF00 + byte. `bytes(of:)` gives the original bytes back, so
/// such a path still names its file, and printers can quote the bytes as git does.
///
/// For the mapping to be one-to-one, a path that really holds one of those 256 scalars
/// (its UTF-8 begins F4 8F BC..BF) keeps them as four escaped bytes each as well.
public enum GitPath {
    /// The first of the 256 scalars that stand for one undecodable byte each.
    static let escapeBase: UInt32 = 0x10FF00

    /// A path from git or the file system, every byte kept.
    public static func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        // The common case, valid UTF-8 with nothing in the escape range, costs one validation.
        if let text = String(validating: bytes, as: UTF8.self), !text.unicodeScalars.contains(where: isEscape) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        let array = Array(bytes)
        var i = 0
        while i < array.count {
            if let (scalar, length) = scalarAt(array, i), !isEscape(scalar) {
                scalars.append(scalar)
                i += length
            } else {
                scalars.append(escape(array[i]))
                i += 1
            }
        }
        return String(scalars)
    }

    /// A NUL-terminated C path from git or the file system.
    public static func decode(cString: UnsafePointer<CChar>) -> String {
        // Safe: the string is NUL-terminated (the caller's promise), so its length bytes are readable.
        decode(UnsafeRawBufferPointer(start: cString, count: Bytes.length(ofCString: cString)).bindMemory(to: UInt8.self))
    }

    /// The bytes git and the file system know the path by.
    public static func bytes(of path: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for scalar in path.unicodeScalars {
            if isEscape(scalar) {
                out.append(UInt8(scalar.value - escapeBase))
            } else {
                out.append(contentsOf: String(scalar).utf8)
            }
        }
        return out
    }

    /// Whether the path's bytes are valid UTF-8 (nothing was escaped).
    public static func isValidUTF8(_ path: String) -> Bool {
        !path.unicodeScalars.contains(where: isEscape)
    }

    /// The byte an escape scalar stands for, or nil for an ordinary scalar.
    public static func escapedByte(_ scalar: Unicode.Scalar) -> UInt8? {
        isEscape(scalar) ? UInt8(scalar.value - escapeBase) : nil
    }

    /// The path as text for a reader that needs valid UTF-8 (JSON): each escaped byte
    /// becomes U+FFFD, as a lossy UTF-8 decoder would show it.
    public static func lossy(_ path: String) -> String {
        guard !isValidUTF8(path) else { return path }
        var scalars = String.UnicodeScalarView()
        for scalar in path.unicodeScalars {
            scalars.append(isEscape(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(scalars)
    }

    /// Calls `body` with the path as a NUL-terminated C string of its original bytes.
    public static func withCString<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        guard !isValidUTF8(path) else { return try path.withCString(body) }
        let raw = bytes(of: path).map { CChar(bitPattern: $0) } + [0]
        return try raw.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    static func isEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= escapeBase && scalar.value <= escapeBase + 0xFF
    }

    private static func escape(_ byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(escapeBase + UInt32(byte))!
    }

    /// The scalar encoded at `i` and its length in bytes, or nil when the bytes there are not
    /// valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
    private static func scalarAt(_ b: [UInt8], _ i: Int) -> (Unicode.Scalar, Int)? {
        let lead = b[i]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let length: Int
        let minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard i + length <= b.count else { return nil }
        for k in 1..<length {
            let c = b[i + k]
            guard c & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
