import Foundation
import HTTPTransport

/// Reading what the server sent: embeddings, error messages, Retry-After.
extension OpenAIClient {
    /// The most of a body that is read for a message: far more than a message shows, so that
    /// redaction, which runs on this much, never sees a key cut where the message is cut.
    static let messageSource = 64 * 1024

    /// The server's own words: OpenAI's `{"error": {"message": ...}}`, or common variants.
    /// Not yet redacted or cut: pass it through `OpenAIRedaction.clean`.
    static func serverMessage(_ data: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                return message
            }
            for key in ["error", "message", "detail"] {
                if let message = object[key] as? String { return message }
            }
        }
        return String(decoding: data.prefix(messageSource), as: UTF8.self)
    }

    /// Seconds from `retry-after-ms` (OpenAI's) or `Retry-After` (seconds or an HTTP date).
    static func retryAfter(_ response: HTTPResponse, now: Date = Date()) -> Double? {
        if let ms = response.value(forHeader: "retry-after-ms").flatMap({ Double($0) }), ms >= 0 {
            return ms / 1000
        }
        guard let value = response.value(forHeader: "Retry-After") else { return nil }
        return parseRetryAfter(value, now: now)
    }

    static func parseRetryAfter(_ value: String, now: Date) -> Double? {
        let value = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(value) { return seconds >= 0 ? seconds : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    struct ResponseBody: Decodable {
        struct Item: Decodable {
            var index: Int?
            var embedding: Embedding
        }
        /// A list of floats, or base64 of little-endian float32 (`encoding_format: base64`).
        struct Embedding: Decodable {
            var values: [Float]
            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let floats = try? container.decode([Float].self) {
                    values = floats
                    return
                }
                let text = try container.decode(String.self)
                guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a float list")
                }
                values = stride(from: 0, to: data.count, by: 4).map { offset in
                    let bits = data[data.startIndex + offset..<data.startIndex + offset + 4]
                        .enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
                    return Float(bitPattern: bits)
                }
            }
        }
        struct Usage: Decodable { var prompt_tokens: Int? }
        var data: [Item]
        var usage: Usage?
    }

    func decode(_ data: Data, count: Int) throws -> Reply {
        let body: ResponseBody
        do {
            body = try JSONDecoder().decode(ResponseBody.self, from: data)
        } catch {
            let start = OpenAIRedaction.clean(String(decoding: data.prefix(Self.messageSource), as: UTF8.self),
                                              key: configuration.apiKey?.value, limit: 80)
            throw OpenAIError.malformedResponse(endpoint: endpoint, detail: "\(Self.describe(error)) (body starts: \(start))")
        }
        guard body.data.count == count else {
            throw OpenAIError.malformedResponse(endpoint: endpoint,
                                                detail: "\(body.data.count) embeddings for \(count) inputs")
        }
        var vectors = [[Float]?](repeating: nil, count: count)
        for (position, item) in body.data.enumerated() {
            let index = item.index ?? position
            guard vectors.indices.contains(index), vectors[index] == nil else {
                throw OpenAIError.malformedResponse(endpoint: endpoint,
                                                    detail: "embedding index \(index) is out of range or repeated")
            }
            vectors[index] = item.embedding.values
        }
        let expected = expectedDimensions
        var result: [[Float]] = []
        result.reserveCapacity(count)
        for case let vector? in vectors {
            guard !vector.isEmpty, expected == nil || vector.count == expected else {
                throw OpenAIError.malformedResponse(
                    endpoint: endpoint,
                    detail: "a vector has \(vector.count) dimensions, expected \(expected ?? 0); check --model and the dimensions setting")
            }
            guard vector.allSatisfy(\.isFinite) else {
                throw OpenAIError.malformedResponse(endpoint: endpoint, detail: "a vector has a value that is not a finite number")
            }
            result.append(vector)
        }
        return Reply(vectors: result, promptTokens: body.usage?.prompt_tokens)
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no '\(key.stringValue)' field"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "unexpected value at '\(path)'"
        default: return "not valid JSON"
        }
    }
}
