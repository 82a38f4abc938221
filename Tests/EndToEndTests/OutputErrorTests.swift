import Foundation
import TestSupport
import Testing

/// Results that cannot be written are an error the user hears about.
@Suite struct OutputErrorTests {
    /// Runs `codesearch ARGS` with standard output on /dev/full (every write fails with
    /// ENOSPC); returns the exit status and standard error.
    private func runToFullDevice(_ arguments: [String], in directory: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CodesearchBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in CodesearchBinary.environment() { env[key] = value }
        process.environment = env
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let errors = Pipe()
        process.standardOutput = full
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? full.close()
        return (process.terminationStatus, String(decoding: stderr, as: UTF8.self))
    }

    private func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("store.py", "def load(key):\n    return key\n\ndef save(key, value):\n    pass\n")
        try repo.commitAll()
        return repo
    }

    /// Regression (issue 12 item 13): exited 2 without a word.
    @Test func functionsToAFullDeviceSaysSo() throws {
        let repo = try makeRepository()
        let (status, stderr) = try runToFullDevice(["functions"], in: repo.path)
        #expect(status == 2)
        #expect(stderr == "codesearch: error writing output: No space left on device\n")
    }

    @Test func searchToAFullDeviceSaysSo() throws {
        let repo = try makeRepository()
        let index = try CodesearchBinary.run(["index"], in: repo.path)
        #expect(index.status == 0, "\(index.stderr)")
        for format in [[], ["--json"], ["--vimgrep"]] {
            let (status, stderr) = try runToFullDevice(["search", "--no-update", "load a key"] + format, in: repo.path)
            #expect(status == 2)
            #expect(stderr.hasSuffix("codesearch: error writing output: No space left on device\n"), "\(stderr)")
        }
    }

    /// `codesearch ... | head` is not an error: the reader has what it wanted.
    @Test func closedPipeExitsQuietly() throws {
        let repo = try TemporaryRepository()
        var source = ""
        for i in 0..<4000 { source += "def function_number_\(i)(argument):\n    return argument\n\n" }
        try repo.write("many.py", source)
        try repo.commitAll()
        let script = "set -o pipefail; \"$0\" functions | head -n 1 >/dev/null"
        let result = try TemporaryRepository.runCapturing("/bin/bash", ["-c", script, CodesearchBinary.path],
                                                          in: repo.path, environment: CodesearchBinary.environment())
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
    }
}
