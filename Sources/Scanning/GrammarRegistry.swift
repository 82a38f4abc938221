import Foundation

/// The grammars available to a run: the built-in ones compiled into the binary,
/// overridden or extended by `*.json` files from user folders (a later folder wins
/// over an earlier one, any folder over a built-in grammar of the same `name`).
///
/// A built-in grammar is decoded and compiled the first time a file of its language is
/// scanned: choosing files by extension (every snapshot, every query's update check)
/// needs only the names and extensions the build wrote beside it.
public struct GrammarRegistry: Sendable {
    /// Language names, sorted.
    public let languages: [String]
    /// A stable identity of every grammar's content and of the engine that reads them
    /// (`engineRevision`, `FunctionScanner.engineVersion`), for cache keys: it changes
    /// whenever any grammar byte or either of those does, and only then.
    public let version: String
    /// Raised whenever the engine's results change for unchanged grammars, so that every
    /// index made by the old engine is scanned again. 2: lone CRs end lines; regex literals.
    public static let engineRevision = 2
    private let byName: [String: Int]
    private let byExtension: [String: Int]
    /// `byExtension`'s ASCII keys of up to 8 bytes, packed little-endian into one word, for
    /// lookups that neither build a String nor hash one: every candidate path of every
    /// working-tree snapshot asks for its language.
    private let packedExtensions: [(length: Int, key: UInt64, index: Int)]
    private let compiled: ScannerCache

    private struct Source {
        var file: String
        var language: String
        var extensions: [String]
        var data: Data
        /// Decoded already (user grammars are checked when the registry is made).
        var grammar: Grammar?
    }

    /// Built-in grammars plus those in `folders`.
    public init(folders: [String] = []) throws {
        var sources: [String: Source] = [:]
        for file in BuiltinGrammars.files {
            guard let data = Data(base64Encoded: file.base64) else {
                throw ScanningError.invalidGrammar(file: file.name, reason: "corrupt built-in grammar")
            }
            sources[file.language] = Source(file: file.name, language: file.language, extensions: file.extensions,
                                            data: data, grammar: nil)
        }
        var userGrammars = 0
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
                sources[grammar.name] = Source(file: path, language: grammar.name, extensions: grammar.extensions,
                                               data: data, grammar: grammar)
                userGrammars += 1
            }
        }
        let ordered = sources.keys.sorted().compactMap { sources[$0] }
        var hash = StableHash()
        hash.add(Array("engine-\(Self.engineRevision)".utf8))
        hash.add(Array(FunctionScanner.engineVersion.utf8))
        var byName: [String: Int] = [:]
        var byExtension: [String: Int] = [:]
        for (i, source) in ordered.enumerated() {
            hash.add(Array(source.language.utf8))
            hash.add(Array(source.data))
            byName[source.language.lowercased()] = i
            for ext in source.extensions { byExtension[ext.lowercased()] = i }
        }
        languages = ordered.map(\.language)
        version = "grammars-" + hash.hex
        self.byName = byName
        self.byExtension = byExtension
        packedExtensions = byExtension.sorted { $0.key < $1.key }.compactMap { ext, index in
            let bytes = Array(ext.utf8)
            guard bytes.count <= 8, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return (bytes.count, Self.pack(bytes), index)
        }
        compiled = ScannerCache(sources: ordered.map { ($0.file, $0.data, $0.grammar) })
        // A user's grammar that does not compile is an error now, naming its file.
        if userGrammars > 0 {
            for (i, source) in ordered.enumerated() where source.grammar != nil { _ = try compiled.scanner(i) }
        }
    }

    static func decode(_ data: Data, file: String) throws -> Grammar {
        do {
            return try JSONDecoder().decode(Grammar.self, from: data)
        } catch {
            throw ScanningError.invalidGrammar(file: file, reason: "\(error)")
        }
    }

    /// The scanner for a language name (case-insensitive).
    public func scanner(language: String) -> FunctionScanner? {
        byName[language.lowercased()].map(compiled.builtIn)
    }

    /// The scanner for a file, chosen by its extension; nil when no grammar claims it.
    public func scanner(forPath path: String) -> FunctionScanner? {
        index(forPath: path).map(compiled.builtIn)
    }

    /// Every extension a grammar claims (lower-cased), with the language that wins it.
    public var extensions: [String: String] { byExtension.mapValues { languages[$0] } }

    /// The language of a file, by its extension, without compiling its grammar.
    public func language(forPath path: String) -> String? {
        index(forPath: path).map { languages[$0] }
    }

    /// Runs for every file of every snapshot, so it reads the path's bytes once from the end.
    private func index(forPath path: String) -> Int? {
        var path = path
        return path.withUTF8 { utf8 -> Int? in
            var i = utf8.count
            while i > 0 {
                switch utf8[i - 1] {
                case UInt8(ascii: "/"):
                    return nil
                case UInt8(ascii: "."):
                    // A leading dot (`.bashrc`) starts a name, not an extension.
                    if i == 1 || utf8[i - 2] == UInt8(ascii: "/") { return nil }
                    let ext = UnsafeBufferPointer(rebasing: utf8[i...])
                    if ext.count <= 8, ext.allSatisfy({ $0 < 0x80 }) {
                        let key = Self.pack(ext)
                        return packedExtensions.first { $0.length == ext.count && $0.key == key }?.index
                    }
                    let name = String(decoding: ext, as: UTF8.self)
                    return byExtension[name] ?? byExtension[name.lowercased()]
                default:
                    i -= 1
                }
            }
            return nil
        }
    }

    /// ASCII bytes lower-cased and packed little-endian (at most 8).
    private static func pack<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var packed: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            let lower = b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b + 32 : b
            packed |= UInt64(lower) << (8 * UInt64(i))
        }
        return packed
    }
}

/// Compiled scanners, made on first use and shared by every copy of the registry.
private final class ScannerCache: @unchecked Sendable {
    private let lock = NSLock()
    private let sources: [(file: String, data: Data, grammar: Grammar?)]
    private var scanners: [FunctionScanner?]

    init(sources: [(file: String, data: Data, grammar: Grammar?)]) {
        self.sources = sources
        scanners = Array(repeating: nil, count: sources.count)
    }

    func scanner(_ i: Int) throws -> FunctionScanner {
        lock.lock(); defer { lock.unlock() }
        if let scanner = scanners[i] { return scanner }
        let source = sources[i]
        let grammar = try source.grammar ?? GrammarRegistry.decode(source.data, file: source.file)
        let scanner: FunctionScanner
        do {
            scanner = try FunctionScanner(grammar: grammar)
        } catch let ScanningError.invalidGrammar(_, reason) {
            throw ScanningError.invalidGrammar(file: source.file, reason: reason)
        }
        scanners[i] = scanner
        return scanner
    }

    /// A scanner whose grammar was checked when the registry was made (user grammars) or
    /// when the binary was built and tested (built-in ones).
    func builtIn(_ i: Int) -> FunctionScanner {
        do { return try scanner(i) } catch {
            preconditionFailure("the grammar \(sources[i].file) does not compile: \(error)")
        }
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
