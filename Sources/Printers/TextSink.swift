/// Where a printer's text goes: standard output in the command-line tool, a string in
/// tests and in the MCP server. Printers format and never rank; they reach the world
/// only through this (as ripgrep's printers reach it through a `Sink`).
public protocol TextSink {
    mutating func write(_ text: String)
}

extension TextSink {
    public mutating func line(_ text: String) { write(text + "\n") }
}

/// Collects what a printer writes.
public struct StringSink: TextSink {
    public private(set) var text = ""

    public init() {}

    public mutating func write(_ text: String) { self.text += text }
}
