#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only (`mmap(2)`), unmapped in `deinit`. The mapping holds the
/// file's inode: a file replaced by a rename while mapped stays readable as it was.
public final class MappedFile: @unchecked Sendable {  // read-only memory, immutable after init
    /// The mapped bytes; valid while this object lives.
    public let bytes: UnsafeRawBufferPointer

    /// Maps the first `size` bytes of `file` (`size` > 0: mmap refuses an empty mapping).
    /// `shared`: `MAP_SHARED`, else `MAP_PRIVATE`; either way nothing here writes to it.
    /// The descriptor may be closed afterwards; the mapping stays.
    public init(_ file: OpenFile, size: Int, shared: Bool = true) throws {
        precondition(size > 0, "an empty file cannot be mapped")
        let region = mmap(nil, size, PROT_READ, shared ? MAP_SHARED : MAP_PRIVATE, file.descriptor.rawValue, 0)
        guard let region, region != MAP_FAILED else { throw SystemCallError("mmap", file.path) }
        bytes = UnsafeRawBufferPointer(start: region, count: size)
    }

    deinit {
        // Safe: `bytes` is exactly the region mmap returned, unmapped once, here.
        munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
    }
}

/// Anonymous read-write memory whose start is aligned to `alignment` (a multiple of the
/// page size, such as the 2 MB of a huge page), unmapped in `deinit`.
public final class AlignedMemory: @unchecked Sendable {  // the owner writes it once, then only reads
    /// `byteCount` rounded up to a multiple of `alignment`; valid while this object lives.
    public let bytes: UnsafeMutableRawBufferPointer

    /// nil when the memory cannot be had.
    public init?(byteCount: Int, alignment: Int) {
        let size = (byteCount + alignment - 1) / alignment * alignment
        // One alignment more than needed, then the ends outside the aligned window are given back.
        guard let region = mmap(nil, size + alignment, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              region != MAP_FAILED else { return nil }
        let start = (Int(bitPattern: region) + alignment - 1) / alignment * alignment
        let head = start - Int(bitPattern: region)
        // Safe: head < alignment, so [region, start) and [start + size, region + size +
        // alignment) are the two pieces of the mapping outside the window, both page-aligned.
        if head > 0 { munmap(region, head) }
        let tail = alignment - head
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: start + size), tail) }
        guard let window = UnsafeMutableRawPointer(bitPattern: start) else { return nil }
        bytes = UnsafeMutableRawBufferPointer(start: window, count: size)
    }

    deinit {
        // Safe: the window is what is left of the mapping after init gave back its ends.
        munmap(bytes.baseAddress, bytes.count)
    }
}

/// Advice to the kernel about mapped memory (`madvise(2)`). Best effort: advice the
/// kernel does not know is ignored, and a failure changes nothing but speed.
public enum MemoryAdvice: Sendable {
    /// Drop this process's page mappings of the range; reading it again maps it back (from
    /// the page cache for a file; as zeros for anonymous memory).
    case dontNeed
    /// Back the range with transparent huge pages where the kernel can (none on Darwin).
    case hugePage
    /// Fault the range in now, in one call, instead of page by page on first touch
    /// (`MADV_POPULATE_READ`, Linux 5.14; `MADV_WILLNEED` on Darwin).
    case populateRead

    /// The `MADV_` value, or nil where the system has no such advice. Linux's numbers
    /// (`<asm-generic/mman-common.h>`) are written out because Glibc's module does not export
    /// the newer ones (`MADV_POPULATE_READ`, Linux 5.14); an older kernel answers an
    /// unknown value with `EINVAL`, which is ignored.
    private var value: Int32? {
        #if os(Linux)
        switch self {
        case .dontNeed: return 4
        case .hugePage: return 14
        case .populateRead: return 22
        }
        #else
        switch self {
        case .dontNeed: return MADV_DONTNEED
        case .hugePage: return nil
        case .populateRead: return MADV_WILLNEED
        }
        #endif
    }

    /// Advises every page `range` touches (its start rounded down to a page).
    public func apply(covering range: UnsafeRawBufferPointer) {
        guard let base = range.baseAddress else { return }
        let start = Int(bitPattern: base) / Memory.pageSize * Memory.pageSize
        advise(from: start, to: Int(bitPattern: base) + range.count)
    }

    /// Advises only the whole pages inside `range`: for advice that drops contents, whose
    /// pages may not hold bytes of anything else.
    public func apply(inside range: UnsafeRawBufferPointer) {
        guard let base = range.baseAddress else { return }
        let page = Memory.pageSize
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + range.count) / page * page
        advise(from: start, to: end)
    }

    private func advise(from start: Int, to end: Int) {
        // Safe: the range is memory the caller has mapped (a `MappedFile`'s or an
        // `AlignedMemory`'s bytes), `start` page-aligned as madvise requires. Only
        // `.dontNeed` can change what a reader sees, and only of anonymous memory (a file's
        // pages come back from the file): hence `apply(inside:)` for it.
        guard let value, end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(address, end - start, value)
    }
}

public enum Memory {
    /// The size of a memory page (`sysconf(_SC_PAGESIZE)`).
    public static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
}
