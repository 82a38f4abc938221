/// Query-time score adjustments from a hit's path: cheap, and rename-safe
/// because nothing about the path is stored with the function.
public enum PathPrior {
    /// Subtracted from the fused score of tests, generated and vendored code
    /// (measured in `Benchmarks/RESULTS-quality.md`).
    public static let penalty: Float = 0.05

    public static func adjustment(for path: String) -> Float {
        isSecondary(path) ? -penalty : 0
    }

    /// Tests, fixtures, generated and vendored code: usually not what a question is after.
    public static func isSecondary(_ path: String) -> Bool {
        let components = path.split(separator: "/")
        for dir in components.dropLast() {
            switch dir.lowercased() {
            case "test", "tests", "testing", "spec", "specs", "fixtures", "vendor", "vendored", "third_party",
                 "thirdparty", "node_modules", "generated", "__generated__":
                return true
            default:
                if dir.hasSuffix("Tests") { return true }
            }
        }
        guard let file = components.last else { return false }
        return file.hasPrefix("test_") || file.hasSuffix("_test.py") || file == "conftest.py"
            || file.hasSuffix("Tests.swift") || file.hasSuffix("Test.swift")  // case matters: not Latest.swift
            || file.hasSuffix(".pb.swift") || file.hasSuffix("_pb2.py") || file.contains(".generated.")
    }
}
