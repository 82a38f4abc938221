import Testing
@testable import Scanning

/// Go is a grammar file only (Grammars/go.json): no Go-specific Swift code exists.
@Suite("Go scanning (grammar-only language)")
struct GoScanTests {
    @Test func functionsMethodsAndLiterals() {
        expectFunctions("go", """
            package main

            import "fmt"

            // Server serves.
            type Server[T any] struct {
                name string
            }

            // Serve runs the server.
            ⟦func (s *Server[T]) Serve(addr string) error {
                handler := func(w int) {
                    fmt.Println("func fake() {", `raw } func`, '}')
                }
                _ = handler
                return nil
            }⟧

            ⟦func main() {
                /* func commented() { */
                go func() {}()
            }⟧

            ⟦func asmStub(x int) int⟧
            ⟦func (Server[T]) Name() string { return "x" }⟧
            """, ["Server.Serve", "main", "asmStub", "Server.Name"])
    }

    @Test func receiverMakesAMethodAndDocComesFromComments() throws {
        let found = scan("go", "// Add adds.\n// Twice.\nfunc (v Vec) Add(w Vec) Vec {\n\treturn v\n}\n")
        let add = try #require(found.first)
        #expect(add.kind == .method)
        #expect(add.qualifiedName == "Vec.Add")
        #expect(add.docFirstLine == 1 && add.docLastLine == 2)
        #expect(add.firstLine == 3)
        #expect(add.signature == "func (v Vec) Add(w Vec) Vec")
    }
}
