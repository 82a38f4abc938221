#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic clock by which a phase of a request must be done, with the
/// words a 408 uses to say which limit was reached.
struct Deadline {
    let instant: ContinuousClock.Instant
    let name: String

    init(after seconds: Double, from start: ContinuousClock.Instant, name: String) {
        instant = start.advanced(by: .milliseconds(Int64((seconds * 1000).rounded(.up))))
        self.name = name
    }

    /// Whichever of the two comes first.
    static func earlier(_ a: Deadline, _ b: Deadline) -> Deadline { a.instant <= b.instant ? a : b }
}

/// One accepted connection, read and written with time limits: every wait is a `poll`
/// bounded by the idle time and the phase's deadline, so no client can hold its thread
/// longer than those allow. EINTR is retried here, and only here.
struct ClientSocket {
    let fd: Int32
    let idleTimeout: Double

    /// Reads what has arrived (at least one byte) into `buffer`; returns the count.
    /// Throws `.timedOut` when no byte comes within the idle time or the deadline passes,
    /// `.connectionClosed` at end of stream or on a socket error.
    func receive(into buffer: UnsafeMutableRawBufferPointer, before deadline: Deadline) throws(LoopbackHTTPError) -> Int {
        try wait(for: Int16(POLLIN), before: deadline)
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return n }
            if n < 0 && errno == EINTR { continue }
            throw .connectionClosed
        }
    }

    /// Sends all of `bytes`, waiting at most the idle time for the client to take each part.
    /// False when the client left or stopped reading.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard var pointer = raw.baseAddress else { return true }
            var remaining = raw.count
            let unbounded = Deadline(after: Double(Int32.max / 1000), from: .now, name: "")
            while remaining > 0 {
                guard (try? wait(for: Int16(POLLOUT), before: unbounded)) != nil else { return false }
                // MSG_NOSIGNAL: a client that left must not kill the process with SIGPIPE.
                #if canImport(Glibc)
                let n = Glibc.send(fd, pointer, remaining, Int32(MSG_NOSIGNAL))
                #else
                let n = Darwin.send(fd, pointer, remaining, 0)
                #endif
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                pointer += n
                remaining -= n
            }
            return true
        }
    }

    /// After a refusal the client may still be sending the body the server will not read.
    /// Closing with unread bytes makes the kernel send a reset, which can destroy the refusal
    /// before the client reads it; so stop writing, then discard input for at most `seconds`
    /// (or until the client closes) before the caller closes the socket.
    func drainBeforeClose(seconds: Double = 1) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = Deadline(after: seconds, from: .now, name: "")
        var scratch = [UInt8](repeating: 0, count: 64 << 10)
        while (try? scratch.withUnsafeMutableBytes { try receive(into: $0, before: deadline) }) != nil {}
    }

    private func wait(for events: Int16, before deadline: Deadline) throws(LoopbackHTTPError) {
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline.instant)
            guard remaining > .zero else { throw .timedOut(deadline.name) }
            let idle = Duration.milliseconds(Int64((idleTimeout * 1000).rounded(.up)))
            let wait = min(remaining, idle)
            let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
            var poller = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&poller, 1, Int32(clamping: max(1, milliseconds)))
            if ready > 0 { return }
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { throw .connectionClosed }
            if wait < remaining { throw .timedOut("no byte for \(Self.seconds(idleTimeout))") }
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
