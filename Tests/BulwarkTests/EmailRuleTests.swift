import BulwarkTesting
import Foundation
import Testing

@testable import Bulwark

@Suite("validateEmail rule")
struct EmailRuleTests {
    /// A verifier that must not be asked: its nameserver is a closed port, so a lookup would fail
    /// and show up as undetermined.
    static func offlineVerifier() throws -> EmailVerifier {
        EmailVerifier(resolver: try UDPDNSResolver(nameservers: ["127.0.0.1:9"], timeout: .milliseconds(200)))
    }

    func client(_ rule: RuleSpecification, verifier: EmailVerifier? = nil) throws -> Bulwark {
        try Bulwark(rules: [rule], options: BulwarkOptions(emailVerifier: try verifier ?? Self.offlineVerifier()))
    }

    @Test(
        "the local checks: syntax, disposable and free providers",
        arguments: [
            ("ada@example.org", [EmailType](), Conclusion.allow),
            ("ada@@example.org", [.invalid], .deny),
            ("ada@example", [.invalid], .deny),
            ("ada@mailinator.com", [.disposable], .deny),
            ("ada@eu.mailinator.com", [.disposable], .deny),
            ("ada@gmail.com", [.free], .allow),
            ("ada@GMAIL.com", [.free], .allow),
            ("", [.invalid], .deny),
        ]
    )
    func localChecks(address: String, types: [EmailType], conclusion: Conclusion) async throws {
        let bulwark = try client(.validateEmail(mode: .live, deny: [.invalid, .disposable]))
        let decision = await bulwark.protect(.get("/"), email: address)
        #expect(decision.conclusion == conclusion)
        #expect(decision.reason.email == EmailReason(emailTypes: types))
    }

    @Test("an allow list denies every type found but those listed")
    func allowList() async throws {
        let bulwark = try client(.validateEmail(mode: .live, allow: [.free, .noMXRecords]))
        #expect(await bulwark.protect(.get("/"), email: "ada@gmail.com").conclusion == .allow)
        let disposable = await bulwark.protect(.get("/"), email: "ada@mailinator.com")
        #expect(disposable.isDenied)
        #expect(disposable.reason.email?.emailTypes == [.disposable])
    }

    @Test("the options: a top-level domain, and domain literals")
    func syntaxOptions() async throws {
        let strict = try client(.validateEmail(mode: .live, deny: [.invalid]))
        #expect(await strict.protect(.get("/"), email: "root@localhost").isDenied)
        #expect(await strict.protect(.get("/"), email: "root@[192.0.2.1]").isDenied)
        let lenient = try client(
            .validateEmail(mode: .live, deny: [.invalid], requireTopLevelDomain: false, allowDomainLiteral: true)
        )
        #expect(await lenient.protect(.get("/"), email: "root@localhost").conclusion == .allow)
        #expect(await lenient.protect(.get("/"), email: "root@[192.0.2.1]").conclusion == .allow)
    }

    @Test("without an address the rule fails, and the decision says so")
    func missingAddress() async throws {
        let bulwark = try client(.validateEmail(mode: .live, deny: [.invalid]))
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.isError)
        #expect(decision.results.first?.reason?.error?.message.contains("protect(email:)") == true)
    }

    @Test("the rule's JSON round-trips; a bad configuration fails at start-up, naming the field")
    func configuration() throws {
        let rule = RuleSpecification.validateEmail(mode: .live, deny: [.disposable, .noMXRecords])
        let data = try JSONEncoder().encode(rule)
        #expect(try JSONDecoder().decode(RuleSpecification.self, from: data) == rule)
        let decoded = try JSONDecoder().decode(
            RuleSpecification.self,
            from: Data(#"{"type": "validateEmail", "mode": "LIVE", "deny": ["DISPOSABLE", "INVALID"]}"#.utf8)
        )
        #expect(decoded == .validateEmail(mode: .live, deny: [.disposable, .invalid]))

        let both = try configurationError(forRule: #"{"type": "validateEmail", "allow": [], "deny": []}"#)
        #expect(both.field == "allow")
        let unknown = try configurationError(forRule: #"{"type": "validateEmail", "deny": ["INVALID", "SPAM"]}"#)
        #expect(unknown.field == "deny[1]")
        #expect(unknown.message.contains("NO_MX_RECORDS"))
        let option = try configurationError(forRule: #"{"type": "validateEmail", "deny": [], "allowDomainLiteral": 1}"#)
        #expect(option.field == "allowDomainLiteral")
    }

    @Test("a Gravatar base URL that is not http or https fails at start-up when NO_GRAVATAR is listed")
    func gravatarConfiguration() throws {
        let verifier = EmailVerifier(gravatarBaseURL: "ftp://gravatar.example/")
        #expect(throws: BulwarkConfigurationError.self) {
            try Bulwark(
                rules: [.validateEmail(mode: .live, deny: [.noGravatar])],
                options: BulwarkOptions(emailVerifier: verifier)
            )
        }
        // Not listed: not checked, so not an error.
        _ = try Bulwark(
            rules: [.validateEmail(mode: .live, deny: [.invalid])],
            options: BulwarkOptions(emailVerifier: verifier)
        )
    }
}

/// The network checks through the rule, for real: dnsmasq and an HTTP server on loopback.
@Suite(
    "validateEmail rule: network checks",
    .enabled(if: DNSMasq.shouldRun, "needs dnsmasq; BULWARK_REQUIRE_SERVICES=1 makes its absence fail")
)
struct EmailRuleNetworkTests {
    @Test("NO_MX_RECORDS by DNS: MX, the implicit MX, and a domain with neither")
    func mailServers() async throws {
        let server = try await DNSMasq.start(
            [
                .mx("mail.example.net", host: "mx.mail.example.net", preference: 10),
                .host("implicit.example.net", ipv4: "192.0.2.25"),
                .mx("nullmx.example.net", host: ".", preference: 0),
            ],
            // Names under .test are special-use, and the syntax check refuses them as mail domains.
            localDomains: ["example.net"]
        )
        defer { server.stop() }
        // Answers are what is checked here, not their speed: a generous timeout.
        let verifier = EmailVerifier(
            resolver: try UDPDNSResolver(nameservers: [server.nameserver], timeout: dnsAnswerTimeout),
            timeout: .seconds(30)
        )
        let bulwark = try Bulwark(
            rules: [.validateEmail(mode: .live, deny: [.invalid, .noMXRecords])],
            options: BulwarkOptions(emailVerifier: verifier)
        )
        for (address, denied) in [
            ("ada@mail.example.net", false), ("ada@implicit.example.net", false),
            ("ada@nullmx.example.net", true), ("ada@nowhere.example.net", true),
        ] {
            let decision = await bulwark.protect(.get("/"), email: address)
            #expect(decision.isDenied == denied, "\(address)")
            #expect(decision.reason.email?.emailTypes == (denied ? [.noMXRecords] : []), "\(address)")
        }
    }

    @Test("a lookup that times out is reported as such, allows, and ends by the verifier's timeout, not the resolver's")
    func timeout() async throws {
        let silent = try LoopbackUDPSocket()
        defer { silent.close() }
        let timeout = Duration.milliseconds(300)
        // The resolver would wait two minutes; the verifier's 300 ms must end the check. The bound
        // below leaves the scheduling slack the DNS tests use: with the whole suite on two cores, the
        // corpus tests can keep a finished check waiting seconds for a thread to resume on.
        let verifier = EmailVerifier(
            resolver: try UDPDNSResolver(
                nameservers: ["127.0.0.1:\(silent.port)"],
                timeout: .seconds(120),
                attempts: 1
            ),
            timeout: timeout
        )
        let bulwark = try Bulwark(
            rules: [.validateEmail(mode: .live, deny: [.noMXRecords])],
            options: BulwarkOptions(emailVerifier: verifier)
        )
        let clock = ContinuousClock()
        let start = clock.now
        let decision = await bulwark.protect(.get("/"), email: "ada@slow.example.net")
        let elapsed = start.duration(to: clock.now)
        #expect(decision.conclusion == .allow)
        #expect(decision.reason.email == EmailReason(emailTypes: [], undeterminedTypes: [.noMXRecords], timedOut: true))
        #expect(elapsed < timeout + DNSResolverTimeoutTests.schedulingSlack, "took \(elapsed)")
        let json = String(decoding: try JSONEncoder().encode(decision.reason), as: UTF8.self)
        #expect(json.contains(#""timedOut":true"#) && json.contains("NO_MX_RECORDS"), "\(json)")
    }

    @Test("NO_GRAVATAR by HTTP against a configurable base URL")
    func gravatar() async throws {
        let known = SHA256.hexDigest(Array("known@example.org".utf8))
        let server = try OneShotHTTPServer { requestLine in
            requestLine.contains(known) ? (200, "") : (404, "")
        }
        defer { server.stop() }
        let verifier = EmailVerifier(
            resolver: try UDPDNSResolver(nameservers: ["127.0.0.1:9"], timeout: .milliseconds(200)),
            gravatarBaseURL: "http://127.0.0.1:\(server.port)/avatar/",
            // Not a timing test: a generous timeout, so a loaded machine cannot turn the answer into
            // an undetermined check.
            gravatarTimeout: .seconds(30)
        )
        let bulwark = try Bulwark(
            rules: [.validateEmail(mode: .live, deny: [.noGravatar])],
            options: BulwarkOptions(emailVerifier: verifier)
        )
        #expect(await bulwark.protect(.get("/"), email: "Known@Example.org").conclusion == .allow)
        let unknown = await bulwark.protect(.get("/"), email: "stranger@example.org")
        #expect(unknown.isDenied)
        #expect(unknown.reason.email?.emailTypes == [.noGravatar])
        #expect(server.requestLines.contains { $0.contains(known) && $0.contains("d=404") })
    }
}
