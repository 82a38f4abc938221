import ByteCoding
import Platform
import Git
import Hashing

/// Serialises `IndexContents` and replaces the index atomically: temporary
/// file beside it, fsync, rename, fsync of the directory.
package enum IndexFileWriter {
    package static func write(_ contents: IndexContents, to path: String) throws {
        var pool = StringPool()
        let tables = try Tables(contents, pool: &pool)
        var snapshot = ByteWriter()
        for entry in contents.live {
            pool.write(entry.path, into: &snapshot)
            snapshot.u32(entry.blob)
        }
        let lexiconBytes = tables.lexicon.bytes(pool: &pool)
        let meta = metadata(contents, functionCount: tables.functionCount)

        var vectorHash = XXHash64()
        var vectorLength = 0
        for blob in contents.blobs {
            vectorHash.update(blob.vectorBytes)
            vectorLength += blob.vectorBytes.count
        }
        // Small sections first so opening touches only the first pages; vectors last.
        let small: [(IndexFormat.Section, [UInt8])] = [
            (.meta, meta.bytes), (.strings, pool.bytes), (.blobs, tables.blobs.bytes),
            (.functions, tables.functions.bytes), (.snapshot, snapshot.bytes), (.lexicon, lexiconBytes),
        ]
        let prefix = layout(small, vectors: (vectorLength, vectorHash.finalize()))
        try replace(path, prefix: prefix, vectors: contents.blobs.lazy.map(\.vectorBytes))
    }

    /// The blob and function tables and the lexicon, built in one pass over the blobs.
    package struct Tables {
        var blobs = ByteWriter()
        var functions = ByteWriter()
        var functionCount = 0
        var lexicon = LexiconWriter()

        init(_ contents: IndexContents, pool: inout StringPool) throws {
            let rowBytes = contents.identity.dimensions * contents.encoding.bytesPerComponent
            for (index, blob) in contents.blobs.enumerated() {
                guard blob.vectorBytes.count == blob.functions.count * rowBytes else {
                    throw IndexError.badEmbedding("blob \(blob.key.id) has \(blob.vectorBytes.count) vector bytes for \(blob.functions.count) functions")
                }
                // Readers treat such a row as damage: it is never written.
                guard VectorCheck.isPlausible(blob.vectorBytes, encoding: contents.encoding) else {
                    throw IndexError.badEmbedding("blob \(blob.key.id) has a NaN, infinite or non-unit vector component")
                }
                blobs.raw(blob.key.id.bytes)
                pool.write(blob.key.language, into: &blobs)
                blobs.u32(functionCount)
                blobs.u32(blob.functions.count)
                blobs.u32(blob.lastSeen)
                for f in blob.functions {
                    addFunction(f, blob: index, pool: &pool)
                }
                functionCount += blob.functions.count
            }
        }

        /// One function record (`IndexFormat.functionRecordSize` bytes) and its lexicon bag.
        mutating func addFunction(_ f: StoredFunction, blob index: Int, pool: inout StringPool) {
            let s = f.span
            // A name is mostly the tail of its qualified name: point into those bytes.
            let qualified = pool.reference(s.qualifiedName)
            let nameLength = s.name.utf8.count
            if nameLength > 0, s.qualifiedName.utf8.reversed().starts(with: s.name.utf8.reversed()) {
                functions.u32(qualified.offset + UInt32(qualified.length - nameLength))
                functions.u32(nameLength)
            } else {
                pool.write(s.name, into: &functions)
            }
            functions.u32(qualified.offset)
            functions.u32(qualified.length)
            pool.write(s.signature, into: &functions)
            functions.u32(index)
            functions.u8(FunctionKindCode.code(s.kind))
            functions.u8(f.hasVector ? 0 : IndexFormat.noVectorFlag)
            functions.u8(0); functions.u8(0)
            for v in [s.firstLine, s.declarationLine, s.declarationColumn, s.lastLine,
                      s.byteStart, s.byteEnd, s.docFirstLine ?? 0, s.docLastLine ?? 0] {
                functions.u32(max(0, v))
            }
            functions.u64(f.textHash)
            lexicon.add(f.bag)
        }
    }

    /// The metadata section: the embedder's identity, grammar, encoding, generation and snapshot.
    package static func metadata(_ contents: IndexContents, functionCount: Int) -> ByteWriter {
        var meta = ByteWriter()
        let id = contents.identity
        meta.string(id.provider)
        meta.string(id.storedModel)
        meta.string(id.fingerprint)
        meta.u32(id.dimensions)
        meta.string(id.pooling)
        meta.u32(id.maxTokens)
        meta.string(contents.grammarVersion)
        meta.u8(contents.encoding.rawValue)
        meta.u32(contents.generation)
        SnapshotKindCode.write(contents.snapshot.kind, into: &meta)
        meta.u8(contents.snapshot.commitID == nil ? 0 : 1)
        meta.string(contents.snapshot.commitID ?? "")
        meta.u64(contents.snapshot.hash)
        meta.u8(contents.snapshot.complete ? 1 : 0)
        meta.u32(contents.blobs.count)
        meta.u32(functionCount)
        meta.u32(contents.live.count)
        meta.u32(contents.live.reduce(0) { $0 + contents.blobs[$1.blob].functions.count })
        if let selection = contents.fileSelection { meta.string(selection) }
        return meta
    }

    /// The header (section table with each section's hash, then its own hash) and the small
    /// sections at their aligned offsets: every byte of the file before the vectors.
    package static func layout(_ small: [(IndexFormat.Section, [UInt8])], vectors: (length: Int, hash: UInt64)) -> [UInt8] {
        let sectionCount = small.count + 1
        var offset = IndexFormat.aligned(IndexFormat.headerSize(sections: sectionCount))
        var table: [(kind: UInt32, offset: Int, length: Int, hash: UInt64)] = []
        for (kind, bytes) in small {
            table.append((kind.rawValue, offset, bytes.count, XXHash64.hash(bytes)))
            offset = IndexFormat.aligned(offset + bytes.count)
        }
        table.append((IndexFormat.Section.vectors.rawValue, offset, vectors.length, vectors.hash))
        var header = ByteWriter()
        header.raw(IndexFormat.magic)
        header.u32(IndexFormat.version)
        header.u32(0)
        header.u32(sectionCount)
        header.u32(0)
        header.u64(UInt64(offset + vectors.length))
        for entry in table {
            header.u32(entry.kind)
            header.u32(0)
            header.u64(UInt64(entry.offset))
            header.u64(UInt64(entry.length))
            header.u64(entry.hash)
        }
        header.u64(XXHash64.hash(header.bytes))
        var prefix = header
        for (i, (_, bytes)) in small.enumerated() {
            prefix.zeros(table[i].offset - prefix.count)
            prefix.raw(bytes)
        }
        prefix.zeros(offset - prefix.count)
        return prefix.bytes
    }

    /// Writes `prefix` then the vector rows to a temporary file beside `path`, fsyncs it,
    /// renames it over `path` and fsyncs the folder: a reader sees the old file or the new.
    package static func replace(_ path: String, prefix: [UInt8], vectors: some Sequence<[UInt8]>) throws {
        // Under the index lock: the one writer of `path`.
        try FileSystem.replaceAtomically(path) { file in
            try file.write(prefix)
            for rows in vectors where !rows.isEmpty {
                try file.write(rows)
            }
        }
    }
}

/// Deduplicating UTF-8 pool; records hold (offset, length).
package struct StringPool {
    package var bytes: [UInt8] = []
    private var seen: [String: UInt32] = [:]

    package mutating func write(_ s: String, into writer: inout ByteWriter) {
        let r = reference(s)
        writer.u32(r.offset)
        writer.u32(r.length)
    }

    /// Where `s`'s bytes are in the pool, appended if new.
    package mutating func reference(_ s: String) -> (offset: UInt32, length: Int) {
        if let known = seen[s] { return (known, s.utf8.count) }
        let offset = UInt32(bytes.count)
        bytes.append(contentsOf: s.utf8)
        seen[s] = offset
        return (offset, s.utf8.count)
    }
}
