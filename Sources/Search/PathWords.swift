import IndexStorage

/// The words of a file's name and of its folder's name, as the path-match rules
/// compare them with a question's words.
enum PathWords {
    /// Lower-cased words of the file name without its extension, and of the folder
    /// it is in: `aiohttp/web_exceptions.py` → aiohttp, web, exceptions.
    static func parts(of path: String) -> [String] {
        let components = path.split(separator: "/")
        guard let file = components.last else { return [] }
        let stem = file.split(separator: ".", omittingEmptySubsequences: false).first ?? file
        var words = IdentifierWords.split(Array(stem.utf8))
        if components.count > 1 { words += IdentifierWords.split(Array(components[components.count - 2].utf8)) }
        return words.map { $0.lowercased() }.filter { $0.utf8.count > 1 }
    }

    /// Two lower-case words are the same word when equal after folding a plural
    /// (`exceptions`, `dependencies`), or when the shorter, of 4 letters or more,
    /// begins the longer (`middleware` and `middlewares`, `auth` and `authentication`).
    static func sameWord(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let fa = singular(a), fb = singular(b)
        if fa == fb { return true }
        let (short, long) = fa.count <= fb.count ? (fa, fb) : (fb, fa)
        return short.count >= 4 && long.hasPrefix(short)
    }

    static func singular(_ w: String) -> String {
        if w.count > 4 && w.hasSuffix("ies") { return String(w.dropLast(3)) + "y" }
        if w.count > 4 && (w.hasSuffix("ses") || w.hasSuffix("xes") || w.hasSuffix("ches") || w.hasSuffix("shes")) {
            return String(w.dropLast(2))
        }
        if w.count > 3 && w.hasSuffix("s") && !w.hasSuffix("ss") { return String(w.dropLast()) }
        return w
    }

    /// Whether the file's name (without extension, `_` ignored, plural folded) is `name`:
    /// `exceptions.py` for `Exception`, `http_adapter.py` for `HTTPAdapter`.
    static func stemMatches(path: String, name: String) -> Bool {
        guard let file = path.split(separator: "/").last else { return false }
        let stem = String(file.split(separator: ".", omittingEmptySubsequences: false).first ?? file)
            .lowercased().filter { $0 != "_" }
        let last = (name.split(separator: ".").last.map(String.init) ?? name).lowercased().filter { $0 != "_" }
        return !stem.isEmpty && singular(stem) == singular(last)
    }
}

/// Top-k selection where a file's units after its first `free` lose `decay` each,
/// applied greedily in score order: the first results cover more files, and a
/// file that truly holds the best several answers still shows them.
enum DiverseSelection {
    struct Choice: Equatable {
        var index: Int
        var score: Float
    }

    /// `keys[i]` is what unit i counts toward (its path), nil for a unit exempt from the decay.
    static func select(paths: [String], keys: [String?], scores: [Float], limit: Int, free: Int, decay: Float) -> [Choice] {
        let order = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : paths[$0] < paths[$1] }
        var taken: [String: Int] = [:]
        var chosen: [Choice] = []
        var floor = -Float.infinity
        for i in order {
            // Decay only lowers scores: once the k-th best beats the next raw score, stop.
            if chosen.count >= limit && scores[i] <= floor { break }
            var score = scores[i]
            if let key = keys[i] {
                let seen = taken[key, default: 0]
                if seen >= free { score *= pow(decay, Float(seen - free + 1)) }
                taken[key] = seen + 1
            }
            chosen.append(Choice(index: i, score: score))
            if chosen.count >= limit {
                chosen.sort { $0.score != $1.score ? $0.score > $1.score : paths[$0.index] < paths[$1.index] }
                chosen.removeLast(chosen.count - limit)
                floor = chosen.last?.score ?? floor
            }
        }
        return chosen.sorted { $0.score != $1.score ? $0.score > $1.score : paths[$0.index] < paths[$1.index] }
    }

    private static func pow(_ base: Float, _ exponent: Float) -> Float {
        var result: Float = 1
        for _ in 0..<Int(exponent) { result *= base }
        return result
    }
}
