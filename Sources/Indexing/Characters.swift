/// `String.prefix` and `count` in Characters (grapheme clusters), as the unit texts were
/// defined, without walking graphemes in the common case: text that is ASCII with no
/// carriage return (`\r\n` is one Character) has one Character per byte. The results are
/// equal to the Character-walking ones, so the texts, and their hashes, stay the same.
enum Characters {
    static func prefix(_ text: String, _ count: Int) -> String {
        let bytes = text.utf8.count
        if bytes <= count { return text }
        if isSimple(text) { return String(text.utf8.prefix(max(0, count)))! }
        return String(text.prefix(max(0, count)))
    }

    static func count(_ text: String) -> Int {
        isSimple(text) ? text.utf8.count : text.count
    }

    private static func isSimple(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 && $0 != 13 }
    }
}
