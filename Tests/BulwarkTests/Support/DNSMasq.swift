import BulwarkTesting
import Foundation

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
/// It runs as a ``ChildProcess`` (dnsmasq closes the descriptors it inherits, which Foundation's
/// `Process` mistakes for an exit).
final class DNSMasq: Sendable {
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

    typealias Failure = ChildProcess.Failure

    /// Whether the environment insists on the services (CI sets `BULWARK_REQUIRE_SERVICES=1`).
    static var isRequired: Bool { ChildProcess.servicesRequired }

    /// Whether tests that need dnsmasq should run: it is installed, or it is required (and its absence
    /// must fail the tests).
    static var shouldRun: Bool { isRequired || binaryPath() != nil }

    /// The dnsmasq executable: `/usr/sbin/dnsmasq` (Debian's `dnsmasq-base`), the usual other places,
    /// then `PATH`.
    static func binaryPath() -> String? {
        ChildProcess.find(
            "dnsmasq",
            in: ["/usr/sbin/dnsmasq", "/usr/local/sbin/dnsmasq", "/opt/homebrew/sbin/dnsmasq"]
        )
    }

    /// The port it listens on, on 127.0.0.1.
    let port: Int
    /// `127.0.0.1:port`, for ``UDPDNSResolver/init(nameservers:timeout:attempts:eventLoopGroup:)``.
    var nameserver: String { "127.0.0.1:\(port)" }

    private let process: ChildProcess

    private init(process: ChildProcess, port: Int) {
        self.process = process
        self.port = port
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
                "dnsmasq is required (BULWARK_REQUIRE_SERVICES=1) but was not found in /usr/sbin, "
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

            let server = DNSMasq(process: try ChildProcess(binary, arguments: arguments), port: port)
            if try await server.waitUntilAnswering(within: .seconds(5)) { return server }
            lastLog = server.log
            server.stop()
        }
        throw Failure("dnsmasq did not start answering: \(lastLog)")
    }

    /// What dnsmasq wrote to standard error.
    var log: String { process.log }

    /// Stops dnsmasq (SIGTERM, then SIGKILL after 2 seconds) and reaps it; safe to call more than once.
    func stop() { process.stop() }

    private var isRunning: Bool { process.isRunning }

    /// Polls with a query until dnsmasq answers anything at all; `false` if it exits or time runs out.
    private func waitUntilAnswering(within limit: Duration) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        let resolver = try UDPDNSResolver(nameservers: [nameserver], timeout: .milliseconds(200), attempts: 1)
        while clock.now < deadline {
            guard isRunning else { return false }
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
