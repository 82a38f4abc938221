import Foundation

/// A parsed JSON object read from a model folder, with typed field access whose errors name the file.
package struct JSONFile {
    package let path: String
    package let object: [String: Any]

    package init(url: URL) throws {
        path = url.path
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw EmbeddingError.missingFile(path: url.path, hint: "reinstall the model folder")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EmbeddingError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw EmbeddingError.badJSON(path: url.path, reason: "does not parse")
        }
        guard let object = parsed as? [String: Any] else {
            throw EmbeddingError.badJSON(path: url.path, reason: "top level is not an object")
        }
        self.object = object
    }

    /// Reads the file if it exists, else nil.
    package static func optional(_ url: URL) throws -> JSONFile? {
        FileManager.default.fileExists(atPath: url.path) ? try JSONFile(url: url) : nil
    }

    package func int(_ key: String) throws -> Int {
        guard let value = object[key] as? NSNumber else {
            throw EmbeddingError.badJSON(path: path, reason: "`\(key)` is missing or not a number")
        }
        return value.intValue
    }

    package func int(_ key: String, default fallback: Int) throws -> Int {
        object[key] == nil || object[key] is NSNull ? fallback : try int(key)
    }

    package func double(_ key: String, default fallback: Double) throws -> Double {
        guard let raw = object[key], !(raw is NSNull) else { return fallback }
        guard let value = raw as? NSNumber else {
            throw EmbeddingError.badJSON(path: path, reason: "`\(key)` is not a number")
        }
        return value.doubleValue
    }

    package func bool(_ key: String) -> Bool? {
        (object[key] as? NSNumber)?.boolValue
    }

    package func string(_ key: String) -> String? {
        object[key] as? String
    }
}
