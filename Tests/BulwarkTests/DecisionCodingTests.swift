import Bulwark
import BulwarkTesting
import Foundation
import Testing

@Suite("Decision JSON")
struct DecisionCodingTests {
    @Test("a decision encodes to the contract's shape and decodes back")
    func roundTrip() async throws {
        let clock = ManualClock()
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, window: .seconds(60), max: 1)],
            options: BulwarkOptions(clock: clock)
        )
        _ = await bulwark.protect(.get("/"))
        let decision = await bulwark.protect(.get("/"))
        let data = try JSONEncoder().encode(decision)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["id"] as? String)?.hasPrefix("lreq_") == true)
        #expect(object["conclusion"] as? String == "DENY")
        #expect(object["ttl"] as? Int == 60)
        let reason = try #require(object["reason"] as? [String: Any])
        #expect(reason["type"] as? String == "RATE_LIMIT")
        #expect(reason["max"] as? Int == 1)
        #expect(reason["remaining"] as? Int == 0)
        #expect(reason["reset"] as? Int == 60)
        #expect(reason["window"] as? Int == 60)
        let result = try #require((object["results"] as? [[String: Any]])?.first)
        #expect(result["type"] as? String == "fixedWindow")
        #expect(result["mode"] as? String == "LIVE")
        #expect(result["state"] as? String == "RUN")
        #expect(result["conclusion"] as? String == "DENY")
        #expect((result["ruleId"] as? String)?.isEmpty == false)
        #expect(object["ip"] is [String: Any])
        #expect(try JSONDecoder().decode(Decision.self, from: data) == decision)
    }

    @Test("the reason decodes from the contract's examples, an unknown type keeping its name")
    func reasons() throws {
        let error = try JSONDecoder().decode(Reason.self, from: Data(#"{"type":"ERROR","message":"boom"}"#.utf8))
        #expect(error.error?.message == "boom")
        let shield = try JSONDecoder().decode(
            Reason.self,
            from: Data(#"{"type":"SHIELD","shieldTriggered":true}"#.utf8)
        )
        #expect(shield.type.rawValue == "SHIELD" && shield.rateLimit == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Reason.self, from: Data(#"{"max":1}"#.utf8)) }
    }

    @Test("the IETF RateLimit headers describe each LIVE rate limit")
    func rateLimitHeaders() async throws {
        let clock = ManualClock()
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, window: .seconds(60), max: 2, id: "per-ip")],
            options: BulwarkOptions(clock: clock)
        )
        let allowed = await bulwark.protect(.get("/"))
        let fields = RateLimitHeaders.fields(for: allowed)
        #expect(fields[RateLimitHeaders.rateLimitPolicy] == #""per-ip";q=2;w=60"#)
        #expect(fields[RateLimitHeaders.rateLimit] == #""per-ip";r=1;t=60"#)
        _ = await bulwark.protect(.get("/"))
        clock.advance(by: .seconds(15))
        let denied = await bulwark.protect(.get("/"))
        let deniedFields = RateLimitHeaders.fields(for: denied)
        #expect(deniedFields[RateLimitHeaders.rateLimit] == #""per-ip";r=0;t=45"#)
        #expect(deniedFields[.retryAfter] == "45")
        let unlimited = await (try Bulwark(rules: [])).protect(.get("/"))
        #expect(RateLimitHeaders.fields(for: unlimited).isEmpty)
    }
}
