import Platform
import Hashing
import Foundation

/// Which lines of a hook file codesearch wrote, and `uninstall`, which removes those
/// and nothing else.
///
/// `install` writes its lines between `# codesearch-hook v1 begin <digest>` and
/// `# codesearch-hook v1 end`; the digest covers the lines between. A user may add lines
/// around the block: `uninstall` then removes the block and keeps them. When the block
/// itself was edited, or the hook predates the markers and differs from what this
/// version would write, nothing tells codesearch's lines from the user's, so the hook
/// is left in place and the outcome says what to do.
extension HookInstaller {
    static let beginMarker = marker + " begin "
    static let endMarker = marker + " end"

    enum Ownership: Equatable {
        case absent
        /// No codesearch marker.
        case foreign
        /// Nothing but the shebang and codesearch's unchanged block.
        case ours
        /// codesearch's unchanged block with the user's lines before and after it
        /// (`before` includes the shebang and ends in a newline).
        case oursWithUserLines(before: String, after: String)
        /// codesearch's block changed since it was written.
        case edited
        /// A hook from before the markers; `matches` when it is exactly what this version
        /// would have written then.
        case legacy(matches: Bool)
    }

    /// What `uninstall` did with one hook name.
    public struct UninstallOutcome: Sendable {
        public let name: String
        public let state: HookState
        /// What the user should know: lines kept, files left behind and why.
        public let notes: [String]
        /// Whether codesearch's lines were left in place because they could not be told
        /// from the user's.
        public let refused: Bool
    }

    func ownership(of name: String) -> Ownership {
        guard let data = FileManager.default.contents(atPath: hooksDirectory + "/" + name) else { return .absent }
        guard let text = String(validating: data, as: UTF8.self) else {
            // Rewriting it as text could change bytes that are not ours.
            return String(decoding: data, as: UTF8.self).contains(Self.marker) ? .edited : .foreign
        }
        guard text.contains(Self.marker) else { return .foreign }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let begin = lines.firstIndex(where: { $0.hasPrefix(Self.beginMarker) }) else {
            return .legacy(matches: text == legacyScript(name: name))
        }
        guard let end = lines[begin...].firstIndex(where: { $0 == Self.endMarker }), end + 1 < lines.count else {
            return .edited
        }
        let stamp = lines[begin].dropFirst(Self.beginMarker.count), body = lines[(begin + 1)..<end].joined(separator: "\n")
        guard stamp == Self.digest(body) || stamp == Self.earlierDigest(body) else { return .edited }
        let before = lines[..<begin].map { $0 + "\n" }.joined()
        let after = lines[(end + 1)...].joined(separator: "\n")
        if before == "#!/bin/sh\n" && after.allSatisfy(\.isWhitespace) { return .ours }
        return .oursWithUserLines(before: before, after: after)
    }

    /// Removes codesearch's lines from each hook and puts back any hook they chained;
    /// keeps lines the user added, leaves others' hooks alone, and reports a chained hook
    /// it cannot put back.
    @discardableResult
    public func uninstall(_ names: [String] = HookInstaller.indexingHooks + [HookInstaller.preCommitHook]) throws
        -> [UninstallOutcome] {
        try names.map { name in
            let path = hooksDirectory + "/" + name
            let chained = path + Self.chainedSuffix
            let hasChained = FileManager.default.fileExists(atPath: chained)
            var notes: [String] = []
            var refused = false
            switch ownership(of: name) {
            case .absent:
                if hasChained {
                    try Self.move(chained, to: path)
                    notes.append("put back the hook codesearch had chained (\(name + Self.chainedSuffix))")
                }
            case .foreign:
                if hasChained {
                    notes.append("left \(chained): the hook codesearch chained; another program has replaced "
                                 + "\(name) since, so it no longer runs; merge it into \(name) or delete it")
                }
            case .ours, .legacy(matches: true):
                if hasChained {
                    try Self.move(chained, to: path)
                } else {
                    try FileManager.default.removeItem(atPath: path)
                }
            case let .oursWithUserLines(before, after):
                if hasChained {
                    refused = true
                    notes.append("left in place: it has lines of yours, and the hook codesearch chained waits in "
                                 + "\(chained); merge them by hand")
                } else {
                    try Self.replace(path, with: before + after, mode: Self.mode(of: path) ?? 0o755)
                    notes.append("removed codesearch's lines and kept yours")
                }
            case .edited:
                refused = true
                notes.append("left in place: the lines between '\(Self.beginMarker.dropLast())' and "
                             + "'\(Self.endMarker)' were changed since install; remove them by hand")
            case .legacy(matches: false):
                refused = true
                notes.append("left in place: installed by an older codesearch and changed since (or by another "
                             + "codesearch binary); delete it by hand if it holds nothing of yours")
            }
            if refused && hasChained && !notes.contains(where: { $0.contains(chained) }) {
                notes.append("the hook codesearch chained is in \(chained)")
            }
            return UninstallOutcome(name: name, state: state(of: name), notes: notes, refused: refused)
        }
    }

    /// XXH64 in hex: enough to notice an edit (this is not a defence against someone
    /// forging a hook; they could write any hook they like).
    static func digest(_ text: String) -> String {
        let hex = String(XXHash64.hash(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The digest blocks written before XXH64 carry (64-bit FNV-1a, in hex). Read only: a
    /// hook installed by an earlier codesearch must still be recognised as its own, or
    /// `uninstall` would refuse it as edited.
    static func earlierDigest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func mode(of path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }

    /// Writes `text` to `path` atomically (a temporary file, then `rename`), with `mode`.
    static func replace(_ path: String, with text: String, mode: Int) throws {
        do {
            try FileSystem.replaceAtomically(path, permissions: mode) { file in
                try file.write(Array(text.utf8))
            }
        } catch let error as SystemCallError {
            throw CodesearchError.io(path: path, reason: error.reason)
        }
    }

    static func move(_ source: String, to path: String) throws {
        do {
            try FileSystem.rename(source, to: path)
        } catch let error as SystemCallError {
            throw CodesearchError.io(path: path, reason: SystemCallError.message(error.code))
        }
    }
}
