import Foundation
import Platform

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
        for sig in [Signal.interrupt, Signal.terminate] {
            sig.ignore()
            let source = DispatchSource.makeSignalSource(signal: sig.rawValue, queue: .global())
            source.setEventHandler {
                state.lock.lock()
                let second = state.requested
                state.requested = true
                state.lock.unlock()
                if second { CurrentProcess.exitImmediately(130, flushing: false) }
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
