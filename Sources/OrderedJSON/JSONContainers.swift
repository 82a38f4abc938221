/// The `Encoder` a value's `encode(to:)` gets: each container it asks for is opened in the
/// writer at once (see `OrderedJSONEncoder` for what that asks of `encode(to:)`).
struct JSONValueEncoder: Encoder {
    let writer: JSONWriter
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(JSONObject<Key>(writer: writer, depth: writer.openContainer(UInt8(ascii: "{"), UInt8(ascii: "}"))))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONArray(writer: writer, depth: writer.openContainer(UInt8(ascii: "["), UInt8(ascii: "]")))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { JSONSingleValue(writer: writer) }
}

struct JSONObject<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    private func key(_ key: Key) { writer.key(key.stringValue, at: depth) }

    mutating func encodeNil(forKey key: Key) throws { self.key(key); writer.null() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.key(key); writer.bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { self.key(key); writer.string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { self.key(key); try writer.float(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { self.key(key); try writer.float(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.key(key); writer.integer(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { self.key(key); try writer.value(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        self.key(key)
        return JSONValueEncoder(writer: writer).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.key(key)
        return JSONValueEncoder(writer: writer).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.key("super", at: depth)
        return JSONValueEncoder(writer: writer)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.key(key)
        return JSONValueEncoder(writer: writer)
    }
}

struct JSONArray: UnkeyedEncodingContainer {
    let writer: JSONWriter
    let depth: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(writer: JSONWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    private mutating func next() {
        writer.beginElement(at: depth)
        count += 1
    }

    mutating func encodeNil() throws { next(); writer.null() }
    mutating func encode(_ value: Bool) throws { next(); writer.bool(value) }
    mutating func encode(_ value: String) throws { next(); writer.string(value) }
    mutating func encode(_ value: Double) throws { next(); try writer.float(value) }
    mutating func encode(_ value: Float) throws { next(); try writer.float(value) }
    mutating func encode(_ value: Int) throws { next(); writer.integer(value) }
    mutating func encode(_ value: Int8) throws { next(); writer.integer(value) }
    mutating func encode(_ value: Int16) throws { next(); writer.integer(value) }
    mutating func encode(_ value: Int32) throws { next(); writer.integer(value) }
    mutating func encode(_ value: Int64) throws { next(); writer.integer(value) }
    mutating func encode(_ value: UInt) throws { next(); writer.integer(value) }
    mutating func encode(_ value: UInt8) throws { next(); writer.integer(value) }
    mutating func encode(_ value: UInt16) throws { next(); writer.integer(value) }
    mutating func encode(_ value: UInt32) throws { next(); writer.integer(value) }
    mutating func encode(_ value: UInt64) throws { next(); writer.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { next(); try writer.value(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next()
        return JSONValueEncoder(writer: writer).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        next()
        return JSONValueEncoder(writer: writer).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        next()
        return JSONValueEncoder(writer: writer)
    }
}

struct JSONSingleValue: SingleValueEncodingContainer {
    let writer: JSONWriter
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { writer.null() }
    mutating func encode(_ value: Bool) throws { writer.bool(value) }
    mutating func encode(_ value: String) throws { writer.string(value) }
    mutating func encode(_ value: Double) throws { try writer.float(value) }
    mutating func encode(_ value: Float) throws { try writer.float(value) }
    mutating func encode(_ value: Int) throws { writer.integer(value) }
    mutating func encode(_ value: Int8) throws { writer.integer(value) }
    mutating func encode(_ value: Int16) throws { writer.integer(value) }
    mutating func encode(_ value: Int32) throws { writer.integer(value) }
    mutating func encode(_ value: Int64) throws { writer.integer(value) }
    mutating func encode(_ value: UInt) throws { writer.integer(value) }
    mutating func encode(_ value: UInt8) throws { writer.integer(value) }
    mutating func encode(_ value: UInt16) throws { writer.integer(value) }
    mutating func encode(_ value: UInt32) throws { writer.integer(value) }
    mutating func encode(_ value: UInt64) throws { writer.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.value(value) }
}
