import BulwarkTesting
import Testing

@testable import Bulwark

@Suite("Rule failures in the log")
struct FailureLogThrottleTests {
    @Test("a rule failing on every decision is logged once, then once a second with the count held back")
    func throttled() async throws {
        let logs = CapturedLogs()
        var options = BulwarkOptions()
        options.logger = logs.logger(level: .warning)
        let bulwark = try Bulwark(rules: [], customRules: [ScriptedRule.failing("flaky")], options: options)
        for _ in 0..<500 {
            let decision = await bulwark.protect(.get("/"))
            #expect(decision.hasError)
        }
        let records = logs.records
        #expect(records.map(\.message) == ["Bulwark rule failed"])
        #expect(records.first?.metadata["notLogged"] == "0")
    }

    @Test("the throttle: first at once, then at most once an interval, counting what it held back, per key")
    func counts() async throws {
        let throttle = FailureLogThrottle(interval: .milliseconds(50))
        #expect(throttle.admit("a") == 0)
        #expect(throttle.admit("a") == nil)
        #expect(throttle.admit("a") == nil)
        #expect(throttle.admit("b") == 0)
        try await Task.sleep(for: .milliseconds(60))
        #expect(throttle.admit("a") == 2)
        #expect(throttle.admit("a") == nil)
    }
}
