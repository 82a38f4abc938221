import Foundation

/// The grammars available to a run: the built-in ones compiled into the binary,
/// overridden or extended by `*.json` files from user folders (a later folder wins
/// over an earlier one, any folder over a built-in grammar of the same `name`).
public struct GrammarRegistry: Sendable {
    /// One scanner per language, sorted by language name.
    public let scanners: [FunctionScanner]
    /// A stable identity of every grammar's content, for cache keys: it changes
    /// whenever any grammar byte changes, and only then.
    public let version: String
    private let byName: [String: Int]
    private let byExtension: [String: Int]

    /// Built-in grammars plus those in `folders`.
    public init(folders: [String] = []) throws {
        var sources: [String: (file: String, data: Data, grammar: Grammar)] = [:]
        for file in BuiltinGrammars.files {
            guard let data = Data(base64Encoded: file.base64) else {
                throw ScanningError.invalidGrammar(file: file.name, reason: "corrupt built-in grammar")
            }
            let grammar = try Self.decode(data, file: file.name)
            sources[grammar.name] = (file.name, data, grammar)
        }
        for folder in folders {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: folder)
            } catch {
                throw ScanningError.unreadableGrammarFolder(path: folder, reason: "\(error.localizedDescription)")
            }
            for name in names.sorted() where name.hasSuffix(".json") {
                let path = (folder as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw ScanningError.invalidGrammar(file: path, reason: "cannot read the file")
                }
                let grammar = try Self.decode(data, file: path)
                sources[grammar.name] = (path, data, grammar)
            }
        }
        var scanners: [FunctionScanner] = []
        var hash = StableHash()
        for name in sources.keys.sorted() {
            guard let source = sources[name] else { continue }
            let grammar = source.grammar
            do {
                scanners.append(try FunctionScanner(grammar: grammar))
            } catch let ScanningError.invalidGrammar(_, reason) {
                throw ScanningError.invalidGrammar(file: source.file, reason: reason)
            }
            hash.add(Array(name.utf8))
            hash.add(Array(source.data))
        }
        self.scanners = scanners
        self.version = "grammars-" + hash.hex
        var byName: [String: Int] = [:]
        var byExtension: [String: Int] = [:]
        for (i, s) in scanners.enumerated() {
            byName[s.grammar.name.lowercased()] = i
            for ext in s.grammar.extensions { byExtension[ext.lowercased()] = i }
        }
        self.byName = byName
        self.byExtension = byExtension
    }

    static func decode(_ data: Data, file: String) throws -> Grammar {
        do {
            return try JSONDecoder().decode(Grammar.self, from: data)
        } catch {
            throw ScanningError.invalidGrammar(file: file, reason: "\(error)")
        }
    }

    /// Language names, sorted.
    public var languages: [String] { scanners.map(\.grammar.name) }

    /// The scanner for a language name (case-insensitive).
    public func scanner(language: String) -> FunctionScanner? {
        byName[language.lowercased()].map { scanners[$0] }
    }

    /// The scanner for a file, chosen by its extension; nil when no grammar claims it.
    /// Runs for every file of every snapshot, so it reads the path's bytes once from the end.
    public func scanner(forPath path: String) -> FunctionScanner? {
        let utf8 = path.utf8
        var i = utf8.endIndex
        while i > utf8.startIndex {
            let j = utf8.index(before: i)
            switch utf8[j] {
            case UInt8(ascii: "/"):
                return nil
            case UInt8(ascii: "."):
                // A leading dot (`.bashrc`) starts a name, not an extension.
                if j == utf8.startIndex || utf8[utf8.index(before: j)] == UInt8(ascii: "/") { return nil }
                let ext = Substring(path[i...])
                if let index = byExtension[String(ext)] ?? byExtension[ext.lowercased()] {
                    return scanners[index]
                }
                return nil
            default:
                i = j
            }
        }
        return nil
    }
}

/// Two independent 64-bit FNV-1a lanes: stable across runs and platforms (unlike
/// `Hasher`), and plenty to tell grammar sets apart.
struct StableHash {
    var a: UInt64 = 0xcbf29ce484222325
    var b: UInt64 = 0x84222325cbf29ce4

    mutating func add(_ bytes: [UInt8]) {
        for byte in bytes { mix(byte) }
        // A separator, so ("ab","c") and ("a","bc") differ.
        for byte in withUnsafeBytes(of: UInt64(bytes.count).littleEndian, Array.init) { mix(byte) }
    }

    private mutating func mix(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x100000001b3
        b = (b ^ UInt64(byte ^ 0x5a)) &* 0x100000001b3
    }

    var hex: String {
        String(a, radix: 16).leftPad(16) + String(b, radix: 16).leftPad(16)
    }
}

private extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
