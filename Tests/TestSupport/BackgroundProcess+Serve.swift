import Foundation

extension BackgroundProcess {
    /// `codesearch serve --port 0 EXTRA` with the tests' environment, once it has printed
    /// its address; and the port it serves on. Stop it with `stop()`.
    public static func codesearchServe(_ extra: [String] = []) throws -> (process: BackgroundProcess, port: Int) {
        let serve = try BackgroundProcess(CodesearchBinary.path, ["serve", "--port", "0"] + extra,
                                          environment: CodesearchBinary.environment())
        guard let text = serve.waitForStderr({ $0.contains("/v1/embeddings") }),
              let match = text.firstMatch(of: /at http:\/\/127\.0\.0\.1:(\d+)\/v1\/embeddings/),
              let port = Int(match.1) else {
            let output = serve.stderr
            serve.stop()
            throw TemporaryRepository.CommandFailure(command: "codesearch serve", status: -1, stderr: output)
        }
        return (serve, port)
    }
}
