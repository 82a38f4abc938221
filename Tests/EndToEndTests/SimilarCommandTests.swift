import Foundation
import TestSupport
import Testing

/// Functions on unrelated subjects, with one near-twin pair: `read_config` and
/// `load_settings` do the same thing with other names.
enum SimilarFixture {
    static let config = """
        import json


        def read_config(path):
            with open(path) as handle:
                data = json.load(handle)
            return data.get("settings", {})


        def checksum(blob):
            total = 0
            for byte in blob:
                total = (total * 31 + byte) % 65521
            return total

        """

    static let settings = """
        import json


        def load_settings(filename):
            with open(filename) as f:
                parsed = json.load(f)
            return parsed.get("settings", {})

        """

    static let other = """
        def send_mail(server, message):
            server.connect()
            server.send(message)
            server.quit()


        def render_table(rows):
            width = max(len(r) for r in rows)
            return "\\n".join(r.ljust(width) for r in rows)

        """

    static func makeRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try repo.write("config.py", config)
        try repo.write("app/settings.py", settings)
        try repo.write("other.py", other)
        try repo.commitAll()
        return repo
    }
}

@Suite struct SimilarCommandTests {
    @Test func findsTheNearTwinFirstByName() throws {
        let repo = try SimilarFixture.makeRepository()
        let result = try CodesearchBinary.run(["similar", "config.py::read_config", "-n", "1", "--vimgrep"], in: repo.path)
        #expect(result.status == 0)
        #expect(result.stdout == "app/settings.py:4:1:def load_settings(filename):\n")
    }

    @Test func findsTheNearTwinFirstByLineAndLeavesItselfOut() throws {
        let repo = try SimilarFixture.makeRepository()
        // Line 6 is inside read_config's body.
        let result = try CodesearchBinary.run(["similar", "config.py:6", "--vimgrep"], in: repo.path)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "app/settings.py:4:1:def load_settings(filename):")
        #expect(lines.count == 4)
        #expect(!result.stdout.contains("read_config"))
    }

    @Test func pathsAreRelativeToTheCurrentDirectory() throws {
        let repo = try SimilarFixture.makeRepository()
        let result = try CodesearchBinary.run(["similar", "settings.py::load_settings", "-n", "1", "--vimgrep"],
                                              in: repo.path + "/app")
        #expect(result.stdout == "config.py:4:1:def read_config(path):\n")
    }

    @Test func noFunctionThereIsAnError() throws {
        let repo = try SimilarFixture.makeRepository()
        let result = try CodesearchBinary.run(["similar", "config.py:2"], in: repo.path)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == "codesearch: error: no function at config.py:2\n")
        let bad = try CodesearchBinary.run(["similar", "config.py"], in: repo.path)
        #expect(bad.status == 64 || bad.status == 2)
        #expect(bad.stderr.contains("'config.py' is not path:line or path::QualifiedName"))
    }
}
