import BulwarkTesting
import Foundation
import HTTPTypes
import Testing

@testable import Bulwark

@Suite("detectBot")
struct DetectBotTests {
    static let googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    static let chrome =
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

    func request(userAgent: String?, from address: String = "203.0.113.7") -> BulwarkRequest {
        var headers: HTTPFields = [:]
        if let userAgent { headers[.userAgent] = userAgent }
        return .get("/", from: address, headers: headers)
    }

    /// An address inside a bundled range set: its first block's network address.
    func address(in rangeSet: String) throws -> String {
        let set = try #require(BotCatalogue.bundled.ranges[rangeSet])
        return try #require(set.blocks.first).network.description
    }

    @Test("the bundled catalogue parses, with hundreds of bots, ranges and generic signals")
    func catalogue() {
        let catalogue = BotCatalogue.bundled
        #expect(catalogue.bots.count >= 600)
        #expect(catalogue.genericPatterns.count >= 50)
        #expect(catalogue.ranges.count >= 10)
        for id in ["GOOGLE_CRAWLER", "BING_CRAWLER", "CURL", "OPENAI_CRAWLER_SEARCH"] {
            #expect(catalogue.bot(id) != nil, "\(id)")
        }
        #expect(catalogue.bot("GOOGLE_CRAWLER")?.isVerifiable == true)
    }

    @Test("a browser passes and is named; curl is CURL; an unknown crawler is UNKNOWN_BOT")
    func classification() {
        let browser = DetectedClient(userAgent: Self.chrome)
        #expect(!browser.isBot)
        #expect(browser.browser == "Chrome")
        let curl = DetectedClient(userAgent: "curl/8.5.0")
        #expect(curl.bots == ["CURL"])
        let unknown = DetectedClient(userAgent: "Mozilla/5.0 (compatible; TotallyNewCrawler/0.1; +https://example.org)")
        #expect(unknown.bots == ["UNKNOWN_BOT"])
        #expect(unknown.categories == [.unknown])
        #expect(DetectedClient(userAgent: nil).bots == ["MISSING_USER_AGENT"])
        #expect(DetectedClient(userAgent: "  ").bots == ["MISSING_USER_AGENT"])
    }

    @Test("generic words in an Android phone's model name do not make it a bot; elsewhere they do")
    func androidModelNames() {
        let phones = [
            "Mozilla/5.0 (Linux; Android 6.0; B BOT 550 Build/MRA58K) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/53.0.2785.124 Mobile Safari/537.36",
            "Mozilla/5.0 (Linux; Android 13; Spider 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                + "Chrome/124.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; U; Android 4.2.1; tr-tr; Discovery Build/JOP40D) AppleWebKit/534.30 "
                + "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
        ]
        expectNoBots(phones)
        // The same word after the comment is still a signal, and named bots match anywhere.
        let crawler = DetectedClient(
            userAgent: "Mozilla/5.0 (Linux; Android 6.0; Nexus 5 Build/MRA58K) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36 (compatible; TotallyNewSpider/0.1)"
        )
        #expect(crawler.bots == ["UNKNOWN_BOT"])
        let googlebot = DetectedClient(
            userAgent: "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
                + "+http://www.google.com/bot.html)"
        )
        #expect(googlebot.bots.contains("GOOGLE_CRAWLER"))

        let lower = Array("mozilla/5.0 (linux; u; android 4.2.1; en-us; m bot 60 build/x; wv) applewebkit".utf8)
        let stripped = UserAgentClassifier.withoutAndroidModel(lower).map { String(decoding: $0, as: UTF8.self) }
        #expect(stripped == "mozilla/5.0 (linux; u; android 4.2.1;; wv) applewebkit")
        let duplex = Array("(linux; android 8.0; pixel 2 build/opd3; duplexweb-google/1.0) x".utf8)
        #expect(
            UserAgentClassifier.withoutAndroidModel(duplex).map { String(decoding: $0, as: UTF8.self) }
                == "(linux; android 8.0;; duplexweb-google/1.0) x"
        )
        #expect(UserAgentClassifier.withoutAndroidModel(Array("android 9; x)".utf8)) == nil)
        #expect(UserAgentClassifier.withoutAndroidModel(Array("(linux; android 9)".utf8)) == nil)
    }

    @Test("shapes only bots send: markup or a placeholder, a `+` marker in a compatible comment, PhantomJS's platform")
    func structuralSignals() {
        let bots: [(String, String)] = [
            ("acme-fetcher-customer-<CustomerID>", "UNKNOWN_BOT"),
            ("Mozilla/5.0 \"><svg/onload=alert(1)>", "UNKNOWN_BOT"),
            ("Mozilla/5.0 (compatible; Acme/2.1; +acme-info; contact via site) Safari/537.36", "UNKNOWN_BOT"),
            ("Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) Acme/3.0", "HEADLESS_WEBKIT"),
        ]
        for (userAgent, id) in bots {
            #expect(DetectedClient(userAgent: userAgent).bots == [id], "\(userAgent)")
        }
        #expect(DetectedClient(userAgent: bots[3].0).categories == [.tool])
        // The browsers nearest each shape: a `<` that opens no tag, Internet Explorer's and
        // Konqueror's compatible comments, a `+` in a phone model, an LG TV's "Unknown" platform.
        let browsers = [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
                + "Safari/537.36 a<3",
            "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
            "Mozilla/5.0 (compatible; Konqueror/3.1; Linux)",
            "Mozilla/5.0 (Linux; Android 4.4.2; +VT107C) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/75.0.3770.143 "
                + "Safari/537.36",
            "Mozilla/5.0 (Unknown; Linux armv7l) AppleWebKit/537.1+ (KHTML, like Gecko) Safari/537.1+ "
                + "LG Browser/6.00.00(+mouse+3D+SCREEN+TUNER; LGE; 47LA790W-ZA; 01.00.00; 0x00000001;); LG NetCast.TV-2013",
        ]
        expectNoBots(browsers)
    }

    @Test("80legs' copied Instagram user agent is EIGHTY_LEGS; other phones on the same Android build are not")
    func copiedUserAgent() {
        let phone =
            "Mozilla/5.0 (Linux; Android 15; CPH2557 Build/AP3A.240617.008; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Version/4.0 Chrome/142.0.7444.142 Mobile Safari/537.36"
        let copy =
            phone + " Instagram 406.0.0.58.159 Android (35/15; 480dpi; 1080x2400; OPPO; CPH2557; OP573DL1; mt6833; "
            + "en_MY; 822918295; IABMV/1) NV/1"
        #expect(DetectedClient(userAgent: copy).bots == ["EIGHTY_LEGS"])
        #expect(!DetectedClient(userAgent: phone).isBot)
        let anotherInstall = copy.replacingOccurrences(of: "822918295", with: "731044582")
        #expect(!DetectedClient(userAgent: anotherInstall).isBot)
    }

    @Test("apps that fetch links (Office, mail clients, media players, developer tools) have their own ids")
    func applicationClients() async throws {
        let word = "Mozilla/5.0 (Macintosh; Intel Mac OS X) Word/14.64.0"
        let apps: [(String, String, BotCategory)] = [
            (word, "MICROSOFT_OFFICE", .preview),
            (
                "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; WOW64; Trident/7.0; Microsoft Outlook 15.0.4805; "
                    + "ms-office; MSOffice 15)", "MICROSOFT_OFFICE", .preview
            ),
            ("Airmail 1.3.3 rv:237 (Macintosh; Mac OS X 10.9.3; sk_SK)", "MAIL_CLIENT", .preview),
            ("VLC/2.2.4 LibVLC/2.2.4", "MEDIA_PLAYER", .tool),
            ("kubectl/v1.12.0 (linux/amd64) kubernetes/0ed3388", "DEVELOPER_TOOL", .programmatic),
            ("Mozilla/5.0 (pc-x86_64-linux-gnu) Siege/4.0.4", "UNKNOWN_BOT", .unknown),
        ]
        for (app, id, category) in apps {
            let client = DetectedClient(userAgent: app)
            #expect(client.bots == [id], "\(app)")
            #expect(client.categories == [category], "\(app)")
        }
        // A rule can let Office's link checks through by id or by category, and still deny the rest.
        for allow: [BotSelector] in [["MICROSOFT_OFFICE"], [.category(.preview)]] {
            let bulwark = try Bulwark(rules: [.detectBot(mode: .live, allow: allow)])
            #expect(await bulwark.protect(request(userAgent: word)).isAllowed)
            #expect(await bulwark.protect(request(userAgent: "curl/8.5.0")).isDenied)
        }
        let sogouBrowser =
            "Mozilla/5.0 (Linux; U; Android 5.0.2; zh-cn; Redmi Note 2 Build/LRX22G) AppleWebKit/534.30 "
            + "(KHTML, like Gecko) Version/4.0 Mobile Safari/534.30 SogouMSE,SogouMobileBrowser/3.8.5"
        #expect(!DetectedClient(userAgent: sogouBrowser).isBot)
    }

    @Test("allow: [] denies every bot and passes browsers")
    func allowNothing() async throws {
        let bulwark = try Bulwark(rules: [.detectBot(mode: .live, allow: [])])
        let denied = await bulwark.protect(request(userAgent: "curl/8.5.0"))
        #expect(denied.isDenied)
        #expect(denied.reason.bot?.denied == ["CURL"])
        let missing = await bulwark.protect(request(userAgent: nil))
        #expect(missing.isDenied)
        #expect(missing.reason.bot?.denied == ["MISSING_USER_AGENT"])
        let browser = await bulwark.protect(request(userAgent: Self.chrome))
        #expect(browser.conclusion == .allow)
        #expect(browser.reason.bot == BotReason(allowed: [], denied: [], verified: false, spoofed: false))
    }

    @Test("an allow list admits its ids and categories and denies every other bot")
    func allowList() async throws {
        let bulwark = try Bulwark(rules: [.detectBot(mode: .live, allow: [.category(.monitor), "CURL"])])
        let curl = await bulwark.protect(request(userAgent: "curl/8.5.0"))
        #expect(curl.conclusion == .allow)
        #expect(curl.reason.bot?.allowed == ["CURL"])
        let python = await bulwark.protect(request(userAgent: "python-requests/2.32.3"))
        #expect(python.isDenied)
    }

    @Test("a deny list denies its ids and categories and admits every other bot")
    func denyList() async throws {
        let bulwark = try Bulwark(rules: [.detectBot(mode: .live, deny: [.category(.programmatic)])])
        let python = await bulwark.protect(request(userAgent: "python-requests/2.32.3"))
        #expect(python.isDenied)
        let wayback = await bulwark.protect(
            request(userAgent: "Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)")
        )
        #expect(wayback.conclusion == .allow)
    }

    @Test("Googlebot from Google's published ranges is verified; from elsewhere it is spoofed and denied")
    func verificationByRanges() async throws {
        let bulwark = try Bulwark(
            rules: [.detectBot(mode: .live, allow: [.category(.searchEngine)])],
            options: BulwarkOptions(botVerifier: BotVerifier(resolver: UnreachableResolver()))
        )
        let real = await bulwark.protect(request(userAgent: Self.googlebot, from: try address(in: "google-googlebot")))
        #expect(real.conclusion == .allow)
        #expect(real.isVerifiedBot)
        #expect(!real.isSpoofedBot)
        #expect(real.reason.bot?.allowed == ["GOOGLE_CRAWLER"])
        // Googlebot is also verifiable by reverse DNS; with no DNS answer the claim stays
        // undetermined, so an impostor is denied only when the verifier can say so.
        let gptbot =
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"
        let allowAI = try Bulwark(
            rules: [.detectBot(mode: .live, allow: [.category(.ai)])],
            options: BulwarkOptions(botVerifier: BotVerifier(resolver: UnreachableResolver()))
        )
        let fake = await allowAI.protect(request(userAgent: gptbot, from: "203.0.113.9"))
        #expect(fake.isDenied)
        #expect(fake.isSpoofedBot)
        #expect(fake.reason.bot?.spoofed == true)
        let genuine = await allowAI.protect(request(userAgent: gptbot, from: try address(in: "openai-gptbot")))
        #expect(genuine.conclusion == .allow)
        #expect(genuine.isVerifiedBot)
    }

    @Test("refreshed ranges replace the bundled set of the same name")
    func refresh() async throws {
        let verifier = BotVerifier(resolver: UnreachableResolver())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bulwark-ranges-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"sources": {"openai-gptbot": {"ipv4": ["198.51.100.0/24"], "ipv6": []}}}"#.utf8).write(to: file)
        let refresher = BotRangeRefresher(verifier: verifier, source: .file(file.path))
        #expect(try await refresher.refresh() == 1)
        #expect(verifier.contains(IPAddress("198.51.100.20")!, inRangeSet: "openai-gptbot"))
        #expect(
            !verifier.contains(try #require(IPAddress(try address(in: "openai-gptbot"))), inRangeSet: "openai-gptbot")
        )

        try Data(#"{"sources": {"openai-gptbot": {"ipv4": ["not an address"]}}}"#.utf8).write(to: file)
        await #expect(throws: BotRangeError.self) { try await refresher.refresh() }
        #expect(
            verifier.contains(IPAddress("198.51.100.20")!, inRangeSet: "openai-gptbot"),
            "a bad file keeps the ranges"
        )
        try Data("[1, 2".utf8).write(to: file)
        await #expect(throws: BotRangeError.self) { try await refresher.refresh() }
    }

    @Test("ranges refresh from a URL over a real socket; an HTTP error keeps the ranges in use")
    func refreshFromURL() async throws {
        let verifier = BotVerifier(resolver: UnreachableResolver())
        let good = try OneShotHTTPServer(
            status: 200,
            body: #"{"sources": {"openai-gptbot": {"ipv4": ["198.51.100.0/24"]}}}"#
        )
        defer { good.stop() }
        #expect(try await BotRangeRefresher(verifier: verifier, source: .url(good.url("/ranges.json"))).refresh() == 1)
        #expect(verifier.contains(IPAddress("198.51.100.20")!, inRangeSet: "openai-gptbot"))

        let failing = try OneShotHTTPServer(status: 503, body: "{}")
        defer { failing.stop() }
        await #expect(throws: BotRangeError.self) {
            try await BotRangeRefresher(verifier: verifier, source: .url(failing.url("/ranges.json"))).refresh()
        }
        #expect(verifier.contains(IPAddress("198.51.100.20")!, inRangeSet: "openai-gptbot"))
    }

    @Test("reverse-DNS masks")
    func masks() {
        #expect(BotVerifier.host("crawl-66-249-66-1.googlebot.com", matches: "crawl-***-***-***-***.googlebot.com"))
        #expect(
            !BotVerifier.host(
                "crawl-66-249-66-1.googlebot.com.evil.com",
                matches: "crawl-***-***-***-***.googlebot.com"
            )
        )
        #expect(!BotVerifier.host("crawl-.googlebot.com", matches: "crawl-***.googlebot.com"))
        #expect(BotVerifier.host("msnbot-1-2-3-4.search.msn.com", matches: "@.search.msn.com"))
        #expect(BotVerifier.host("search.msn.com", matches: "@.search.msn.com"))
        #expect(!BotVerifier.host("evilsearch.msn.com", matches: "@.search.msn.com"))
        #expect(!BotVerifier.host("search.msn.com.evil.com", matches: "@.search.msn.com"))
        #expect(BotVerifier.host("ip.uptimerobot.com", matches: "ip.uptimerobot.com"))
    }

    @Test(
        "bad bot rules fail at start-up, naming the field",
        arguments: [
            (#"{"type": "detectBot", "mode": "LIVE"}"#, "allow"),
            (#"{"type": "detectBot", "allow": [], "deny": []}"#, "allow"),
            (#"{"type": "detectBot", "allow": ["NOT_A_BOT"]}"#, "allow[0]"),
            (#"{"type": "detectBot", "deny": ["CURL", "CATEGORY:ROBOTS"]}"#, "deny[1]"),
            (#"{"type": "detectBot", "allow": "CURL"}"#, "allow"),
        ]
    )
    func configurationErrors(json: String, field: String) throws {
        let error = try configurationError(forRule: json)
        #expect(error.field == field, "\(error)")
        #expect(error.ruleType == "detectBot")
    }

    @Test("the rules JSON round-trips")
    func roundTrip() throws {
        let document =
            #"{"rules": [{"type": "detectBot", "mode": "LIVE", "allow": ["CATEGORY:SEARCH_ENGINE", "CURL"]}]}"#
        let configuration = try JSONDecoder().decode(BulwarkConfiguration.self, from: Data(document.utf8))
        let encoded = try JSONEncoder().encode(configuration)
        let again = try JSONDecoder().decode(BulwarkConfiguration.self, from: encoded)
        #expect(again.rules == configuration.rules)
        #expect(configuration.rules.first == .detectBot(mode: .live, allow: [.category(.searchEngine), "CURL"]))
    }

    /// Expects each user agent to be read as no bot, naming the bots found on failure.
    private func expectNoBots(_ userAgents: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for userAgent in userAgents {
            let client = DetectedClient(userAgent: userAgent)
            #expect(!client.isBot, "\(userAgent): \(client.bots)", sourceLocation: sourceLocation)
        }
    }
}

/// A resolver that never finds anything, for tests that must not touch the network.
struct UnreachableResolver: DNSResolver {
    func reverseLookup(_ address: IPAddress) async throws -> [String] {
        throw DNSError(code: .unreachable, message: "no DNS in this test")
    }
    func addresses(of host: String) async throws -> [IPAddress] {
        throw DNSError(code: .unreachable, message: "no DNS in this test")
    }
    func mailExchangers(of domain: String) async throws -> [MailExchanger] {
        throw DNSError(code: .unreachable, message: "no DNS in this test")
    }
}
