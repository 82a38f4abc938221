import Dispatch

/// Work spread over every core with `DispatchQueue.concurrentPerform`.
public enum Parallel {
    /// `body(i)` for every `i` in `0..<count`, run concurrently; the results in index order.
    /// Each iteration writes only its own slot, under a lock (the array's storage is shared).
    public static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [body(0)] : [] }
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in slots.set(i, body(i)) }
        return slots.values
    }
}

private final class Slots<T: Sendable>: @unchecked Sendable {
    private var values_: [T?]
    private let lock = DispatchQueue(label: "codesearch.parallel.slots")
    init(count: Int) { values_ = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) { lock.sync { values_[i] = value } }
    var values: [T] { lock.sync { values_.map { $0! } } }
}
