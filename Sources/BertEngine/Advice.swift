/// `madvise` advice values, named. Linux's numbers (`<asm-generic/mman-common.h>`). A kernel
/// without one answers `EINVAL`, which every caller ignores: each piece of advice is an
/// optimisation, never needed for correctness.
enum Advice {
    /// Drop this process's mappings of the range; reading it again maps it back.
    static let dontNeed: Int32 = 4
    /// Back the range with transparent huge pages where the kernel can.
    static let hugePage: Int32 = 14
}
