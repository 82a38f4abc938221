/// The on-disk layout of the index file. All integers little-endian.
///
/// ```
/// header      magic "CSIX\r\n\u{1a}\n" (8) | format version u32 | flags u32
///             | section count u32 | reserved u32 | file size u64
///             | section table: count × {kind u32, reserved u32, offset u64,
///               length u64, xxh64 u64} | xxh64 of all the above (u64)
/// sections    each starts on a 64-byte boundary:
///   meta      embedder identity, grammar version, vector encoding,
///             generation, live snapshot kind/commit/hash/complete, counts
///             (blobs, functions, live files, live functions), then optionally the
///             file selection (string; absent in files written before it existed)
///   strings   UTF-8 string pool, deduplicated; records refer to (offset, length)
///   blobs     blobCount × 40: id[20] | language (u32 off, u32 len)
///             | first function u32 | function count u32 | last-seen generation u32
///             sorted by (id, language)
///   functions functionCount × 72: name, qualifiedName, signature (3 × off,len)
///             | blob index u32 | kind u8 (`FunctionKindCode`) | flags u8 (bit 0: no vector
///               yet, its row is zeros; older writers left 0) + 2 pad | firstLine | declarationLine
///             | declarationColumn | lastLine | byteStart | byteEnd
///             | docFirstLine | docLastLine (0 = none) (u32 each) | text xxh64 u64
///   vectors   functionCount × dimensions halves (fp16) or floats, row i for
///             function i; 64-byte aligned, scanned in place through mmap
///   snapshot  live files, sorted by path: path (off,len) | blob index u32
///   lexicon   (version 3) BM25 data over all functions:
///             term count u32 | posting count u32 | total bag length u64
///             | posting stream length u32 | reserved u32
///             | functionCount × u16 bag length (clamped)
///             | termCount × {term (off,len) | stream offset u32 | posting count u32},
///               sorted by term bytes
///             | posting stream: per term, its postings in ascending row order, each
///               LEB128(row delta << 1 | count > 1) then, when that bit is set,
///               LEB128(count); the first delta is from row 0
///             (Version 2 held fixed-width u32 rows and u16 counts, 6 bytes a posting
///             against about 1.8 here; its lexicon is not read, and the next update
///             rewrites the file, reusing every vector.)
/// ```
///
/// Like `vectors`, the lexicon is checked by `verify()` only (it grows with
/// the code, and hashing it would cost every query); readers bounds-check it.
///
/// Every section has an xxh64. `IndexFile.open` verifies the header and all
/// sections except `vectors`; the vector checksum is computed as the file is
/// written and checked by `IndexFile.verify()` (used by `status`), so a query
/// never pays for hashing tens of megabytes.
package enum IndexFormat {
    package static let magic: [UInt8] = [0x43, 0x53, 0x49, 0x58, 0x0d, 0x0a, 0x1a, 0x0a]
    /// 4: kind codes 6 and up (type and module units), which a version-3 reader rejects.
    package static let version: UInt32 = 4
    package static let alignment = 64
    package static let fixedHeaderSize = 32
    package static let sectionEntrySize = 32
    package static let blobRecordSize = 40
    package static let functionRecordSize = 72
    package static let snapshotRecordSize = 12
    /// In a function record's flags byte (offset 29): the unit waits for its vector.
    package static let noVectorFlag: UInt8 = 1
    package static let flagsOffset = 29

    package enum Section: UInt32, CaseIterable {
        case meta = 1, strings, blobs, functions, vectors, snapshot, lexicon

        var name: String {
            switch self {
            case .meta: return "metadata"
            case .strings: return "string pool"
            case .blobs: return "blob table"
            case .functions: return "function table"
            case .vectors: return "vectors"
            case .snapshot: return "live snapshot"
            case .lexicon: return "lexicon"
            }
        }
    }

    package static func headerSize(sections: Int) -> Int { fixedHeaderSize + sections * sectionEntrySize + 8 }

    package static func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }
}

/// How vectors are stored. fp16 is the default (see `scripts/bench-index`).
public enum VectorEncoding: UInt8, Sendable, CustomStringConvertible {
    case float16 = 1
    case float32 = 2

    public var bytesPerComponent: Int { self == .float16 ? 2 : 4 }
    public var description: String { self == .float16 ? "fp16" : "fp32" }
}
