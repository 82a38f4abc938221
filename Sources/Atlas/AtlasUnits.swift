import IndexStorage
import Scanning
import Search

/// One unit of the live snapshot on the map or in a cluster.
public struct AtlasUnit: Sendable, Equatable {
    /// Its row in the index's function table.
    public var row: Int
    public var path: String
    public var language: String
    public var qualifiedName: String
    public var kind: FunctionSpan.Kind
    /// The `def`/`func`/`class` line, 1-based.
    public var line: Int
}

/// Which units of the index to show.
public struct UnitSelection: Sendable {
    /// Only these languages (nil: all).
    public var languages: Set<String>?
    /// Only paths this accepts (`--path GLOB`).
    public var pathFilter: (@Sendable (String) -> Bool)?
    /// Keep tests and benchmarks, which are left out by default (`PathPrior`'s rules, as search's).
    public var includeTests: Bool

    public init(languages: Set<String>? = nil, pathFilter: (@Sendable (String) -> Bool)? = nil, includeTests: Bool = false) {
        self.languages = languages
        self.pathFilter = pathFilter
        self.includeTests = includeTests
    }

    /// Tests and benchmarks are code about the code: they would form clusters of their own
    /// ("test ... assert") and crowd the map of what the repository does.
    func admits(path: String, language: String) -> Bool {
        if let languages, !languages.contains(language.lowercased()) { return false }
        if let pathFilter, !pathFilter(path) { return false }
        if !includeTests, let role = PathPrior.role(of: path), role == .test || role == .benchmark { return false }
        return true
    }
}

/// The chosen units of an index and their vectors, in path order.
public struct AtlasUnits: Sendable {
    public var units: [AtlasUnit]
    /// One normalised row per unit.
    public var vectors: Matrix
    /// Units the selection admitted that wait for their vector (left out, and said so).
    public var withoutVector: Int

    /// The functions and types of the live snapshot that `selection` admits. Module units
    /// are left out: each stands for a whole file whose functions are already points.
    public static func load(_ index: IndexFile, selection: UnitSelection) -> AtlasUnits {
        var units: [AtlasUnit] = []
        var values: [Float] = []
        var waiting = 0
        for file in index.liveFiles() where selection.admits(path: file.path, language: file.language) {
            for row in file.functions where index.kind(at: row) != .module {
                guard index.hasVector(at: row) else { waiting += 1; continue }
                let span = index.function(at: row).span
                units.append(AtlasUnit(row: row, path: file.path, language: file.language, qualifiedName: span.qualifiedName,
                                       kind: span.kind, line: span.declarationLine))
                values += index.vector(at: row)
            }
        }
        var vectors = Matrix(rows: units.count, columns: index.dimensions, values: values)
        vectors.normaliseRows()
        return AtlasUnits(units: units, vectors: vectors, withoutVector: waiting)
    }

    /// The units grouped by file (consecutive, since units come in path order).
    public var files: [[Int]] {
        var groups: [[Int]] = []
        for (i, unit) in units.enumerated() {
            if i > 0 && units[i - 1].path == unit.path { groups[groups.count - 1].append(i) } else { groups.append([i]) }
        }
        return groups
    }

    /// The words of each unit, for labels: the index's lexicon (identifier words of the
    /// name, the source and its comments, as search counts them) or, in an index without
    /// one, the words of the qualified names.
    public func terms(in index: IndexFile) -> TermTable {
        var unitsOfRow: [Int: [Int32]] = [:]
        for (i, unit) in units.enumerated() { unitsOfRow[unit.row, default: []].append(Int32(i)) }
        var table = TermTable()
        let found: Bool = index.withLexicon { lexicon in
            guard let lexicon else { return false }
            lexicon.forEachTerm { term, postings in
                var holders: [Int32] = []
                for (row, _) in postings { if let list = unitsOfRow[row] { holders += list } }
                table.add(term, units: holders)
            }
            return true
        }
        if found { return table }
        var holders: [String: [Int32]] = [:]
        for (i, unit) in units.enumerated() {
            for word in Set(IdentifierWords.split(Array(unit.qualifiedName.utf8))) { holders[word, default: []].append(Int32(i)) }
        }
        for word in holders.keys.sorted() { table.add(word, units: holders[word]!) }
        return table
    }
}
