import Testing
@testable import Scanning

/// Cases found by scripts/agreement, named after what they fixed.
@Suite("Agreement regressions")
struct RegressionTests {
    @Test func matrixMultiplyIsNotADecorator() {
        expectFunctions("python", """
            ⟦def matmul(a, b):
                return a @ b⟧

            ⟦def neg(a):
                return -a⟧
            """, ["matmul", "neg"])
    }

    @Test func floatEndingInDotBeforeDef() {
        expectFunctions("python", """
            class T:
                ⟦def radians(self):
                    self.x = 1.⟧

                ⟦def degrees(self):
                    pass⟧
            """, ["T.radians", "T.degrees"])
    }

    @Test func genericParametersOnTheirOwnLines() {
        expectFunctions("swift", """
            extension Array {
                ⟦@_alwaysEmitIntoClient
                public mutating func append<
                    E: Error,
                    P: Producer<Element, E> & ~Copyable
                >(
                    from producer: inout P
                ) throws(E) {
                }⟧
            }
            """, ["Array.append"])
    }

    @Test func memberNamedLikeAModifierIsNotAModifier() {
        expectFunctions("swift", """
            final class W {
                private(set) var state: State = .open

                /// Doc.
                ⟦func mark() {
                    guard state == .open else { return }
                }⟧
                ⟦public func any() -> EventLoop { self }⟧
                ⟦__consuming func union(_ other: __owned Self) -> Self { self }⟧
            }
            """, ["W.mark", "W.any", "W.union"])
    }
}

@Suite("Agreement regressions, swift-syntax")
struct SwiftSyntaxRegressionTests {
    @Test func rawStringHoldingOnlyAQuoteIsOneLine() {
        expectFunctions("swift", ##"""
            ⟦func isQuote() -> Bool {
                if tmp.is(at: #"""#) { return true }
                return false
            }⟧
            ⟦func next() {}⟧
            """##, ["isQuote", "next"])
    }

    @Test func enumCasesNamedLikeModifiers() {
        expectFunctions("swift", """
            enum Keyword {
                case mutating
                case optional(Int)
                case consuming, borrowing

                ⟦init?(text: String) { nil }⟧
            }
            """, ["Keyword.init"])
    }
}
