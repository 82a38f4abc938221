import Foundation

/// Ctrl-C (SIGINT) and SIGTERM become a flag the indexer polls, so an interrupted run
/// stops between batches with what it embedded kept; a second Ctrl-C exits at once.
enum Interruption {
    private static let state = State()

    private final class State: @unchecked Sendable {
        let lock = NSLock()
        var requested = false
        var sources: [DispatchSourceSignal] = []
    }

    static var requested: Bool {
        state.lock.lock(); defer { state.lock.unlock() }
        return state.requested
    }

    static func install(quietly: Bool = false) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                state.lock.lock()
                let second = state.requested
                state.requested = true
                state.lock.unlock()
                if second { Glibc._exit(130) }
                if !quietly {
                    Output.diagnostic("codesearch: interrupted; saving what was embedded (Ctrl-C again to quit at once)")
                }
            }
            source.resume()
            state.lock.lock()
            state.sources.append(source)
            state.lock.unlock()
        }
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool = Output.isTerminal(2)) {
        self.enabled = enabled
    }

    func update(_ label: String, done: Int, total: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
        lastDraw = now
        let width = 30
        let filled = total > 0 ? min(width, width * done / total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(bar) \(done)/\(total)".utf8))
        drawn = true
    }

    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drawn = false
    }
}
