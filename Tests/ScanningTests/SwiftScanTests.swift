import Testing
@testable import Scanning

@Suite("Swift scanning")
struct SwiftScanTests {
    @Test func callableKinds() {
        let source = """
            struct Vector {
                init?(x: Int) { nil }
                init!() {}
                deinit {}
                subscript(i: Int) -> Int { get { i } set {} }
                static func == (a: Vector, b: Vector) -> Bool { true }
                func length() -> Int { 0 }
            }
            func free() {}
            """
        let found = scan("swift", source)
        #expect(found.map(\.qualifiedName) == ["Vector.init", "Vector.init", "Vector.deinit",
                                               "Vector.subscript", "Vector.==", "Vector.length", "free"])
        #expect(found.map(\.kind) == [.initializer, .initializer, .deinitializer, .subscript,
                                      .operator, .method, .function])
        #expect(found[4].signature == "static func == (a: Vector, b: Vector) -> Bool")
    }

    @Test func attributesModifiersAndGenericWhereClauses() {
        expectFunctions("swift", """
            public struct Box<T> {
                ⟦@available(macOS 10.15,
                           iOS 13, *)
                @inlinable
                @MainActor
                public static func make<U: Sequence>(
                    _ items: U
                ) async throws -> [U.Element]
                    where U.Element: Hashable,
                          U: Sendable
                {
                    []
                }⟧
                ⟦private(set) nonisolated func f() {}⟧
                ⟦@discardableResult mutating func g() -> Int { 1 }⟧
            }
            """, ["Box.make", "Box.f", "Box.g"])
    }

    @Test func nestedTypesAndExtensions() {
        expectFunctions("swift", """
            enum Outer {
                struct Inner {
                    ⟦func method() {
                        ⟦func local() {}⟧
                    }⟧
                }
            }
            extension Outer.Inner: Equatable where T: Equatable {
                ⟦func other() {}⟧
            }
            final class C {
                ⟦class func make() -> C { C() }⟧
                ⟦class var shared: C { make() }; func after() {}⟧
            }
            """, ["Outer.Inner.method", "Outer.Inner.method.local", "Outer.Inner.other", "C.make", "C.after"])
    }

    /// Protocol requirements have no body but are reported: they carry a signature
    /// and doc comment worth searching.
    @Test func protocolRequirementsAreReported() {
        expectFunctions("swift", """
            protocol Store {
                associatedtype Key
                ⟦func load(_ key: Key) async throws -> Data?⟧
                ⟦func save(_ data: Data,
                          for key: Key)⟧
                var count: Int { get }
                ⟦init(path: String)⟧
                ⟦subscript(key: Key) -> Data? { get set }⟧
                ⟦static func == (a: Self, b: Self) -> Bool⟧
            }
            """, ["Store.load", "Store.save", "Store.init", "Store.subscript", "Store.=="])
    }

    /// Closures and accessors are not functions; named functions inside them are.
    @Test func closuresAndAccessorsAreNotFunctions() {
        expectFunctions("swift", """
            struct S {
                var computed: Int {
                    get { 1 }
                    set { print(newValue) }
                }
                var observed = 0 { didSet { } }
                ⟦func run() {
                    let c = { (x: Int) -> Int in x + 1 }
                    queue.async {
                        ⟦func helper() {}⟧
                    }
                    self.init(x: 1)
                    let y = Foo.init()
                    call(init: 3)
                }⟧
            }
            """, ["S.run", "S.run.helper"])
    }

    @Test func stringsAndCommentsCannotFoolBraces() {
        expectFunctions("swift", ###"""
            /* outer /* nested } */ still comment func no() { */
            ⟦func a() {
                let s = "brace } and \(call("}", x[")"])) quote \" end"
                let m = """
                    func notAFunction() {
                    \(value) "quoted" }
                    """
                let r = #"raw \(not) " } "#
                let r2 = ##"raw "# } \##(x) "##
                // func commented() {
            }⟧
            ⟦func b() {}⟧
            """###, ["a", "b"])
    }

    @Test func conditionalCompilation() {
        expectFunctions("swift", """
            struct S {
            #if os(Linux)
                ⟦@inlinable
                func linux() {}⟧
            #elseif canImport(Darwin)
                ⟦func darwin() {}⟧
            #else
                ⟦func other() {}⟧
            #endif
                ⟦func after() {}⟧
            }
            """, ["S.linux", "S.darwin", "S.other", "S.after"])
    }

    @Test func docCommentsAndSignature() throws {
        let found = scan("swift", """
            /// Loads a thing.
            /// - Parameter key: the key.
            @inlinable
            public func load(key: String) -> Int { 1 }

            /** Block doc. */
            func other() {}

            // Not a doc comment.
            func third() {}
            """)
        #expect(found.count == 3)
        let load = try #require(found.first)
        #expect(load.docFirstLine == 1 && load.docLastLine == 2)
        #expect(load.firstLine == 3 && load.declarationLine == 4 && load.declarationColumn == 8)
        #expect(load.signature == "public func load(key: String) -> Int")
        #expect(found[1].docFirstLine == 6)
        #expect(found[2].docFirstLine == nil)
    }

    @Test func backtickNamesAndOperators() {
        let found = scan("swift", """
            func `default`() {}
            prefix func -(v: V) -> V { v }
            static func <<T>(a: T, b: T) -> Bool { true }
            """)
        #expect(found.map(\.name) == ["`default`", "-", "<"])
    }
}
