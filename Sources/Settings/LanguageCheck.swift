/// Finds language names that no grammar knows (`--languages pyhton`), which would
/// otherwise select nothing and leave every search silently empty.
///
/// What the user typed now (a flag, the environment) is an error; what sits in a file
/// (the user's config, a repository's committed `.codesearch`) is a warning, so a typo
/// in a cloned repository's config can never stop a command.
public struct LanguageCheck: Sendable {
    /// The languages with a grammar, lower-case.
    public let known: [String]

    public init(known: [String]) {
        self.known = known.map { $0.lowercased() }.sorted()
    }

    /// What is wrong with the `languages` values that are in effect: the highest trusted
    /// layer that sets the key (a flag hides the environment, as in `ConfigurationLoader`),
    /// and the repository's narrowing.
    public func problems(in layers: ConfigurationLoader.Layers) -> (errors: [String], warnings: [String]) {
        var errors: [String] = [], warnings: [String] = []
        let variable = ConfigurationLoader.environmentVariables["languages"] ?? "CODESEARCH_LANGUAGES"
        if let flag = layers.flags.last(where: { $0.key == "languages" }) {
            errors += messages(flag.value, source: "--languages")
        } else if let value = layers.environment[variable] {
            errors += messages(value, source: variable)
        } else if let entry = layers.user.last(where: { $0.key == "languages" }) {
            warnings += messages(entry.value, source: "user config: languages").map { $0 + "; it matches no file" }
        }
        for entry in layers.repository where entry.key == "languages" {
            warnings += messages(entry.value, source: ".codesearch: languages").map { $0 + "; it matches no file" }
        }
        return (errors, warnings)
    }

    /// One message per unknown name in a comma- or space-separated list.
    public func messages(_ list: String, source: String) -> [String] {
        unknown(ConfigurationLoader.splitList(list)).map { message(for: $0, source: source) }
    }

    /// The names (compared case-insensitively) that no grammar knows, in the order given.
    public func unknown(_ names: [String]) -> [String] {
        names.filter { !known.contains($0.lowercased()) }
    }

    /// `--lang 'pyhton' is not a known language (did you mean python? known: go, python, swift)`.
    public func message(for name: String, source: String) -> String {
        var hint = "known: " + known.joined(separator: ", ")
        if let close = closest(to: name.lowercased()) { hint = "did you mean \(close)? " + hint }
        return "\(source) '\(name)' is not a known language (\(hint))"
    }

    /// The known name within two edits of `name`, if there is one.
    func closest(to name: String) -> String? {
        known.map { ($0, Self.editDistance(Array(name), Array($0))) }
            .filter { $0.1 <= 2 && $0.1 < max(name.count, 1) }
            .min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance, with a transposition counted as one edit (`pyhton`).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
