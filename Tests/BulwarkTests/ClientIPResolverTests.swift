import Bulwark
import BulwarkTesting
import HTTPTypes
import Testing

@Suite("Client IP resolution")
struct ClientIPResolverTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let peer: String?
        let headers: [(String, String)]
        let proxies: [String]
        let platform: HostingPlatform?
        let expected: String?

        init(
            _ name: String,
            peer: String?,
            _ headers: [(String, String)] = [],
            proxies: [String] = [],
            platform: HostingPlatform? = nil,
            expect expected: String?
        ) {
            self.name = name
            self.peer = peer
            self.headers = headers
            self.proxies = proxies
            self.platform = platform
            self.expected = expected
        }

        var testDescription: String { name }
    }

    static let xff = "x-forwarded-for"
    static let lb = ["10.0.0.0/8"]

    static let cases: [Case] = [
        // No proxies: the peer is the client, whatever the headers claim.
        Case("plain peer", peer: "203.0.113.50", expect: "203.0.113.50"),
        Case("public peer", peer: "8.8.8.8", expect: "8.8.8.8"),
        Case("IPv6 peer", peer: "2606:4700::1", expect: "2606:4700::1"),
        Case("mapped IPv6 peer", peer: "::ffff:8.8.8.8", expect: "8.8.8.8"),
        Case("private peer is taken as is", peer: "192.168.1.10", expect: "192.168.1.10"),
        Case("loopback peer is taken as is", peer: "127.0.0.1", expect: "127.0.0.1"),
        Case("no peer, no headers", peer: nil, expect: nil),
        Case("spoofed XFF from an untrusted peer", peer: "8.8.8.8", [(xff, "1.2.3.4")], expect: "8.8.8.8"),
        Case(
            "spoofed XFF chain from an untrusted peer",
            peer: "8.8.8.8",
            [(xff, "1.2.3.4, 5.6.7.8")],
            expect: "8.8.8.8"
        ),
        Case(
            "spoofed XFF from an untrusted private peer",
            peer: "192.168.0.9",
            [(xff, "1.2.3.4")],
            expect: "192.168.0.9"
        ),
        Case(
            "spoofed cf-connecting-ip without the platform",
            peer: "8.8.8.8",
            [("cf-connecting-ip", "1.2.3.4")],
            expect: "8.8.8.8"
        ),
        Case(
            "spoofed fly-client-ip without the platform",
            peer: "8.8.8.8",
            [("fly-client-ip", "1.2.3.4")],
            expect: "8.8.8.8"
        ),
        Case(
            "spoofed true-client-ip without the platform",
            peer: "8.8.8.8",
            [("true-client-ip", "1.2.3.4")],
            expect: "8.8.8.8"
        ),
        Case("spoofed x-real-ip without the platform", peer: "8.8.8.8", [("x-real-ip", "1.2.3.4")], expect: "8.8.8.8"),
        Case("no peer and only headers", peer: nil, [(xff, "1.2.3.4")], proxies: lb, expect: nil),
        // Behind trusted proxies: walk XFF right to left.
        Case("one trusted proxy", peer: "10.0.0.2", [(xff, "198.51.100.1, 8.8.8.8")], proxies: lb, expect: "8.8.8.8"),
        Case(
            "three hops of trusted proxies",
            peer: "10.0.0.2",
            [(xff, "9.9.9.9, 8.8.8.8, 10.1.1.1, 10.2.2.2")],
            proxies: lb,
            expect: "8.8.8.8"
        ),
        Case(
            "client-written entries left of the client are ignored",
            peer: "10.0.0.2",
            [(xff, "6.6.6.6, 7.7.7.7, 8.8.8.8")],
            proxies: lb,
            expect: "8.8.8.8"
        ),
        Case("trusted peer without XFF is the client", peer: "10.0.0.2", proxies: lb, expect: "10.0.0.2"),
        Case(
            "XFF made only of trusted proxies",
            peer: "10.0.0.2",
            [(xff, "10.3.3.3, 10.4.4.4")],
            proxies: lb,
            expect: "10.0.0.2"
        ),
        Case(
            "private hop behind a proxy is not taken",
            peer: "10.0.0.2",
            [(xff, "8.8.8.8, 192.168.1.1")],
            proxies: lb,
            expect: "10.0.0.2"
        ),
        Case("loopback hop is not taken", peer: "10.0.0.2", [(xff, "127.0.0.1")], proxies: lb, expect: "10.0.0.2"),
        Case(
            "link-local metadata address is not taken",
            peer: "10.0.0.2",
            [(xff, "169.254.169.254")],
            proxies: lb,
            expect: "10.0.0.2"
        ),
        Case(
            "documentation address is not taken",
            peer: "10.0.0.2",
            [(xff, "192.0.2.1")],
            proxies: lb,
            expect: "10.0.0.2"
        ),
        Case(
            "garbage hop stops the walk",
            peer: "10.0.0.2",
            [(xff, "8.8.8.8, not-an-ip")],
            proxies: lb,
            expect: "10.0.0.2"
        ),
        Case("empty hop stops the walk", peer: "10.0.0.2", [(xff, "8.8.8.8, ")], proxies: lb, expect: "10.0.0.2"),
        Case("unknown hop stops the walk", peer: "10.0.0.2", [(xff, "unknown")], proxies: lb, expect: "10.0.0.2"),
        Case("IPv4 hop with a port", peer: "10.0.0.2", [(xff, "8.8.8.8:51234")], proxies: lb, expect: "8.8.8.8"),
        Case(
            "bracketed IPv6 hop with a port",
            peer: "10.0.0.2",
            [(xff, "[2606:4700::1]:443")],
            proxies: lb,
            expect: "2606:4700::1"
        ),
        Case("bare IPv6 hop", peer: "10.0.0.2", [(xff, "2606:4700::1")], proxies: lb, expect: "2606:4700::1"),
        Case("quoted hop", peer: "10.0.0.2", [(xff, "\"8.8.8.8\"")], proxies: lb, expect: "8.8.8.8"),
        Case(
            "hops with odd spacing",
            peer: "10.0.0.2",
            [(xff, "  8.8.8.8  ,10.9.9.9 ")],
            proxies: lb,
            expect: "8.8.8.8"
        ),
        Case(
            "several XFF header lines, last is nearest",
            peer: "10.0.0.2",
            [(xff, "1.1.1.1"), (xff, "8.8.8.8")],
            proxies: lb,
            expect: "8.8.8.8"
        ),
        Case(
            "trusted hops across header lines",
            peer: "10.0.0.2",
            [(xff, "1.1.1.1"), (xff, "10.5.5.5")],
            proxies: lb,
            expect: "1.1.1.1"
        ),
        Case(
            "single trusted address as a proxy",
            peer: "192.168.7.7",
            [(xff, "8.8.4.4")],
            proxies: ["192.168.7.7"],
            expect: "8.8.4.4"
        ),
        Case("IPv6 trusted proxy", peer: "fd00::5", [(xff, "8.8.4.4")], proxies: ["fd00::/8"], expect: "8.8.4.4"),
        Case(
            "mapped IPv6 peer in a trusted IPv4 block",
            peer: "::ffff:10.0.0.9",
            [(xff, "8.8.4.4")],
            proxies: lb,
            expect: "8.8.4.4"
        ),
        Case("peer outside the trusted block", peer: "11.0.0.1", [(xff, "8.8.4.4")], proxies: lb, expect: "11.0.0.1"),
        // Platforms: their header is believed only when configured.
        Case(
            "cloudflare header",
            peer: "172.68.1.1",
            [("cf-connecting-ip", "8.8.8.8")],
            platform: .cloudflare,
            expect: "8.8.8.8"
        ),
        Case(
            "cloudflare IPv6 header",
            peer: "172.68.1.1",
            [("cf-connecting-ipv6", "2606:4700::2")],
            platform: .cloudflare,
            expect: "2606:4700::2"
        ),
        Case(
            "cloudflare header with a private address",
            peer: "8.8.4.4",
            [("cf-connecting-ip", "10.0.0.1")],
            platform: .cloudflare,
            expect: "8.8.4.4"
        ),
        Case("cloudflare configured, header absent", peer: "8.8.4.4", platform: .cloudflare, expect: "8.8.4.4"),
        Case("fly header", peer: "172.16.0.1", [("fly-client-ip", "9.9.9.9")], platform: .fly, expect: "9.9.9.9"),
        Case("vercel x-real-ip", peer: "172.16.0.1", [("x-real-ip", "9.9.9.9")], platform: .vercel, expect: "9.9.9.9"),
        Case(
            "vercel forwarded-for takes the first entry",
            peer: "172.16.0.1",
            [("x-vercel-forwarded-for", "9.9.9.9, 1.1.1.1")],
            platform: .vercel,
            expect: "9.9.9.9"
        ),
        Case(
            "render header",
            peer: "172.16.0.1",
            [("true-client-ip", "9.9.9.9")],
            platform: .render,
            expect: "9.9.9.9"
        ),
        Case(
            "firebase header",
            peer: "172.16.0.1",
            [("x-fah-client-ip", "9.9.9.9")],
            platform: .firebase,
            expect: "9.9.9.9"
        ),
        Case(
            "another platform's header is not believed",
            peer: "8.8.4.4",
            [("cf-connecting-ip", "9.9.9.9")],
            platform: .fly,
            expect: "8.8.4.4"
        ),
        Case(
            "garbage platform header",
            peer: "8.8.4.4",
            [("fly-client-ip", "9.9.9.9.9")],
            platform: .fly,
            expect: "8.8.4.4"
        ),
        Case(
            "platform header over XFF",
            peer: "10.0.0.2",
            [("fly-client-ip", "9.9.9.9"), (xff, "8.8.8.8")],
            proxies: lb,
            platform: .fly,
            expect: "9.9.9.9"
        ),
    ]

    @Test("resolves the client address", arguments: cases)
    func resolves(_ testCase: Case) throws {
        let resolver = try ClientIPResolver(proxies: testCase.proxies, platform: testCase.platform)
        var headers = HTTPFields()
        for (name, value) in testCase.headers { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        let resolved = resolver.clientIP(peer: testCase.peer.flatMap { IPAddress($0) }, headers: headers)
        #expect(resolved?.description == testCase.expected)
    }

    @Test("the table has at least 40 cases")
    func tableSize() { #expect(Self.cases.count >= 40) }

    @Test("ipSrc from the caller overrides the request")
    func ipSrcOverride() async throws {
        let bulwark = try Bulwark(rules: [])
        let decision = await bulwark.protect(.get("/", from: "10.0.0.1"), ipSrc: "8.8.8.8")
        #expect(decision.ip.address == "8.8.8.8")
    }
}
