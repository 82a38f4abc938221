/// How many texts a run embeds next under `IndexerOptions.embedBudget`. The budget counts
/// embedding time only, from the run's first embedding (a scan before it is not embedding),
/// and it is kept by prediction: the first batch is small, because it also loads the model,
/// and each later batch holds only as many texts as the time left fits at the rate measured
/// so far, so a run overshoots its budget by at most its first batch.
struct EmbeddingBudget {
    let limit: Duration?
    let batchSize: Int
    private var deadline: ContinuousClock.Instant?
    private var perText: Duration?
    private let clock = ContinuousClock()

    /// The first batch under a budget: small, since it pays for loading the model.
    static let firstBatch = 2

    init(limit: Duration?, batchSize: Int) {
        self.limit = limit
        self.batchSize = max(1, batchSize)
    }

    /// Texts to embed next, of `remaining` queued: all of them without a budget; nil once the
    /// budget cannot fit one more text.
    mutating func next(of remaining: Int) -> Int? {
        guard remaining > 0 else { return nil }
        guard let limit else { return remaining }
        let now = clock.now
        let end = deadline ?? now + limit
        deadline = end
        let left = now.duration(to: end)
        guard left > .zero else { return nil }
        guard let perText else { return min(remaining, Self.firstBatch) }
        let fits = perText > .zero ? Int(left / perText) : batchSize
        return fits >= 1 ? min(remaining, batchSize, fits) : nil
    }

    /// Records that `count` texts took `elapsed`: the rate the next batches are sized by.
    mutating func record(_ count: Int, took elapsed: Duration) {
        if count > 0 { perText = elapsed / count }
    }

}
