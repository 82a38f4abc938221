@testable import CodesearchCLI
import Foundation
import Git
import TestSupport
import Testing

@Suite struct StartupShortcutTests {
    /// libgit2 asks for the system's CA certificates when it starts; in a process that links
    /// the command line it gets none (see CLibGit2NoCertificates), and reading a repository
    /// works as before.
    @Test func certificatesAreNotLoadedAndRepositoriesStillOpen() throws {
        let repo = try TemporaryRepository()
        try repo.write("a.py", "def a(): pass\n")
        try repo.commitAll()
        let opened = try Repository.open(at: repo.path)
        #expect(StartupShortcuts.certificateRequests >= 1)
        #expect(try opened.snapshot(.revision("HEAD")).entries.map(\.path) == ["a.py"])
    }
}
