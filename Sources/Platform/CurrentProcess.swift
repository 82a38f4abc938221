#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Calls about this process.
public enum CurrentProcess {
    public static var id: Int32 { getpid() }
}
