import Foundation

/// Which input channels of each int8 product are computed in fp32 (`cs_packed_create`'s
/// outliers): per layer and product, the `count` channels whose largest |x| over a fixed
/// calibration set, run through the fp32 encoder, is largest. A few channels of a BERT's
/// LayerNorm outputs run 10–50× the rest and would otherwise set every row's int8 step;
/// which ones is a property of the weights, so a small fixed set finds them, and the
/// same model always gets the same channels (vectors do not depend on what is embedded).
struct OutlierChannels: Sendable {
    /// channels[layer][product.rawValue], largest first.
    let channels: [[[Int]]]

    func callAsFunction(_ layer: Int, _ product: ProductInput) -> [Int] { channels[layer][product.rawValue] }

    /// The calibration's version: the set and the rule below. Part of the memo's file name,
    /// so a change never reads another version's channels.
    static let version = 1

    /// The channels remembered for the weights `digest` in `memo`, else calibrated by `make`
    /// and remembered (best effort: an unwritable cache costs a calibration next time, about
    /// 0.35 s of one core). A file that does not hold `layers` × 4 lists of `count` distinct
    /// channels below each product's width is ignored and replaced.
    static func remembered(in memo: URL?, digest: String, count: Int, config: BertConfig,
                           make: () throws -> OutlierChannels) rethrows -> OutlierChannels {
        let file = memo?.appending(path: "\(digest.prefix(64))-v\(version)-\(count)")
        if let file, let data = FileManager.default.contents(atPath: file.path),
           let text = String(data: data, encoding: .utf8),
           let channels = parse(text, count: count, config: config) {
            return channels
        }
        let made = try make()
        if let file, let memo {
            try? FileManager.default.createDirectory(at: memo, withIntermediateDirectories: true)
            try? Data(made.text.utf8).write(to: file, options: .atomic)
        }
        return made
    }

    /// One line per layer and product: the channels, space-separated.
    var text: String {
        channels.flatMap { $0 }.map { $0.map(String.init).joined(separator: " ") + "\n" }.joined()
    }

    static func parse(_ text: String, count: Int, config: BertConfig) -> OutlierChannels? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let products = ProductInput.allCases.count
        guard text.hasSuffix("\n"), lines.count == config.layers * products else { return nil }
        var channels: [[[Int]]] = []
        for layer in 0..<config.layers {
            var row: [[Int]] = []
            for product in ProductInput.allCases {
                let values = lines[layer * products + product.rawValue].split(separator: " ").map { Int($0) }
                guard values.count == count, Set(values).count == count,
                      values.allSatisfy({ $0.map((0..<product.width(config)).contains) ?? false })
                else { return nil }
                row.append(values.compactMap { $0 })
            }
            channels.append(row)
        }
        return OutlierChannels(channels: channels)
    }

    /// The calibration set's token ids, each [CLS] ... [SEP].
    static func calibrationSequences(_ tokenizer: BertTokenizer) -> [[Int32]] {
        calibrationTexts.map(tokenizer.encode)
    }

    /// Runs `sequences` through the fp32 `encoder` one at a time on this thread (so a pass
    /// is query-sized: the caller loads BLAS first if the kernels do not cover it) and
    /// keeps each product input's `count` largest channels.
    static func calibrate(encoder: BertEncoder, sequences: [[Int32]], count: Int) -> OutlierChannels {
        let config = encoder.config
        let workspace = encoder.workspace(tokens: sequences.map(\.count).max() ?? 0, longest: sequences.map(\.count).max() ?? 0)
        var largest = (0..<config.layers).map { _ in
            ProductInput.allCases.map { [Float](repeating: 0, count: $0.width(config)) }
        }
        for sequence in sequences {
            _ = encoder.encode([sequence], workspace: workspace) { layer, product, rows, t, k in
                largest[layer][product.rawValue].withUnsafeMutableBufferPointer { top in
                    for r in 0..<t {
                        let row = rows + r * k
                        for c in 0..<k { top[c] = max(top[c], abs(row[c])) }
                    }
                }
            }
        }
        return OutlierChannels(channels: largest.map { layer in
            layer.map { magnitudes in
                // Largest first; ties to the lower channel, so the choice is deterministic.
                Array(magnitudes.indices.sorted { (magnitudes[$0], $1) > (magnitudes[$1], $0) }.prefix(count))
            }
        })
    }

    /// The calibration set: code of the kinds codesearch indexes (functions, types and
    /// module-level code in Python, Swift and Go) and two questions. Changing it changes
    /// the vectors of int8 products, so it is versioned with the precision's identity.
    static let calibrationTexts = [
        """
        def load_config(path, defaults=None):
            \"\"\"Read a TOML file and merge it over the defaults.\"\"\"
            with open(path, "rb") as handle:
                values = tomllib.load(handle)
            merged = dict(defaults or {})
            merged.update(values)
            return merged
        """,
        """
        class RetryPolicy:
            def __init__(self, attempts=3, backoff=0.5):
                self.attempts = attempts
                self.backoff = backoff

            async def run(self, operation):
                for attempt in range(self.attempts):
                    try:
                        return await operation()
                    except ConnectionError:
                        await asyncio.sleep(self.backoff * 2 ** attempt)
                raise TimeoutError("gave up after %d attempts" % self.attempts)
        """,
        """
        @app.route("/users/<int:user_id>", methods=["GET"])
        def get_user(user_id):
            user = db.session.get(User, user_id)
            if user is None:
                abort(404)
            return jsonify(id=user.id, name=user.name, email=user.email)
        """,
        """
        import logging
        import os

        LOG = logging.getLogger(__name__)
        CACHE_DIR = os.environ.get("APP_CACHE", os.path.expanduser("~/.cache/app"))
        MAX_ENTRIES = 10_000
        """,
        """
        def tokenize(text: str) -> list[str]:
            words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*|\\d+|\\S", text)
            return [w.lower() for w in words if w.strip()]
        """,
        """
        public struct Point: Hashable, Sendable {
            public var x: Double
            public var y: Double

            public func distance(to other: Point) -> Double {
                ((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot()
            }
        }
        """,
        """
        func fetchImage(from url: URL) async throws -> UIImage {
            let (data, response) = try await URLSession.shared.data(from: url)
            guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
                throw ImageError.badResponse
            }
            guard let image = UIImage(data: data) else { throw ImageError.undecodable }
            return image
        }
        """,
        """
        enum Token: Equatable {
            case identifier(String)
            case number(Int)
            case symbol(Character)
            case end
        }

        extension Token: CustomStringConvertible {
            var description: String {
                switch self {
                case .identifier(let name): return name
                case .number(let value): return String(value)
                case .symbol(let c): return String(c)
                case .end: return "<end>"
                }
            }
        }
        """,
        """
        final class Cache<Key: Hashable, Value> {
            private var storage: [Key: Value] = [:]
            private let lock = NSLock()

            func value(for key: Key, orInsert make: () throws -> Value) rethrows -> Value {
                lock.lock(); defer { lock.unlock() }
                if let value = storage[key] { return value }
                let value = try make()
                storage[key] = value
                return value
            }
        }
        """,
        """
        func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
            file, header, err := r.FormFile("file")
            if err != nil {
                http.Error(w, "missing file", http.StatusBadRequest)
                return
            }
            defer file.Close()
            if err := s.store.Save(r.Context(), header.Filename, file); err != nil {
                s.log.Printf("upload %s: %v", header.Filename, err)
                http.Error(w, "upload failed", http.StatusInternalServerError)
            }
        }
        """,
        """
        type Config struct {
            Addr         string        `json:"addr"`
            ReadTimeout  time.Duration `json:"read_timeout"`
            MaxBodyBytes int64         `json:"max_body_bytes"`
        }

        func Load(path string) (*Config, error) {
            data, err := os.ReadFile(path)
            if err != nil {
                return nil, fmt.Errorf("read config: %w", err)
            }
            var c Config
            return &c, json.Unmarshal(data, &c)
        }
        """,
        """
        func Walk(root *Node, visit func(*Node) bool) {
            stack := []*Node{root}
            for len(stack) > 0 {
                n := stack[len(stack)-1]
                stack = stack[:len(stack)-1]
                if !visit(n) {
                    continue
                }
                stack = append(stack, n.Children...)
            }
        }
        """,
        "where do we retry failed uploads",
        "parse command line arguments and print usage on error",
    ]
}
