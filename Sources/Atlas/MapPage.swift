import OrderedJSON

/// One self-contained HTML page of a repository's map: every unit a point on a canvas,
/// coloured by cluster, with labels, a legend, a filter box, hover and click-to-open.
/// No network and no external file: the data, the styles and the script are inline, so
/// the page works from `file://`. Text from the repository (names, paths, labels) reaches
/// the page only inside a JSON block with `<`, `>`, `&` and the line separators escaped,
/// and the script sets it as text, never as markup.
public struct MapPage: Sendable {
    public struct Point: Sendable, Equatable {
        public var x: Float
        public var y: Float
        public var cluster: Int
        public var qualifiedName: String
        public var path: String
        public var line: Int

        public init(x: Float, y: Float, cluster: Int, qualifiedName: String, path: String, line: Int) {
            self.x = x
            self.y = y
            self.cluster = cluster
            self.qualifiedName = qualifiedName
            self.path = path
            self.line = line
        }
    }

    public struct Cluster: Sendable, Equatable {
        public var label: String
        public var size: Int
        public init(label: String, size: Int) {
            self.label = label
            self.size = size
        }
    }

    /// The default editor link: VS Code's URL handler.
    public static let defaultEditorURL = "vscode://file/{path}:{line}"
    /// Positions are stored as whole numbers in 0...grid, small in the page and exact.
    static let grid: Float = 10_000

    public var title: String
    /// The repository's working directory, joined to each path for `{path}`.
    public var root: String
    /// `{path}` (absolute), `{relpath}` (from the root) and `{line}` are filled in on click.
    public var editorURL: String
    public var points: [Point]
    public var clusters: [Cluster]

    public init(title: String, root: String, editorURL: String = MapPage.defaultEditorURL,
                points: [Point], clusters: [Cluster]) {
        self.title = title
        self.root = root
        self.editorURL = editorURL
        self.points = points
        self.clusters = clusters
    }

    /// The whole page.
    public func html() -> String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>" + Self.escapeMarkup(title) + "</title>\n<style>\n" + MapPageAssets.style + "</style>\n</head>\n"
        page += MapPageAssets.body
        page += "<script type=\"application/json\" id=\"atlas-data\">" + dataJSON() + "</script>\n"
        page += "<script>\n" + MapPageAssets.script + "</script>\n</body>\n</html>\n"
        return page
    }

    /// The page's data: points as a flat list of whole numbers [x, y, cluster, path, line, ...]
    /// with names and paths in tables beside them, and each cluster's label at the median of
    /// its points.
    func dataJSON() -> String {
        let placed = gridPositions()
        var pathIndex: [String: Int] = [:]
        var data = MapData(title: title, root: root, editor: editorURL)
        data.points.reserveCapacity(points.count * 5)
        for (i, p) in points.enumerated() {
            let index = pathIndex[p.path] ?? {
                data.paths.append(p.path)
                pathIndex[p.path] = data.paths.count - 1
                return data.paths.count - 1
            }()
            data.points += [placed[i].x, placed[i].y, p.cluster, index, p.line]
            data.names.append(p.qualifiedName)
        }
        let centres = clusterCentres(placed)
        data.clusters = clusters.enumerated().map { c, cluster in
            MapData.Label(label: cluster.label, size: cluster.size, x: centres[c].x, y: centres[c].y)
        }
        // Strings and integers only: encoding cannot fail.
        return (try? OrderedJSONEncoder(escaping: .script).string(data)) ?? "{}"
    }

    /// Positions scaled into 0...grid with one scale for both axes (the layout's shape kept)
    /// and rounded to whole numbers.
    func gridPositions() -> [(x: Int, y: Int)] {
        guard let first = points.first else { return [] }
        var (minX, maxX, minY, maxY) = (first.x, first.x, first.y, first.y)
        for p in points {
            minX = min(minX, p.x); maxX = max(maxX, p.x)
            minY = min(minY, p.y); maxY = max(maxY, p.y)
        }
        let span = max(maxX - minX, maxY - minY)
        let scale = span > 0 ? Self.grid / span : 0
        let offsetX = (Self.grid - (maxX - minX) * scale) / 2, offsetY = (Self.grid - (maxY - minY) * scale) / 2
        return points.map { p in
            (Int(((p.x - minX) * scale + offsetX).rounded()), Int(((p.y - minY) * scale + offsetY).rounded()))
        }
    }

    /// Each cluster's median point: where its label goes (a mean can fall between two lobes).
    func clusterCentres(_ placed: [(x: Int, y: Int)]) -> [(x: Int, y: Int)] {
        var xs = [[Int]](repeating: [], count: clusters.count), ys = xs
        for (i, p) in points.enumerated() where p.cluster >= 0 && p.cluster < clusters.count {
            xs[p.cluster].append(placed[i].x)
            ys[p.cluster].append(placed[i].y)
        }
        return (0..<clusters.count).map { c in
            guard !xs[c].isEmpty else { return (0, 0) }
            return (xs[c].sorted()[xs[c].count / 2], ys[c].sorted()[ys[c].count / 2])
        }
    }

    /// `text` with `<`, `>`, `&` and `"` as HTML entities.
    static func escapeMarkup(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// The page's data block; `OrderedJSONEncoder` keeps the keys in this order, and its
/// `.script` escaping keeps `</script>` and `<!--` out of it.
struct MapData: Encodable {
    var version = 1
    var title: String
    var root: String
    var editor: String
    var clusters: [Label] = []
    var paths: [String] = []
    var names: [String] = []
    /// x, y, cluster, path index, line for each point.
    var points: [Int] = []

    struct Label: Encodable {
        var label: String
        var size: Int
        var x: Int
        var y: Int
    }

    init(title: String, root: String, editor: String) {
        (self.title, self.root, self.editor) = (title, root, editor)
    }
}
