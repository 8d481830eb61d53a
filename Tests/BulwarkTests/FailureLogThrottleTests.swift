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
        let started = ContinuousClock.now
        for _ in 0..<500 {
            let decision = await bulwark.protect(.get("/"))
            #expect(decision.hasError)
        }
        // The loop takes milliseconds, but a busy machine may stretch it past a second.
        let seconds = Int((started.duration(to: .now) / .seconds(1)).rounded(.down))
        let records = logs.records
        #expect(records.allSatisfy { $0.message == "Bulwark rule failed" }, "\(records)")
        #expect((1...(1 + seconds)).contains(records.count), "\(records.count) lines in \(seconds) s")
        #expect(records.first?.metadata["notLogged"] == "0")
    }

    @Test("the throttle: first at once, then at most once an interval, counting what it held back, per key")
    func counts() {
        let throttle = FailureLogThrottle(interval: .milliseconds(50))
        let start = ContinuousClock.now
        #expect(throttle.admit("a", now: start) == 0)
        #expect(throttle.admit("a", now: start + .milliseconds(10)) == nil)
        #expect(throttle.admit("a", now: start + .milliseconds(49)) == nil)
        #expect(throttle.admit("b", now: start + .milliseconds(49)) == 0)
        #expect(throttle.admit("a", now: start + .milliseconds(60)) == 2)
        #expect(throttle.admit("a", now: start + .milliseconds(70)) == nil)
        #expect(throttle.admit("b", now: start + .milliseconds(70)) == nil)
        #expect(throttle.admit("b", now: start + .milliseconds(99)) == 1)
    }
}
