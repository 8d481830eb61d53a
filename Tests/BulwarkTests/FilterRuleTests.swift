import BulwarkTesting
import Foundation
import HTTPTypes
import Testing

@testable import Bulwark

/// IP data for the rule tests: a fixed table instead of the bundled data.
struct TableIPData: IPDataSource {
    let name = "test table"
    let table: [String: IPDetails]

    func annotate(_ details: inout IPDetails, for address: IPAddress) throws {
        guard let known = table[address.description] else { return }
        let written = details.address
        details = known
        details.address = written
    }
}

@Suite("filter rule")
struct FilterRuleTests {
    static let american = "198.51.100.7"
    static let german = "203.0.113.9"
    static let unknown = "10.0.0.1"

    static let analyzer: IPAnalyzer = {
        var american = IPDetails()
        american.country = "US"
        american.vpn = false
        american.proxy = false
        american.tor = false
        var german = IPDetails()
        german.country = "DE"
        german.vpn = true
        german.proxy = false
        german.tor = false
        return IPAnalyzer(sources: [TableIPData(table: [Self.american: american, Self.german: german])])
    }()

    func client(_ rules: [RuleSpecification]) throws -> Bulwark {
        try Bulwark(rules: rules, options: BulwarkOptions(ipAnalyzer: Self.analyzer))
    }

    @Test("an allow list allows matches, denies the rest, and fails closed when it cannot decide")
    func allowList() async throws {
        let expression = #"ip.src.country in {"US" "CA"}"#
        let bulwark = try client([.filter(mode: .live, allow: [expression])])

        let american = await bulwark.protect(.get("/", from: Self.american))
        #expect(american.conclusion == .allow)
        #expect(american.reason.type == .filter)
        #expect(american.reason.filter == FilterReason(matchedExpressions: [expression], undeterminedExpressions: []))

        let german = await bulwark.protect(.get("/", from: Self.german))
        #expect(german.isDenied)
        #expect(german.reason.filter == FilterReason(matchedExpressions: [], undeterminedExpressions: []))

        let unknown = await bulwark.protect(.get("/", from: Self.unknown))
        #expect(unknown.isDenied, "an allow list fails closed on unknown data")
        #expect(unknown.reason.filter?.undeterminedExpressions == [expression])
    }

    @Test("a deny list denies matches, names them, and fails open when it cannot decide")
    func denyList() async throws {
        let anonymisers = "ip.src.vpn or ip.src.proxy or ip.src.tor"
        let admin = #"http.request.uri.path wildcard "/admin/*""#
        let bulwark = try client([.filter(mode: .live, deny: [anonymisers, admin])])

        let vpn = await bulwark.protect(.get("/admin/users", from: Self.german))
        #expect(vpn.isDenied)
        #expect(vpn.reason.filter?.matchedExpressions == [anonymisers, admin])

        let adminPath = await bulwark.protect(.get("/admin/users", from: Self.american))
        #expect(adminPath.isDenied)
        #expect(adminPath.reason.filter?.matchedExpressions == [admin])

        let clean = await bulwark.protect(.get("/", from: Self.american))
        #expect(clean.conclusion == .allow)
        #expect(clean.reason.filter == FilterReason(matchedExpressions: [], undeterminedExpressions: []))

        let unknown = await bulwark.protect(.get("/", from: Self.unknown))
        #expect(unknown.conclusion == .allow, "a deny list fails open on unknown data")
        #expect(unknown.reason.filter?.undeterminedExpressions == [anonymisers])
    }

    @Test("local fields come from protect(filterLocal:)")
    func localFields() async throws {
        let bulwark = try client([.filter(mode: .live, deny: [#"local.plan eq "free" and ip.src.country ne "US""#])])
        let free = await bulwark.protect(.get("/", from: Self.german), filterLocal: ["plan": "free"])
        #expect(free.isDenied)
        let paying = await bulwark.protect(.get("/", from: Self.german), filterLocal: ["plan": "pro"])
        #expect(paying.conclusion == .allow)
        let american = await bulwark.protect(.get("/", from: Self.american), filterLocal: ["plan": "free"])
        #expect(american.conclusion == .allow)
    }

    @Test("headers, the method and the client's address reach the expressions")
    func requestFields() async throws {
        let bulwark = try client([
            .filter(
                mode: .live,
                deny: [
                    #"http.request.method eq "POST" and not starts_with(http.request.uri.path, "/api/")"#,
                    #"lower(http.request.headers["x-client"]) contains "scanner""#,
                    "ip.src in {192.0.2.0/24 2001:db8::/32}",
                ]
            )
        ])
        #expect(await bulwark.protect(.post("/form", body: "{}", from: Self.american)).isDenied)
        #expect(await bulwark.protect(.post("/api/items", body: "{}", from: Self.american)).conclusion == .allow)
        let scanner = BulwarkRequest.get(
            "/",
            from: Self.american,
            headers: [HTTPField.Name("x-client")!: "Evil-SCANNER/1.0"]
        )
        #expect(await bulwark.protect(scanner).isDenied)
        #expect(await bulwark.protect(.get("/", from: "2001:db8::1")).isDenied)
        #expect(await bulwark.protect(.get("/", from: "192.0.2.200")).isDenied)
        #expect(await bulwark.protect(.get("/", from: Self.american)).conclusion == .allow)
    }

    @Test("DRY_RUN reports the DENY without denying")
    func dryRun() async throws {
        let expression = #"http.request.method eq "GET""#
        let bulwark = try client([.filter(mode: .dryRun, deny: [expression])])
        let decision = await bulwark.protect(.get("/", from: Self.american))
        #expect(decision.conclusion == .allow)
        let result = try #require(decision.results.first)
        #expect(result.type == "filter")
        #expect(result.state == .dryRun)
        #expect(result.conclusion == .deny)
        #expect(result.reason?.filter?.matchedExpressions == [expression])
    }

    @Test("the rules JSON round-trips, and the FILTER reason encodes to the contract's shape")
    func json() async throws {
        let document = #"""
            {"rules": [{"type": "filter", "mode": "LIVE", "deny": ["ip.src.country eq \"US\" and not ip.src.vpn"]}]}
            """#
        let configuration = try JSONDecoder().decode(BulwarkConfiguration.self, from: Data(document.utf8))
        #expect(configuration.rules == [.filter(mode: .live, deny: [#"ip.src.country eq "US" and not ip.src.vpn"#])])
        #expect(configuration.rules[0].type == "filter")
        let encoded = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(BulwarkConfiguration.self, from: encoded) == configuration)
        let allow = BulwarkConfiguration(rules: [.filter(mode: .dryRun, allow: ["ip.src.vpn"], id: "vpn-only")])
        #expect(try JSONDecoder().decode(BulwarkConfiguration.self, from: try JSONEncoder().encode(allow)) == allow)

        let bulwark = try Bulwark(configuration: configuration, options: BulwarkOptions(ipAnalyzer: Self.analyzer))
        let decision = await bulwark.protect(.get("/", from: Self.american))
        #expect(decision.isDenied)
        let data = try JSONEncoder().encode(decision)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let reason = try #require(object["reason"] as? [String: Any])
        #expect(reason["type"] as? String == "FILTER")
        #expect(reason["matchedExpressions"] as? [String] == [#"ip.src.country eq "US" and not ip.src.vpn"#])
        #expect(reason["undeterminedExpressions"] as? [String] == [])
        #expect(try JSONDecoder().decode(Decision.self, from: data) == decision)

        let decoded = try JSONDecoder().decode(
            Reason.self,
            from: Data(#"{"type":"FILTER","matchedExpressions":["a"],"undeterminedExpressions":["b"]}"#.utf8)
        )
        #expect(decoded.filter == FilterReason(matchedExpressions: ["a"], undeterminedExpressions: ["b"]))
        #expect(decoded == .filter(FilterReason(matchedExpressions: ["a"], undeterminedExpressions: ["b"])))
    }

    @Test(
        "bad filter rules fail at start-up, naming the field",
        arguments: [
            (#"{"type": "filter", "mode": "LIVE"}"#, "allow"),
            (#"{"type": "filter", "allow": ["ip.src.vpn"], "deny": ["ip.src.tor"]}"#, "allow"),
            (#"{"type": "filter", "deny": []}"#, "deny"),
            (#"{"type": "filter", "deny": "ip.src.vpn"}"#, "deny"),
            (#"{"type": "filter", "deny": ["ip.src.vpn", "ip.src.country eq US"]}"#, "deny[1]"),
            (#"{"type": "filter", "allow": ["http.hots eq \"a\""]}"#, "allow[0]"),
            (#"{"type": "filter", "allow": ["(("]}"#, "allow[0]"),
        ]
    )
    func configurationErrors(json: String, field: String) throws {
        let error = try configurationError(forRule: json)
        #expect(error.field == field, "\(error)")
        #expect(error.ruleType == "filter")
        #expect(error.ruleIndex == 0)
    }

    @Test("an expression's error names the field and shows the caret")
    func expressionErrorMessage() throws {
        do {
            _ = try Bulwark(rules: [.filter(mode: .live, deny: ["ip.src.vpn", "ip.src.country eq US"])])
            Issue.record("accepted a bare word")
        } catch {
            #expect(error.code == .invalidExpression)
            #expect(error.field == "deny[1]")
            #expect(error.description.hasPrefix("rule 0 (filter), field 'deny[1]': line 1, column 19: "), "\(error)")
            #expect(
                error.description.hasSuffix("\nip.src.country eq US\n" + String(repeating: " ", count: 18) + "^"),
                "\(error)"
            )
        }
        #expect(throws: BulwarkConfigurationError.self) { try Bulwark(rules: [.filter(mode: .live, allow: [])]) }
    }

    @Test("filters run before costlier rules, and their ids are derived from the expressions")
    func orderAndIDs() async throws {
        let bulwark = try client([
            .shield(mode: .live),
            .filter(mode: .live, deny: ["ip.src.tor"]),
        ])
        let decision = await bulwark.protect(.get("/", from: Self.american))
        #expect(decision.results.map(\.type) == ["filter", "shield"])
        let first = decision.results[0].ruleId
        #expect(first.hasPrefix("filter_") && first.count == "filter_".count + 16)
        let again = try client([.filter(mode: .live, deny: ["ip.src.tor"])])
        #expect(await again.protect(.get("/", from: Self.american)).results[0].ruleId == first)
        let other = try client([.filter(mode: .live, deny: ["ip.src.vpn"])])
        #expect(await other.protect(.get("/", from: Self.american)).results[0].ruleId != first)
    }
}
