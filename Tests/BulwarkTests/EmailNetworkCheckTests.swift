import BulwarkTesting
import Foundation
import Testing

@testable import Bulwark

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much later than its timeout a check may return. What the timing tests show is that a check
/// ends by its own clock, well before the resolver's or the HTTP client's (30 seconds and more
/// here); the slack leaves room for a busy cooperative pool in a full run on two cores (see
/// ``DNSResolverTimeoutTests``, whose bound this is), where a finished check can wait seconds for a
/// thread to resume on.
private let schedulingSlack = DNSResolverTimeoutTests.schedulingSlack

/// The MX check against a real nameserver: dnsmasq on loopback.
@Suite(
    "NO_MX_RECORDS: MX, implicit MX and null MX against dnsmasq",
    .enabled(if: DNSMasq.shouldRun, "needs dnsmasq; BULWARK_REQUIRE_SERVICES=1 makes its absence fail")
)
struct MailDomainCheckDNSTests {
    static let records: [DNSMasq.Record] = [
        .mx("mail.example.test", host: "mx1.mail.example.test", preference: 10),
        // No MX: mail goes to the domain's own address (RFC 5321 §5.1).
        .host("implicit.example.test", ipv4: "192.0.2.25"),
        // An address for IPv6 only; dnsmasq answers NXDOMAIN for its MX and A.
        .address(domain: "v6only.example.test", ip: "2001:db8::25"),
        // dnsmasq serves `.` as the root name: a null MX (RFC 7505).
        .mx("nullmx.example.test", host: ".", preference: 0),
        .host("nullmx.example.test", ipv4: "192.0.2.26"),
        // A null MX beside a real exchanger: against RFC 7505, and the real one still takes mail.
        .mx("mixed.example.test", host: ".", preference: 0),
        .mx("mixed.example.test", host: "mx.mixed.example.test", preference: 10),
        .mx("localmx.example.test", host: "localhost", preference: 10),
        .host("loopback.example.test", ipv4: "127.0.0.1", ipv6: "::1"),
    ]

    @Test("each domain's status, in the order MX, implicit MX, null MX")
    func statuses() async throws {
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let check = MailDomainCheck(
            resolver: try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout)
        )
        let expected: [(String, MailDomainStatus)] = [
            ("mail.example.test", .acceptsMail),
            ("implicit.example.test", .acceptsMail),
            ("v6only.example.test", .acceptsMail),
            // The A record does not help: the null MX says no mail, and it comes first.
            ("nullmx.example.test", .noMailServers(.nullMX)),
            ("mixed.example.test", .acceptsMail),
            ("localmx.example.test", .noMailServers(.localExchangers)),
            ("loopback.example.test", .noMailServers(.localAddresses)),
            // NXDOMAIN.
            ("nope.example.test", .noMailServers(.noRecords)),
        ]
        for (domain, status) in expected {
            #expect(await check.check(asciiDomain: domain, timeout: .seconds(30)) == status, "\(domain)")
        }
    }

    @Test("a nameserver's refusal is a failure that says so, not a missing domain")
    func refused() async throws {
        // dnsmasq refuses names outside its local domains, having no upstream to ask.
        let server = try await DNSMasq.start(Self.records)
        defer { server.stop() }
        let check = MailDomainCheck(
            resolver: try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout)
        )
        let status = await check.check(asciiDomain: "elsewhere.example", timeout: .seconds(30))
        guard case .failed(let message) = status else {
            Issue.record("expected a failure, got \(status)")
            return
        }
        #expect(message.contains("refused"), "\(message)")
    }

    @Test("through a caching resolver, answers outlive the nameserver")
    func cached() async throws {
        let server = try await DNSMasq.start(Self.records)
        let upstream = try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout)
        let check = MailDomainCheck(resolver: CachingDNSResolver(wrapping: upstream))
        #expect(await check.check(asciiDomain: "mail.example.test", timeout: .seconds(30)) == .acceptsMail)
        #expect(await check.check(asciiDomain: "implicit.example.test", timeout: .seconds(30)) == .acceptsMail)
        #expect(
            await check.check(asciiDomain: "nope.example.test", timeout: .seconds(30)) == .noMailServers(.noRecords)
        )
        server.stop()
        #expect(await check.check(asciiDomain: "mail.example.test", timeout: .seconds(30)) == .acceptsMail)
        #expect(await check.check(asciiDomain: "implicit.example.test", timeout: .seconds(30)) == .acceptsMail)
        #expect(
            await check.check(asciiDomain: "nope.example.test", timeout: .seconds(30)) == .noMailServers(.noRecords)
        )
    }
}

/// The MX check's deadline, against a nameserver that never answers.
@Suite("NO_MX_RECORDS: timeouts")
struct MailDomainCheckTimeoutTests {
    @Test(
        "a silent nameserver gives timedOut by the check's clock, not the resolver's",
        arguments: [false, true]
    )
    func silentNameserver(caching: Bool) async throws {
        let silent = try LoopbackUDPSocket()
        defer { silent.close() }
        // The resolver would wait 30 seconds; a waiter on a caching resolver's shared lookup does
        // not even stop when cancelled. The check must return at its own timeout either way.
        let udp = try UDPDNSResolver(nameservers: ["127.0.0.1:\(silent.port)"], timeout: .seconds(30), attempts: 1)
        let resolver: any DNSResolver = caching ? CachingDNSResolver(wrapping: udp) : udp
        let timeout = Duration.milliseconds(400)
        let clock = ContinuousClock()
        let start = clock.now
        let status = await MailDomainCheck(resolver: resolver).check(asciiDomain: "slow.example.test", timeout: timeout)
        let elapsed = start.duration(to: clock.now)
        #expect(status == .timedOut)
        #expect(elapsed >= timeout - .milliseconds(50), "took \(elapsed)")
        #expect(elapsed < timeout + schedulingSlack, "took \(elapsed)")
    }

    @Test("a lookup that ignores cancellation still gives timedOut by the check's clock")
    func stubbornLookup() async {
        let resolver = ScriptedMailResolver(stall: .seconds(30))
        let timeout = Duration.milliseconds(300)
        let clock = ContinuousClock()
        let start = clock.now
        let status = await MailDomainCheck(resolver: resolver).check(asciiDomain: "a.test", timeout: timeout)
        let elapsed = start.duration(to: clock.now)
        #expect(status == .timedOut)
        #expect(elapsed >= timeout - .milliseconds(50), "took \(elapsed)")
        #expect(elapsed < timeout + schedulingSlack, "took \(elapsed)")
    }

    @Test("a timeout too long for the clock to sleep is capped, not a crash")
    func hugeTimeout() async {
        let resolver = ScriptedMailResolver(exchangers: [MailExchanger(preference: 10, host: "mx.a.test")])
        let check = MailDomainCheck(resolver: resolver)
        #expect(await check.check(asciiDomain: "a.test", timeout: .seconds(Int64.max)) == .acceptsMail)
    }

    @Test("a resolver's own timeout is reported as a timeout")
    func resolverTimeout() async {
        let resolver = ScriptedMailResolver(error: DNSError(code: .timeout, message: "no answer"))
        let status = await MailDomainCheck(resolver: resolver).check(asciiDomain: "a.test", timeout: .seconds(30))
        #expect(status == .timedOut)
    }

    @Test("a cancelled caller gets timedOut at once")
    func cancelled() async {
        let resolver = ScriptedMailResolver(stall: .seconds(30))
        let clock = ContinuousClock()
        let start = clock.now
        let check = MailDomainCheck(resolver: resolver)
        let task = Task { await check.check(asciiDomain: "a.test", timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        #expect(await task.value == .timedOut)
        #expect(start.duration(to: clock.now) < .milliseconds(100) + schedulingSlack)
    }
}

/// The MX check's reading of answers, with a scripted resolver: the cases dnsmasq cannot serve.
@Suite("NO_MX_RECORDS: how answers are read")
struct MailDomainCheckRulesTests {
    static let exchangerCases: [([MailExchanger], MailDomainStatus)] = [
        ([MailExchanger(preference: 10, host: "")], .noMailServers(.nullMX)),
        ([MailExchanger(preference: 0, host: ""), MailExchanger(preference: 0, host: "")], .noMailServers(.nullMX)),
        ([MailExchanger(preference: 0, host: ""), MailExchanger(preference: 5, host: "mx.a.test")], .acceptsMail),
        ([MailExchanger(preference: 10, host: "127.0.0.1")], .noMailServers(.localExchangers)),
        ([MailExchanger(preference: 10, host: "0.0.0.0")], .noMailServers(.localExchangers)),
        ([MailExchanger(preference: 10, host: "mail.localhost")], .noMailServers(.localExchangers)),
        (
            [MailExchanger(preference: 10, host: "localhost"), MailExchanger(preference: 20, host: "mx.a.test")],
            .acceptsMail
        ),
        // A private address may be an intranet's real mail server.
        ([MailExchanger(preference: 10, host: "10.0.0.25")], .acceptsMail),
        ([MailExchanger(preference: 10, host: "localhost.example.test")], .acceptsMail),
    ]

    static let addressCases: [([String], MailDomainStatus)] = [
        (["192.0.2.1"], .acceptsMail),
        (["2001:db8::1"], .acceptsMail),
        (["127.0.0.1", "192.0.2.1"], .acceptsMail),
        (["127.0.0.53"], .noMailServers(.localAddresses)),
        (["0.0.0.0", "::"], .noMailServers(.localAddresses)),
        (["::1"], .noMailServers(.localAddresses)),
        (["::ffff:127.0.0.1"], .noMailServers(.localAddresses)),
        ([], .noMailServers(.noRecords)),
    ]

    @Test("MX answers: null MX, local exchangers, and real ones", arguments: exchangerCases)
    func exchangers(exchangers: [MailExchanger], expected: MailDomainStatus) async {
        let resolver = ScriptedMailResolver(exchangers: exchangers, addresses: [IPAddress("192.0.2.1")!])
        let status = await MailDomainCheck(resolver: resolver).check(asciiDomain: "a.test", timeout: .seconds(30))
        #expect(status == expected)
    }

    @Test("implicit MX answers: addresses, loopback ones, none", arguments: addressCases)
    func addresses(addresses: [String], expected: MailDomainStatus) async {
        let resolver = ScriptedMailResolver(addresses: addresses.map { IPAddress($0)! })
        let status = await MailDomainCheck(resolver: resolver).check(asciiDomain: "a.test", timeout: .seconds(30))
        #expect(status == expected)
    }

    @Test("a domain too long for DNS fails before any lookup")
    func overlongDomain() async {
        let resolver = ScriptedMailResolver(exchangers: [MailExchanger(preference: 10, host: "mx.a.test")])
        let domain = String(repeating: "a", count: 250) + ".test"
        let status = await MailDomainCheck(resolver: resolver).check(asciiDomain: domain, timeout: .seconds(30))
        #expect(status == .failed("the domain is longer than 253 bytes, so it is not a DNS name"))
    }

    @Test("other failures are failures, with the resolver's message")
    func failures() async {
        for code in [DNSError.Code.serverFailure, .refused, .malformedResponse, .invalidName, .unreachable] {
            let resolver = ScriptedMailResolver(error: DNSError(code: code, message: "scripted"))
            let status = await MailDomainCheck(resolver: resolver).check(asciiDomain: "a.test", timeout: .seconds(30))
            #expect(status == .failed("DNS lookup failed: \(code): scripted"))
        }
    }
}

/// A resolver with fixed answers, a fixed error, or a stall that ignores cancellation.
private struct ScriptedMailResolver: DNSResolver {
    var exchangers: [MailExchanger] = []
    var addresses: [IPAddress] = []
    var error: DNSError?
    var stall: Duration = .zero

    func reverseLookup(_ address: IPAddress) async throws -> [String] { [] }

    func addresses(of host: String) async throws -> [IPAddress] {
        if let error { throw error }
        return addresses
    }

    func mailExchangers(of domain: String) async throws -> [MailExchanger] {
        if stall > .zero {
            // Awaiting another task's value is not cancelled with the waiter, like a caching
            // resolver's shared lookup; the detached task sleeps rather than spins.
            let stall = self.stall
            await Task.detached { try? await Task.sleep(for: stall) }.value
        }
        if let error { throw error }
        return exchangers
    }
}

/// The Gravatar check against an HTTP server on loopback.
@Suite("NO_GRAVATAR: Gravatar requests on loopback")
struct GravatarCheckTests {
    /// SHA-256 of `someone@example.com`, from Python's hashlib.
    static let someoneHash = "72497f475e4f76d0b28f57c73a084ece576d170874eba3ee2609d9afe4b71aab"
    /// SHA-256 of `other@example.com`.
    static let otherHash = "5b71ed5f946240dc76f3b7c24bdcbbc3528284ec5f4519249fb702686f0df5b8"
    /// SHA-256 of `josé@exämple.com` (NFC).
    static let accentedHash = "88a5fce066b185a5417601d971b4fca2b5e969d163bc0846426140956078d437"

    /// A server with an image for `someone@example.com` only.
    func makeServer() throws -> OneShotHTTPServer {
        try OneShotHTTPServer { requestLine in
            requestLine == "HEAD /avatar/\(Self.someoneHash)?d=404 HTTP/1.1" ? (200, "") : (404, "")
        }
    }

    @Test("200 is found and 404 not found; the path is the SHA-256 of the trimmed, lower-cased address")
    func foundAndNotFound() async throws {
        let server = try makeServer()
        defer { server.stop() }
        let check = try GravatarCheck(baseURL: "http://127.0.0.1:\(server.port)/avatar/")
        #expect(await check.check(normalizedEmail: " Someone@Example.COM\n", timeout: .seconds(30)) == .found)
        #expect(await check.check(normalizedEmail: "other@example.com", timeout: .seconds(30)) == .notFound)
        #expect(
            server.requestLines == [
                "HEAD /avatar/\(Self.someoneHash)?d=404 HTTP/1.1",
                "HEAD /avatar/\(Self.otherHash)?d=404 HTTP/1.1",
            ]
        )
    }

    @Test("answers are cached by hash, so the same address asks once")
    func cached() async throws {
        let server = try makeServer()
        let check = try GravatarCheck(baseURL: "http://127.0.0.1:\(server.port)/avatar")
        #expect(await check.check(normalizedEmail: "someone@example.com", timeout: .seconds(30)) == .found)
        #expect(await check.check(normalizedEmail: "other@example.com", timeout: .seconds(30)) == .notFound)
        server.stop()
        #expect(await check.check(normalizedEmail: "SOMEONE@example.com", timeout: .seconds(30)) == .found)
        #expect(await check.check(normalizedEmail: "other@example.com", timeout: .seconds(30)) == .notFound)
        #expect(server.requestLines.count == 2)
        #expect(check.cache.count == 2)
    }

    @Test("another status is a failure that names it, and is not cached")
    func otherStatus() async throws {
        let server = try OneShotHTTPServer(status: 503, body: "")
        defer { server.stop() }
        let check = try GravatarCheck(baseURL: "http://127.0.0.1:\(server.port)/avatar/")
        let status = await check.check(normalizedEmail: "someone@example.com", timeout: .seconds(30))
        #expect(status == .failed("127.0.0.1 answered HTTP 503"))
        #expect(check.cache.count == 0)
    }

    @Test("a server that accepts and never answers gives timedOut by the check's clock")
    func silentServer() async throws {
        // A listening socket that never accepts: the kernel completes the connection, nobody answers.
        #if canImport(Darwin)
        let type = SOCK_STREAM
        #else
        let type = Int32(SOCK_STREAM.rawValue)
        #endif
        let (descriptor, port) = try LoopbackUDPSocket.bindLoopback(type: type)
        defer { LoopbackUDPSocket.closeDescriptor(descriptor) }
        try #require(listen(descriptor, 8) == 0)
        let check = try GravatarCheck(baseURL: "http://127.0.0.1:\(port)/avatar/")
        let timeout = Duration.milliseconds(400)
        let clock = ContinuousClock()
        let start = clock.now
        let status = await check.check(normalizedEmail: "someone@example.com", timeout: timeout)
        let elapsed = start.duration(to: clock.now)
        #expect(status == .timedOut)
        #expect(elapsed >= timeout - .milliseconds(50), "took \(elapsed)")
        #expect(elapsed < timeout + schedulingSlack, "took \(elapsed)")
        #expect(check.cache.count == 0)
    }

    @Test("a closed port is a failure")
    func closedPort() async throws {
        let port = try LoopbackUDPSocket.freePort()  // a TCP port nobody listens on, most likely
        let check = try GravatarCheck(baseURL: "http://127.0.0.1:\(port)/avatar/")
        let status = await check.check(normalizedEmail: "someone@example.com", timeout: .seconds(30))
        guard case .failed(let message) = status else {
            Issue.record("expected a failure, got \(status)")
            return
        }
        #expect(message.hasPrefix("cannot reach 127.0.0.1"), "\(message)")
    }

    @Test("the hash: trimmed, lower-cased, UTF-8")
    func hash() {
        #expect(GravatarCheck.hash(ofEmail: "someone@example.com") == Self.someoneHash)
        #expect(GravatarCheck.hash(ofEmail: "\t SomeOne@EXAMPLE.com  ") == Self.someoneHash)
        #expect(GravatarCheck.hash(ofEmail: "JOSÉ@EXÄMPLE.COM") == Self.accentedHash)
    }

    @Test("the base URL: the default, a slash added, and URLs that cannot take a hash refused")
    func baseURL() throws {
        #expect(try GravatarCheck().baseURL == "https://gravatar.com/avatar/")
        #expect(try GravatarCheck(baseURL: "http://127.0.0.1:8080/avatar").baseURL == "http://127.0.0.1:8080/avatar/")
        #expect(
            try GravatarCheck().url(forHash: Self.someoneHash)?.absoluteString
                == "https://gravatar.com/avatar/\(Self.someoneHash)?d=404"
        )
        let invalid = [
            "", "gravatar.com/avatar/", "ftp://gravatar.com/avatar/", "https:///avatar/", "https://gravatar.com/?s=80",
            "https://gravatar.com/#top", "https://" + String(repeating: "a", count: 3_000) + ".com/",
        ]
        for text in invalid {
            let error = #expect(throws: BulwarkConfigurationError.self, "\(text.prefix(40))") {
                try GravatarCheck(baseURL: text)
            }
            #expect(error?.code == .invalidValue)
        }
    }

    @Test("an address over the size limit is not hashed or sent")
    func oversized() async throws {
        let check = try GravatarCheck(baseURL: "http://127.0.0.1:1/avatar/")
        let status = await check.check(
            normalizedEmail: String(repeating: "a", count: 2_000) + "@example.com",
            timeout: .seconds(5)
        )
        #expect(status == .failed("the address is longer than 1024 bytes"))
    }
}

/// The cache under the Gravatar check, with a manual clock.
@Suite("Email check cache")
struct EmailCheckCacheTests {
    @Test("results last their TTL, and the cache holds at most its capacity")
    func expiryAndCapacity() {
        let clock = ManualClock()
        let cache = EmailCheckCache<GravatarStatus>(capacity: 8, ttl: .seconds(60), clock: clock)
        cache.store(.found, for: "a")
        clock.advance(by: .seconds(59))
        #expect(cache.value(for: "a") == .found)
        clock.advance(by: .seconds(2))
        #expect(cache.value(for: "a") == nil)
        for index in 0..<40 { cache.store(.notFound, for: "key\(index)") }
        #expect(cache.count <= 8)
    }

    @Test("a zero TTL keeps nothing")
    func zeroTTL() {
        let cache = EmailCheckCache<GravatarStatus>(ttl: .zero, clock: ManualClock())
        cache.store(.found, for: "a")
        #expect(cache.value(for: "a") == nil)
        #expect(cache.count == 0)
    }
}

/// SHA-256 against the FIPS 180-4 example vectors (NIST's "SHA-256" examples and the long-message
/// vector of one million `a`).
@Suite("SHA-256")
struct SHA256Tests {
    @Test(
        "NIST vectors",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                    + "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ]
    )
    func vectors(message: String, digest: String) {
        #expect(SHA256.hexDigest(Array(message.utf8)) == digest)
        #expect(SHA256.hexDigest(message.utf8) == digest)
    }

    @Test("one million 'a', in one piece and in uneven pieces")
    func millionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 1_000_000)) == expected)
        var hasher = SHA256()
        var added = 0
        var piece = 1
        while added < 1_000_000 {
            let count = Swift.min(piece, 1_000_000 - added)
            hasher.update([UInt8](repeating: 0x61, count: count))
            added += count
            piece = piece * 7 % 9_973 + 1  // sizes that straddle block boundaries every way
        }
        #expect(SHA256.hex(hasher.finalize()) == expected)
    }

    @Test("a sequence without contiguous storage hashes as the same bytes in an array")
    func nonContiguous() {
        let bytes = (0..<5_000).lazy.map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(SHA256.hexDigest(bytes) == SHA256.hexDigest(Array(bytes)))
    }

    @Test("messages around the padding boundaries, against one-shot hashing in pieces")
    func paddingBoundaries() {
        for length in [55, 56, 57, 63, 64, 65, 119, 120, 128] {
            let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            var hasher = SHA256()
            hasher.update(message.prefix(length / 3))
            hasher.update(message.dropFirst(length / 3))
            #expect(SHA256.hex(hasher.finalize()) == SHA256.hexDigest(message), "length \(length)")
        }
        // Python's hashlib for the 64-byte message above.
        let block = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(SHA256.hexDigest(block) == "d8bc63b4fc1156e5e7d95a418b9bf54cd3174bedbc2db40f74895349b229b3c0")
    }
}
