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

    /// Regression: with `"receiver": true` a func literal inside a body
    /// (`return func(next http.Handler) http.Handler {`) read as a method `Handler.http`
    /// and cut the enclosing function short; a func-typed struct field read as a method
    /// too. Named functions exist only at the top level (`"topLevel": true`).
    @Test func funcLiteralsInBodiesAndFieldsAreNotMethods() {
        expectFunctions("go", """
            package middleware

            import "net/http"

            type Options struct {
            	OnError func(err error) bool
            	Name    string
            }

            // Logger logs each request.
            ⟦func Logger(prefix string) func(http.Handler) http.Handler {
            	return func(next http.Handler) http.Handler {
            		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
            			next.ServeHTTP(w, r)
            		})
            	}
            }⟧

            var fallback = func(next http.Handler) http.Handler { return next }

            ⟦func (o Options) Wrap(h http.Handler) http.Handler {
            	f := func(x int) error { return nil }
            	_ = f
            	return h
            }⟧
            """, ["Logger", "Options.Wrap"])
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
