import Foundation
import TestSupport
import Testing

/// `codesearch` leaves the network stack out and runs a command that needs it again in
/// `codesearch-net` (`NetworkLink`): nothing of the command may be lost on the way, and
/// without `codesearch-net` the error says what is missing while native commands still work.
@Suite struct NetworkHandoffTests {
    /// `codesearch serve` on a free port; returns the process and its base URL (with /v1).
    private func startServe() throws -> (BackgroundProcess, String) {
        let (serve, port) = try BackgroundProcess.codesearchServe()
        return (serve, "http://127.0.0.1:\(port)/v1")
    }

    /// `embed` resolves its settings before it reads standard input: read first (as it was
    /// before the handoff), the texts were gone when the command ran again in codesearch-net.
    @Test func standardInputReachesCodesearchNet() throws {
        let (serve, base) = try startServe()
        defer { serve.stop() }
        let directory = FileManager.default.temporaryDirectory.path
        let api = try CodesearchBinary.run(
            ["embed", "--provider", "openai", "--base-url", base, "--model", "all-MiniLM-L6-v2"],
            in: directory, environment: ["OPENAI_API_KEY": "sk-local-test"], stdin: "retry a failed upload\ncount the words\n")
        #expect(api.status == 0, "\(api.stderr)")
        let native = try CodesearchBinary.run(["embed"], in: directory, stdin: "retry a failed upload\ncount the words\n")
        let apiLines = api.stdout.split(separator: "\n"), nativeLines = native.stdout.split(separator: "\n")
        #expect(apiLines.count == 2 && nativeLines.count == 2)
        // The same model on both sides: the vectors agree (JSON floats may differ in the last digit).
        for (a, n) in zip(apiLines, nativeLines) {
            let x = try JSONDecoder().decode([Double].self, from: Data(a.utf8))
            let y = try JSONDecoder().decode([Double].self, from: Data(n.utf8))
            #expect(zip(x, y).map { $0 * $1 }.reduce(0, +) > 0.9999)
        }
        // One warning, not two: a user config's warnings are printed by the process that runs
        // the command, and `codesearch` hands over before it prints them.
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("codesearch-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: config.appendingPathComponent("codesearch"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        try "[codesearch]\ncolour = always\n".write(to: config.appendingPathComponent("codesearch/config"), atomically: true, encoding: .utf8)
        let warned = try CodesearchBinary.run(
            ["embed", "--provider", "openai", "--base-url", base, "--model", "all-MiniLM-L6-v2", "one text"],
            in: directory, environment: ["OPENAI_API_KEY": "sk-local-test", "XDG_CONFIG_HOME": config.path])
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stderr.components(separatedBy: "unknown key 'colour'").count == 2, "\(warned.stderr)")
    }

    /// A `codesearch` installed without `codesearch-net` runs every native command, and says
    /// what is missing (exit 2) for one that needs the network.
    @Test func withoutCodesearchNetTheErrorNamesIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("codesearch-alone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let alone = folder.appendingPathComponent("codesearch").path
        try FileManager.default.copyItem(atPath: CodesearchBinary.path, toPath: alone)

        let repo = try TemporaryRepository()
        try repo.write("net/upload.py", "def retry_upload(path, attempts):\n    return send(path)\n")
        try repo.commitAll()
        let native = try TemporaryRepository.runCapturing(alone, ["search", "--vimgrep", "retry a failed upload"],
                                                          in: repo.path, environment: CodesearchBinary.environment())
        #expect(native.status == 0, "\(native.stderr)")
        #expect(native.stdout.hasPrefix("net/upload.py:1:1:"))

        for arguments in [["search", "--provider", "openai", "retry"], ["serve", "--port", "0"],
                          ["model", "install", "acme/tiny-bert"]] {
            let r = try TemporaryRepository.runCapturing(alone, arguments, in: repo.path,
                                                         environment: CodesearchBinary.environment())
            #expect(r.status == 2, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("needs codesearch-net"), "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}
