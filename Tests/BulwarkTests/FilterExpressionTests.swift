import BulwarkTesting
import Foundation
import HTTPTypes
import Testing

@_spi(Testing) @testable import Bulwark

/// The requests the table evaluates expressions against.
enum FilterFixture: String, Sendable, CustomTestStringConvertible {
    /// Chrome in San Francisco: every header, a query, known IP data with every flag false.
    case browser
    /// curl posting from a German VPN exit over IPv6: hosting and VPN true, proxy unknown.
    case vpn
    /// A private address nothing is known of, no headers, no authority.
    case bare
    /// Googlebot from a Google address.
    case crawler
    /// A browser whose client address is unknown.
    case anonymous

    static let chrome = DetectBotTests.chrome
    static let googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

    var testDescription: String { rawValue }

    var context: RuleContext {
        switch self {
        case .browser:
            var headers = HTTPFields()
            headers.append(HTTPField(name: .userAgent, value: Self.chrome))
            headers.append(HTTPField(name: .referer, value: "https://search.example.org/?q=bulwark"))
            headers.append(HTTPField(name: .cookie, value: "session=abc123; theme=dark"))
            headers.append(HTTPField(name: HTTPField.Name("X-Api-Key")!, value: "Key-ABC"))
            headers.append(HTTPField(name: HTTPField.Name("x-multi")!, value: "a"))
            headers.append(HTTPField(name: HTTPField.Name("x-multi")!, value: "b"))
            headers.append(HTTPField(name: HTTPField.Name("x-a")!, value: "ABC"))
            headers.append(HTTPField(name: HTTPField.Name("x-quote")!, value: #"a"b\c"#))
            headers.append(HTTPField(name: HTTPField.Name("x-tab")!, value: "a\tb"))
            headers.append(HTTPField(name: HTTPField.Name("x-star")!, value: "a*b"))
            var ip = IPDetails(address: "198.51.100.7")
            ip.country = "US"
            ip.countryName = "United States"
            ip.continent = "NA"
            ip.continentName = "North America"
            ip.region = "California"
            ip.city = "San Francisco"
            ip.postalCode = "94107"
            ip.timezone = "America/Los_Angeles"
            ip.latitude = 37.7697
            ip.longitude = -122.3933
            ip.accuracyRadius = 20
            ip.asn = 7922
            ip.asnName = "Comcast Cable Communications, LLC"
            ip.asnDomain = "comcast.com"
            ip.asnType = "isp"
            ip.asnCountry = "US"
            ip.hosting = false
            ip.vpn = false
            ip.proxy = false
            ip.tor = false
            ip.relay = false
            return RuleContext(
                request: BulwarkRequest(
                    method: .get,
                    authority: "www.example.com:8443",
                    path: "/blog/Post-1?id=42&q=swift+lang&empty=",
                    headers: headers,
                    remoteAddress: "198.51.100.7"
                ),
                clientIP: IPAddress("198.51.100.7"),
                ip: ip,
                filterLocal: ["plan": "pro", "user-tier": "gold", "note": "line1\nline2", "name": "Zoë"]
            )
        case .vpn:
            var ip = IPDetails(address: "2001:db8::5")
            ip.country = "DE"
            ip.countryName = "Germany"
            ip.continent = "EU"
            ip.continentName = "Europe"
            ip.region = "Hesse"
            ip.city = "Frankfurt am Main"
            ip.timezone = "Europe/Berlin"
            ip.latitude = 50.1109
            ip.longitude = 8.6821
            ip.asn = 24940
            ip.asnName = "Hetzner Online GmbH"
            ip.asnDomain = "hetzner.com"
            ip.asnType = "hosting"
            ip.asnCountry = "DE"
            ip.service = "ExampleVPN"
            ip.hosting = true
            ip.vpn = true
            ip.tor = false
            return RuleContext(
                request: BulwarkRequest(
                    method: .post,
                    authority: "api.example.com",
                    path: "/api/login?next=%2Fhome",
                    headers: [.userAgent: "curl/8.5.0", .contentType: "application/json"],
                    remoteAddress: "2001:db8::5",
                    body: Array(#"{"user":"x"}"#.utf8)
                ),
                clientIP: IPAddress("2001:db8::5"),
                ip: ip,
                filterLocal: ["plan": "free"]
            )
        case .bare:
            return RuleContext(
                request: BulwarkRequest(method: .get, authority: nil, path: "/", remoteAddress: "10.1.2.3"),
                clientIP: IPAddress("10.1.2.3"),
                ip: IPDetails(address: "10.1.2.3")
            )
        case .crawler:
            var ip = IPDetails(address: "66.249.66.1")
            ip.country = "US"
            ip.asn = 15169
            ip.asnName = "Google LLC"
            ip.hosting = true
            ip.vpn = false
            ip.proxy = false
            ip.tor = false
            ip.relay = false
            return RuleContext(
                request: BulwarkRequest(
                    method: .get,
                    authority: "www.example.com",
                    path: "/robots.txt",
                    headers: [.userAgent: Self.googlebot],
                    remoteAddress: "66.249.66.1"
                ),
                clientIP: IPAddress("66.249.66.1"),
                ip: ip
            )
        case .anonymous:
            return RuleContext(
                request: BulwarkRequest(method: .get, authority: "www.example.com", headers: [.userAgent: Self.chrome]),
                clientIP: nil
            )
        }
    }
}

/// One row of the table: an expression, the request it is evaluated for, the outcome expected.
struct FilterCase: Sendable, CustomTestStringConvertible {
    let expression: String
    let fixture: FilterFixture
    let expected: FilterOutcome

    init(_ expression: String, _ fixture: FilterFixture, _ expected: FilterOutcome) {
        self.expression = expression
        self.fixture = fixture
        self.expected = expected
    }

    var testDescription: String { "\(expression) @ \(fixture.rawValue) → \(expected)" }
}

/// One syntax error: the source, the byte offset reported, and a fragment of the message.
struct FilterSyntaxCase: Sendable, CustomTestStringConvertible {
    let source: String
    let offset: Int
    let fragment: String

    init(_ source: String, _ offset: Int, _ fragment: String) {
        self.source = source
        self.offset = offset
        self.fragment = fragment
    }

    var testDescription: String { source.count > 80 ? String(source.prefix(80)) + "…" : source }
}

@Suite("Filter expressions")
struct FilterExpressionTests {
    // The outcomes, for short rows.
    static let yes = FilterOutcome.matched
    static let no = FilterOutcome.notMatched
    static let unknown = FilterOutcome.undetermined

    static let cases: [FilterCase] = [
        // The seeds' examples.
        FilterCase(#"ip.src.country in {"US" "CA"}"#, .browser, yes),
        FilterCase(#"ip.src.country in {"US" "CA"}"#, .vpn, no),
        FilterCase(#"ip.src.country in {"US" "CA"}"#, .bare, unknown),
        FilterCase(#"ip.src.country eq "US" and ip.src.region eq "California""#, .browser, yes),
        FilterCase(#"ip.src.country eq "US" and ip.src.region eq "California""#, .crawler, unknown),
        FilterCase(#"ip.src.country eq "US" and ip.src.region eq "California""#, .vpn, no),
        FilterCase("ip.src.vpn or ip.src.proxy or ip.src.tor", .browser, no),
        FilterCase("ip.src.vpn or ip.src.proxy or ip.src.tor", .vpn, yes),
        FilterCase("ip.src.vpn or ip.src.proxy or ip.src.tor", .bare, unknown),
        FilterCase("ip.src.vpn or ip.src.proxy or ip.src.tor", .crawler, no),
        FilterCase(#"local.plan eq "free" and ip.src.country ne "US""#, .vpn, yes),
        FilterCase(#"local.plan eq "free" and ip.src.country ne "US""#, .browser, no),
        FilterCase(#"local.plan eq "free" and ip.src.country ne "US""#, .bare, unknown),
        FilterCase(#"ip.src.country eq "US" and not ip.src.vpn"#, .browser, yes),
        FilterCase(#"ip.src.country eq "US" and not ip.src.vpn"#, .vpn, no),

        // Ordering operators on strings compare bytes.
        FilterCase(#"http.host eq "www.example.com""#, .browser, yes),
        FilterCase(#"http.host == "www.example.com""#, .browser, yes),
        FilterCase(#"http.host ne "www.example.com""#, .browser, no),
        FilterCase(#"http.host != "example.com""#, .browser, yes),
        FilterCase(#"http.host eq "www.example.com""#, .bare, unknown),
        FilterCase(#"http.request.method lt "HEAD""#, .browser, yes),
        FilterCase(#"http.request.method gt "GET""#, .vpn, yes),
        FilterCase(#"http.request.method le "GET""#, .browser, yes),
        FilterCase(#"http.request.method ge "PUT""#, .vpn, no),
        FilterCase(#"ip.src.country < "DE""#, .browser, no),
        FilterCase(#"ip.src.country >= "DE""#, .vpn, yes),
        FilterCase(#"ip.src.country <= "DE""#, .vpn, yes),
        FilterCase(#"ip.src.country > "DE""#, .browser, yes),

        // Request fields.
        FilterCase(#"http.request.method eq "POST""#, .vpn, yes),
        FilterCase(#"http.request.method eq "POST""#, .browser, no),
        FilterCase(#"http.request.uri eq "/blog/Post-1?id=42&q=swift+lang&empty=""#, .browser, yes),
        FilterCase(#"http.request.uri.path eq "/blog/Post-1""#, .browser, yes),
        FilterCase(#"http.request.uri.path eq "/""#, .bare, yes),
        FilterCase(#"http.request.uri.query eq """#, .bare, yes),
        FilterCase(#"http.request.uri.query contains "q=swift""#, .browser, yes),
        FilterCase(
            #"http.request.full_uri eq "https://www.example.com:8443/blog/Post-1?id=42&q=swift+lang&empty=""#,
            .browser,
            yes
        ),
        FilterCase(#"http.request.full_uri eq "https://x/""#, .bare, unknown),
        FilterCase(#"http.user_agent contains "Chrome/""#, .browser, yes),
        FilterCase(#"http.user_agent contains "Chrome/""#, .bare, unknown),
        FilterCase(#"http.referer wildcard "https://search.example.org/*""#, .browser, yes),
        FilterCase(#"http.referer eq "x""#, .vpn, unknown),
        FilterCase(#"http.cookie contains "theme=dark""#, .browser, yes),
        FilterCase(#"http.request.headers["x-api-key"] eq "Key-ABC""#, .browser, yes),
        FilterCase(#"http.request.headers["X-API-KEY"] eq "Key-ABC""#, .browser, yes),
        FilterCase(#"http.request.headers["x-missing"] eq "a""#, .browser, unknown),
        FilterCase(#"not http.request.headers["x-missing"] eq "a""#, .browser, unknown),
        FilterCase(#"http.request.headers["x-multi"] eq "a, b""#, .browser, yes),
        FilterCase(#"http.request.cookie["session"] eq "abc123""#, .browser, yes),
        FilterCase(#"http.request.cookie["nope"] eq "x""#, .browser, unknown),
        FilterCase(#"http.request.uri.args["q"] eq "swift lang""#, .browser, yes),
        FilterCase(#"http.request.uri.args["empty"] eq """#, .browser, yes),
        FilterCase(#"http.request.uri.args["next"] eq "/home""#, .vpn, yes),
        FilterCase(#"http.request.uri.args["id"] eq "42""#, .bare, unknown),
        FilterCase("http.request.body.size eq 12", .vpn, yes),
        FilterCase("http.request.body.size in {1..100}", .vpn, yes),
        FilterCase("http.request.body.size eq 0", .browser, unknown),
        FilterCase(#"local["user-tier"] eq "gold""#, .browser, yes),
        FilterCase(#"local.plan in {"pro" "team"}"#, .browser, yes),
        FilterCase(#"local.plan eq "pro""#, .anonymous, unknown),

        // contains, matches, wildcard, in.
        FilterCase(#"http.request.uri.path contains "Post""#, .browser, yes),
        FilterCase(#"http.request.uri.path contains "post""#, .browser, no),
        FilterCase(#"lower(http.request.uri.path) contains "post""#, .browser, yes),
        FilterCase(#"http.request.uri.path matches "^/blog/[A-Za-z]+-[0-9]+$""#, .browser, yes),
        FilterCase(#"http.request.uri.path ~ "^/api/""#, .vpn, yes),
        FilterCase(#"http.request.uri.path matches "^/api/""#, .browser, no),
        FilterCase(#"http.user_agent matches "curl/[0-9.]+""#, .vpn, yes),
        FilterCase(#"lower(http.user_agent) matches "chrome/[0-9]+""#, .browser, yes),
        FilterCase(#"http.request.uri.path matches r"\.txt$""#, .crawler, yes),
        FilterCase(#"http.host wildcard "*.EXAMPLE.com""#, .browser, yes),
        FilterCase(#"http.host strict wildcard "*.EXAMPLE.com""#, .browser, no),
        FilterCase(#"http.host strict wildcard "www.*.com""#, .browser, yes),
        FilterCase(#"http.request.uri.path wildcard "/blog/*""#, .browser, yes),
        FilterCase(#"http.request.uri.path wildcard "/blog""#, .browser, no),
        FilterCase(#"http.request.uri.path wildcard "*""#, .bare, yes),
        FilterCase(#"http.request.uri.path wildcard "*o*o*""#, .browser, yes),
        FilterCase(#"http.request.uri.path wildcard "*o*o*o*""#, .browser, no),
        FilterCase(#"http.request.uri wildcard "*id=*&q=*""#, .browser, yes),
        FilterCase(#"http.request.headers["x-api-key"] wildcard "key-*""#, .browser, yes),
        FilterCase(#"http.request.headers["x-star"] strict wildcard "a\\*b""#, .browser, yes),
        FilterCase(#"http.request.headers["x-api-key"] strict wildcard "a\\*b""#, .browser, no),
        FilterCase(#"http.request.headers["x-star"] wildcard r"a\*b""#, .browser, yes),
        FilterCase(#"http.request.method in {"GET" "HEAD"}"#, .browser, yes),
        FilterCase(#"http.request.method in {"GET" "HEAD"}"#, .vpn, no),
        FilterCase(#"http.request.method in {}"#, .vpn, no),
        FilterCase(#"lower(http.request.method) in {"post"}"#, .vpn, yes),
        FilterCase(#"upper(ip.src.continent) in {"EU"}"#, .vpn, yes),

        // Integers and numbers.
        FilterCase("ip.src.asnum eq 7922", .browser, yes),
        FilterCase("ip.src.asnum in {13335 15169 24940}", .vpn, yes),
        FilterCase("ip.src.asnum in {13335 15169 24940}", .crawler, yes),
        FilterCase("ip.src.asnum in {13335 15169 24940}", .browser, no),
        FilterCase("ip.src.asnum in {7000..8000 20000}", .browser, yes),
        FilterCase("ip.src.asnum gt 20000", .vpn, yes),
        FilterCase("ip.src.asnum lt 0x2000", .browser, yes),
        FilterCase("ip.src.asnum ge 7922", .browser, yes),
        FilterCase("ip.src.asnum le 7921", .browser, no),
        FilterCase("ip.src.asnum != 7922", .browser, no),
        FilterCase("ip.src.asnum gt -1", .browser, yes),
        FilterCase("ip.src.asnum eq 7922", .bare, unknown),
        FilterCase("ip.src.accuracy_radius le 50", .browser, yes),
        FilterCase("ip.src.accuracy_radius le 50", .vpn, unknown),
        FilterCase("len(http.request.uri.path) eq 12", .browser, yes),
        FilterCase("len(http.user_agent) gt 100", .browser, yes),
        FilterCase("len(http.user_agent) eq 111", .browser, yes),
        FilterCase("len(http.user_agent) gt 100", .bare, unknown),
        FilterCase("ip.src.lat gt 37.5 and ip.src.lat lt 38", .browser, yes),
        FilterCase("ip.src.lon lt -100", .browser, yes),
        FilterCase("ip.src.lon ge 8.6821", .vpn, yes),
        FilterCase("ip.src.lat eq 50.1109", .vpn, yes),
        FilterCase("ip.src.lat gt 0", .bare, unknown),

        // Addresses and blocks.
        FilterCase("ip.src eq 198.51.100.7", .browser, yes),
        FilterCase("ip.src in {198.51.100.0/24 2001:db8::/32}", .browser, yes),
        FilterCase("ip.src in {198.51.100.0/24 2001:db8::/32}", .vpn, yes),
        FilterCase("ip.src in {10.0.0.0/8 172.16.0.0/12 192.168.0.0/16}", .bare, yes),
        FilterCase("ip.src in {10.0.0.0/8}", .browser, no),
        FilterCase("ip.src eq 2001:db8::5", .vpn, yes),
        FilterCase("ip.src eq ::ffff:198.51.100.7", .browser, yes),
        FilterCase("ip.src in {2001:db8::/32}", .browser, no),
        FilterCase("ip.src ne 10.1.2.3", .browser, yes),
        FilterCase("ip.src lt 2001:db8::1", .browser, no),
        FilterCase("ip.src ne 2001:db8::1", .browser, yes),
        FilterCase("ip.src gt 198.51.100.6", .browser, yes),
        FilterCase("ip.src in {192.0.2.1}", .anonymous, unknown),
        FilterCase("ip.src eq 10.1.2.3", .anonymous, unknown),

        // IP details.
        FilterCase(#"ip.src.country_name eq "United States""#, .browser, yes),
        FilterCase(#"ip.src.continent eq "NA""#, .browser, yes),
        FilterCase(#"ip.src.continent_name eq "Europe""#, .vpn, yes),
        FilterCase(#"ip.src.region eq "Hesse""#, .vpn, yes),
        FilterCase(#"ip.src.city eq "San Francisco""#, .browser, yes),
        FilterCase(#"ip.src.postal_code eq "94107""#, .browser, yes),
        FilterCase(#"ip.src.postal_code eq "94107""#, .vpn, unknown),
        FilterCase(#"ip.src.timezone wildcard "america/*""#, .browser, yes),
        FilterCase(#"ip.src.asnum.name contains "Hetzner""#, .vpn, yes),
        FilterCase(#"ip.src.asnum.domain eq "comcast.com""#, .browser, yes),
        FilterCase(#"ip.src.asnum.type eq "hosting""#, .vpn, yes),
        FilterCase(#"ip.src.asnum.country eq "DE""#, .vpn, yes),
        FilterCase(#"ip.src.service eq "ExampleVPN""#, .vpn, yes),
        FilterCase(#"ip.src.service eq "ExampleVPN""#, .browser, unknown),
        FilterCase("ip.src.hosting", .vpn, yes),
        FilterCase("ip.src.hosting", .browser, no),
        FilterCase("ip.src.hosting", .bare, unknown),
        FilterCase("not ip.src.tor", .browser, yes),
        FilterCase("not ip.src.tor", .bare, unknown),
        FilterCase("ip.src.proxy", .vpn, unknown),
        FilterCase("ip.src.relay", .browser, no),
        FilterCase("!ip.src.vpn", .vpn, no),

        // Bot fields.
        FilterCase("http.request.bot", .vpn, yes),
        FilterCase("http.request.bot", .browser, no),
        FilterCase("http.request.bot", .bare, yes),
        FilterCase(#"http.request.bot.ids eq "CURL""#, .vpn, yes),
        FilterCase(#"http.request.bot.ids eq "MISSING_USER_AGENT""#, .bare, yes),
        FilterCase(#"http.request.bot.ids in {"GOOGLE_CRAWLER" "BING_CRAWLER"}"#, .crawler, yes),
        FilterCase(#"http.request.bot.ids in {"GOOGLE_CRAWLER" "BING_CRAWLER"}"#, .browser, no),
        FilterCase(#"http.request.bot.ids ne "CURL""#, .vpn, no),
        FilterCase(#"http.request.bot.ids ne "CURL""#, .crawler, yes),
        FilterCase(#"http.request.bot.categories eq "SEARCH_ENGINE""#, .crawler, yes),
        FilterCase(#"http.request.bot.categories contains "TOOL""#, .vpn, yes),
        FilterCase(#"http.request.browser eq "Chrome""#, .browser, yes),
        FilterCase(#"http.request.browser eq "Chrome""#, .vpn, unknown),

        // Functions.
        FilterCase(#"lower(http.request.headers["x-api-key"]) eq "key-abc""#, .browser, yes),
        FilterCase(#"upper(http.request.headers["x-api-key"]) eq "KEY-ABC""#, .browser, yes),
        FilterCase(#"lower(upper(http.request.headers["x-api-key"])) eq "key-abc""#, .browser, yes),
        FilterCase(#"lower(http.request.headers["x-a"]) contains "b""#, .browser, yes),
        FilterCase(#"starts_with(http.request.uri.path, "/blog/")"#, .browser, yes),
        FilterCase(#"starts_with(http.request.uri.path, "/blog/")"#, .vpn, no),
        FilterCase(#"ends_with(http.request.uri.path, "-1")"#, .browser, yes),
        FilterCase(#"starts_with(lower(http.request.uri.path), "/blog/post")"#, .browser, yes),
        FilterCase(#"starts_with(http.referer, "https://")"#, .vpn, unknown),
        FilterCase(#"not starts_with(http.request.uri.path, "/api")"#, .browser, yes),
        FilterCase("len(lower(http.request.uri.path)) eq 12", .browser, yes),
        FilterCase(#"lower(http.host) eq "www.example.com""#, .bare, unknown),

        // Precedence: not, then and, then xor, then or (as in wirefilter). Each row would come out
        // the other way under a different order. With the vpn fixture: vpn and hosting are true,
        // tor is false, proxy is unknown.
        FilterCase("ip.src.vpn or ip.src.tor and ip.src.tor", .vpn, yes),
        FilterCase("ip.src.vpn or ip.src.vpn xor ip.src.vpn", .vpn, yes),
        FilterCase("ip.src.vpn xor ip.src.vpn and ip.src.tor", .vpn, yes),
        FilterCase("not ip.src.tor and ip.src.tor", .vpn, no),
        FilterCase(#"not ip.src.country eq "DE""#, .vpn, no),
        FilterCase("(ip.src.vpn or ip.src.tor) and ip.src.tor", .vpn, no),
        FilterCase("ip.src.vpn || ip.src.tor && ip.src.tor", .vpn, yes),
        FilterCase("ip.src.vpn ^^ ip.src.hosting", .vpn, no),
        FilterCase("ip.src.vpn xor ip.src.tor", .vpn, yes),
        FilterCase("!ip.src.tor && ip.src.vpn", .vpn, yes),
        FilterCase("ip.src.vpn xor ip.src.hosting xor ip.src.vpn", .vpn, yes),
        FilterCase("not not ip.src.vpn", .vpn, yes),
        FilterCase("((ip.src.vpn))", .vpn, yes),

        // Three-valued logic.
        FilterCase("ip.src.proxy and ip.src.tor", .vpn, no),
        FilterCase("ip.src.proxy and ip.src.vpn", .vpn, unknown),
        FilterCase("ip.src.proxy or ip.src.vpn", .vpn, yes),
        FilterCase("ip.src.proxy or ip.src.tor", .vpn, unknown),
        FilterCase("not ip.src.proxy", .vpn, unknown),
        FilterCase("ip.src.proxy xor ip.src.tor", .vpn, unknown),
        FilterCase("ip.src.vpn xor ip.src.proxy", .vpn, unknown),
        FilterCase("not (ip.src.proxy and ip.src.tor)", .vpn, yes),

        // Escapes, raw strings, UTF-8.
        FilterCase(#"http.request.headers["x-quote"] eq "a\"b\\c""#, .browser, yes),
        FilterCase(##"http.request.headers["x-quote"] eq r#"a"b\c"#"##, .browser, yes),
        FilterCase(#"http.request.headers["x-api-key"] eq "Key-\x41BC""#, .browser, yes),
        FilterCase(#"http.request.headers["x-api-key"] eq "Key-\101BC""#, .browser, yes),
        FilterCase(#"http.request.headers["x-tab"] eq "a\tb""#, .browser, yes),
        FilterCase(#"local.note eq "line1\nline2""#, .browser, yes),
        FilterCase(#"local.name eq "Zoë""#, .browser, yes),
        FilterCase("len(local.name) eq 4", .browser, yes),
        FilterCase(#"upper(local.name) eq "ZOë""#, .browser, yes),
        FilterCase("ip.src.country\n\teq \"US\"\r\nand\tnot ip.src.vpn", .browser, yes),
    ]

    @Test(
        "the table: every operator, field and function, precedence, escapes, undetermined cases",
        arguments: FilterExpressionTests.cases
    )
    func table(_ row: FilterCase) throws {
        let expression = try FilterExpression(row.expression)
        #expect(expression.evaluate(row.fixture.context) == row.expected)
        var scratch = FilterScratch()
        #expect(expression.evaluate(row.fixture.context, scratch: &scratch) == row.expected)
    }

    @Test("the table is large enough to mean something")
    func tableSize() {
        #expect(Self.cases.count >= 100)
        #expect(Self.syntaxErrors.count >= 30)
    }

    @Test("every field compiles with an operator of its type")
    func everyField() throws {
        for (name, kind) in FilterFields.named {
            let source: String
            switch kind {
            case .text, .list: source = name + #" eq "x""#
            case .integer: source = name + " eq 1"
            case .number: source = name + " gt 1.5"
            case .address: source = name + " eq 192.0.2.1"
            case .flag: source = name
            }
            let expression = try FilterExpression(source)
            _ = expression.evaluate(FilterFixture.browser.context)
            _ = expression.evaluate(FilterFixture.bare.context)
        }
        for name in FilterFields.maps {
            _ = try FilterExpression(name + #"["x"] eq "y""#)
        }
    }

    static let syntaxErrors: [FilterSyntaxCase] = [
        FilterSyntaxCase("", 0, "empty"),
        FilterSyntaxCase("   ", 3, "empty"),
        FilterSyntaxCase("ip.src.country eq US", 18, "double quotes"),
        FilterSyntaxCase(#"ip.src.country eq "US"#, 18, "unterminated"),
        FilterSyntaxCase("http.host eq 5", 13, "double quotes"),
        FilterSyntaxCase(#"ip.src.asnum eq "13335""#, 16, "expected an integer"),
        FilterSyntaxCase("http.host contains 5", 19, "double quotes"),
        FilterSyntaxCase(#"ip.src.asnum matches "1""#, 13, "does not apply"),
        FilterSyntaxCase(#"ip.src.asnum contains "1""#, 13, "does not apply"),
        FilterSyntaxCase(#"ip.src wildcard "1*""#, 7, "does not apply"),
        FilterSyntaxCase("ip.src.lat in {1 2}", 11, "does not apply"),
        FilterSyntaxCase(#"ip.src.vpn eq "x""#, 11, "boolean"),
        FilterSyntaxCase(#"http.hots eq "a""#, 0, "did you mean http.host"),
        FilterSyntaxCase("foo(http.host)", 0, "unknown function"),
        FilterSyntaxCase(#"lower(http.host, "x") eq "a""#, 15, "takes one argument"),
        FilterSyntaxCase("starts_with(http.host)", 21, "takes two arguments"),
        FilterSyntaxCase(#"lower() eq "a""#, 6, "takes one argument"),
        FilterSyntaxCase("len(ip.src.asnum) gt 1", 4, "takes a string field"),
        FilterSyntaxCase(#"ip.src.country eq "US" and"#, 26, "expected a condition"),
        FilterSyntaxCase("(ip.src.vpn", 11, "expected ')'"),
        FilterSyntaxCase("ip.src.vpn)", 10, "unmatched ')'"),
        FilterSyntaxCase("ip.src.vpn AND ip.src.tor", 11, "lower case"),
        FilterSyntaxCase(#"http.host = "a""#, 10, "'=' is not an operator"),
        FilterSyntaxCase(#"http.host eq "a\q""#, 15, "unknown escape"),
        FilterSyntaxCase(#"http.host eq "\xZZ""#, 14, "two hexadecimal digits"),
        FilterSyntaxCase(#"http.host wildcard "a**""#, 22, "'**'"),
        FilterSyntaxCase(#"http.host wildcard r"a\b""#, 22, "backslash"),
        FilterSyntaxCase("ip.src in {10.0.0.0/33}", 11, "not an IP address"),
        FilterSyntaxCase("ip.src eq 10.0.0.0/8", 10, "compares one address"),
        FilterSyntaxCase("ip.src in {10.0.0.1..10.0.0.5}", 11, "ranges are not supported"),
        FilterSyntaxCase("ip.src.asnum in {10..1}", 17, "ends before it starts"),
        FilterSyntaxCase("ip.src.asnum eq 99999999999999999999", 16, "64 bits"),
        FilterSyntaxCase("ip.src.asnum eq 010", 16, "start with 0"),
        FilterSyntaxCase("ip.src.asnum eq 12abc", 16, "expected an integer"),
        FilterSyntaxCase(#"http.host in {"a", "b"}"#, 17, "not commas"),
        FilterSyntaxCase(#"http.host in {"a" "b""#, 21, "expected '}'"),
        FilterSyntaxCase(#"http.request.headers eq "a""#, 21, "needs a name in brackets"),
        FilterSyntaxCase(#"http.host["a"] eq "b""#, 9, "takes no name in brackets"),
        FilterSyntaxCase(#"http.request.headers["bad name"] eq "a""#, 21, "not a valid header name"),
        FilterSyntaxCase(#"ip.src.country eq "US" "CA""#, 23, "unexpected"),
        FilterSyntaxCase("not", 3, "expected a condition"),
        FilterSyntaxCase(#"ip.src.country eq "US" or or ip.src.vpn"#, 26, "found 'or'"),
        FilterSyntaxCase(#"http.host strict "a""#, 10, "followed by 'wildcard'"),
        FilterSyntaxCase("1 eq ip.src.asnum", 0, "cannot come first"),
        FilterSyntaxCase(#""US" eq ip.src.country"#, 0, "cannot come first"),
        FilterSyntaxCase(##"http.host eq r#"abc""##, 13, "unterminated raw string"),
        FilterSyntaxCase(#"local. eq "a""#, 0, "expected a name after local."),
        FilterSyntaxCase("upper(ip.src)", 6, "takes a string field"),
        FilterSyntaxCase(#"ip.src.country eq "US" and (ip.src.vpn or)"#, 41, "before ')'"),
        FilterSyntaxCase("lower", 0, "is a function"),
        FilterSyntaxCase(#"ip.src.vpn(http.host) eq "a""#, 0, "is a field, not a function"),
        FilterSyntaxCase("http.host", 9, "expected an operator"),
        FilterSyntaxCase("ip.src.lat gt north", 14, "expected a number"),
        FilterSyntaxCase("ip.src eq banana", 10, "not an IP address"),
        FilterSyntaxCase(#"starts_with(http.host, "a") eq "b""#, 28, "boolean"),
        FilterSyntaxCase(#"http.host eq "\777""#, 14, "octal"),
    ]

    @Test("syntax errors report the position of the problem", arguments: FilterExpressionTests.syntaxErrors)
    func syntaxError(_ row: FilterSyntaxCase) {
        do {
            _ = try FilterExpression(row.source)
            Issue.record("accepted \(row.source)")
        } catch {
            #expect(error.offset == row.offset, "\(error)")
            #expect(error.message.contains(row.fragment), "\(error)")
            #expect(error.line == 1)
        }
    }

    @Test("an invalid regular expression is reported inside its string")
    func regexError() {
        let source = #"http.request.uri.path matches "(""#
        do {
            _ = try FilterExpression(source)
            Issue.record("accepted an unbalanced parenthesis")
        } catch {
            #expect((30...32).contains(error.offset), "\(error)")
            #expect(error.message.hasPrefix("invalid regular expression"), "\(error)")
        }
    }

    @Test("the description shows the line and a caret under the problem")
    func caret() throws {
        do {
            _ = try FilterExpression("ip.src.country eq US")
            Issue.record("accepted a bare word")
        } catch {
            #expect(error.line == 1)
            #expect(error.column == 19)
            #expect(error.sourceLine == "ip.src.country eq US")
            #expect(error.caretLine == String(repeating: " ", count: 18) + "^")
            #expect(error.description.hasPrefix("line 1, column 19: expected a string in double quotes after 'eq'"))
            #expect(error.description.hasSuffix("\nip.src.country eq US\n" + String(repeating: " ", count: 18) + "^"))
        }
        // A later line, a tab kept in the caret line, columns counted in characters.
        do {
            _ = try FilterExpression("ip.src.vpn and\n\tlocal.name eq \"é\" and nope")
            Issue.record("accepted an unknown field")
        } catch {
            #expect(error.offset == 39)
            #expect(error.line == 2)
            #expect(error.column == 24)
            #expect(error.sourceLine == "\tlocal.name eq \"é\" and nope")
            #expect(error.caretLine == "\t" + String(repeating: " ", count: 22) + "^")
        }
        // A long line is cut around the problem, and the caret still points at it.
        let long = #"http.host eq ""# + String(repeating: "a", count: 300) + #"" and nope"#
        do {
            _ = try FilterExpression(long)
            Issue.record("accepted an unknown field")
        } catch {
            #expect(error.sourceLine.hasPrefix("…"))
            let characters = Array(error.sourceLine)
            #expect(characters[error.caretLine.count - 1] == "n", "\(error)")
            #expect(error.sourceLine.count <= FilterSyntaxError.window + 2)
        }
    }

    @Test("limits throw, never crash: nesting, size, string length; the largest allowed input works")
    func limits() throws {
        func offset(_ source: String) -> Int? {
            do {
                _ = try FilterExpression(source)
                return nil
            } catch {
                return error.offset
            }
        }
        #expect(offset(String(repeating: "(", count: 10_000)) == 4_096)
        #expect(offset(String(repeating: "(", count: 4_000)) == 64)
        #expect(offset(String(repeating: "(", count: 64) + "ip.src.vpn" + String(repeating: ")", count: 64)) == nil)
        #expect(offset(String(repeating: "(", count: 65) + "ip.src.vpn" + String(repeating: ")", count: 65)) == 64)
        #expect(offset(String(repeating: "not ", count: 1_000) + "ip.src.vpn") == 256)
        #expect(offset(String(repeating: "!", count: 64) + "ip.src.vpn") == nil)
        let calls = String(repeating: "lower(", count: 70) + "http.host" + String(repeating: ")", count: 70)
        #expect(offset(calls + #" eq "a""#) == 384)
        #expect(offset(String(repeating: "a", count: 1_000_000)) == 4_096)
        #expect(offset(String(repeating: "ip.src.vpn or ", count: 400) + "ip.src.vpn") == 4_096)
        #expect(offset(String(repeating: "ip.src.vpn or ", count: 250) + "ip.src.vpn") == nil)
        #expect(offset(#"http.host eq ""# + String(repeating: "a", count: 1_025) + #"""#) == 13)
        #expect(offset(#"http.host eq ""# + String(repeating: "a", count: 1_024) + #"""#) == nil)
        #expect(offset(#"http.host eq r""# + String(repeating: "a", count: 1_025) + #"""#) == 13)

        // A set as large as the size limit allows: the item limit (10,000) is out of reach of a
        // 4,096-byte expression, and stays as a second guard.
        let numbers = (1...900).map(String.init).joined(separator: " ")
        let set = try FilterExpression("ip.src.asnum in {" + numbers + "}")
        #expect(set.evaluate(FilterFixture.browser.context) == .notMatched)
        #expect(set.evaluate(FilterFixture.vpn.context) == .notMatched)
    }

    @Test("a pathological regular expression on a long value answers quickly")
    func regexIsLinear() throws {
        let expression = try FilterExpression(#"http.request.headers["x-long"] matches "(a|aa)*(a+)+b""#)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-long")!] = String(repeating: "a", count: 4_000)
        let context = RuleContext(request: .get("/", headers: headers), clientIP: IPAddress("192.0.2.1"))
        let clock = ContinuousClock()
        // Not a match; undetermined would also be acceptable, were the step budget to run out.
        let elapsed = clock.measure { #expect(expression.evaluate(context) != .matched) }
        // The step budget bounds the work to about a millisecond; this bound only catches a runaway
        // search, with room for a loaded two-core machine.
        #expect(elapsed < .seconds(2), "\(elapsed)")
    }

    @Test("expressions are equal when written the same, and print as written")
    func identity() throws {
        let a = try FilterExpression("ip.src.vpn")
        let b = try FilterExpression("ip.src.vpn")
        let c = try FilterExpression("ip.src.vpn ")
        #expect(a == b && a != c)
        #expect(a.description == "ip.src.vpn")
        #expect(Set([a, b, c]).count == 2)
    }
}
