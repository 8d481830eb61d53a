import BulwarkTesting
import Foundation
import Testing

@testable import Bulwark

@Suite("detectSensitiveInfo rule")
struct SensitiveInfoRuleTests {
    static let message = "Card 4111 1111 1111 1111, mail ada@example.org, call +1 415 555 0132."

    func entity(_ type: SensitiveInfoType, _ fragment: String, in text: String = message) -> SensitiveInfoEntity {
        let range = text.range(of: fragment)!
        return SensitiveInfoEntity(
            identifiedType: type,
            start: text.utf8.distance(from: text.startIndex, to: range.lowerBound),
            end: text.utf8.distance(from: text.startIndex, to: range.upperBound)
        )
    }

    @Test("a deny list denies the types listed and reports the rest as allowed, by UTF-8 offsets")
    func denyList() async throws {
        let bulwark = try Bulwark(rules: [.detectSensitiveInfo(mode: .live, deny: [.creditCardNumber])])
        let decision = await bulwark.protect(.get("/"), sensitiveInfoValue: Self.message)
        #expect(decision.isDenied)
        #expect(decision.reason.type == .sensitiveInfo)
        let card = entity(.creditCardNumber, "4111 1111 1111 1111")
        #expect(decision.reason.sensitiveInfo?.denied == [card])
        #expect(
            decision.reason.sensitiveInfo?.allowed
                == [entity(.email, "ada@example.org"), entity(.phoneNumber, "+1 415 555 0132")]
        )
        #expect(decision.deniedSensitiveInfo == [card])

        let clean = await bulwark.protect(.get("/"), sensitiveInfoValue: "mail ada@example.org")
        #expect(clean.conclusion == .allow)
        #expect(clean.reason.sensitiveInfo?.allowed.map(\.identifiedType) == [.email])
    }

    @Test("an allow list denies every type found but those listed; allow: [] denies any")
    func allowList() async throws {
        let emailsOnly = try Bulwark(rules: [.detectSensitiveInfo(mode: .live, allow: [.email])])
        let decision = await emailsOnly.protect(.get("/"), sensitiveInfoValue: Self.message)
        #expect(decision.isDenied)
        #expect(decision.reason.sensitiveInfo?.denied.map(\.identifiedType) == [.creditCardNumber, .phoneNumber])
        #expect(decision.reason.sensitiveInfo?.allowed.map(\.identifiedType) == [.email])

        let nothing = try Bulwark(rules: [.detectSensitiveInfo(mode: .live, allow: [])])
        #expect(await nothing.protect(.get("/"), sensitiveInfoValue: "write to ada@example.org").isDenied)
        #expect(await nothing.protect(.get("/"), sensitiveInfoValue: "nothing to see here").conclusion == .allow)
    }

    @Test("without a value the request body is scanned; without either nothing is found")
    func bodyFallback() async throws {
        let bulwark = try Bulwark(rules: [.detectSensitiveInfo(mode: .live, deny: [.usSocialSecurityNumber])])
        let body = #"{"note": "my SSN is 536-22-8901"}"#
        let decision = await bulwark.protect(.post("/notes", body: body))
        #expect(decision.isDenied)
        #expect(decision.reason.sensitiveInfo?.denied == [entity(.usSocialSecurityNumber, "536-22-8901", in: body)])
        #expect(await bulwark.protect(.get("/")).conclusion == .allow)
    }

    @Test("a custom detector's types join the built-ins, and may be listed")
    func customDetector() async throws {
        let employeeIDs = SensitiveInfoDetector { tokens in
            tokens.map { $0.hasPrefix("EMP-") && $0.dropFirst(4).allSatisfy(\.isNumber) ? "EMPLOYEE_ID" : nil }
        }
        let bulwark = try Bulwark(rules: [
            .detectSensitiveInfo(mode: .live, deny: ["EMPLOYEE_ID"], detector: employeeIDs)
        ])
        let text = "Ask EMP-12345 at ada@example.org"
        let decision = await bulwark.protect(.get("/"), sensitiveInfoValue: text)
        #expect(decision.isDenied)
        #expect(decision.reason.sensitiveInfo?.denied == [entity("EMPLOYEE_ID", "EMP-12345", in: text)])
        #expect(decision.reason.sensitiveInfo?.allowed == [entity(.email, "ada@example.org", in: text)])
    }

    @Test("DRY_RUN reports the denial without denying")
    func dryRun() async throws {
        let bulwark = try Bulwark(rules: [.detectSensitiveInfo(mode: .dryRun, deny: [.email])])
        let decision = await bulwark.protect(.get("/"), sensitiveInfoValue: "ada@example.org")
        #expect(decision.conclusion == .allow)
        #expect(decision.results.first?.conclusion == .deny)
        #expect(decision.deniedSensitiveInfo.map(\.identifiedType) == [.email])
    }

    @Test("the rule's JSON round-trips, and the reason's JSON has identifiedType, start and end")
    func json() async throws {
        let rule = RuleSpecification.detectSensitiveInfo(mode: .live, deny: [.email, .secret])
        let data = try JSONEncoder().encode(rule)
        #expect(try JSONDecoder().decode(RuleSpecification.self, from: data) == rule)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["type"] as? String == "detectSensitiveInfo")
        #expect(object?["deny"] as? [String] == ["EMAIL", "SECRET"])

        let bulwark = try Bulwark(rules: [rule])
        let decision = await bulwark.protect(.get("/"), sensitiveInfoValue: "to ada@example.org")
        let reason = try JSONSerialization.jsonObject(with: JSONEncoder().encode(decision.reason)) as? [String: Any]
        #expect(reason?["type"] as? String == "SENSITIVE_INFO")
        let denied = reason?["denied"] as? [[String: Any]]
        #expect(denied?.first?["identifiedType"] as? String == "EMAIL")
        #expect(denied?.first?["start"] as? Int == 3)
        #expect(denied?.first?["end"] as? Int == 18)
        #expect(try JSONDecoder().decode(Reason.self, from: JSONEncoder().encode(decision.reason)) == decision.reason)
    }

    @Test("a bad configuration fails at start-up, naming the field")
    func configurationErrors() throws {
        let both = try configurationError(forRule: #"{"type": "detectSensitiveInfo", "allow": [], "deny": []}"#)
        #expect(both.field == "allow")
        let neither = try configurationError(forRule: #"{"type": "detectSensitiveInfo"}"#)
        #expect(neither.field == "allow")
        let unknown = try configurationError(
            forRule: #"{"type": "detectSensitiveInfo", "deny": ["EMAIL", "PASSPORT"]}"#
        )
        #expect(unknown.field == "deny[1]")
        #expect(unknown.message.contains("PASSPORT") && unknown.message.contains("detector"))
        let malformed = try configurationError(forRule: #"{"type": "detectSensitiveInfo", "deny": ["not a name"]}"#)
        #expect(malformed.field == "deny[0]")
        let wrongType = try configurationError(forRule: #"{"type": "detectSensitiveInfo", "deny": "EMAIL"}"#)
        #expect(wrongType.field == "deny")
        let limit = try configurationError(forRule: #"{"type": "detectSensitiveInfo", "deny": [], "maxBytes": 0}"#)
        #expect(limit.field == "maxBytes")
    }
}
