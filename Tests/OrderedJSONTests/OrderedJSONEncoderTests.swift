import Foundation
import OrderedJSON
import Testing

@Suite struct OrderedJSONEncoderTests {
    struct Inner: Encodable {
        var zeta = 1
        var alpha: String? = nil
        var list = [FixedDecimal(0.8312), FixedDecimal(-1e-9)]
        var nested = ["only": 2]
    }

    struct Outer: Encodable {
        var type = "t"
        var version = 1
        var data = Inner()
        var flag = true
        var ratio: Float = 0.25
        var empty: [Int] = []
    }

    struct Explicit: Encodable {
        enum CodingKeys: String, CodingKey { case b, a }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(Optional<Int>.none, forKey: .b)
            var inner = c.nestedUnkeyedContainer(forKey: .a)
            try inner.encode(1)
            var deeper = inner.nestedContainer(keyedBy: CodingKeys.self)
            try deeper.encode("x", forKey: .a)
            try inner.encode(2)
        }
    }

    @Test func keysComeInTheOrderTheyAreEncoded() throws {
        let text = try OrderedJSONEncoder().string(Outer())
        #expect(text == #"{"type":"t","version":1,"data":{"zeta":1,"list":[0.831200,-0.000000],"nested":{"only":2}},"flag":true,"ratio":0.25,"empty":[]}"#)
        #expect(try OrderedJSONEncoder().string(Explicit()) == #"{"b":null,"a":[1,{"a":"x"},2]}"#)
    }

    @Test func theOutputIsJSONThatFoundationReadsBack() throws {
        let object = try JSONSerialization.jsonObject(with: Data(OrderedJSONEncoder().encode(Outer()))) as? [String: Any]
        #expect((object?["data"] as? [String: Any])?["list"] as? [Double] == [0.8312, -0.0])
    }

    @Test func stringsAreEscapedAsTheFormatsDocument() throws {
        let text = "q\"b\\n\nr\rt\tbs\u{8}ff\u{c}esc\u{1b}del\u{7f}é/</script>\u{2028}"
        #expect(try OrderedJSONEncoder().string(text)
                == #""q\"b\\n\nr\rt\tbs\u0008ff\u000cesc\u001bdel\u007fé/</script>"# + "\u{2028}\"")
        #expect(try OrderedJSONEncoder(escaping: .script).string(text)
                == #""q\"b\\n\nr\u000dt\tbs\u0008ff\u000cesc\u001bdel\u007fé/\u003c/script\u003e\u2028""#)
    }

    @Test func integersAreExactAtTheirLimits() throws {
        #expect(try OrderedJSONEncoder().string([Int.min, -1, 0, 7, Int.max]) == "[\(Int.min),-1,0,7,\(Int.max)]")
        #expect(try OrderedJSONEncoder().string([UInt64.max]) == "[\(UInt64.max)]")
    }

    @Test func aNonFiniteNumberIsAnError() {
        #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode([Float.nan]) }
    }

    @Test func linesAreAppendedOneValueEach() throws {
        var out = Array("start\n".utf8)
        try OrderedJSONEncoder().appendLines([["a": 1], ["b": 2]], to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "start\n{\"a\":1}\n{\"b\":2}\n")
    }
}
