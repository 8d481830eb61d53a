import Bulwark
import Foundation
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    func decode(_ json: String) throws -> BulwarkConfiguration {
        try JSONDecoder().decode(BulwarkConfiguration.self, from: Data(json.utf8))
    }

    @Test("the contract's rate-limit rules decode, with intervals as numbers or duration strings")
    func decodesContract() throws {
        let configuration = try decode(
            """
            {"rules": [
              {"type": "tokenBucket", "mode": "LIVE", "characteristics": ["userId"], "refillRate": 100, "interval": 60, "capacity": 1000},
              {"type": "fixedWindow", "mode": "LIVE", "window": "1h30m", "max": 100},
              {"type": "slidingWindow", "mode": "DRY_RUN", "interval": 60, "max": 100}
            ], "proxies": ["10.0.0.0/8"]}
            """
        )
        #expect(configuration.rules.map(\.type) == ["tokenBucket", "fixedWindow", "slidingWindow"])
        #expect(configuration.rules[2].mode == .dryRun)
        #expect(configuration.proxies == ["10.0.0.0/8"])
        _ = try Bulwark(configuration: configuration)
        let encoded = try JSONEncoder().encode(configuration)
        #expect(try JSONDecoder().decode(BulwarkConfiguration.self, from: encoded) == configuration)
    }

    @Test(
        "invalid rules fail at start-up, naming the rule and the field",
        arguments: [
            (
                #"{"rules":[{"type":"tokenBucket","mode":"LIVE","refillRate":-5,"interval":60,"capacity":10}]}"#,
                "rule 0 (tokenBucket), field 'refillRate': must be greater than zero, got -5"
            ),
            (
                #"{"rules":[{"type":"fixedWindow","mode":"LIVE","window":60,"max":1},{"type":"fixedWindow","mode":"LIVE","window":60,"max":0}]}"#,
                "rule 1 (fixedWindow), field 'max': must be greater than zero, got 0"
            ),
            (
                #"{"rules":[{"type":"slidingWindow","mode":"LIVE","interval":-1,"max":3}]}"#,
                "rule 0 (slidingWindow), field 'interval': must be a positive number of seconds, got -1.0"
            ),
            (
                #"{"rules":[{"type":"slidingWindow","mode":"LIVE","interval":"soon","max":3}]}"#,
                #"rule 0 (slidingWindow), field 'interval': expected a duration such as "30s", "15m", "1h30m" or "1d", got "soon""#
            ),
            (
                #"{"rules":[{"type":"tokenBucket","mode":"LIVE","interval":60,"capacity":10}]}"#,
                "rule 0 (tokenBucket), field 'refillRate': is required"
            ),
            (
                #"{"rules":[{"type":"tokenBucket","mode":"LIVE","refillRate":"ten","interval":60,"capacity":10}]}"#,
                "rule 0 (tokenBucket), field 'refillRate': expected an integer"
            ),
            (
                #"{"rules":[{"type":"fixedWindow","mode":"SOMETIMES","window":60,"max":1}]}"#,
                #"rule 0 (fixedWindow), field 'mode': must be "LIVE" or "DRY_RUN", got "SOMETIMES""#
            ),
            (
                #"{"rules":[{"type":"teleport","mode":"LIVE"}]}"#,
                #"rule 0 (teleport), field 'type': unknown rule type "teleport"; known types are detectBot, detectPromptInjection, detectSensitiveInfo, filter, protectSignup, shield, tokenBucket, fixedWindow, slidingWindow, validateEmail"#
            ),
            (#"{"rules":[{"mode":"LIVE"}]}"#, "rule 0, field 'type': is required"),
            (
                #"{"rules":[{"type":"fixedWindow","mode":"LIVE","window":60,"max":1,"characteristics":["http.request.headers[x]"]}]}"#,
                #"rule 0 (fixedWindow), field 'characteristics[0]': characteristic 'http.request.headers[x]': expected http.request.headers["name"] with a non-empty name"#
            ),
            (
                #"{"rules":[{"type":"fixedWindow","mode":"LIVE","window":60,"max":1,"characteristics":["ip.country"]}]}"#,
                "rule 0 (fixedWindow), field 'characteristics[0]': characteristic 'ip.country': unknown well-known characteristic"
            ),
            (
                #"{"rules":[{"type":"fixedWindow","mode":"LIVE","window":60,"max":1,"characteristics":["user id"]}]}"#,
                "rule 0 (fixedWindow), field 'characteristics[0]': characteristic 'user id': a custom characteristic uses only"
            ),
            (
                #"{"rules":[{"type":"fixedWindow","mode":"LIVE","window":60,"max":1},{"type":"fixedWindow","mode":"LIVE","window":60,"max":1}]}"#,
                "rule 1 (fixedWindow), field 'id': rule 0 has the same id"
            ),
            (
                #"{"rules":[], "proxies": ["10.0.0.0/8", "banana"]}"#,
                "field 'proxies[1]': entry 1 ('banana') is not an IP address or CIDR block"
            ),
            (#"{"rules":[], "platform": "heroku"}"#, "field 'platform': unknown platform 'heroku'"),
            (#"{"proxies": []}"#, "field 'rules': is required"),
            (#"[1, 2]"#, "the rules document must be a JSON object"),
            (#"{"rules": [42]}"#, "rule 0: a rule must be a JSON object"),
        ]
    )
    func rejects(json: String, message: String) throws {
        let error = try configurationError(document: json)
        #expect(error.description.hasPrefix(message), "\(error.description)")
    }

    @Test("rules built in code are checked the same way")
    func codeRulesChecked() {
        #expect(throws: BulwarkConfigurationError.self) {
            try Bulwark(rules: [.tokenBucket(mode: .live, refillRate: 0, interval: .seconds(1), capacity: 1)])
        }
        #expect(throws: BulwarkConfigurationError.self) {
            try Bulwark(rules: [.fixedWindow(mode: .live, window: .zero, max: 1)])
        }
        #expect(throws: BulwarkConfigurationError.self) {
            try Bulwark(rules: [.slidingWindow(mode: RuleMode(rawValue: "live"), interval: .seconds(1), max: 1)])
        }
        #expect(throws: BulwarkConfigurationError.self) {
            try Bulwark(rules: [.fixedWindow(mode: .live, characteristics: [""], window: .seconds(1), max: 1)])
        }
    }

    @Test("an explicit id lets two otherwise identical rules coexist")
    func explicitIDs() throws {
        _ = try Bulwark(rules: [
            .fixedWindow(mode: .live, window: .seconds(60), max: 1, id: "burst"),
            .fixedWindow(mode: .live, window: .seconds(60), max: 1, id: "sustained"),
        ])
    }

    @Test("derived rule ids are stable across processes and differ by configuration")
    func derivedIDs() async throws {
        let a = try Bulwark(rules: [.fixedWindow(mode: .live, window: .seconds(60), max: 1)])
        let b = try Bulwark(rules: [.fixedWindow(mode: .live, window: .seconds(60), max: 2)])
        let idA = await a.protect(.init(remoteAddress: "8.8.8.8")).results[0].ruleId
        let idA2 = await a.protect(.init(remoteAddress: "8.8.8.8")).results[0].ruleId
        let idB = await b.protect(.init(remoteAddress: "8.8.8.8")).results[0].ruleId
        #expect(idA == idA2 && idA != idB)
        #expect(idA == "fixedWindow_" + idA.dropFirst("fixedWindow_".count) && idA.count == "fixedWindow_".count + 16)
    }
}
