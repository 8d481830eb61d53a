import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A service the tests start themselves (dnsmasq, redis-server): spawned with `posix_spawn`,
/// its output to a log file, stopped and reaped on demand.
///
/// It is spawned with `posix_spawn` rather than Foundation's `Process`: a daemon that closes the
/// file descriptors it inherits makes `Process` on Linux take it for exited and block its monitor
/// thread in `waitpid`; and the child gets an empty signal mask so that SIGTERM reaches it.
package final class ChildProcess: Sendable {
    /// A service that could not be started, or did not come up.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        package init(_ description: String) { self.description = description }
    }

    /// The process id.
    package let pid: pid_t
    private let logPath: String
    private let reaped = Mutex(false)

    /// Starts `binary` with standard output and error to a temporary log file, standard input from
    /// `/dev/null`, an empty signal mask and default signal handlers.
    package init(_ binary: String, arguments: [String]) throws {
        logPath =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("bulwark-\((binary as NSString).lastPathComponent)-\(UUID().uuidString).log").path
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t?
        var attributes: posix_spawnattr_t?
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments = ([binary] + arguments).map { strdup($0) }
        defer { cArguments.forEach { free($0) } }
        let argv = cArguments + [nil]
        var pid: pid_t = 0
        let result = posix_spawn(&pid, binary, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw Failure("cannot start \(binary): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    deinit { stop() }

    /// The first executable among `candidates`, then `name` on `PATH`.
    package static func find(_ name: String, in candidates: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let all = candidates + path.split(separator: ":").map { "\($0)/\(name)" }
        return all.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether the environment insists on the services (CI sets `BULWARK_REQUIRE_SERVICES=1`).
    package static var servicesRequired: Bool {
        ProcessInfo.processInfo.environment["BULWARK_REQUIRE_SERVICES"] == "1"
    }

    /// What the process wrote to standard output and error.
    package var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Sends a signal (SIGSTOP and SIGCONT pause and resume it).
    package func signal(_ number: Int32) {
        let alive = reaped.withLock { !$0 }
        if alive { _ = kill(pid, number) }
    }

    /// Stops the process (SIGTERM, then SIGKILL after 2 seconds, or SIGKILL at once when
    /// `immediately`) and reaps it; safe to call more than once. The log file is removed unless
    /// `keepLog`.
    package func stop(immediately: Bool = false, keepLog: Bool = false) {
        reaped.withLock { reaped in
            guard !reaped else { return }
            _ = kill(pid, SIGCONT)
            _ = kill(pid, immediately ? SIGKILL : SIGTERM)
            let deadline = ContinuousClock.now.advanced(by: .seconds(2))
            var status: Int32 = 0
            while waitpid(pid, &status, WNOHANG) == 0 {
                if ContinuousClock.now > deadline {
                    _ = kill(pid, SIGKILL)
                    _ = waitpid(pid, &status, 0)
                    break
                }
                usleep(5_000)
            }
            reaped = true
        }
        if !keepLog { try? FileManager.default.removeItem(atPath: logPath) }
    }

    /// Whether the process is still running (reaping it if it has exited).
    package var isRunning: Bool {
        reaped.withLock { reaped in
            guard !reaped else { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == 0 { return true }
            reaped = true
            return false
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    package static func freeTCPPort() throws -> Int {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Failure("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
