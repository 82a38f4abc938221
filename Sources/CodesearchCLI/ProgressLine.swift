import Foundation

/// A one-line progress bar on standard error, drawn only when it is a terminal:
/// `embedding ██████░░░░ 120/1294 · 35/s · 34 s left`.
///
/// Redraws are limited to ten a second, except that a new phase is drawn at once: the
/// slow phase (embedding) follows a fast one (scanning) within milliseconds, and a
/// throttled line would go on naming the fast one for the whole wait.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var lastLabel = ""
    private var started: (date: Date, done: Int)?
    private var drawn = false

    static let minimumInterval = 0.1

    init(enabled: Bool = Output.isTerminal(2),
         write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
         now: @escaping @Sendable () -> Date = Date.init)
    {
        self.enabled = enabled
        self.write = write
        self.now = now
    }

    func update(_ label: String, done: Int, total: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let time = now()
        if started == nil { started = (time, done) }
        let phaseChanged = label != lastLabel
        guard phaseChanged || time.timeIntervalSince(lastDraw) >= Self.minimumInterval || done == total else { return }
        lastDraw = time
        lastLabel = label
        write("\r\u{1B}[2K" + Self.line(label, done: done, total: total, rate: rate(done: done, at: time)))
        drawn = true
    }

    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if drawn { write("\r\u{1B}[2K") }
        drawn = false
    }

    /// Items a second since the first update, once a second has passed (earlier it is noise).
    private func rate(done: Int, at time: Date) -> Double? {
        guard let started else { return nil }
        let seconds = time.timeIntervalSince(started.date)
        guard seconds >= 1, done > started.done else { return nil }
        return Double(done - started.done) / seconds
    }

    static func line(_ label: String, done: Int, total: Int, rate: Double?) -> String {
        let width = 30
        let filled = total > 0 ? min(width, width * done / total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        var text = "\(label) \(bar) \(done)/\(total)"
        if let rate {
            text += rate >= 10 ? " · \(Int(rate.rounded()))/s" : String(format: " · %.1f/s", rate)
            if done < total { text += " · \(duration(Double(total - done) / rate)) left" }
        }
        return text
    }

    /// `42 s`, `3 min 5 s`, `2 h 10 min`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }
}
