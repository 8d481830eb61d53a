import BulwarkTesting
import Logging
import Synchronization
import Testing

@testable import Bulwark

@Suite("Rule failures in the log")
struct FailureLogThrottleTests {
    /// Warning lines, kept for the test to read.
    final class Lines: Sendable {
        let values = Mutex<[String]>([])

        struct Handler: LogHandler {
            let lines: Lines
            var metadata: Logger.Metadata = [:]
            var logLevel: Logger.Level = .warning

            subscript(metadataKey key: String) -> Logger.Metadata.Value? {
                get { metadata[key] }
                set { metadata[key] = newValue }
            }

            func log(event: LogEvent) {
                let notLogged = event.metadata?["notLogged"].map { "\($0)" } ?? "-"
                lines.values.withLock { $0.append("\(event.message) notLogged=\(notLogged)") }
            }
        }
    }

    @Test("a rule failing on every decision is logged once, then once a second with the count held back")
    func throttled() async throws {
        let lines = Lines()
        var options = BulwarkOptions()
        options.logger = Logger(label: "test") { _ in Lines.Handler(lines: lines) }
        let bulwark = try Bulwark(rules: [], customRules: [ScriptedRule.failing("flaky")], options: options)
        for _ in 0..<500 {
            let decision = await bulwark.protect(.get("/"))
            #expect(decision.hasError)
        }
        #expect(lines.values.withLock { $0 } == ["Bulwark rule failed notLogged=0"])
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
