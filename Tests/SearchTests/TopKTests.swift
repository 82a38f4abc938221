import Testing
import Search

@Suite struct TopKTests {
    @Test func agreesWithAFullSort() {
        var state: UInt64 = 7
        for k in [0, 1, 5, 10, 100] {
            var top = TopK(k: k)
            var all: [(Float, Int)] = []
            for id in 0..<1000 {
                state = state &* 6364136223846793005 &+ 1
                let score = Float(state >> 40 % 500) / 500  // many ties
                top.insert(score: score, id: id)
                all.append((score, id))
            }
            let expected = all.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.prefix(k)
            let got = top.sorted()
            #expect(got.map(\.id) == expected.map(\.1))
            #expect(got.map(\.score) == expected.map(\.0))
        }
    }

    @Test func mergeEqualsOneHeap() {
        var a = TopK(k: 3), b = TopK(k: 3), all = TopK(k: 3)
        for (i, s) in [0.1, 0.9, 0.5, 0.7, 0.2, 0.8].enumerated() {
            if i % 2 == 0 { a.insert(score: Float(s), id: i) } else { b.insert(score: Float(s), id: i) }
            all.insert(score: Float(s), id: i)
        }
        a.merge(b)
        #expect(a.sorted().map(\.id) == all.sorted().map(\.id))
    }
}
