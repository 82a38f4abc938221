/// `madvise` advice values, named. Linux's numbers (`<asm-generic/mman-common.h>`), written
/// out because Glibc's module does not export the newer ones (`MADV_POPULATE_READ`, Linux
/// 5.14). An older kernel answers an unknown value with `EINVAL`, which every caller
/// ignores: each piece of advice is an optimisation, never needed for correctness.
enum Advice {
    /// Drop this process's mappings of the range; reading it again maps it back.
    static let dontNeed: Int32 = 4
    /// Back the range with transparent huge pages where the kernel can.
    static let hugePage: Int32 = 14
    /// Fault the range in now, in one call, instead of page by page on first touch.
    static let populateRead: Int32 = 22
}
