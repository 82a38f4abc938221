import Foundation
import TestSupport
import Testing

/// `clusters` and `map` on a real repository with the real model.
@Suite struct AtlasCommandTests {
    @Test func theHTTPFunctionsFormAClusterOfTheirOwn() throws {
        let repo = try AtlasFixture.makeRepository()
        let result = try CodesearchBinary.run(["clusters", "-k", "3", "--json", "--members"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let members = try AtlasFixture.messages(result.stdout, type: "member")
        var clusterOf: [String: Int] = [:]
        for m in members { clusterOf[m["qualifiedName"] as? String ?? ""] = m["cluster"] as? Int }
        let http = try #require(AtlasFixture.topics["net/http_client.py"])
        let httpClusters = Set(http.compactMap { clusterOf[$0] })
        #expect(httpClusters.count == 1, "the HTTP functions fell into clusters \(httpClusters)")
        let others = clusterOf.filter { !http.contains($0.key) && httpClusters.contains($0.value) }
        #expect(others.isEmpty, "\(others.keys.sorted()) joined the HTTP cluster")
        // The test file is left out by default.
        #expect(clusterOf["test_circle_area_of_unit_circle"] == nil)
        let summary = try AtlasFixture.messages(result.stdout, type: "summary")
        #expect(summary.first?["units"] as? Int == 13)
        #expect(summary.first?["clusters"] as? Int == 3)
        let clusters = try AtlasFixture.messages(result.stdout, type: "cluster")
        #expect(clusters.map { $0["size"] as? Int ?? 0 }.reduce(0, +) == 13)
        // The HTTP cluster is named by its words; `def`, in every unit, names nothing.
        let httpCluster = try #require(clusters.first { $0["id"] as? Int == httpClusters.first })
        #expect((httpCluster["words"] as? [String] ?? []).contains("http"))
        #expect(clusters.allSatisfy { !($0["words"] as? [String] ?? []).contains("def") })
    }

    @Test func testsComeBackWithIncludeTests() throws {
        let repo = try AtlasFixture.makeRepository()
        let result = try CodesearchBinary.run(["clusters", "-k", "2", "--include-tests", "--members"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("tests/test_shapes.py:4: test_circle_area_of_unit_circle\t#"))
    }

    @Test func textOutputShowsLabelsSizesAndCentralMembers() throws {
        let repo = try AtlasFixture.makeRepository()
        let result = try CodesearchBinary.run(["clusters", "-k", "3", "-n", "2"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let headers = result.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(headers.count == 3)
        #expect(headers.allSatisfy { $0.contains(" units)") })
        // Two central members under each header, as `path:line: name  similarity`.
        let membersShown = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(".py:") }
        #expect(membersShown.count == 6)
    }

    @Test func thePlantedFunctionIsTheFirstOutlier() throws {
        let repo = try AtlasFixture.makeRepository()
        let result = try CodesearchBinary.run(["clusters", "--outliers", "-k", "3", "--json"], in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let outliers = try AtlasFixture.messages(result.stdout, type: "outlier")
        #expect(outliers.first?["qualifiedName"] as? String == "send_welcome_email")
        let first = try #require(outliers.first)
        // The reason, in numbers: below the typical unit on both counts.
        let fileSimilarity = try #require(first["fileSimilarity"] as? Double)
        let fileMedian = try #require(first["fileMedian"] as? Double)
        let clusterSimilarity = try #require(first["clusterSimilarity"] as? Double)
        let clusterMedian = try #require(first["clusterMedian"] as? Double)
        #expect(fileSimilarity < fileMedian && clusterSimilarity < clusterMedian)
        #expect(first["fileMates"] as? Int == 4)
    }

    @Test func sameIndexAndSeedGiveTheSameClustersAndTheSamePage() throws {
        let repo = try AtlasFixture.makeRepository()
        let first = try CodesearchBinary.run(["clusters", "--json", "--members", "--auto"], in: repo.path)
        let second = try CodesearchBinary.run(["clusters", "--json", "--members", "--auto", "--no-update"], in: repo.path)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        #expect(first.stdout == second.stdout)
        _ = try CodesearchBinary.run(["map", "-o", "one.html", "--no-update"], in: repo.path)
        _ = try CodesearchBinary.run(["map", "-o", "two.html", "--no-update"], in: repo.path)
        let one = try Data(contentsOf: repo.root.appendingPathComponent("one.html"))
        let two = try Data(contentsOf: repo.root.appendingPathComponent("two.html"))
        #expect(!one.isEmpty && one == two)
        // Another seed is another layout.
        _ = try CodesearchBinary.run(["map", "-o", "three.html", "--no-update", "--seed", "7"], in: repo.path)
        let three = try Data(contentsOf: repo.root.appendingPathComponent("three.html"))
        #expect(three != one)
    }

    @Test func theMapIsOneSelfContainedPage() throws {
        let repo = try AtlasFixture.makeRepository()
        // A folder named `<` puts `</script>` into a path.
        try repo.write("</script><img src=x>.py", "def hostile_name():\n    return 1\n")
        let result = try CodesearchBinary.run(["map", "-o", "-", "-k", "3", "--editor-url", "myeditor://{relpath}#{line}"],
                                              in: repo.path)
        #expect(result.status == 0, "\(result.stderr)")
        let html = result.stdout
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // Nothing from the network, and the repository's text cannot close the data block.
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("@import"))
        #expect(html.components(separatedBy: "</script>").count == 3)
        #expect(html.contains("myeditor://{relpath}#{line}"))
    }

    @Test func nothingToClusterExitsOne() throws {
        let repo = try TemporaryRepository()
        try repo.write("README.md", "nothing here\n")
        try repo.commitAll()
        let result = try CodesearchBinary.run(["clusters"], in: repo.path)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("at least 2 are needed"))
        let map = try CodesearchBinary.run(["map", "-o", "map.html"], in: repo.path)
        #expect(map.status == 1)
        #expect(!FileManager.default.fileExists(atPath: repo.root.appendingPathComponent("map.html").path))
    }

    @Test func badFlagsExitTwo() throws {
        let repo = try AtlasFixture.makeRepository()
        let both = try CodesearchBinary.run(["clusters", "-k", "3", "--auto"], in: repo.path)
        #expect(both.status == 2)
        #expect(both.stderr.contains("-k and --auto cannot be used together"))
        let zero = try CodesearchBinary.run(["map", "-k", "0"], in: repo.path)
        #expect(zero.status == 2)
    }
}
