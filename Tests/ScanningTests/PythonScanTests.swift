import Testing
@testable import Scanning

@Suite("Python scanning")
struct PythonScanTests {
    @Test func nestedFunctionsMethodsAndAsync() {
        expectFunctions("python", """
            import os

            ⟦def outer(a):
                ⟦def inner():
                    return a⟧
                return inner⟧

            class Cache:
                ⟦async def load(self, key):
                    ⟦async def fetch():
                        pass⟧
                    return await fetch()⟧

                class Entry:
                    ⟦def size(self): return 1⟧
            """, ["outer", "outer.inner", "Cache.load", "Cache.load.fetch", "Cache.Entry.size"])
    }

    @Test func multiLineDecoratorsStartTheFunction() {
        expectFunctions("python", """
            ⟦@decorator(
                "a", b=[1,
                        2])
            @functools.cache
            def f():
                pass⟧
            x = a @ b
            ⟦def g(): pass⟧
            """, ["f", "g"])
    }

    @Test func defInsideStringsAndCommentsIsIgnored() {
        expectFunctions("python", """
            # def commented(): pass
            s = "def in_string(): pass"
            t = '''
            def in_triple(): pass
            '''
            ⟦def real():
                u = \"\"\"def nope(): ''' \"\"\"
                return s⟧
            """, ["real"])
    }

    @Test func stringsWithBracketsAndQuotes() {
        expectFunctions("python", #"""
            ⟦def f():
                a = r"\" ( [ {"
                b = b'\x00)]}'
                c = rb"\d+(" + Rb'[' + BR"{"
                d = f"{a['k']}({b!r:>{width}})"
                e = f"{'}'}" + f'{{not code}}'
                g = f"{x["nested"]}"  # Python 3.12 quote reuse
                return a⟧
            ⟦def after(): pass⟧
            """#, ["f", "after"])
    }

    @Test func lineContinuations() {
        expectFunctions("python", """
            x = 1 + \\
                2
            ⟦def f(a,
                  b=(1,
             2)) -> \\
                    int:
                return (a +
            b)⟧
            ⟦def g(): pass⟧
            """, ["f", "g"])
    }

    @Test func endIsTheLastStatementNotTrailingCommentsOrBlankLines() {
        expectFunctions("python", """
            class A:
                ⟦def f(self):
                    x = 1
                    if x:
                        return '''multi
            line'''⟧

                    # trailing comment in the body

                # comment at class level
                ⟦def g(self):
                    pass⟧
            # end
            """, ["A.f", "A.g"])
    }

    @Test func tabsCRLFAndBOM() {
        let source = "\u{FEFF}class A:\r\n\tdef f(self):\r\n\t\treturn 1\r\n\r\n\tdef g(self):\r\n\t\tpass\r\n"
        let found = scan("python", source)
        #expect(found.map(\.qualifiedName) == ["A.f", "A.g"])
        #expect(found.map(\.firstLine) == [2, 5])
        #expect(found.map(\.lastLine) == [3, 6])
        let bytes = Array(source.utf8)
        // byteEnd stops before "\r\n".
        #expect(Array(bytes[found[0].byteStart..<found[0].byteEnd]) == Array("\tdef f(self):\r\n\t\treturn 1".utf8))
        checkWellFormed(found, bytes: bytes)
        let first = scan("python", "\u{FEFF}def f(): pass\n").first
        #expect(first?.declarationColumn == 1)
        #expect(first?.byteStart == 0)
    }

    @Test func fileWithoutFinalNewline() {
        expectFunctions("python", """
            ⟦def f():
                return 1⟧
            """, ["f"])
        let found = scan("python", "def f(): pass")
        #expect(found.first?.lastLine == 1)
        #expect(found.first?.byteEnd == 13)
    }

    @Test func signatureDocstringKindAndColumn() throws {
        let found = scan("python", """
            class C:
                @property
                async def name(self,
                               x: int = 3) -> str:
                    \"\"\"The name.

                    More.\"\"\"
                    return "n"

            def plain(): "one line doc"
            """)
        let m = try #require(found.first)
        #expect(m.name == "name")
        #expect(m.kind == .method)
        #expect(m.declarationLine == 3)
        #expect(m.declarationColumn == 11)
        #expect(m.firstLine == 2)
        #expect(m.signature == "async def name(self, x: int = 3) -> str:")
        #expect(m.docFirstLine == 5 && m.docLastLine == 7)
        #expect(found.last?.kind == .function)
        #expect(found.last?.docFirstLine == 10)
    }

    @Test func stringThatIsNotADocstring() {
        let found = scan("python", "def f():\n    'a'.join(x)\n    return 1\n")
        #expect(found.first?.docFirstLine == nil)
    }

    @Test func unterminatedStringsAndBrackets() {
        let found = scan("python", "def f(:\n  x = '''never closed\ndef g():\n  pass\n")
        checkWellFormed(found, bytes: Array("def f(:\n  x = '''never closed\ndef g():\n  pass\n".utf8))
        let found2 = scan("python", "def a(\n\ndef b():\n    x = 'open\n    return 1\n")
        #expect(found2.count <= 2)
    }
}
