import ByteCoding
import Platform
import Git
import Scanning
import Hashing

/// Append-only checkpoint of blobs embedded by a run that has not yet been
/// compacted into the index, so `kill -9` or a power cut loses at most the
/// last unsynced batch.
///
/// ```
/// header  magic "CSJRNL02" (8) | xxh64 of the cache key (identity, grammar, encoding) (8)
/// record  payload length u32 | xxh64 of payload u64 | payload (one blob)
/// ```
/// Replay stops at the first record that is short or fails its checksum (a
/// torn tail); the next append truncates it away.
package final class IndexJournal {
    package static let magic = Array("CSJRNL02".utf8)
    package static let headerSize = 16

    package var path: String { file.path }
    private let file: OpenFile

    package struct Replay {
        package var blobs: [StoredBlob] = []
        /// Byte length of the valid prefix; 0 when the header is missing or for another key.
        package var validLength = 0
    }

    /// Reads the journal; a missing, foreign or torn journal yields what is valid.
    package static func replay(path: String, cacheKey: UInt64, rowBytes: Int) throws -> Replay {
        guard let bytes = try FileSystem.readFile(path) else { return Replay() }
        return bytes.withUnsafeBytes { file in
            var replay = Replay()
            guard file.count >= headerSize, Array(file[0..<8]) == magic, file.u64(at: 8) == cacheKey else {
                return replay
            }
            var offset = headerSize
            replay.validLength = offset
            while file.count - offset >= 12 {
                let length = Int(file.u32(at: offset)), hash = file.u64(at: offset + 4)
                guard length <= file.count - offset - 12 else { break }
                let payload = UnsafeRawBufferPointer(rebasing: file[(offset + 12)..<(offset + 12 + length)])
                guard XXHash64.hash(payload) == hash,
                      let blob = try? decode(payload, path: path),
                      blob.vectorBytes.count == blob.functions.count * rowBytes else { break }
                replay.blobs.append(blob)
                offset += 12 + length
                replay.validLength = offset
            }
            return replay
        }
    }

    /// Opens for appending after `replay`'s valid prefix, starting over when there is none.
    package init(path: String, cacheKey: UInt64, validLength: Int) throws {
        file = try OpenFile.open(path, .readingAndWriting)
        if validLength < IndexJournal.headerSize {
            try file.resize(to: 0)
            var header = ByteWriter()
            header.raw(IndexJournal.magic)
            header.u64(cacheKey)
            try file.write(header.bytes, at: 0)
            try file.sync()
            try FileSystem.syncDirectory(of: path)
        } else {
            try file.resize(to: validLength)
        }
        try file.seekToEnd()
    }

    package func append(_ blob: StoredBlob) throws {
        let payload = IndexJournal.encode(blob)
        var record = ByteWriter()
        record.u32(payload.count)
        record.u64(XXHash64.hash(payload))
        record.raw(payload)
        try file.write(record.bytes)
    }

    package func sync() throws {
        try file.sync()
    }

    package static func encode(_ blob: StoredBlob) -> [UInt8] {
        var w = ByteWriter()
        w.raw(blob.key.id.bytes)
        w.string(blob.key.language)
        w.u32(blob.functions.count)
        for f in blob.functions {
            let s = f.span
            w.string(s.name)
            w.string(s.qualifiedName)
            w.string(s.signature)
            w.u8(FunctionKindCode.code(s.kind))
            for v in [s.firstLine, s.declarationLine, s.declarationColumn, s.lastLine,
                      s.byteStart, s.byteEnd, s.docFirstLine ?? 0, s.docLastLine ?? 0] {
                w.u32(max(0, v))
            }
            w.u64(f.textHash)
            w.u32(f.bag.terms.count)
            for (term, count) in f.bag.terms {
                w.string(term)
                w.u32(Int(count))
            }
        }
        w.u32(blob.vectorBytes.count)
        w.raw(blob.vectorBytes)
        return w.bytes
    }

    package static func decode(_ payload: UnsafeRawBufferPointer, path: String) throws -> StoredBlob {
        var r = ByteReader(payload, failure: IndexError.corrupt(path: path, section: "journal"))
        guard let id = BlobID(bytes: try r.bytes(20)) else { throw r.failure }
        let language = try r.string()
        let count = try r.int()
        var functions: [StoredFunction] = []
        for _ in 0..<count {
            let name = try r.string(), qualified = try r.string(), signature = try r.string()
            guard let kind = FunctionKindCode.kind(try r.u8()) else { throw r.failure }
            var v: [Int] = []
            for _ in 0..<8 { v.append(try r.int()) }
            let span = FunctionSpan(name: name, qualifiedName: qualified, kind: kind, firstLine: v[0],
                                    declarationLine: v[1], declarationColumn: v[2], lastLine: v[3],
                                    signature: signature, docFirstLine: v[6] == 0 ? nil : v[6],
                                    docLastLine: v[7] == 0 ? nil : v[7], byteStart: v[4], byteEnd: v[5])
            let textHash = try r.u64()
            var terms: [(term: String, count: UInt16)] = []
            for _ in 0..<(try r.int()) {
                let term = try r.string()
                terms.append((term, UInt16(clamping: try r.int())))
            }
            functions.append(StoredFunction(span: span, textHash: textHash, bag: LexicalBag(sorted: terms)))
        }
        let vectorBytes = try r.bytes(try r.int())
        return StoredBlob(key: BlobKey(id: id, language: language), functions: functions,
                          vectorBytes: vectorBytes, lastSeen: 0)
    }
}
