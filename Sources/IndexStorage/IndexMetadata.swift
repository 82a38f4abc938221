import ByteCoding
import Platform
import EmbeddingCore
import Hashing

/// The index's header and metadata section: enough for `status` and for the
/// indexer's no-op check, read with two small `pread`s instead of a mapping.
public struct IndexMetadata: Sendable, Equatable {
    public var formatVersion: UInt32
    public var identity: EmbedderIdentity
    public var grammarVersion: String
    public var encoding: VectorEncoding
    /// Incremented each time the live snapshot changes (drives garbage collection).
    public var generation: UInt32
    public var snapshot: LiveSnapshotInfo
    public var blobCount: Int
    public var functionCount: Int
    public var liveFileCount: Int
    /// Functions in the live snapshot (a blob at two paths counts twice).
    public var liveFunctionCount: Int
    public var fileSize: Int
    /// Which files the settings admitted (`FileSelection.text`), opaque here; nil in an
    /// index written before it was recorded. The last field, so older readers skip it.
    public var fileSelection: String?

    /// Reads and checks the header and the metadata section only.
    public static func read(path: String) throws -> IndexMetadata {
        guard let file = try OpenFile.openIfPresent(path) else { throw IndexError.missing(path: path) }
        let size = try file.size()
        let head = try read(file, offset: 0, count: min(size, 4096))
        let table = try head.withUnsafeBytes { try SectionTable(file: $0, actualSize: size, path: path) }
        guard let meta = table.sections[.meta] else { throw IndexError.corrupt(path: path, section: "missing metadata") }
        let bytes = try read(file, offset: meta.offset, count: meta.length)
        return try bytes.withUnsafeBytes { buffer in
            guard XXHash64.hash(buffer) == meta.hash else { throw IndexError.corrupt(path: path, section: IndexFormat.Section.meta.name) }
            return try IndexMetadata(meta: buffer, formatVersion: table.version, fileSize: size, path: path)
        }
    }

    /// Exactly `count` bytes at `offset`; a shorter file is truncated.
    private static func read(_ file: OpenFile, offset: Int, count: Int) throws -> [UInt8] {
        let bytes = try file.read(at: offset, upTo: count)
        if bytes.count < count { throw IndexError.truncated(path: file.path) }
        return bytes
    }

    package init(meta bytes: UnsafeRawBufferPointer, formatVersion: UInt32, fileSize: Int, path: String) throws {
        var meta = ByteReader(bytes, failure: IndexError.corrupt(path: path, section: IndexFormat.Section.meta.name))
        self.formatVersion = formatVersion
        self.fileSize = fileSize
        let provider = try meta.string(), stored = EmbedderIdentity.parseStoredModel(try meta.string())
        let weights = try meta.string()
        let dims = try meta.int()
        let pooling = try meta.string()
        let maxTokens = try meta.int()
        identity = EmbedderIdentity(provider: provider, model: stored.model, fingerprint: weights,
                                    dimensions: dims, pooling: pooling, maxTokens: maxTokens, precision: stored.precision)
        grammarVersion = try meta.string()
        guard let encoding = VectorEncoding(rawValue: try meta.u8()), dims > 0, dims <= 65536 else {
            throw IndexError.corrupt(path: path, section: IndexFormat.Section.meta.name)
        }
        self.encoding = encoding
        generation = try meta.u32()
        let kind = try SnapshotKindCode.read(&meta)
        let hasCommit = try meta.u8() != 0
        let commit = try meta.string()
        let hash = try meta.u64()
        let complete = try meta.u8() != 0
        snapshot = LiveSnapshotInfo(kind: kind, commitID: hasCommit ? commit : nil, hash: hash, complete: complete)
        blobCount = try meta.int()
        functionCount = try meta.int()
        liveFileCount = try meta.int()
        liveFunctionCount = try meta.int()
        fileSelection = meta.remaining > 0 ? try meta.string() : nil
    }
}

/// The header: magic, version, file size and the section table, checked.
package struct SectionTable {
    package var version: UInt32
    package var sections: [IndexFormat.Section: (offset: Int, length: Int, hash: UInt64)] = [:]

    /// `file` may be a prefix of the file; `actualSize` is the real length.
    package init(file: UnsafeRawBufferPointer, actualSize size: Int, path: String) throws {
        let magic = IndexFormat.magic
        let prefix = min(file.count, magic.count)
        guard size > 0 else { throw IndexError.truncated(path: path) }
        guard Array(file[0..<prefix]) == Array(magic[0..<prefix]) else { throw IndexError.notAnIndex(path: path) }
        guard size >= IndexFormat.fixedHeaderSize, file.count >= IndexFormat.fixedHeaderSize else {
            throw IndexError.truncated(path: path)
        }
        version = file.u32(at: 8)
        if version > IndexFormat.version {
            throw IndexError.futureVersion(path: path, found: version, supported: IndexFormat.version)
        }
        guard version >= 1 else { throw IndexError.corrupt(path: path, section: "header") }
        let sectionCount = Int(file.u32(at: 16))
        let declaredSize = file.u64(at: 24)
        guard sectionCount <= 64 else { throw IndexError.corrupt(path: path, section: "header") }
        if declaredSize > UInt64(size) { throw IndexError.truncated(path: path) }
        let headerSize = IndexFormat.headerSize(sections: sectionCount)
        guard headerSize <= size, headerSize <= file.count else { throw IndexError.truncated(path: path) }
        let headerBytes = UnsafeRawBufferPointer(rebasing: file[0..<(headerSize - 8)])
        guard XXHash64.hash(headerBytes) == file.u64(at: headerSize - 8) else {
            throw IndexError.corrupt(path: path, section: "header")
        }
        guard declaredSize == UInt64(size) else { throw IndexError.corrupt(path: path, section: "file size") }
        for i in 0..<sectionCount {
            let at = IndexFormat.fixedHeaderSize + i * IndexFormat.sectionEntrySize
            // Unknown kinds are skipped: a later minor addition need not break old readers.
            guard let kind = IndexFormat.Section(rawValue: file.u32(at: at)) else { continue }
            let offset = file.u64(at: at + 8), length = file.u64(at: at + 16)
            guard offset <= UInt64(size), length <= UInt64(size) - offset, sections[kind] == nil else {
                throw IndexError.corrupt(path: path, section: "section table")
            }
            sections[kind] = (Int(offset), Int(length), file.u64(at: at + 24))
        }
    }
}
