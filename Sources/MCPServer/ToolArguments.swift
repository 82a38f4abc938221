#if MCP
import Foundation
import Hashing
import MCP

/// One argument of a tool: its JSON Schema and its check come from this one description,
/// so what `tools/list` promises is what `tools/call` accepts.
struct Parameter: Sendable {
    enum Kind: Sendable {
        case string(maxLength: Int)
        case integer(ClosedRange<Int>)
        case boolean
        case choice([String])
        /// One string or an array of them.
        case strings(maxCount: Int, maxLength: Int)
    }

    let name: String
    let kind: Kind
    let description: String
    var required = false
    var defaultValue: Value? = nil

    var schema: Value {
        var schema: [String: Value] = ["description": .string(description)]
        switch kind {
        case .string(let maxLength):
            schema["type"] = "string"
            schema["maxLength"] = .int(maxLength)
            if required { schema["minLength"] = 1 }
        case .integer(let range):
            schema["type"] = "integer"
            schema["minimum"] = .int(range.lowerBound)
            schema["maximum"] = .int(range.upperBound)
        case .boolean:
            schema["type"] = "boolean"
        case .choice(let values):
            schema["type"] = "string"
            schema["enum"] = .array(values.map { .string($0) })
        case let .strings(maxCount, maxLength):
            let one: Value = ["type": "string", "maxLength": .int(maxLength)]
            schema["anyOf"] = [one, ["type": "array", "items": one, "maxItems": .int(maxCount)]]
        }
        if let defaultValue { schema["default"] = defaultValue }
        return .object(schema)
    }
}

/// A call's arguments, checked against the tool's parameters: no unknown names, every
/// required one present, each of its type and within its bounds.
struct ToolArguments: Sendable {
    private let values: [String: Value]

    init(_ raw: [String: Value]?, parameters: [Parameter]) throws {
        let raw = raw ?? [:]
        let known = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, $0) })
        if let unknown = raw.keys.sorted().first(where: { known[$0] == nil }) {
            throw ToolError.arguments("unknown argument '\(unknown)'; this tool takes "
                                      + parameters.map(\.name).joined(separator: ", "))
        }
        var values: [String: Value] = [:]
        for parameter in parameters {
            guard let value = raw[parameter.name], !value.isNull else {
                if parameter.required { throw ToolError.arguments("'\(parameter.name)' is required") }
                if let fallback = parameter.defaultValue { values[parameter.name] = fallback }
                continue
            }
            values[parameter.name] = try Self.checked(value, parameter)
        }
        self.values = values
    }

    func string(_ name: String) -> String? { values[name]?.stringValue }
    func int(_ name: String) -> Int? { values[name]?.intValue }
    func bool(_ name: String) -> Bool { values[name]?.boolValue ?? false }
    func strings(_ name: String) -> [String] {
        values[name]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The value in its canonical form (an integral number as `.int`, one string of a
    /// string list as an array), or a message naming the argument and what it must be.
    private static func checked(_ value: Value, _ parameter: Parameter) throws -> Value {
        let name = parameter.name
        switch parameter.kind {
        case .string(let maxLength):
            guard let text = value.stringValue else { throw ToolError.arguments("'\(name)' must be a string") }
            if parameter.required && text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw ToolError.arguments("'\(name)' is empty")
            }
            if text.count > maxLength { throw ToolError.arguments("'\(name)' is longer than \(maxLength) characters") }
            return value
        case .integer(let range):
            let number = value.intValue ?? value.doubleValue.flatMap { $0.rounded() == $0 && abs($0) < 1e15 ? Int($0) : nil }
            guard let number else { throw ToolError.arguments("'\(name)' must be an integer") }
            guard range.contains(number) else {
                throw ToolError.arguments("'\(name)' must be from \(range.lowerBound) to \(range.upperBound)")
            }
            return .int(number)
        case .boolean:
            guard value.boolValue != nil else { throw ToolError.arguments("'\(name)' must be true or false") }
            return value
        case .choice(let options):
            guard let text = value.stringValue, options.contains(text) else {
                throw ToolError.arguments("'\(name)' must be one of " + options.joined(separator: ", "))
            }
            return value
        case let .strings(maxCount, maxLength):
            let items = value.stringValue.map { [Value.string($0)] } ?? value.arrayValue
            guard let items, items.allSatisfy({ $0.stringValue != nil }) else {
                throw ToolError.arguments("'\(name)' must be a string or an array of strings")
            }
            if items.count > maxCount { throw ToolError.arguments("'\(name)' holds more than \(maxCount) items") }
            if items.contains(where: { ($0.stringValue ?? "").count > maxLength }) {
                throw ToolError.arguments("an item of '\(name)' is longer than \(maxLength) characters")
            }
            return .array(items)
        }
    }
}

/// Why a tool call failed, for the agent: lower-case messages that say what to do.
enum ToolError: Error, CustomStringConvertible {
    case arguments(String)
    case failed(String)

    var description: String {
        switch self {
        case .arguments(let message): return "invalid arguments: \(message)"
        case .failed(let message): return message
        }
    }
}
#endif
