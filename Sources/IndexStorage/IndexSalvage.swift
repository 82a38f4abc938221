import ByteCoding
import Platform
import EmbeddingCore
import Git
import Hashing

/// The vectors that can still be trusted in a damaged index, so a repair embeds only
/// what was really lost. A section is used only when its own checksum passes and its
/// vectors are plausible (`VectorCheck`); the header and metadata must be sound and
/// name this embedder and encoding.
///
/// - `byText`: function-table row text hash → vector row (needs functions + vectors).
/// - `byBlob`: blob id → its rows in scan order (needs blobs + vectors): a blob scanned
///   again with the same grammar yields the same functions in the same order, so when
///   the count matches, row i is function i's vector even if the function table is lost.
package struct IndexSalvage {
    package var byText: [UInt64: [UInt8]] = [:]
    package var byBlob: [BlobID: (count: Int, bytes: [UInt8])] = [:]
    package var grammarVersion: String?

    package init(path: String, identity: EmbedderIdentity, encoding: VectorEncoding) {
        guard let file = try? FileSystem.readFile(path) else { return }
        file.withUnsafeBytes { load($0, path: path, identity: identity, encoding: encoding) }
    }

    private mutating func load(_ file: UnsafeRawBufferPointer, path: String, identity: EmbedderIdentity,
                               encoding: VectorEncoding) {
        guard let table = try? SectionTable(file: file, actualSize: file.count, path: path),
              table.version == IndexFormat.version else { return }
        func section(_ kind: IndexFormat.Section) -> UnsafeRawBufferPointer? {
            guard let s = table.sections[kind] else { return nil }
            let bytes = UnsafeRawBufferPointer(rebasing: file[s.offset..<(s.offset + s.length)])
            return XXHash64.hash(bytes) == s.hash ? bytes : nil
        }
        guard let metaBytes = section(.meta),
              let meta = try? IndexMetadata(meta: metaBytes, formatVersion: table.version, fileSize: file.count, path: path),
              meta.identity == identity, meta.encoding == encoding,
              let vectors = section(.vectors), VectorCheck.isPlausible(vectors, encoding: encoding) else { return }
        let rowBytes = identity.dimensions * encoding.bytesPerComponent
        guard vectors.count == meta.functionCount * rowBytes else { return }
        grammarVersion = meta.grammarVersion
        func row(_ i: Int) -> [UInt8] { Array(UnsafeRawBufferPointer(rebasing: vectors[(i * rowBytes)..<((i + 1) * rowBytes)])) }
        // A row of a unit that waits for its vector holds zeros, not a vector: never salvaged.
        var waiting = Set<Int>()
        if let functions = section(.functions), functions.count == meta.functionCount * IndexFormat.functionRecordSize {
            for i in 0..<meta.functionCount {
                let at = i * IndexFormat.functionRecordSize
                if functions[at + IndexFormat.flagsOffset] & IndexFormat.noVectorFlag != 0 { waiting.insert(i); continue }
                byText[functions.u64(at: at + 64)] = row(i)
            }
        }
        if let blobs = section(.blobs), blobs.count == meta.blobCount * IndexFormat.blobRecordSize {
            for b in 0..<meta.blobCount {
                let at = b * IndexFormat.blobRecordSize
                let start = Int(blobs.u32(at: at + 28)), count = Int(blobs.u32(at: at + 32))
                guard let id = BlobID(bytes: Array(UnsafeRawBufferPointer(rebasing: blobs[at..<(at + 20)]))),
                      start <= meta.functionCount, count <= meta.functionCount - start,
                      !(start..<(start + count)).contains(where: waiting.contains) else { continue }
                byBlob[id] = (count, Array(UnsafeRawBufferPointer(rebasing: vectors[(start * rowBytes)..<((start + count) * rowBytes)])))
            }
        }
    }
}
