import Foundation
import TestSupport
import Testing
@testable import Scanning

/// Real files (Fixtures/*.txt, licences kept in their headers), with expectations
/// taken from each language's own parser: Python `ast`, `swiftc -dump-parse`, and for
/// Go (no toolchain here) the file's `func` lines checked by hand.
@Suite("Real samples")
struct RealSamplesTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    static func summary(_ spans: [FunctionSpan], qualified: Bool) -> [String] {
        spans.map { "\(qualified ? $0.qualifiedName : $0.name) \($0.firstLine)-\($0.lastLine)" }
    }

    @Test func pythonStandardLibraryFile() throws {
        let bytes = try Self.fixture("colorsys.py.txt")
        let found = scanner("python").functions(in: bytes)
        #expect(Self.summary(found, qualified: false) == [
            "rgb_to_yiq 40-44", "yiq_to_rgb 46-67", "rgb_to_hls 75-97", "hls_to_rgb 99-107",
            "_v 109-117", "rgb_to_hsv 125-143", "hsv_to_rgb 145-165"])
        checkWellFormed(found, bytes: bytes)
    }

    @Test func swiftArgumentParserFile() throws {
        let bytes = try Self.fixture("Flag.swift.txt")
        let found = scanner("swift").functions(in: bytes)
        #expect(Self.summary(found, qualified: false) == [
            "init 75-77", "init 79-81", "init 94-101", "init 219-236", "init 241-253",
            "init 261-271", "init 278-287", "init 295-305", "init 310-328", "init 347-361",
            "init 378-391", "init 403-411", "init 420-479", "init 500-510", "init 530-539",
            "init 545-580", "init 585-621", "init 633-641", "init 652-659", "flag 663-676"])
        checkWellFormed(found, bytes: bytes)
    }

    /// The third language is data only: Grammars/go.json, no Go-specific Swift.
    @Test func goFileFromGitContrib() throws {
        let bytes = try Self.fixture("socket.go.txt")
        let found = scanner("go").functions(in: bytes)
        #expect(Self.summary(found, qualified: true) == [
            "defaultDir 32-39", "Socket.Listen 47-53", "Socket.Dial 57-63", "Socket.Path 66-68",
            "Socket.mkdir 70-80", "Socket.checkPermissions 82-97"])
        #expect(found.filter { $0.kind == .method }.count == 5)
        checkWellFormed(found, bytes: bytes)
    }

    @Test(arguments: [("python", "colorsys.py.txt"), ("swift", "Flag.swift.txt"), ("go", "socket.go.txt")])
    func mutatedRealFiles(language: String, file: String) throws {
        var rng = SplitMix(state: 99)
        let original = try Self.fixture(file)
        let s = scanner(language)
        for round in 0..<100 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                if Bool.random(using: &rng) {
                    bytes[at] = RobustnessTests.alphabet.randomElement(using: &rng) ?? 0
                } else {
                    bytes.remove(at: at)
                }
            }
            let problems = wellFormedProblems(s.functions(in: bytes), bytes: bytes)
            #expect(problems.isEmpty, "round \(round): \(problems.prefix(3))")
            if !problems.isEmpty { return }
        }
    }
}
