import Foundation
import Synchronization

@testable import Bulwark

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dnsmasq authoritative for the test's records, on 127.0.0.1 and a free port: a real nameserver
/// for ``UDPDNSResolver``'s tests.
///
/// It answers only from the records given (no upstream, no `/etc/hosts`), and names under
/// `localDomains` that it has no records for get NXDOMAIN (without them it would answer REFUSED).
///
/// ```swift
/// let server = try await DNSMasq.start([.host("bot.example.test", ipv4: "192.0.2.10")])
/// defer { server.stop() }
/// let resolver = try UDPDNSResolver(nameservers: [server.nameserver])
/// ```
///
/// Tests that need it carry `.enabled(if: DNSMasq.shouldRun)`: they are skipped where dnsmasq is not
/// installed, unless `BULWARK_REQUIRE_SERVICES=1` (as in CI), where they run and fail saying why.
///
/// `@unchecked Sendable`: `Process` is not marked `Sendable`, but the only mutation after start is
/// `stop()`, which a lock makes run once.
final class DNSMasq: @unchecked Sendable {
    /// One record option.
    enum Record: Sendable {
        /// A and AAAA records, and the PTR records that point back (`--host-record`).
        case host(String, ipv4: String, ipv6: String? = nil)
        /// A PTR record alone (`--ptr-record`): a reverse name that claims a host with no forward record.
        case ptr(String, target: String)
        /// An MX record (`--mx-host`).
        case mx(String, host: String, preference: Int)
        /// An A or AAAA record for a domain and every name under it (`--address`).
        case address(domain: String, ip: String)
        /// A CNAME to a name with local records (`--cname`).
        case cname(String, target: String)

        var argument: String {
            switch self {
            case .host(let name, let ipv4, let ipv6):
                return "--host-record=\(name),\(ipv4)" + (ipv6.map { ",\($0)" } ?? "")
            case .ptr(let name, let target): return "--ptr-record=\(name),\(target)"
            case .mx(let domain, let host, let preference): return "--mx-host=\(domain),\(host),\(preference)"
            case .address(let domain, let ip): return "--address=/\(domain)/\(ip)"
            case .cname(let alias, let target): return "--cname=\(alias),\(target)"
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Whether the environment insists on the services (CI sets `BULWARK_REQUIRE_SERVICES=1`).
    static var isRequired: Bool { ProcessInfo.processInfo.environment["BULWARK_REQUIRE_SERVICES"] == "1" }

    /// Whether tests that need dnsmasq should run: it is installed, or it is required (and its absence
    /// must fail the tests).
    static var shouldRun: Bool { isRequired || binaryPath() != nil }

    /// The dnsmasq executable: `/usr/sbin/dnsmasq` (Debian's `dnsmasq-base`), the usual other places,
    /// then `PATH`.
    static func binaryPath() -> String? {
        var candidates = ["/usr/sbin/dnsmasq", "/usr/local/sbin/dnsmasq", "/opt/homebrew/sbin/dnsmasq"]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        candidates += path.split(separator: ":").map { "\($0)/dnsmasq" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The port it listens on, on 127.0.0.1.
    let port: Int
    /// `127.0.0.1:port`, for ``UDPDNSResolver/init(nameservers:timeout:attempts:eventLoopGroup:)``.
    var nameserver: String { "127.0.0.1:\(port)" }

    private let process: Process
    private let logPath: String
    private let stopped = Mutex(false)

    private init(process: Process, port: Int, logPath: String) {
        self.process = process
        self.port = port
        self.logPath = logPath
    }

    deinit { stop() }

    /// Starts dnsmasq with the records and waits until it answers (up to about 5 seconds). A port
    /// taken between choosing and binding it is retried with another.
    static func start(
        _ records: [Record],
        localDomains: [String] = ["test", "in-addr.arpa", "ip6.arpa"]
    ) async throws -> DNSMasq {
        guard let binary = binaryPath() else {
            throw Failure(
                description: "dnsmasq is required (BULWARK_REQUIRE_SERVICES=1) but was not found in /usr/sbin, "
                    + "/usr/local/sbin or PATH: install it (apt-get install dnsmasq-base)"
            )
        }
        var lastLog = ""
        for _ in 0..<5 {
            let port = try LoopbackUDPSocket.freePort()
            var arguments = [
                "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces",
                "--listen-address=127.0.0.1", "--port=\(port)", "--conf-file=/dev/null", "--pid-file=",
                "--log-facility=-",
            ]
            // As root, dnsmasq drops to `nobody`, which a minimal image may lack; staying root is harmless here.
            if getuid() == 0 { arguments.append("--user=root") }
            arguments += localDomains.map { "--local=/\($0)/" }
            arguments += records.map(\.argument)

            let logPath = FileManager.default.temporaryDirectory
                .appendingPathComponent("bulwark-dnsmasq-\(UUID().uuidString).log").path
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = log
            process.standardError = log
            try process.run()
            try? log.close()

            let server = DNSMasq(process: process, port: port, logPath: logPath)
            if try await server.waitUntilAnswering(within: .seconds(5)) { return server }
            lastLog = server.log
            server.stop()
        }
        throw Failure(description: "dnsmasq did not start answering: \(lastLog)")
    }

    /// What dnsmasq wrote to standard error.
    var log: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Stops dnsmasq and waits for it to exit; safe to call more than once.
    func stop() {
        let alreadyStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        guard !alreadyStopped else { return }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Polls with a query until dnsmasq answers anything at all; `false` if it exits or time runs out.
    private func waitUntilAnswering(within limit: Duration) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        let resolver = try UDPDNSResolver(nameservers: [nameserver], timeout: .milliseconds(200), attempts: 1)
        while clock.now < deadline {
            guard process.isRunning else { return false }
            do {
                _ = try await resolver.addresses(of: "harness-probe.test")
                return true
            } catch let error where error.code == .timeout || error.code == .unreachable {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                return true  // REFUSED, SERVFAIL, …: something is answering
            }
        }
        return false
    }
}
