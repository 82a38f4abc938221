import ByteCoding
import Foundation
import Testing
@testable import Indexing
@testable import IndexStorage

/// The lexicon section on its own: what the writer encodes, the view reads back.
@Suite struct LexiconTests {
    /// Seeded bags over `rows` functions: common and rare terms, counts of 1, a few large.
    func bags(rows: Int, seed: UInt64) -> [LexicalBag] {
        var state = seed
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        return (0..<rows).map { row in
            var counts: [String: Int] = [:]
            for _ in 0..<next(12) { counts["w\(next(40))", default: 0] += 1 }          // common
            if next(50) == 0 { counts["rare\(next(1000))"] = 1 + next(3) }          // rare, big row gaps
            if next(200) == 0 { counts["heavy"] = [300, 65_535, 70_000][next(3)] }    // past u8 and u16
            if row == rows - 1 { counts["last"] = 2 }
            return LexicalBag(counts)
        }
    }

    func roundTrip(_ input: [LexicalBag], _ body: (LexiconView?) throws -> Void) rethrows {
        var writer = LexiconWriter()
        for bag in input { writer.add(bag) }
        var pool = StringPool()
        let bytes = writer.bytes(pool: &pool)
        try bytes.withUnsafeBytes { section in
            try pool.bytes.withUnsafeBytes { strings in
                try body(LexiconView(bytes: section, strings: strings, functionCount: input.count))
            }
        }
    }

    @Test func postingsRoundTrip() throws {
        let input = bags(rows: 5_000, seed: 7)
        try roundTrip(input) { view in
            let view = try #require(view)
            let rebuilt = view.bags()
            for (row, bag) in input.enumerated() {
                #expect(LexicalBag(sorted: rebuilt[row].sorted { $0.term < $1.term }) == bag)
                #expect(view.length(ofFunction: row) == min(65_535, bag.length))
            }
            var df: [String: Int] = [:]
            for bag in input { for (term, _) in bag.terms { df[term, default: 0] += 1 } }
            #expect(view.termCount == df.count)
            for (term, n) in df {
                let postings = try #require(view.postings(of: term))
                #expect(postings.count == n)
                let rows = postings.map(\.row)
                #expect(rows == rows.sorted() && Set(rows).count == n)
                #expect(rows.allSatisfy { input[$0].terms.contains { $0.term == term } })
            }
            #expect(view.postings(of: "absent") == nil)
            // About two bytes a posting (six in format 2).
            #expect(view.byteCount < 24 + input.count * 2 + view.termCount * 16 + view.postingCount * 5 / 2)
        }
    }

    @Test func damagedStreamsNeverCrash() throws {
        let input = bags(rows: 300, seed: 11)
        var writer = LexiconWriter()
        for bag in input { writer.add(bag) }
        var pool = StringPool()
        let clean = writer.bytes(pool: &pool)
        let streamStart = clean.count - Int(clean.withUnsafeBytes { $0.u32(at: 16) })
        var state: UInt64 = 3
        for trial in 0..<200 {
            var bytes = clean
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let at = trial < 100 ? streamStart + Int((state >> 33) % UInt64(clean.count - streamStart))
                                 : Int((state >> 33) % UInt64(clean.count))
            bytes[at] ^= UInt8(truncatingIfNeeded: state >> 17) | 1
            bytes.withUnsafeBytes { section in
                pool.bytes.withUnsafeBytes { strings in
                    guard let view = LexiconView(bytes: section, strings: strings, functionCount: input.count) else { return }
                    _ = view.bags()  // terminates, rows past the end skipped
                }
            }
        }
        // A truncated section does not open.
        clean.dropLast(3).withUnsafeBytes { section in
            pool.bytes.withUnsafeBytes { strings in
                #expect(LexiconView(bytes: section, strings: strings, functionCount: input.count) == nil)
            }
        }
    }
}
