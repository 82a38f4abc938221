import Foundation
import TestSupport
import Testing

/// The map page in a real browser: headless Chromium (Debian's `chromium`, which
/// scripts/test installs) loads it from file://, runs its script, and the test reads the
/// DOM it built and takes a screenshot.
@Suite struct MapBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Chromium's flags for a container run as root: no sandbox, no GPU, no first-run work.
    static func browse(_ arguments: [String], in directory: String) throws -> String {
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--hide-scrollbars", "--user-data-dir=" + directory + "/chromium-profile"]
        let result = try TemporaryRepository.runCapturing(chromium ?? "chromium", flags + arguments, in: directory,
                                                          environment: ["HOME": directory])
        #expect(result.status == 0, "chromium: \(result.stderr)")
        return result.stdout
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium)"))
    func thePageDrawsEveryPointWithLabelsAndLegend() throws {
        let repo = try AtlasFixture.makeRepository()
        let map = try CodesearchBinary.run(["map", "-o", "map.html", "-k", "3"], in: repo.path)
        #expect(map.status == 0, "\(map.stderr)")
        let page = repo.root.appendingPathComponent("map.html")
        let dom = try Self.browse(["--window-size=1000,700", "--dump-dom", page.absoluteString], in: repo.path)

        // Every unit drawn (13: the test file is left out), once the script has run.
        #expect(dom.contains(#"data-ready=""#), "the page never marked itself ready:\n\(dom.prefix(2000))")
        #expect(dom.contains(#"data-points="13""#))
        #expect(dom.contains(#"data-drawn="13""#))
        // A label at each cluster's centre, and a legend entry with its size.
        let labels = dom.components(separatedBy: #"<div class="label""#).count - 1
        #expect(labels == 3)
        let legendSizes = Self.matches(#"<span class="size">(\d+)</span>"#, in: dom).compactMap(Int.init)
        #expect(legendSizes.count == 3 && legendSizes.reduce(0, +) == 13)
        #expect(dom.contains("13 units, 3 clusters"))
        // A click opens the editor link for the point: the default template, an absolute path.
        let link = try #require(Self.matches(#"data-editor-example="([^"]+)""#, in: dom).first)
        #expect(link.hasPrefix("vscode://file/") && link.contains(".py:"))

        let shot = repo.root.appendingPathComponent("map.png")
        _ = try Self.browse(["--window-size=1000,700", "--screenshot=" + shot.path, page.absoluteString], in: repo.path)
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 10_000, "a blank page would be a few kB")
        if let keep = ProcessInfo.processInfo.environment["CODESEARCH_MAP_SCREENSHOT"], !keep.isEmpty {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: keep))
        }
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            Range(m.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
