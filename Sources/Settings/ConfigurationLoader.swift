/// Merges the configuration layers: flags > environment > user config
/// (`~/.gitconfig` `[codesearch]`, or the XDG file) > the repository's committed
/// `.codesearch` > defaults.
///
/// A committed `.codesearch` is untrusted: it may only narrow what is indexed
/// (more excludes, fewer languages, a smaller size limit, include paths inside
/// the user's). Every other key there is refused with a warning, so a cloned
/// repository can never choose a model, an endpoint, a grammar folder or a secret.
public struct ConfigurationLoader: Sendable {
    /// A `key = value` pair from one layer. Keys are lower-case, without the `codesearch.` prefix.
    public typealias Entry = (key: String, value: String)

    public struct Layers: Sendable {
        public var flags: [Entry] = []
        public var environment: [String: String] = [:]
        public var user: [Entry] = []
        public var repository: [Entry] = []
        public init(flags: [Entry] = [], environment: [String: String] = [:],
                    user: [Entry] = [], repository: [Entry] = []) {
            self.flags = flags
            self.environment = environment
            self.user = user
            self.repository = repository
        }
    }

    /// Keys a committed `.codesearch` may set, because each can only narrow the index.
    public static let repositoryKeys: Set<String> = ["include", "exclude", "languages", "max-file-size"]

    /// Every known key and the environment variable that sets it.
    public static let environmentVariables: [String: String] = [
        "include": "CODESEARCH_INCLUDE",
        "exclude": "CODESEARCH_EXCLUDE",
        "languages": "CODESEARCH_LANGUAGES",
        "max-file-size": "CODESEARCH_MAX_FILE_SIZE",
        "grammars": "CODESEARCH_GRAMMARS",
        "model": "CODESEARCH_MODEL",
        "provider": "CODESEARCH_PROVIDER",
        "base-url": "OPENAI_BASE_URL",
        "api-key-env": "CODESEARCH_API_KEY_ENV",
        "dimensions": "CODESEARCH_DIMENSIONS",
        "azure-deployment": "CODESEARCH_AZURE_DEPLOYMENT",
        "azure-api-version": "OPENAI_API_VERSION",
        "tiktoken-file": "CODESEARCH_TIKTOKEN_FILE",
        "price-per-1k": "CODESEARCH_PRICE_PER_1K",
        "max-input-tokens": "CODESEARCH_MAX_INPUT_TOKENS",
        "request-timeout": "CODESEARCH_REQUEST_TIMEOUT",
        "background": "CODESEARCH_BACKGROUND",
        "precision": "CODESEARCH_PRECISION",
    ]

    /// The values `precision` takes (Embedding's `EncoderPrecision`).
    public static let precisions = ["auto", "fp32", "bf16", "int8", "mixed"]

    public init() {}

    /// The merged settings, and warnings for the CLI to print (refused or malformed keys).
    public func load(_ layers: Layers) -> (settings: Settings, warnings: [String]) {
        var settings = Settings()
        var warnings: [String] = []

        // Lowest precedence first, so each layer overrides the one before.
        // The repository layer is applied separately, as a narrowing.
        var trusted: [(ConfigurationLayer, Entry)] = layers.user.map { (.user, $0) }
        for key in Self.environmentVariables.keys.sorted() {
            if let variable = Self.environmentVariables[key], let value = layers.environment[variable] {
                trusted.append((.environment, (key, value)))
            }
        }
        trusted += layers.flags.map { (.flag, $0) }

        var listOverridden: Set<String> = []
        for (layer, entry) in trusted {
            apply(entry, layer: layer, to: &settings, replacingLists: &listOverridden, warnings: &warnings)
        }
        narrow(&settings, with: layers.repository, warnings: &warnings)
        return (settings, warnings)
    }

    private func apply(_ entry: Entry, layer: ConfigurationLayer, to settings: inout Settings,
                       replacingLists: inout Set<String>, warnings: inout [String]) {
        let value = entry.value.trimmingCharacters(in: .whitespaces)
        // Within one layer list keys accumulate; a higher layer replaces the lists below it.
        let listKey = "\(layer.rawValue):\(entry.key)"
        func list<T>(_ current: [T], _ new: [T]) -> [T] {
            if replacingLists.contains(listKey) { return current + new }
            replacingLists.insert(listKey)
            return new
        }
        switch entry.key {
        case "include":
            settings.include = list(settings.include, Self.splitList(value).map(PathPattern.init))
        case "exclude":
            settings.exclude = list(settings.exclude, Self.splitList(value).map(PathPattern.init))
        case "languages":
            let names = Self.splitList(value).map { $0.lowercased() }
            settings.languages = names.isEmpty ? nil : Set(names)
        case "max-file-size":
            if let size = Self.parseSize(value) {
                settings.maxFileSize = size
            } else {
                warnings.append("\(layer.rawValue) config: max-file-size '\(value)' is not a size like 1048576, 512k or 2m; keeping \(settings.maxFileSize)")
            }
        case "grammars":
            settings.grammarDirectories = list(settings.grammarDirectories, Self.splitList(value))
        case "model":
            settings.model = value.isEmpty ? nil : value
        case "provider":
            if let provider = EmbeddingProvider(rawValue: value.lowercased()) {
                settings.provider = provider
            } else {
                warnings.append("\(layer.rawValue) config: provider '\(value)' is not native or openai; keeping \(settings.provider.rawValue)")
            }
        case "base-url":
            settings.baseURL = value.isEmpty ? nil : value
        case "api-key-env":
            if !value.isEmpty { settings.apiKeyVariable = value }
        case "dimensions":
            if let n = Int(value), n > 0 { settings.dimensions = n } else if !value.isEmpty {
                warnings.append("\(layer.rawValue) config: dimensions '\(value)' is not a positive number; ignored")
            }
        case "max-input-tokens":
            if let n = Int(value), n > 0 { settings.maxInputTokens = n } else if !value.isEmpty {
                warnings.append("\(layer.rawValue) config: max-input-tokens '\(value)' is not a positive number; ignored")
            }
        case "request-timeout":
            if let seconds = Double(value), seconds.isFinite, seconds > 0 { settings.requestTimeout = seconds } else if !value.isEmpty {
                warnings.append("\(layer.rawValue) config: request-timeout '\(value)' is not a positive number of seconds; ignored")
            }
        case "background":
            if let flag = Self.parseBool(value) { settings.background = flag } else {
                warnings.append("\(layer.rawValue) config: background '\(value)' is not true or false; keeping \(settings.background)")
            }
        case "precision":
            if Self.precisions.contains(value.lowercased()) { settings.precision = value.lowercased() } else {
                warnings.append("\(layer.rawValue) config: precision '\(value)' is not auto, fp32, bf16, int8 or mixed; keeping \(settings.precision)")
            }
        case "azure-deployment":
            settings.azureDeployment = value.isEmpty ? nil : value
        case "azure-api-version":
            settings.azureAPIVersion = value.isEmpty ? nil : value
        case "tiktoken-file":
            settings.tiktokenFile = value.isEmpty ? nil : value
        case "price-per-1k":
            settings.pricePer1K = value.isEmpty ? nil : value
        default:
            warnings.append("\(layer.rawValue) config: unknown key '\(entry.key)' ignored (see .codesearch.example)")
        }
    }

    private func narrow(_ settings: inout Settings, with entries: [Entry], warnings: inout [String]) {
        for entry in entries {
            let value = entry.value.trimmingCharacters(in: .whitespaces)
            guard Self.repositoryKeys.contains(entry.key) else {
                let known = Self.environmentVariables[entry.key] != nil
                warnings.append(known
                    ? ".codesearch: '\(entry.key)' refused: a repository's committed config may only narrow what is indexed; set it in your own config or environment"
                    : ".codesearch: unknown key '\(entry.key)' ignored (see .codesearch.example)")
                continue
            }
            switch entry.key {
            case "exclude":
                settings.exclude += Self.splitList(value).map(PathPattern.init)
            case "include":
                // Inclusions from the repository can only narrow: every path must also pass the user's.
                let patterns = Self.splitList(value).map(PathPattern.init)
                if settings.include.isEmpty {
                    settings.include = patterns
                } else {
                    settings.repositoryInclude += patterns
                }
            case "languages":
                let names = Set(Self.splitList(value).map { $0.lowercased() })
                settings.languages = settings.languages.map { $0.intersection(names) } ?? names
            case "max-file-size":
                if let size = Self.parseSize(value) {
                    settings.maxFileSize = min(settings.maxFileSize, size)
                } else {
                    warnings.append(".codesearch: max-file-size '\(value)' is not a size like 512k; ignored")
                }
            default:
                break
            }
        }
    }

    /// Comma- or whitespace-separated values.
    static func splitList(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
    }

    /// `1048576`, `512k`, `2m`, `1g` (binary units, case-insensitive).
    /// git's spellings of a boolean: true/yes/on/1 and false/no/off/0, any case.
    public static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    public static func parseSize(_ text: String) -> Int? {
        let lower = text.lowercased()
        let multipliers: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        if let last = lower.last, let multiplier = multipliers[last] {
            // An overflowing size is not a size (it trapped: `--max-body-size 99999999999999g`).
            return Int(lower.dropLast()).flatMap { count in
                let (bytes, overflow) = count.multipliedReportingOverflow(by: multiplier)
                return count >= 0 && !overflow ? bytes : nil
            }
        }
        return Int(lower).flatMap { $0 >= 0 ? $0 : nil }
    }
}
