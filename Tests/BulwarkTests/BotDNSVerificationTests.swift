import BulwarkTesting
import HTTPTypes
import Testing

@testable import Bulwark

/// Reverse-DNS verification of crawlers against a real nameserver: dnsmasq on loopback, serving
/// PTR and A records for Yandex's crawler (which its operator verifies by DNS only).
@Suite(
    "detectBot: reverse-DNS verification against dnsmasq",
    .enabled(if: DNSMasq.shouldRun, "needs dnsmasq; BULWARK_REQUIRE_SERVICES=1 makes its absence fail")
)
struct BotDNSVerificationTests {
    static let yandex = "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)"

    static let records: [DNSMasq.Record] = [
        // A real crawler: PTR and A agree.
        .host("spider-5-255-253-1.yandex.com", ipv4: "5.255.253.1"),
        // A PTR naming Yandex with no forward record: whoever controls the reverse zone wrote it.
        .ptr("2.253.255.5.in-addr.arpa", target: "spider-5-255-253-2.yandex.com"),
        // A PTR under somebody else's domain.
        .host("crawler.hosting.test", ipv4: "5.255.253.3"),
        // A PTR that fits the mask whose forward record points elsewhere.
        .ptr("4.253.255.5.in-addr.arpa", target: "spider-5-255-253-4.yandex.com"),
        .host("spider-5-255-253-4.yandex.com", ipv4: "198.51.100.4"),
    ]

    func bulwark(_ resolver: any DNSResolver, timeout: Duration = .seconds(30)) throws -> Bulwark {
        try Bulwark(
            rules: [.detectBot(mode: .live, allow: [.category(.searchEngine)])],
            options: BulwarkOptions(botVerifier: BotVerifier(resolver: resolver, timeout: timeout))
        )
    }

    func request(from address: String) -> BulwarkRequest {
        .get("/", from: address, headers: [.userAgent: Self.yandex])
    }

    @Test("PTR fits the mask and resolves back: verified and allowed")
    func verified() async throws {
        let server = try await DNSMasq.start(Self.records, localDomains: ["test", "yandex.com", "in-addr.arpa"])
        defer { server.stop() }
        let bulwark = try bulwark(try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout))
        let decision = await bulwark.protect(request(from: "5.255.253.1"))
        #expect(decision.conclusion == .allow)
        #expect(decision.isVerifiedBot)
        #expect(decision.reason.bot?.allowed == ["YANDEX_CRAWLER"])
    }

    @Test(
        "a PTR with no forward record, under another domain, pointing elsewhere, or missing: spoofed and denied",
        arguments: ["5.255.253.2", "5.255.253.3", "5.255.253.4", "5.255.253.9"]
    )
    func spoofed(address: String) async throws {
        let server = try await DNSMasq.start(Self.records, localDomains: ["test", "yandex.com", "in-addr.arpa"])
        defer { server.stop() }
        let bulwark = try bulwark(try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout))
        let decision = await bulwark.protect(request(from: address))
        #expect(decision.isDenied)
        #expect(decision.isSpoofedBot)
        #expect(decision.reason.bot?.denied == ["YANDEX_CRAWLER"])
    }

    @Test("verdicts are cached: the second request needs no nameserver")
    func cached() async throws {
        let server = try await DNSMasq.start(Self.records, localDomains: ["test", "yandex.com", "in-addr.arpa"])
        let bulwark = try bulwark(try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout))
        #expect(await bulwark.protect(request(from: "5.255.253.1")).isVerifiedBot)
        #expect(await bulwark.protect(request(from: "5.255.253.2")).isSpoofedBot)
        server.stop()
        #expect(await bulwark.protect(request(from: "5.255.253.1")).isVerifiedBot)
        #expect(await bulwark.protect(request(from: "5.255.253.2")).isSpoofedBot)
    }

    @Test("a nameserver that never answers leaves the claim undetermined, within the timeout")
    func silentNameserver() async throws {
        let silent = try LoopbackUDPSocket()
        defer { silent.close() }
        let resolver = try UDPDNSResolver(nameservers: ["127.0.0.1:\(silent.port)"], timeout: .seconds(30))
        let bulwark = try bulwark(resolver, timeout: .milliseconds(300))
        let clock = ContinuousClock()
        let start = clock.now
        let decision = await bulwark.protect(request(from: "5.255.253.1"))
        // Well under the resolver's own 30 s: the verifier's 300 ms deadline ended it (the slack is for
        // a test run that saturates both cores).
        #expect(clock.now - start < .milliseconds(300) + DNSResolverTimeoutTests.schedulingSlack)
        #expect(decision.conclusion == .allow)
        #expect(!decision.isVerifiedBot)
        #expect(!decision.isSpoofedBot)
    }
}
