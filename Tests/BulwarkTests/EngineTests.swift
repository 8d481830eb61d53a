import Bulwark
import BulwarkTesting
import HTTPTypes
import Synchronization
import Testing

/// A rule of the test's own, to drive the engine through each path.
struct ScriptedRule: Rule {
    let id: String
    var type = "scripted"
    var mode: RuleMode = .live
    var cost: RuleCost = .memory
    var characteristics: [Characteristic]? = nil
    let answer: @Sendable (RuleContext, String?) throws -> RuleOutcome

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        try answer(context, fingerprint)
    }

    static func allow(_ id: String, cost: RuleCost = .memory) -> ScriptedRule {
        ScriptedRule(id: id, cost: cost) { _, _ in RuleOutcome(conclusion: .allow, reason: .none) }
    }

    static func deny(_ id: String, mode: RuleMode = .live, cost: RuleCost = .memory) -> ScriptedRule {
        ScriptedRule(id: id, mode: mode, cost: cost) { _, _ in
            RuleOutcome(
                conclusion: .deny,
                reason: .rateLimit(RateLimitReason(max: 1, remaining: 0, reset: 5, window: 5))
            )
        }
    }

    static func failing(_ id: String) -> ScriptedRule {
        ScriptedRule(id: id) { _, _ in throw RuleEvaluationError("store unreachable") }
    }
}

@Suite("Engine")
struct EngineTests {
    @Test("cheaper rules run first; equal costs keep their written order")
    func ordering() async throws {
        let bulwark = try Bulwark(
            rules: [],
            customRules: [
                ScriptedRule.allow("network", cost: .network), ScriptedRule.allow("memory-a"),
                ScriptedRule.allow("trivial", cost: .trivial), ScriptedRule.allow("memory-b"),
            ]
        )
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.results.map(\.ruleId) == ["trivial", "memory-a", "memory-b", "network"])
        #expect(decision.conclusion == .allow)
    }

    @Test("the first LIVE DENY ends evaluation; later rules are NOT_RUN")
    func firstLiveDenyEnds() async throws {
        let bulwark = try Bulwark(
            rules: [],
            customRules: [ScriptedRule.allow("a"), ScriptedRule.deny("b"), ScriptedRule.allow("c")]
        )
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.isDenied)
        #expect(decision.results.map(\.state) == [.run, .run, .notRun])
        #expect(decision.reason.rateLimit?.reset == 5)
        #expect(decision.deniedStatus == .tooManyRequests)
    }

    @Test("DRY_RUN rules report DENY but never change the conclusion")
    func dryRun() async throws {
        let bulwark = try Bulwark(
            rules: [],
            customRules: [ScriptedRule.deny("d", mode: .dryRun), ScriptedRule.allow("a")]
        )
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.conclusion == .allow)
        #expect(decision.results[0].state == .dryRun)
        #expect(decision.results[0].conclusion == .deny)
        #expect(decision.results[1].state == .run)
    }

    @Test("a failing rule gives an ERROR result and the decision fails open")
    func failOpen() async throws {
        let bulwark = try Bulwark(rules: [], customRules: [ScriptedRule.failing("f"), ScriptedRule.allow("a")])
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.conclusion == .error)
        #expect(decision.isAllowed && decision.isError && !decision.isDenied)
        #expect(decision.reason.error?.message == "store unreachable")
        #expect(decision.results[0].conclusion == .error)
        #expect(decision.results[1].state == .run)
    }

    @Test("another LIVE DENY still denies when a rule failed")
    func errorThenDeny() async throws {
        let bulwark = try Bulwark(rules: [], customRules: [ScriptedRule.failing("f"), ScriptedRule.deny("d")])
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.conclusion == .deny)
        #expect(decision.reason.type == .rateLimit)
        #expect(decision.hasError)
    }

    @Test("fail closed: a failing rule denies with the error as reason")
    func failClosed() async throws {
        let bulwark = try Bulwark(
            rules: [],
            customRules: [ScriptedRule.failing("f")],
            options: BulwarkOptions(failureMode: .closed)
        )
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.isDenied && decision.isError)
        #expect(decision.deniedStatus == .forbidden)
    }

    @Test("a missing custom characteristic is an ERROR naming it")
    func missingCharacteristic() async throws {
        let bulwark = try Bulwark(rules: [
            .fixedWindow(mode: .live, characteristics: ["userId"], window: .seconds(60), max: 5)
        ])
        let decision = await bulwark.protect(.get("/"))
        #expect(decision.conclusion == .error)
        #expect(decision.results[0].reason?.error?.message.contains("'userId'") == true)
        let keyed = await bulwark.protect(.get("/"), characteristics: ["userId": "u1"])
        #expect(keyed.conclusion == .allow)
    }

    @Test("an unknown client address is an ERROR for an ip.src-keyed rule")
    func unknownClientIP() async throws {
        let bulwark = try Bulwark(rules: [.fixedWindow(mode: .live, window: .seconds(60), max: 5)])
        let decision = await bulwark.protect(.get("/", from: nil))
        #expect(decision.conclusion == .error)
    }

    @Test(
        "well-known characteristics read the request",
        arguments: [
            ("http.host", "api.example.com"),
            ("http.method", "POST"),
            ("http.request.uri.path", "/v1/chat"),
            ("http.request.headers[\"x-api-key\"]", "key-1"),
            ("http.request.cookie[\"session\"]", "s 1"),
            ("http.request.uri.args[\"team\"]", "blue team"),
            ("ip.src", "8.8.8.8"),
        ]
    )
    func wellKnownCharacteristics(name: String, expected: String) async throws {
        let seen = SeenFingerprint()
        let rule = ScriptedRule(id: "probe", characteristics: [try Characteristic(name)]) { _, fingerprint in
            seen.record(fingerprint)
            return RuleOutcome(conclusion: .allow, reason: .none)
        }
        let bulwark = try Bulwark(rules: [], customRules: [rule])
        let request = BulwarkRequest(
            method: .post,
            authority: "api.example.com:443",
            path: "/v1/chat?team=blue+team&x=1",
            headers: [
                HTTPField.Name("x-api-key")!: "key-1", .cookie: "a=b; session=\"s 1\"",
            ],
            remoteAddress: "8.8.8.8"
        )
        _ = await bulwark.protect(request)
        #expect(seen.value == "probe\u{1F}" + expected)  // the rule id, then the value
    }

    @Test("a DENY with a TTL is cached per rule and fingerprint, with state CACHED")
    func decisionCache() async throws {
        let clock = ManualClock()
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, characteristics: ["userId"], window: .seconds(60), max: 1)],
            options: BulwarkOptions(clock: clock)
        )
        _ = await bulwark.protect(.get("/"), characteristics: ["userId": "u1"])
        let denied = await bulwark.protect(.get("/"), characteristics: ["userId": "u1"])
        #expect(denied.results[0].state == .run)
        #expect(denied.isDenied && denied.ttl == 60)
        let cached = await bulwark.protect(.get("/"), characteristics: ["userId": "u1"])
        #expect(cached.results[0].state == .cached)
        #expect(cached.isDenied)
        let other = await bulwark.protect(.get("/"), characteristics: ["userId": "u2"])
        #expect(other.conclusion == .allow)
        clock.advance(by: .seconds(60))
        let next = await bulwark.protect(.get("/"), characteristics: ["userId": "u1"])
        #expect(next.conclusion == .allow && next.results[0].state == .run)
    }

    @Test("decision ids are lreq_ ULIDs, unique and ordered by time")
    func decisionIDs() async throws {
        let clock = ManualClock()
        let bulwark = try Bulwark(rules: [], options: BulwarkOptions(clock: clock))
        var ids: [String] = []
        for _ in 0..<200 {
            ids.append(await bulwark.protect(.get("/")).id)
            clock.advance(by: .milliseconds(1))
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        #expect(ids.allSatisfy { $0.hasPrefix("lreq_") && $0.count == 31 })
    }

    @Test("token bucket through the engine: requested units, exact on a manual clock")
    func tokenBucketThroughEngine() async throws {
        let clock = ManualClock()
        let bulwark = try Bulwark(
            rules: [
                .tokenBucket(
                    mode: .live,
                    characteristics: ["userId"],
                    refillRate: 10,
                    interval: .seconds(60),
                    capacity: 20
                )
            ],
            options: BulwarkOptions(clock: clock)
        )
        let first = await bulwark.protect(.get("/"), requested: 15, characteristics: ["userId": "u"])
        #expect(first.isAllowed && first.reason.rateLimit?.remaining == 5)
        let second = await bulwark.protect(.get("/"), requested: 6, characteristics: ["userId": "u"])
        #expect(second.isDenied && second.reason.rateLimit?.reset == 60)
        #expect(second.ttl == 0)  // five tokens are left: a smaller request could pass, so nothing is cached
        clock.advance(by: .seconds(60))
        let third = await bulwark.protect(.get("/"), requested: 15, characteristics: ["userId": "u"])
        #expect(third.isAllowed && third.reason.rateLimit?.remaining == 0)
    }

    @Test("a negative requested count is an ERROR, not a refill")
    func negativeRequested() async throws {
        let bulwark = try Bulwark(rules: [.tokenBucket(mode: .live, refillRate: 1, interval: .seconds(60), capacity: 1)]
        )
        let decision = await bulwark.protect(.get("/"), requested: -5)
        #expect(decision.conclusion == .error)
    }
}

final class SeenFingerprint: Sendable {
    private let storage = Mutex<String?>(nil)
    func record(_ value: String?) { storage.withLock { $0 = value } }
    var value: String? { storage.withLock { $0 } }
}
