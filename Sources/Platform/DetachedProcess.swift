#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPlatform

/// A child process started and left to run on its own (`posix_spawn`).
public enum DetachedProcess {
    /// Starts `executable` with `arguments` (the first being its name, the environment
    /// this process's) in a session of its own, so a Ctrl-C or a closed terminal does not
    /// reach it: standard input from /dev/null, standard output and error appended to
    /// `logPath` (created when missing). Never waited for. False when it could not start.
    @discardableResult
    public static func start(_ executable: String, arguments: [String], appendingOutputTo logPath: String) -> Bool {
        guard let log = try? OpenFile.open(logPath, .appending) else { return false }
        #if canImport(Glibc)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log.descriptor.rawValue, 1)
        posix_spawn_file_actions_adddup2(&actions, log.descriptor.rawValue, 2)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(codesearch_spawn_setsid_flag()))
        // Safe: strdup's copies live until the defer below, after posix_spawn has copied them.
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #if canImport(Darwin)
        let environment = _NSGetEnviron().pointee
        #else
        let environment = environ
        #endif
        var pid = pid_t()
        // The log stays open until the child has its own copies of it (posix_spawn returns after that).
        return withExtendedLifetime(log) { posix_spawn(&pid, executable, &actions, &attributes, argv, environment) == 0 }
    }
}
