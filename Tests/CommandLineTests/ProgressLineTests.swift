@testable import CodesearchCLI
import Foundation
import Testing

/// What a terminal would show: the last line drawn.
private final class Screen: @unchecked Sendable {
    private let lock = NSLock()
    private var writes: [String] = []
    var clock = Date(timeIntervalSince1970: 0)
    func write(_ text: String) { lock.withLock { writes.append(text) } }
    var lastLine: String { lock.withLock { writes.last ?? "" }.replacingOccurrences(of: "\r\u{1B}[2K", with: "") }
    var count: Int { lock.withLock { writes.count } }
}

@Suite struct ProgressLineTests {
    private func progress(_ screen: Screen) -> ProgressLine {
        ProgressLine(enabled: true, write: { screen.write($0) }, now: { screen.clock })
    }

    /// Regression: the embedding phase came within the throttle interval of the scanning
    /// update before it and was dropped, so the line said "scanning" while it embedded.
    @Test func aNewPhaseIsDrawnAtOnce() {
        let screen = Screen()
        let line = progress(screen)
        line.update("scanning", done: 31, total: 100)
        screen.clock += 0.001
        line.update("embedding", done: 32, total: 100)
        #expect(screen.lastLine.hasPrefix("embedding "), "\(screen.lastLine)")
    }

    @Test func updatesOfOnePhaseAreThrottled() {
        let screen = Screen()
        let line = progress(screen)
        for done in 0..<50 {
            line.update("scanning", done: done, total: 100)
            screen.clock += 0.001
        }
        #expect(screen.count == 1)
        line.update("scanning", done: 100, total: 100)  // the end is always drawn
        #expect(screen.count == 2)
    }

    @Test func showsRateAndTimeLeftOnceASecondHasPassed() {
        let screen = Screen()
        let line = progress(screen)
        line.update("embedding", done: 0, total: 100)
        #expect(!screen.lastLine.contains("/s"))
        screen.clock += 5
        line.update("embedding", done: 20, total: 100)
        #expect(screen.lastLine.hasSuffix("20/100 · 4.0/s · 20 s left"), "\(screen.lastLine)")
        #expect(ProgressLine.duration(185) == "3 min 5 s")
        #expect(ProgressLine.duration(7800) == "2 h 10 min")
    }

    @Test func drawsNothingWhenDisabled() {
        let screen = Screen()
        let line = ProgressLine(enabled: false, write: { screen.write($0) }, now: { screen.clock })
        line.update("scanning", done: 1, total: 2)
        line.finish()
        #expect(screen.count == 0)
    }
}
