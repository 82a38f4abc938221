/// The weights of the hybrid ranking stack (`RankingStack`). The defaults were chosen
/// on the tune half of the public benchmark's queries and checked on the held-out half
/// and on the CodeSearchNet-style harness (`Benchmarks/RESULTS-quality.md`).
///
/// They can be changed without rebuilding, for measuring and for code bases unlike
/// the ones measured: `CODESEARCH_RANKING="definition=2,test=0.5"` (see `parse`).
public struct RankingWeights: Sendable, Equatable {
    /// The dense share of the fused score for a question that is one identifier
    /// (the lexical share is the rest): names are matched better by words.
    public var alphaSymbol: Float = 0.3
    /// The dense share for a question in words.
    public var alphaLanguage: Float = 0.6
    /// Added, in units of the best fused score, to a unit whose name is the identifier
    /// the question names (`definitionInSentence` of it for an identifier inside a sentence).
    public var definition: Float = 3
    /// The share of `definition` for an identifier named inside a sentence.
    public var definitionInSentence: Float = 0.5
    /// The share of `definition` for the identifier a question opens by calling
    /// (`QueryAnalysis.calledName`), kept for a description too.
    public var definitionCalled: Float = 0.5
    /// Extra factor on the definition boost when the file is named after the identifier too.
    public var definitionFileName: Float = 1.5
    /// Added, in units of the best fused score, times the share of the question's words
    /// found in the file's name or its folder's.
    public var path: Float = 1
    /// Added to a file's best unit, in units of the best fused score, times the file's
    /// summed candidate scores over the best file's sum: many weak matches make a file.
    public var coherence: Float = 0.2
    /// A file's units after the first `diversityFree` lose this factor each, so the
    /// first results cover more files.
    public var diversityDecay: Float = 0.5
    public var diversityFree: Int = 1
    /// Factors on the fused score of a type unit and of a module unit: a container
    /// matches the words of everything inside it, so it steps back for a unit that
    /// matches as well on its own.
    public var typeUnit: Float = 1
    public var moduleUnit: Float = 1
    /// A type or module unit steps back below its own best unit when that unit scores
    /// at least this share of the container's score (`ContainerStepBack`); 0: never.
    public var stepBack: Float = 0.8
    /// For a question that reads like one unit's documentation (`QueryAnalysis.isDescription`):
    /// a factor on type and module units, and the diversity decay in place of `diversityDecay`.
    /// Such a question asks for one function, and its own file's neighbours are its
    /// likeliest rivals, so neither the container nor the file-spread should bury it.
    public var descriptionContainers: Float = 0
    public var descriptionDiversityDecay: Float = 1
    /// For such a question, a factor on the file-level lifts (`path` and `coherence`).
    public var descriptionFileRules: Float = 0
    /// For such a question, a factor on `definitionInSentence`: an identifier inside a
    /// unit's documentation usually names another unit ("use format_string instead",
    /// "like readOutbound but waits"), not the one described.
    public var descriptionNames: Float = 0
    /// For such a question, 1: fuse the raw cosine with `rawLexicalShare` × BM25 over the
    /// pool's best (`FusionScale.raw`) in place of min-max normalised scores; 0: min-max.
    /// A description asks for one unit among close neighbours, whose cosines differ by
    /// little: min-max stretches those small gaps over the whole 0…1 range, so a slight
    /// preference of the embedding outweighs a clear word match; the raw cosine keeps the
    /// gaps as small as they are, and the words settle a near tie.
    public var descriptionRawFusion: Float = 1
    /// The BM25 share of a raw fusion (the cosine counts fully).
    public var rawLexicalShare: Float = 0.2
    /// How the cosine and BM25 are put on one scale (set by the question's kind).
    public var fusion: FusionScale = .minMax
    /// Whether type and module units count toward (and lose) a file's diversity decay.
    public var diversityContainers: Float = 1
    /// Candidates taken from each of the dense and the lexical ranking.
    public var candidates: Int = 200
    /// Factors on the fused score by the role of the file (1: no prior).
    public var priors: [PathRole: Float] = [
        .test: 0.3, .example: 0.3, .docs: 0.5, .benchmark: 0.3, .vendored: 0.3, .generated: 0.85, .reexport: 0.5,
    ]

    public init() {}

    /// The weights for a question that reads like documentation: the `description…` weights in
    /// place of the container, diversity and file-level ones.
    public var forDescription: RankingWeights {
        var w = self
        w.typeUnit *= descriptionContainers
        w.moduleUnit *= descriptionContainers
        w.diversityDecay = descriptionDiversityDecay
        w.path *= descriptionFileRules
        w.coherence *= descriptionFileRules
        w.definitionInSentence *= descriptionNames
        if descriptionRawFusion > 0 { w.fusion = .raw }
        return w
    }

    public static let `default` = RankingWeights()

    /// Weights from `name=value` pairs separated by commas, over the defaults. Names:
    /// `alphaSymbol alphaLanguage definition definitionInSentence definitionCalled definitionFileName path coherence
    /// diversityDecay diversityFree typeUnit moduleUnit stepBack descriptionContainers
    /// descriptionDiversityDecay descriptionFileRules descriptionNames descriptionRawFusion rawLexicalShare diversityContainers
    /// candidates` and the roles `test example docs
    /// benchmark vendored generated reexport`. Throws on an unknown name or a bad value.
    public static func parse(_ text: String) throws(RankingWeightsError) -> RankingWeights {
        var weights = RankingWeights()
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces() }
            guard parts.count == 2, let value = Float(parts[1]), value.isFinite, value >= 0 else {
                throw RankingWeightsError.badPair(String(pair))
            }
            try weights.set(parts[0], value)
        }
        return weights
    }

    private mutating func set(_ name: String, _ value: Float) throws(RankingWeightsError) {
        if let role = PathRole(rawValue: name) {
            priors[role] = value
            return
        }
        switch name {
        case "alphaSymbol": alphaSymbol = min(1, value)
        case "alphaLanguage": alphaLanguage = min(1, value)
        case "definition": definition = value
        case "definitionInSentence": definitionInSentence = value
        case "definitionCalled": definitionCalled = value
        case "definitionFileName": definitionFileName = value
        case "path": path = value
        case "coherence": coherence = value
        case "diversityDecay": diversityDecay = min(1, value)
        case "diversityFree": diversityFree = max(1, Int(value))
        case "typeUnit": typeUnit = value
        case "moduleUnit": moduleUnit = value
        case "diversityContainers": diversityContainers = value > 0 ? 1 : 0
        case "stepBack": stepBack = value
        case "descriptionContainers": descriptionContainers = value
        case "descriptionDiversityDecay": descriptionDiversityDecay = min(1, value)
        case "descriptionFileRules": descriptionFileRules = value
        case "descriptionNames": descriptionNames = value
        case "descriptionRawFusion": descriptionRawFusion = value > 0 ? 1 : 0
        case "rawLexicalShare": rawLexicalShare = value
        case "candidates": candidates = max(10, min(10_000, Int(value)))
        default: throw RankingWeightsError.unknownName(name)
        }
    }
}

/// How fusion puts a cosine and a BM25 score on one scale.
public enum FusionScale: Sendable, Equatable {
    /// Both min-max normalised over the pool, mixed by α.
    case minMax
    /// The cosine as it is, plus `rawLexicalShare` × BM25 over the pool's best.
    case raw
}

public enum RankingWeightsError: Error, Equatable, CustomStringConvertible {
    case badPair(String)
    case unknownName(String)

    public var description: String {
        switch self {
        case .badPair(let pair): return "'\(pair)' is not name=value with a value of 0 or more"
        case .unknownName(let name): return "'\(name)' is not a ranking weight"
        }
    }
}
