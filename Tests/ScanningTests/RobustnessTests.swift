import TestSupport
import Testing
@testable import Scanning

/// Random and mutated inputs: never crash, never hang, always well-formed spans.
@Suite("Robustness")
struct RobustnessTests {
    static let samples: [String: String] = [
        "python": #"""
            @dec(1)
            class A(B):
                """Doc."""
                async def f(self, x=[1, {2: (3)}]) -> "A":
                    s = f"{x!r:>{w}} {'q'}" + rb'\x00' + '''tri
                    ple'''
                    def g(): return lambda: 0  # c
                    return \
                        s
            def h(): pass
            """#,
        "swift": ##"""
            /// Doc
            @available(*, deprecated)
            public struct S<T>: P where T: Q {
                init?() { nil }
                subscript(i: Int) -> Int { get { i } set {} }
                static func == (a: S, b: S) -> Bool { "\(a)" == #"\#(b)"# }
                func f() { let c = { $0 + 1 }; /* /* } */ */ }
            #if DEBUG
                func g() {
            #else
                func g() {
            #endif
                    """
                    multi \(1)
                    """
                }
            }
            extension S.T { deinit {} }
            protocol P { func r() }
            """##,
        "go": #"""
            package p
            // F doc
            func (r *T[K]) F(a int) (int, error) { s := `raw
            }`; return 0, nil }
            func G() { f := func() {}; _ = '}' ; _ = "}" }
            func H()
            """#,
    ]

    static let alphabet = Array("\"'`#\\(){}[]<>:;,.@=/*\n\n\n\t  abcdefrbg_".utf8)
        + Array("def func class struct init deinit subscript extension protocol \"\"\" ''' #if #else #endif \\( f\"{ ".utf8)

    @Test(arguments: ["python", "swift", "go"])
    func randomBytes(language: String) {
        var rng = SplitMix(state: 42)
        let s = scanner(language)
        for round in 0..<150 {
            let length = Int.random(in: 0...600, using: &rng)
            let bytes: [UInt8] = round % 2 == 0
                ? (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                : (0..<length).map { _ in Self.alphabet.randomElement(using: &rng) ?? 0 }
            let found = s.functions(in: bytes)
            let problems = wellFormedProblems(found, bytes: bytes)
            #expect(problems.isEmpty, "round \(round): \(problems.prefix(3))")
            if !problems.isEmpty { return }
        }
    }

    @Test(arguments: ["python", "swift", "go"])
    func mutatedSamples(language: String) throws {
        var rng = SplitMix(state: 7)
        let s = scanner(language)
        let original = Array(try #require(Self.samples[language]).utf8)
        #expect(!s.functions(in: original).isEmpty)
        for round in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(Self.alphabet.randomElement(using: &rng) ?? 0, at: at)
                case 2: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                default:
                    let end = min(bytes.count, at + Int.random(in: 1...40, using: &rng))
                    bytes.insert(contentsOf: Array(bytes[at..<end]), at: Int.random(in: 0...bytes.count, using: &rng))
                }
            }
            let found = s.functions(in: bytes)
            let problems = wellFormedProblems(found, bytes: bytes)
            #expect(problems.isEmpty, "round \(round): \(problems.prefix(3))")
            if !problems.isEmpty { return }
        }
    }

    /// Pathological nesting must stay linear and must not blow the stack.
    @Test func deepNestingAndLongInputs() {
        let swift = scanner("swift")
        let deep = Array(String(repeating: "\"\\(", count: 20_000).utf8)
        checkWellFormed(swift.functions(in: deep), bytes: deep)
        let braces = Array((String(repeating: "{", count: 50_000) + "func f() {}" + String(repeating: "}", count: 50_000)).utf8)
        #expect(swift.functions(in: braces).count == 1)
        let python = scanner("python")
        let fstrings = Array(String(repeating: "f'{f\"{", count: 20_000).utf8)
        checkWellFormed(python.functions(in: fstrings), bytes: fstrings)
        let indents = Array((0..<3000).map { String(repeating: " ", count: $0) + "def f\($0)():\n" }.joined().utf8)
        #expect(python.functions(in: indents).count == 3000)
    }
}
