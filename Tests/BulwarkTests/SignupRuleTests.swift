import BulwarkTesting
import Foundation
import HTTPTypes
import Testing

@testable import Bulwark

@Suite("protectSignup rule")
struct SignupRuleTests {
    static let browser: HTTPFields = [
        .userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
    ]

    func client(clock: ManualClock = ManualClock()) throws -> Bulwark {
        try Bulwark(
            rules: [
                .protectSignup(
                    mode: .live,
                    rateLimit: SignupRateLimit(interval: .seconds(600), max: 3),
                    bots: .allow([]),
                    email: .deny([.invalid, .disposable]),
                    id: "signup"
                )
            ],
            options: BulwarkOptions(clock: clock, decisionCacheCapacity: 0)
        )
    }

    @Test("each part denies with its own reason: a bot, an address, then the rate limit")
    func parts() async throws {
        let bulwark = try client()
        let bot = await bulwark.protect(
            .post("/signup", body: "{}", headers: [.userAgent: "curl/8.5.0"]),
            email: "ada@example.org"
        )
        #expect(bot.isDenied)
        #expect(bot.reason.bot?.denied == ["CURL"])
        #expect(bot.results.first?.type == "protectSignup")

        let disposable = await bulwark.protect(
            .post("/signup", body: "{}", headers: Self.browser),
            email: "ada@mailinator.com"
        )
        #expect(disposable.isDenied)
        #expect(disposable.reason.email?.emailTypes == [.disposable])

        let first = await bulwark.protect(.post("/signup", body: "{}", headers: Self.browser), email: "ada@example.org")
        #expect(first.conclusion == .allow)
        #expect(first.reason.type == .email)
        // The bot did not count; the disposable address did: this is the third attempt.
        let second = await bulwark.protect(
            .post("/signup", body: "{}", headers: Self.browser),
            email: "bob@example.org"
        )
        #expect(second.conclusion == .allow)
        let limited = await bulwark.protect(
            .post("/signup", body: "{}", headers: Self.browser),
            email: "eve@example.org"
        )
        #expect(limited.isDenied)
        #expect(limited.reason.rateLimit?.max == 3)
        #expect(limited.reason.rateLimit?.remaining == 0)

        let elsewhere = await bulwark.protect(
            .post("/signup", body: "{}", from: "198.51.100.20", headers: Self.browser),
            email: "eve@example.org"
        )
        #expect(elsewhere.conclusion == .allow, "the limit is per client address")
    }

    @Test("the window slides: an attempt is admitted again once the oldest leaves it")
    func window() async throws {
        let clock = ManualClock()
        let bulwark = try client(clock: clock)
        for _ in 1...3 {
            #expect(
                await bulwark.protect(.post("/signup", body: "{}", headers: Self.browser), email: "ada@example.org")
                    .conclusion == .allow
            )
        }
        #expect(
            await bulwark.protect(.post("/signup", body: "{}", headers: Self.browser), email: "ada@example.org")
                .isDenied
        )
        clock.advance(by: .seconds(1_201))
        #expect(
            await bulwark.protect(.post("/signup", body: "{}", headers: Self.browser), email: "ada@example.org")
                .conclusion == .allow
        )
    }

    @Test("the rules JSON of the architecture decodes, round-trips and builds")
    func json() throws {
        let text = #"""
            {"type": "protectSignup", "mode": "LIVE", "rateLimit": {"interval": 600, "max": 5}, "bots": {"allow": []}, "email": {"deny": ["DISPOSABLE", "INVALID"]}}
            """#
        let rule = try JSONDecoder().decode(RuleSpecification.self, from: Data(text.utf8))
        #expect(
            rule
                == .protectSignup(
                    mode: .live,
                    rateLimit: SignupRateLimit(interval: .seconds(600), max: 5),
                    bots: .allow([]),
                    email: .deny([.disposable, .invalid])
                )
        )
        #expect(try JSONDecoder().decode(RuleSpecification.self, from: JSONEncoder().encode(rule)) == rule)
        _ = try Bulwark(rules: [rule])
    }

    @Test(
        "a bad configuration fails at start-up, naming the nested field",
        arguments: [
            (#""bots": {"allow": []}, "email": {"deny": []}"#, "rateLimit"),
            (#""rateLimit": {"interval": 600}, "bots": {"allow": []}, "email": {"deny": []}"#, "rateLimit.max"),
            (
                #""rateLimit": {"interval": 600, "max": 0}, "bots": {"allow": []}, "email": {"deny": []}"#,
                "rateLimit.max"
            ),
            (
                #""rateLimit": {"interval": "soon", "max": 5}, "bots": {"allow": []}, "email": {"deny": []}"#,
                "rateLimit.interval"
            ),
            (#""rateLimit": 600, "bots": {"allow": []}, "email": {"deny": []}"#, "rateLimit"),
            (
                #""rateLimit": {"interval": 600, "max": 5}, "bots": {"allow": ["NOT_A_BOT"]}, "email": {"deny": []}"#,
                "bots.allow[0]"
            ),
            (#""rateLimit": {"interval": 600, "max": 5}, "bots": {}, "email": {"deny": []}"#, "bots.allow"),
            (
                #""rateLimit": {"interval": 600, "max": 5}, "bots": {"allow": []}, "email": {"deny": ["SPAM"]}"#,
                "email.deny[0]"
            ),
            (#""rateLimit": {"interval": 600, "max": 5}, "bots": {"allow": []}"#, "email"),
        ]
    )
    func configurationErrors(fields: String, field: String) throws {
        let error = try configurationError(forRule: #"{"type": "protectSignup", "mode": "LIVE", "# + fields + "}")
        #expect(error.field == field, "\(error)")
        #expect(error.ruleType == "protectSignup")
    }
}
