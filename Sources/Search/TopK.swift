/// Keeps the `k` best (score, id) pairs seen: a binary min-heap, so a
/// candidate costs O(1) when it cannot enter and O(log k) when it does.
/// Ties go to the smaller id, which makes results deterministic.
public struct TopK: Sendable {
    public let k: Int
    private var heap: [(score: Float, id: Int)] = []

    public init(k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(self.k)
    }

    public var count: Int { heap.count }

    /// The score a candidate must beat once full.
    public var threshold: Float { heap.count < k ? -.infinity : heap[0].score }

    @inline(__always)
    private static func worse(_ a: (score: Float, id: Int), _ b: (score: Float, id: Int)) -> Bool {
        a.score != b.score ? a.score < b.score : a.id > b.id
    }

    @inline(__always)
    public mutating func insert(score: Float, id: Int) {
        guard k > 0 else { return }
        let item = (score: score, id: id)
        if heap.count < k {
            heap.append(item)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard TopK.worse(heap[i], heap[parent]) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        } else if TopK.worse(heap[0], item) {
            heap[0] = item
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && TopK.worse(heap[l], heap[m]) { m = l }
                if r < heap.count && TopK.worse(heap[r], heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    public mutating func merge(_ other: TopK) {
        for item in other.heap { insert(score: item.score, id: item.id) }
    }

    /// Best first.
    public func sorted() -> [(score: Float, id: Int)] {
        heap.sorted { TopK.worse($1, $0) }
    }
}
