import Foundation
import Git

/// Reads the `[codesearch]` section of a git-config-style file (`.codesearch`,
/// `$XDG_CONFIG_HOME/codesearch/config`). Deliberately minimal: no includes, no
/// other sections, so an untrusted file can make codesearch read nothing else.
public enum ConfigFile {
    public static func entries(in text: String, section: String = "codesearch") -> [ConfigurationLoader.Entry] {
        var inSection = false
        var entries: [ConfigurationLoader.Entry] = []
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                let name = line.dropFirst().prefix { $0 != "]" }.trimmingCharacters(in: .whitespaces)
                inSection = name.lowercased() == section
                continue
            }
            guard inSection else { continue }
            if let hash = line.firstIndex(where: { $0 == "#" || $0 == ";" }) {
                line = String(line[..<hash]).trimmingCharacters(in: .whitespaces)
            }
            let parts = line.split(separator: "=", maxSplits: 1)
            let key = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
            var value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "true"
            if value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            entries.append((key, value))
        }
        return entries
    }
}

extension ConfigurationLoader.Layers {
    /// Gathers every layer but the flags from the real environment: the user's
    /// git config and XDG file, and the repository's committed `.codesearch`.
    public static func gather(repository: Repository?, environment: [String: String],
                              flags: [ConfigurationLoader.Entry]) throws -> ConfigurationLoader.Layers {
        var user = try Repository.userConfigEntries(section: "codesearch")
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { $0 + "/.config" } ?? "")
        if !configHome.isEmpty, let text = try? String(contentsOfFile: configHome + "/codesearch/config", encoding: .utf8) {
            user += ConfigFile.entries(in: text)
        }
        var repositoryEntries: [ConfigurationLoader.Entry] = []
        if let root = repository?.workingDirectory,
           let data = FileManager.default.contents(atPath: root + "/.codesearch") {
            repositoryEntries = ConfigFile.entries(in: String(decoding: data, as: UTF8.self))
        }
        return .init(flags: flags, environment: environment, user: user, repository: repositoryEntries)
    }
}
