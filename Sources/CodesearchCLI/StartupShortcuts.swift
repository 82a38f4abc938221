import CLibGit2NoCertificates

/// The start-up shortcuts of the command line, each kept because it measured 2 ms or more
/// in the same run as the build without it (README, Development; Benchmarks/RESULTS-index.md):
///
/// - `CLibGit2NoCertificates`, linked into this executable (and `codesearch-mcp`) and no
///   library: libgit2 does not parse the system CA bundle when it starts (9–10 ms of CPU a
///   no-op `index` or a `status`, 5 a `search`);
/// - `IndexRequest.quickParse`: `index`'s common flags without ArgumentParser (4–5 ms);
/// - `Codesearch.frequent`: `search`, `index`, `status` and `mcp` parsed without the whole
///   command tree (about 2 ms a `status` or `search`).
///
/// OpenBLAS loaded on first use (`CBLAS`) belongs to the loader itself, which the encoder and
/// `Atlas` share; a linked OpenBLAS would cost 15–21 ms a command.
enum StartupShortcuts {
    /// How many times libgit2 asked to load CA certificates, which it is not given: at most
    /// once a process, when it starts (for tests).
    static var certificateRequests: Int { Int(codesearch_libgit2_certificate_requests()) }
}
