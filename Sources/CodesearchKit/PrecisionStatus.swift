import Settings
import BertEngine
import EmbeddingCore

/// The line `status` and `model list` print about the native encoder's precision: what
/// this CPU runs for the settings, on which instructions, and why, and whether an index's
/// vectors were made with it.
public enum PrecisionStatus {
    /// e.g. `precision: int8 on AMX tiles (tdpbusd) (auto: int8, the fastest path ...)`, or the
    /// error that an unavailable precision raises. With `indexPrecision` (the index's vectors),
    /// `auto` keeps it where it runs; when what runs differs, says the next index run re-embeds.
    public static func line(settings: Settings, indexPrecision: String? = nil) -> String {
        let choice: PrecisionChoice
        do {
            choice = try PrecisionChoice.resolve(EmbedderChoice.precision(settings),
                                                 kept: indexPrecision.flatMap(EncoderPrecision.init(identityName:)))
        } catch {
            return "precision: \(settings.precision) unavailable: \(error)"
        }
        var line = "precision: \(choice.precision.rawValue) on \(choice.kernel) (\(choice.reason))"
        if let indexPrecision, indexPrecision != choice.precision.identityName {
            line += "; the index holds \(indexPrecision) vectors, which `codesearch index` replaces"
        }
        return line
    }
}
