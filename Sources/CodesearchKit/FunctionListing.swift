import Foundation
import Git
import Scanning

/// The functions (or other units) of one file of a snapshot.
public struct FileFunctions: Sendable {
    public var entry: SnapshotEntry
    public var language: String
    public var functions: [FunctionSpan]
}

extension Workspace {
    /// Reads and scans every file of `snapshot` on all cores, keeping the units `filter`
    /// accepts (callables by default); results come back in path order. A file that cannot be read is reported in `failures` and the rest go on.
    public func functions(in snapshot: Snapshot, filter: UnitFilter = .function)
        -> (files: [FileFunctions], failures: [(path: String, message: String)]) {
        let entries = snapshot.entries
        // Each iteration writes only its own slots.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Result<FileFunctions, Error>?>.allocate(capacity: entries.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let repository = self.repository, grammars = self.grammars
        let chunk = 16
        DispatchQueue.concurrentPerform(iterations: (entries.count + chunk - 1) / chunk) { c in
            for i in c * chunk..<min(entries.count, (c + 1) * chunk) {
                let entry = entries[i]
                guard let scanner = grammars.scanner(forPath: entry.path) else { continue }
                results[i] = Result {
                    let bytes = try repository.contents(of: entry)
                    return FileFunctions(entry: entry, language: scanner.grammar.name,
                                         functions: bytes.withUnsafeBytes { filter.units(of: scanner, in: $0) })
                }
            }
        }
        var files: [FileFunctions] = []
        var failures: [(String, String)] = []
        for (i, result) in results.enumerated() {
            switch result {
            case .success(let file)?: files.append(file)
            case .failure(let error)?: failures.append((entries[i].path, "\(error)"))
            case nil: break
            }
        }
        return (files, failures)
    }
}
