import BulwarkTesting
import Foundation
import Synchronization
import Testing

@testable import Bulwark

@Suite(
    "UDP DNS resolver against dnsmasq",
    .enabled(if: DNSMasq.shouldRun, "needs dnsmasq; BULWARK_REQUIRE_SERVICES=1 makes its absence fail")
)
struct DNSResolverTests {
    static let records: [DNSMasq.Record] = [
        .host("bot.example.test", ipv4: "192.0.2.10", ipv6: "2001:db8::10"),
        // A reverse name that claims a crawler's host, which has no forward record: a spoofed PTR.
        .ptr("11.2.0.192.in-addr.arpa", target: "crawl-192-0-2-11.googlebot.test"),
        .mx("mail.example.test", host: "mx2.example.test", preference: 20),
        .mx("mail.example.test", host: "mx1.example.test", preference: 10),
        .mx("mail.example.test", host: "mx0.example.test", preference: 20),
        .address(domain: "wild.example.test", ip: "192.0.2.99"),
        .cname("alias.example.test", target: "bot.example.test"),
    ]

    func makeResolver(_ server: DNSMasq, timeout: Duration = dnsAnswerTimeout) throws -> UDPDNSResolver {
        try UDPDNSResolver(nameservers: [server.nameserver], timeout: timeout, attempts: 2)
    }

    @Test("PTR of a host record, for IPv4 and IPv6")
    func reverseLookup() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let resolver = try makeResolver(server)
        #expect(try await resolver.reverseLookup(IPAddress("192.0.2.10")!) == ["bot.example.test"])
        #expect(try await resolver.reverseLookup(IPAddress("2001:db8::10")!) == ["bot.example.test"])
        #expect(try await resolver.reverseLookup(IPAddress("::ffff:192.0.2.10")!) == ["bot.example.test"])
    }

    @Test("A and AAAA of a host, whatever the case and with a trailing dot, and through a CNAME")
    func forwardLookup() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let resolver = try makeResolver(server)
        let expected = [IPAddress("192.0.2.10")!, IPAddress("2001:db8::10")!]
        #expect(try await resolver.addresses(of: "bot.example.test") == expected)
        #expect(try await resolver.addresses(of: "BOT.Example.Test.") == expected)
        #expect(try await resolver.addresses(of: "alias.example.test") == expected)
        #expect(try await resolver.addresses(of: "any.wild.example.test") == [IPAddress("192.0.2.99")!])
    }

    @Test("a PTR without a forward record does not confirm")
    func spoofedPTR() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let resolver = try makeResolver(server)
        let names = try await resolver.reverseLookup(IPAddress("192.0.2.11")!)
        #expect(names == ["crawl-192-0-2-11.googlebot.test"])
        #expect(try await resolver.addresses(of: names[0]).isEmpty)
    }

    @Test("NXDOMAIN and no data give an empty array")
    func noSuchRecords() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let resolver = try makeResolver(server)
        #expect(try await resolver.addresses(of: "nope.example.test").isEmpty)
        #expect(try await resolver.reverseLookup(IPAddress("192.0.2.200")!).isEmpty)
        #expect(try await resolver.reverseLookup(IPAddress("2001:db8::dead")!).isEmpty)
        #expect(try await resolver.mailExchangers(of: "nope.example.test").isEmpty)
        #expect(try await resolver.mailExchangers(of: "bot.example.test").isEmpty)
    }

    @Test("MX records sorted by preference, then host")
    func mailExchangers() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let exchangers = try await makeResolver(server).mailExchangers(of: "Mail.Example.Test")
        #expect(
            exchangers == [
                MailExchanger(preference: 10, host: "mx1.example.test"),
                MailExchanger(preference: 20, host: "mx0.example.test"),
                MailExchanger(preference: 20, host: "mx2.example.test"),
            ]
        )
    }

    @Test("an invalid host name throws invalidName before any query")
    func invalidName() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let resolver = try makeResolver(server)
        for name in ["bad..name", "", "spaced name.test", String(repeating: "a", count: 64) + ".test"] {
            let error = await #expect(throws: DNSError.self) { try await resolver.addresses(of: name) }
            #expect(error?.code == .invalidName, "\(name)")
        }
    }

    @Test("a silent first nameserver is skipped for the next one within the timeout")
    func failsOver() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let silent = try LoopbackUDPSocket()
        defer { silent.close() }
        let resolver = try UDPDNSResolver(
            nameservers: ["127.0.0.1:\(silent.port)", server.nameserver],
            // For the whole lookup: the silent server gets half of it, the next one what is left. The
            // 8 s left leave room for a test run that keeps the lookup's task waiting for a thread.
            timeout: .seconds(16),
            attempts: 2
        )
        #expect(try await resolver.addresses(of: "bot.example.test").count == 2)
        // Counted, not timed: the silent server was asked once for A and once for AAAA, and each
        // answer came from the next server within the lookup's timeout.
        #expect(silent.drainDatagrams() == 2)
    }

    @Test("the caching resolver answers from its cache once the server is gone")
    func cachingSurvivesServerStop() async throws {
        let server = try await DNSMasq.start(Self.records)
        let upstream = try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout)
        let caching = CachingDNSResolver(wrapping: upstream)
        let names = try await caching.reverseLookup(IPAddress("192.0.2.10")!)
        let addresses = try await caching.addresses(of: "bot.example.test")
        let missing = try await caching.addresses(of: "nope.example.test")
        let exchangers = try await caching.mailExchangers(of: "mail.example.test")
        #expect(names == ["bot.example.test"])
        #expect(addresses.count == 2)
        #expect(missing.isEmpty)
        #expect(exchangers.count == 3)
        #expect(caching.cachedCount == 4)

        server.stop()
        #expect(try await caching.reverseLookup(IPAddress("192.0.2.10")!) == names)
        #expect(try await caching.addresses(of: "BOT.example.test.") == addresses)
        #expect(try await caching.addresses(of: "nope.example.test").isEmpty)
        #expect(try await caching.mailExchangers(of: "mail.example.test") == exchangers)
        // Not cached: the server is really gone.
        let error = await #expect(throws: DNSError.self) { try await caching.addresses(of: "other.example.test") }
        #expect(error?.code == .unreachable || error?.code == .timeout)
    }
}

/// The bounds leave a few seconds for scheduling: when the whole suite runs on two cores, the CPU-bound
/// corpus tests can hold the cooperative pool long enough that a finished lookup waits for a thread
/// to resume on. What they check is that a lookup ends by its own timeout or cancellation, not that
/// it ends within a particular millisecond.
@Suite("UDP DNS resolver without a server")
struct DNSResolverTimeoutTests {
    static let schedulingSlack = Duration.seconds(10)

    @Test("a nameserver that never answers times out within the timeout", arguments: [1, 3])
    func silentServer(attempts: Int) async throws {
        let silent = try LoopbackUDPSocket()
        defer { silent.close() }
        let timeout = Duration.milliseconds(600)
        let resolver = try UDPDNSResolver(
            nameservers: ["127.0.0.1:\(silent.port)"],
            timeout: timeout,
            attempts: attempts
        )
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: DNSError.self) { try await resolver.reverseLookup(IPAddress("192.0.2.1")!) }
        let elapsed = start.duration(to: clock.now)
        #expect(error?.code == .timeout)
        #expect(elapsed < timeout + Self.schedulingSlack, "took \(elapsed)")
        #expect(elapsed >= timeout - .milliseconds(50), "took \(elapsed)")
    }

    @Test("a closed port is unreachable or times out, within the timeout")
    func closedPort() async throws {
        let port = try LoopbackUDPSocket.freePort()
        let timeout = Duration.milliseconds(600)
        let resolver = try UDPDNSResolver(nameservers: ["127.0.0.1:\(port)"], timeout: timeout, attempts: 2)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: DNSError.self) { try await resolver.addresses(of: "example.test") }
        let elapsed = start.duration(to: clock.now)
        #expect(error?.code == .unreachable || error?.code == .timeout, "\(String(describing: error))")
        #expect(elapsed < timeout + Self.schedulingSlack, "took \(elapsed)")
    }

    @Test("a cancelled lookup returns at once")
    func cancellation() async throws {
        let silent = try LoopbackUDPSocket()
        defer { silent.close() }
        let resolver = try UDPDNSResolver(nameservers: ["127.0.0.1:\(silent.port)"], timeout: .seconds(60))
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task { try await resolver.reverseLookup(IPAddress("192.0.2.1")!) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        #expect(throws: DNSError.self) { try result.get() }
        #expect(start.duration(to: clock.now) < .milliseconds(100) + Self.schedulingSlack)
    }

    @Test(
        "nameserver addresses, with and without ports",
        arguments: [
            ("8.8.8.8", "8.8.8.8:53"), ("127.0.0.1:5353", "127.0.0.1:5353"), ("::1", "[::1]:53"),
            ("[::1]:5353", "[::1]:5353"), ("[2001:db8::53]", "[2001:db8::53]:53"),
            ("2001:DB8::53", "[2001:db8::53]:53"),
        ]
    )
    func nameservers(text: String, shown: String) throws {
        let resolver = try UDPDNSResolver(nameservers: [text])
        #expect(resolver.nameservers.map(\.text) == [shown])
    }

    @Test(
        "invalid nameserver addresses are refused",
        arguments: [
            "localhost", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:", "1.2.3.4:+53", "[1.2.3.4]:53", "[::1", "[::1]53",
            "::1:53:", "256.1.1.1", "",
        ]
    )
    func invalidNameservers(text: String) {
        let error = #expect(throws: DNSError.self) { try UDPDNSResolver(nameservers: [text]) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("an empty nameserver list is refused")
    func noNameservers() {
        let error = #expect(throws: DNSError.self) { try UDPDNSResolver(nameservers: []) }
        #expect(error?.code == .noNameservers)
    }

    @Test("resolv.conf: nameserver lines in order, comments and unusable entries skipped, at most three")
    func resolvConf() throws {
        let directory = FileManager.default.temporaryDirectory
        let path = directory.appendingPathComponent("bulwark-resolv-\(UUID().uuidString).conf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = """
            # generated
            ; also a comment
            search example.test
            nameserver 127.0.0.1
            nameserver\t::1   # trailing comment
            nameserver not-an-address
            #nameserver 10.0.0.1
            options timeout:1
            nameserver 192.0.2.53
            nameserver 192.0.2.54
            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let resolver = try UDPDNSResolver(resolvConf: path)
        #expect(resolver.nameservers.map(\.text) == ["127.0.0.1:53", "[::1]:53", "192.0.2.53:53"])

        try "search example.test\n".write(toFile: path, atomically: true, encoding: .utf8)
        let empty = #expect(throws: DNSError.self) { try UDPDNSResolver(resolvConf: path) }
        #expect(empty?.code == .noNameservers)
        let missing = #expect(throws: DNSError.self) { try UDPDNSResolver(resolvConf: path + ".absent") }
        #expect(missing?.code == .noNameservers)
    }
}

/// A resolver that counts its calls and answers after a pause.
final class CountingResolver: DNSResolver {
    let calls = Mutex(0)
    let failing: Bool
    let delay: Duration

    init(failing: Bool = false, delay: Duration = .milliseconds(100)) {
        self.failing = failing
        self.delay = delay
    }

    private func answer<T: Sendable>(_ value: T) async throws -> T {
        calls.withLock { $0 += 1 }
        try await Task.sleep(for: delay)
        if failing { throw DNSError(code: .serverFailure, message: "scripted") }
        return value
    }

    func reverseLookup(_ address: IPAddress) async throws -> [String] {
        try await answer(address == IPAddress("192.0.2.1") ? ["host.test"] : [])
    }

    func addresses(of host: String) async throws -> [IPAddress] {
        try await answer(host == "host.test" ? [IPAddress("192.0.2.1")!] : [])
    }

    func mailExchangers(of domain: String) async throws -> [MailExchanger] {
        try await answer([MailExchanger(preference: 10, host: "mx.test")])
    }
}

@Suite("Caching DNS resolver")
struct CachingDNSResolverTests {
    @Test("concurrent identical lookups make one upstream query")
    func coalesces() async throws {
        let upstream = CountingResolver()
        let caching = CachingDNSResolver(wrapping: upstream)
        let results = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<20 { group.addTask { try await caching.reverseLookup(IPAddress("192.0.2.1")!) } }
            return try await group.reduce(into: [[String]]()) { $0.append($1) }
        }
        #expect(results.count == 20)
        #expect(results.allSatisfy { $0 == ["host.test"] })
        #expect(upstream.calls.withLock { $0 } == 1)
    }

    @Test("positive answers last positiveTTL, empty ones negativeTTL")
    func expiry() async throws {
        let upstream = CountingResolver()
        let clock = ManualClock()
        let caching = CachingDNSResolver(
            wrapping: upstream,
            positiveTTL: .seconds(3_600),
            negativeTTL: .seconds(300),
            clock: clock
        )
        _ = try await caching.addresses(of: "host.test")
        _ = try await caching.addresses(of: "missing.test")
        #expect(upstream.calls.withLock { $0 } == 2)

        clock.advance(by: .seconds(299))
        _ = try await caching.addresses(of: "Host.Test.")
        _ = try await caching.addresses(of: "missing.test")
        #expect(upstream.calls.withLock { $0 } == 2)

        clock.advance(by: .seconds(2))
        _ = try await caching.addresses(of: "host.test")
        #expect(try await caching.addresses(of: "missing.test").isEmpty)
        #expect(upstream.calls.withLock { $0 } == 3)

        clock.advance(by: .seconds(3_600))
        #expect(try await caching.addresses(of: "host.test") == [IPAddress("192.0.2.1")!])
        #expect(upstream.calls.withLock { $0 } == 4)
    }

    @Test("errors are not cached")
    func errorsNotCached() async throws {
        let upstream = CountingResolver(failing: true)
        let caching = CachingDNSResolver(wrapping: upstream)
        for _ in 0..<2 {
            await #expect(throws: DNSError.self) { try await caching.mailExchangers(of: "example.test") }
        }
        #expect(upstream.calls.withLock { $0 } == 2)
    }

    @Test("the cache holds at most its capacity")
    func bounded() async throws {
        let caching = CachingDNSResolver(wrapping: CountingResolver(delay: .zero), capacity: 8)
        for index in 0..<40 { _ = try await caching.addresses(of: "h\(index).test") }
        #expect(caching.cachedCount <= 8)
    }
}

/// The lookup timeout of tests that check answers, not speed: a nameserver on this machine answers
/// in a millisecond, but a run of the whole suite on two cores can hold the resolver's event loop or
/// dnsmasq itself for longer than a second. Answers that come from a cache never wait for it.
let dnsAnswerTimeout = Duration.seconds(10)
