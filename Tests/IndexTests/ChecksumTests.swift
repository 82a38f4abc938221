import Testing
@testable import Indexing
@testable import IndexStorage
import Hashing

@Suite struct XXHash64Tests {
    @Test func knownValues() {
        #expect(XXHash64.hash([UInt8]()) == 0xEF46_DB37_51D8_E999)
        #expect(XXHash64.hash(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
    }

    @Test func streamingEqualsOneShot() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = XXHash64.hash(bytes)
        for split in [0, 1, 7, 31, 32, 33, 100, 999, 1000] {
            for second in [1, 5, 64] {
                var h = XXHash64()
                h.update(Array(bytes[..<split]))
                var rest = Array(bytes[split...])
                while !rest.isEmpty {
                    h.update(Array(rest.prefix(second)))
                    rest = Array(rest.dropFirst(second))
                }
                #expect(h.finalize() == whole, "split \(split) by \(second)")
            }
        }
    }
}

@Suite struct HalfFloatTests {
    @Test func roundTripWithinHalfPrecision() {
        for x: Float in [0, 1, -1, 0.5, 0.1, -0.0731, 0.000123, 65504, 1e-3] {
            let back = HalfFloat.value(HalfFloat.bits(x))
            #expect(abs(back - x) <= abs(x) * 0.0005 + 1e-7, "\(x) -> \(back)")
        }
    }

    @Test func subnormalsFlushAndNonFiniteBecomesZero() {
        #expect(HalfFloat.bits(1e-6) == 0)
        #expect(HalfFloat.bits(-1e-6) == 0x8000)
        #expect(HalfFloat.bits(.nan) == 0)
        #expect(HalfFloat.bits(.infinity) == 0)
        #expect(HalfFloat.value(HalfFloat.bits(1e6)) == 65504)
    }
}
