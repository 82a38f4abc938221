import ByteCoding
import Platform
import EmbeddingCore
import Git
import Scanning
import Hashing

/// A read-only, memory-mapped index file (`mmap(2)`, unmapped in `deinit`).
///
/// Opening checks the header and every section's checksum except the vectors'
/// (see `IndexFormat`); `verify()` checks those too. A file replaced by a
/// writer while open stays valid: the mapping keeps the old inode.
public final class IndexFile: @unchecked Sendable {
    public let path: String
    public let metadata: IndexMetadata
    public var identity: EmbedderIdentity { metadata.identity }
    public var grammarVersion: String { metadata.grammarVersion }
    public var encoding: VectorEncoding { metadata.encoding }
    public var generation: UInt32 { metadata.generation }
    public var snapshot: LiveSnapshotInfo { metadata.snapshot }
    public var blobCount: Int { metadata.blobCount }
    public var functionCount: Int { metadata.functionCount }
    public var liveFileCount: Int { metadata.liveFileCount }
    /// Functions in the live snapshot (a blob at two paths counts twice).
    public var liveFunctionCount: Int { metadata.liveFunctionCount }
    public var fileSize: Int { metadata.fileSize }
    public var dimensions: Int { identity.dimensions }

    /// The file's bytes; every view below points into them.
    private let mapping: MappedFile
    private let sections: [IndexFormat.Section: (offset: Int, length: Int, hash: UInt64)]

    // Views into the mapping, resolved once (a dictionary lookup per access is measurable).
    private let strings: UnsafeRawBufferPointer
    private let blobTable: UnsafeRawBufferPointer
    private let functionTable: UnsafeRawBufferPointer
    private let snapshotTable: UnsafeRawBufferPointer
    private let vectors: UnsafeRawBufferPointer
    private let lexicon: LexiconView?

    /// False for a file older than format 3 (version 1 had no lexical data, version 2 another layout).
    public var hasLexicon: Bool { lexicon != nil }

    /// Opens and validates the index at `path`; throws `IndexError`.
    public static func open(path: String) throws -> IndexFile {
        guard let opened = try OpenFile.openIfPresent(path) else { throw IndexError.missing(path: path) }
        let size = try opened.size()
        if size == 0 { throw IndexError.truncated(path: path) }
        return try IndexFile(path: path, mapping: MappedFile(opened, size: size, shared: true))
    }

    private init(path: String, mapping: MappedFile) throws {
        self.path = path
        self.mapping = mapping
        // Safe: every offset and length taken from the file below is checked against its
        // size (`SectionTable`) before a view is made, and the views live no longer than
        // `mapping`, which this object holds.
        let file = mapping.bytes
        let base = file.baseAddress!
        let size = file.count
        let table = try SectionTable(file: file, actualSize: size, path: path)
        let sections = table.sections
        for kind in IndexFormat.Section.allCases {
            guard let s = sections[kind] else {
                if kind == .lexicon && table.version < 2 { continue }
                throw IndexError.corrupt(path: path, section: "missing \(kind.name)")
            }
            if kind != .vectors && kind != .lexicon {
                let bytes = UnsafeRawBufferPointer(rebasing: file[s.offset..<(s.offset + s.length)])
                guard XXHash64.hash(bytes) == s.hash else { throw IndexError.corrupt(path: path, section: kind.name) }
            }
        }
        self.sections = sections
        func view(_ kind: IndexFormat.Section) -> UnsafeRawBufferPointer {
            let s = sections[kind]!
            return UnsafeRawBufferPointer(start: base + s.offset, count: s.length)
        }
        strings = view(.strings)
        blobTable = view(.blobs)
        functionTable = view(.functions)
        snapshotTable = view(.snapshot)
        vectors = view(.vectors)
        // Version 2's lexicon had another layout: such a file is read without it.
        let lexiconBytes = table.version < 3 ? nil
            : sections[.lexicon].map { UnsafeRawBufferPointer(start: base + $0.offset, count: $0.length) }
        let meta = sections[.meta]!
        metadata = try IndexMetadata(meta: UnsafeRawBufferPointer(rebasing: file[meta.offset..<(meta.offset + meta.length)]),
                                     formatVersion: table.version, fileSize: size, path: path)
        let m = metadata
        guard sections[.blobs]!.length == m.blobCount * IndexFormat.blobRecordSize,
              sections[.functions]!.length == m.functionCount * IndexFormat.functionRecordSize,
              sections[.snapshot]!.length == m.liveFileCount * IndexFormat.snapshotRecordSize,
              sections[.vectors]!.length == m.functionCount * m.identity.dimensions * m.encoding.bytesPerComponent,
              sections[.vectors]!.offset % IndexFormat.alignment == 0 else {
            throw IndexError.corrupt(path: path, section: IndexFormat.Section.meta.name)
        }
        if let bytes = lexiconBytes {
            guard let view = LexiconView(bytes: bytes, strings: strings, functionCount: m.functionCount) else {
                throw IndexError.corrupt(path: path, section: IndexFormat.Section.lexicon.name)
            }
            lexicon = view
        } else {
            lexicon = nil
        }
        try validateReferences()
    }

    /// Checksums pass, so these only catch a writer bug; they keep accessors crash-free.
    private func validateReferences() throws {
        let poolSize = UInt64(strings.count)
        func checkString(_ table: UnsafeRawBufferPointer, _ at: Int, _ name: String) throws {
            if UInt64(table.u32(at: at)) + UInt64(table.u32(at: at + 4)) > poolSize {
                throw IndexError.corrupt(path: path, section: name)
            }
        }
        var expectedStart = 0
        for i in 0..<blobCount {
            let at = i * IndexFormat.blobRecordSize
            try checkString(blobTable, at + 20, "blob table")
            let start = Int(blobTable.u32(at: at + 28)), count = Int(blobTable.u32(at: at + 32))
            guard start == expectedStart else { throw IndexError.corrupt(path: path, section: "blob table") }
            expectedStart += count
        }
        guard expectedStart == functionCount else { throw IndexError.corrupt(path: path, section: "blob table") }
        for i in 0..<functionCount {
            let at = i * IndexFormat.functionRecordSize
            for field in 0..<3 { try checkString(functionTable, at + field * 8, "function table") }
            guard Int(functionTable.u32(at: at + 24)) < blobCount,
                  FunctionKindCode.kind(functionTable[at + 28]) != nil else {
                throw IndexError.corrupt(path: path, section: "function table")
            }
        }
        for i in 0..<liveFileCount {
            let at = i * IndexFormat.snapshotRecordSize
            try checkString(snapshotTable, at, "live snapshot")
            guard Int(snapshotTable.u32(at: at + 8)) < blobCount else {
                throw IndexError.corrupt(path: path, section: "live snapshot")
            }
        }
    }

    /// Checks the vector section's checksum and values (NaN, infinities and components
    /// beyond ±1 are damage), and the lexicon's checksum: tens of MB, so done by `status`
    /// and by the indexer when the file changed since its last verification (`VerifiedStamp`).
    public func verify() throws {
        guard XXHash64.hash(vectors) == sections[.vectors]!.hash,
              VectorCheck.isPlausible(vectors, encoding: encoding) else {
            throw IndexError.corrupt(path: path, section: IndexFormat.Section.vectors.name)
        }
        if let s = sections[.lexicon], let lexicon, XXHash64.hash(lexicon.bytes) != s.hash {
            throw IndexError.corrupt(path: path, section: IndexFormat.Section.lexicon.name)
        }
    }

    private func string(_ table: UnsafeRawBufferPointer, _ at: Int) -> String {
        let offset = Int(table.u32(at: at)), length = Int(table.u32(at: at + 4))
        return String(decoding: UnsafeRawBufferPointer(rebasing: strings[offset..<(offset + length)]), as: UTF8.self)
    }

    public func blob(at index: Int) -> BlobRecord {
        precondition(index >= 0 && index < blobCount, "blob index out of range")
        let at = index * IndexFormat.blobRecordSize
        let id = BlobID(bytes: Array(UnsafeRawBufferPointer(rebasing: blobTable[at..<(at + 20)])))!
        let start = Int(blobTable.u32(at: at + 28)), count = Int(blobTable.u32(at: at + 32))
        return BlobRecord(key: BlobKey(id: id, language: string(blobTable, at + 20)),
                          functions: start..<(start + count), lastSeen: blobTable.u32(at: at + 36))
    }

    /// The function table's row `index` (also the row of its vector).
    public func function(at index: Int) -> FunctionRecord {
        precondition(index >= 0 && index < functionCount, "function index out of range")
        let t = functionTable
        let at = index * IndexFormat.functionRecordSize
        let blobIndex = Int(t.u32(at: at + 24))
        let blobAt = blobIndex * IndexFormat.blobRecordSize
        let id = BlobID(bytes: Array(UnsafeRawBufferPointer(rebasing: blobTable[blobAt..<(blobAt + 20)])))!
        func int(_ field: Int) -> Int { Int(t.u32(at: at + 32 + 4 * field)) }
        let docFirst = int(6), docLast = int(7)
        let span = FunctionSpan(name: string(t, at), qualifiedName: string(t, at + 8),
                                kind: FunctionKindCode.kind(t[at + 28]) ?? .function,
                                firstLine: int(0), declarationLine: int(1), declarationColumn: int(2),
                                lastLine: int(3), signature: string(t, at + 16),
                                docFirstLine: docFirst == 0 ? nil : docFirst,
                                docLastLine: docLast == 0 ? nil : docLast,
                                byteStart: int(4), byteEnd: int(5))
        return FunctionRecord(blobID: id, language: string(blobTable, blobAt + 20), span: span,
                              textHash: t.u64(at: at + 64), hasVector: hasVector(at: index))
    }

    /// Whether row `index` holds its unit's vector (false: the unit waits for one, and
    /// its row is zeros).
    public func hasVector(at index: Int) -> Bool {
        precondition(index >= 0 && index < functionCount, "function index out of range")
        return functionTable[index * IndexFormat.functionRecordSize + IndexFormat.flagsOffset] & IndexFormat.noVectorFlag == 0
    }

    /// Units of the live snapshot with their vector, of all its units (a blob at two
    /// paths counts twice, as in `liveFunctionCount`).
    public func liveVectorCoverage() -> (withVector: Int, total: Int) {
        var perBlob: [Int: Int] = [:]
        var with = 0
        for i in 0..<liveFileCount {
            let blobIndex = Int(snapshotTable.u32(at: i * IndexFormat.snapshotRecordSize + 8))
            if let known = perBlob[blobIndex] { with += known; continue }
            let at = blobIndex * IndexFormat.blobRecordSize
            let start = Int(blobTable.u32(at: at + 28)), count = Int(blobTable.u32(at: at + 32))
            let n = (start..<(start + count)).reduce(0) { $0 + (hasVector(at: $1) ? 1 : 0) }
            perBlob[blobIndex] = n
            with += n
        }
        return (with, liveFunctionCount)
    }

    /// The kind of row `index`, without decoding the rest of its record.
    public func kind(at index: Int) -> FunctionSpan.Kind {
        precondition(index >= 0 && index < functionCount, "function index out of range")
        return FunctionKindCode.kind(functionTable[index * IndexFormat.functionRecordSize + 28]) ?? .function
    }

    /// The blob table row a function belongs to.
    public func blobIndex(ofFunction index: Int) -> Int {
        Int(functionTable.u32(at: index * IndexFormat.functionRecordSize + 24))
    }

    /// Function `index`'s vector, decoded to floats.
    public func vector(at index: Int) -> [Float] {
        precondition(index >= 0 && index < functionCount, "function index out of range")
        let v = vectors
        let dims = dimensions
        switch encoding {
        case .float16:
            return (0..<dims).map { HalfFloat.value(v.u16(at: (index * dims + $0) * 2)) }
        case .float32:
            return (0..<dims).map { Float(bitPattern: v.u32(at: (index * dims + $0) * 4)) }
        }
    }

    /// The files of the live snapshot, sorted by path, with their blob's functions.
    public func liveFiles() -> [LiveFile] {
        var languages: [Int: String] = [:]
        return (0..<liveFileCount).map { i in
            let at = i * IndexFormat.snapshotRecordSize
            let blobIndex = Int(snapshotTable.u32(at: at + 8))
            let blobAt = blobIndex * IndexFormat.blobRecordSize
            let start = Int(blobTable.u32(at: blobAt + 28)), count = Int(blobTable.u32(at: blobAt + 32))
            let language: String
            if let known = languages[blobIndex] { language = known } else {
                language = string(blobTable, blobAt + 20)
                languages[blobIndex] = language
            }
            return LiveFile(path: string(snapshotTable, at), blobIndex: blobIndex, language: language,
                            functions: start..<(start + count))
        }
    }

    /// The vector section in place: `functionCount` rows of `dimensions`
    /// components in `encoding`, row-major, 64-byte aligned. Valid only inside `body`.
    public func withVectorBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(vectors) }
    }

    /// The lexicon in place (nil for a version-1 file). Valid only inside `body`.
    public func withLexicon<R>(_ body: (LexiconView?) throws -> R) rethrows -> R {
        try withExtendedLifetime(self) { try body(lexicon) }
    }

    /// Reads everything back into writable form (used when the index changes).
    package func contents() -> [StoredBlob] {
        let rowBytes = dimensions * encoding.bytesPerComponent
        let bags = lexicon?.bags() ?? []
        return (0..<blobCount).map { b in
            let record = blob(at: b)
            let functions = record.functions.map { i -> StoredFunction in
                let f = function(at: i)
                return StoredFunction(span: f.span, textHash: f.textHash,
                                      bag: i < bags.count ? LexicalBag(sorted: bags[i]) : LexicalBag(sorted: []),
                                      hasVector: f.hasVector)
            }
            let bytes = Array(UnsafeRawBufferPointer(rebasing: vectors[(record.functions.lowerBound * rowBytes)..<(record.functions.upperBound * rowBytes)]))
            return StoredBlob(key: record.key, functions: functions, vectorBytes: bytes, lastSeen: record.lastSeen)
        }
    }
}
