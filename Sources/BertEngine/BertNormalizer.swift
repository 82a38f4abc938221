import Foundation

/// The BERT normaliser of Hugging Face `tokenizers`, stage 1 of 4: drop control characters
/// and map whitespace to spaces, put spaces around CJK ideographs, strip accents (NFD, drop
/// non-spacing marks), lowercase character by character.
struct BertNormalizer: Sendable, Equatable {
    var cleanText = true
    var handleChineseChars = true
    var stripAccents = true
    var lowercase = true

    func normalize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var needsDecomposition = false
        for scalar in text.unicodeScalars {
            if cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
                if Self.isWhitespace(scalar) { out.append(" "); continue }
            }
            if handleChineseChars && Self.isChineseChar(scalar) {
                out.append(" "); out.append(scalar); out.append(" ")
                continue
            }
            if scalar.value >= 0x80 { needsDecomposition = true }
            out.append(scalar)
        }
        var result = String(out)
        if stripAccents && needsDecomposition {
            var stripped = String.UnicodeScalarView()
            for scalar in result.decomposedStringWithCanonicalMapping.unicodeScalars
            where scalar.properties.generalCategory != .nonspacingMark {
                stripped.append(scalar)
            }
            result = String(stripped)
        }
        if lowercase {
            var lowered = String.UnicodeScalarView()
            for scalar in result.unicodeScalars {
                if scalar.isASCII {
                    lowered.append(scalar.value >= 65 && scalar.value <= 90
                        ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar)
                } else {
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            }
            result = String(lowered)
        }
        return result
    }

    /// Rust's `char::is_whitespace` plus tab, newline and carriage return.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    /// Any "other" general category (Cc, Cf, Cs, Co, Cn) except tab, newline, carriage return.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        if scalar.value >= 0x20 && scalar.value < 0x7F { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// The CJK Unified Ideograph blocks BERT splits into single characters.
    static func isChineseChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
