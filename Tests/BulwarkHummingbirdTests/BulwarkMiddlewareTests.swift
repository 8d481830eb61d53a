import Bulwark
import BulwarkHummingbird
import BulwarkTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Records what a rule saw, to check what the adapter passed on.
final class Recorder: Sendable {
    private let seen = Mutex<[String]>([])
    func record(_ value: String) { seen.withLock { $0.append(value) } }
    var values: [String] { seen.withLock { $0 } }
}

struct RecordingRule: Rule {
    let id = "recorder"
    let type = "recording"
    let mode = RuleMode.live
    let cost = RuleCost.trivial
    let characteristics: [Characteristic]? = nil
    let recorder: Recorder

    func evaluate(_ context: RuleContext, fingerprint: String?) async throws -> RuleOutcome {
        let body = context.request.body.map { String(decoding: $0, as: UTF8.self) } ?? "<none>"
        recorder.record(
            "\(context.clientIP?.description ?? "?") \(context.request.path) \(body) \(context.characteristics["userId"] ?? "-")"
        )
        return RuleOutcome(conclusion: .allow, reason: .none)
    }
}

@Suite("Hummingbird middleware")
struct BulwarkMiddlewareTests {
    let xff = HTTPField.Name("x-forwarded-for")!

    func app(_ router: Router<BulwarkRequestContext>) -> some ApplicationProtocol {
        Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test("allows within the limit with RateLimit headers, then answers 429 with a JSON reason")
    func rateLimited() async throws {
        // A stopped clock: on the system clock, a run that crosses the hour would split the window.
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, window: .seconds(3600), max: 2, id: "per-ip")],
            options: BulwarkOptions(clock: ManualClock())
        )
        let router = Router(context: BulwarkRequestContext.self)
        router.group("api").add(middleware: BulwarkMiddleware(bulwark, rateLimitHeaders: .always)).get("hello") {
            _,
            _ in "hi"
        }
        router.group("quiet").add(middleware: BulwarkMiddleware(bulwark)).get("hello") { _, _ in "hi" }
        router.get("open") { _, _ in "open" }
        try await app(router).test(.live) { client in
            for remaining in [1, 0] {
                try await client.execute(uri: "/api/hello", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[RateLimitHeaders.rateLimitPolicy] == #""per-ip";q=2;w=3600"#)
                    #expect(
                        response.headers[RateLimitHeaders.rateLimit]?.hasPrefix(#""per-ip";r=\#(remaining);"#) == true
                    )
                }
            }
            try await client.execute(uri: "/api/hello", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.retryAfter] != nil)
                let body = try JSONDecoder().decode(DeniedResponseBody.self, from: Data(buffer: response.body))
                #expect(body.reason.rateLimit?.remaining == 0)
                #expect(body.decisionId.hasPrefix("lreq_"))
            }
            try await client.execute(uri: "/open", method: .get) { response in
                #expect(response.status == .ok)  // routes outside the group are not limited
            }
        }
    }

    @Test("by default only refusals carry the rate-limit headers")
    func headersOnDenialByDefault() async throws {
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, window: .seconds(3600), max: 1, id: "one")],
            options: BulwarkOptions(clock: ManualClock())
        )
        let router = Router(context: BulwarkRequestContext.self)
        router.add(middleware: BulwarkMiddleware(bulwark))
        router.get("hello") { _, _ in "hi" }
        try await app(router).test(.live) { client in
            try await client.execute(uri: "/hello", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[RateLimitHeaders.rateLimit] == nil)
            }
            try await client.execute(uri: "/hello", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[RateLimitHeaders.rateLimit]?.hasPrefix(#""one";r=0;t="#) == true)
                #expect(response.headers[RateLimitHeaders.rateLimitPolicy] == #""one";q=1;w=3600"#)
                #expect(response.headers[.retryAfter] != nil)
            }
        }
    }

    @Test("answers 403 when the decision denies for another reason")
    func forbidden() async throws {
        var options = BulwarkOptions()
        options.failureMode = .closed
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, characteristics: ["userId"], window: .seconds(60), max: 5)],
            options: options
        )
        let router = Router(context: BulwarkRequestContext.self)
        router.add(
            middleware: BulwarkMiddleware(bulwark) { request, _ in
                request.headers[.init("x-user-id")!].map { ["userId": $0] } ?? [:]
            }
        )
        router.get("me") { _, _ in "me" }
        try await app(router).test(.live) { client in
            try await client.execute(uri: "/me", method: .get) { response in
                #expect(response.status == .forbidden)
                let body = try JSONDecoder().decode(DeniedResponseBody.self, from: Data(buffer: response.body))
                #expect(body.reason.error?.message.contains("userId") == true)
            }
            try await client.execute(uri: "/me", method: .get, headers: [.init("x-user-id")!: "u1"]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("the peer is the client over a real socket; X-Forwarded-For only counts from a trusted proxy")
    func clientAddress() async throws {
        let recorder = Recorder()
        let untrusted = try Bulwark(rules: [], customRules: [RecordingRule(recorder: recorder)])
        let trusted = try Bulwark(rules: [], customRules: [RecordingRule(recorder: recorder)], proxies: ["127.0.0.1"])
        let router = Router(context: BulwarkRequestContext.self)
        router.group("untrusted").add(middleware: BulwarkMiddleware(untrusted)).get { _, _ in "ok" }
        router.group("trusted").add(middleware: BulwarkMiddleware(trusted)).get { _, _ in "ok" }
        try await app(router).test(.live) { client in
            _ = try await client.execute(uri: "/untrusted", method: .get, headers: [xff: "8.8.8.8"])
            _ = try await client.execute(uri: "/trusted", method: .get, headers: [xff: "6.6.6.6, 8.8.8.8"])
        }
        #expect(recorder.values == ["127.0.0.1 /untrusted <none> -", "8.8.8.8 /trusted <none> -"])
    }

    @Test("protect inside a handler sees the body and user values, and the handler can still read the body")
    func protectInHandler() async throws {
        let recorder = Recorder()
        let bulwark = try Bulwark(rules: [], customRules: [RecordingRule(recorder: recorder)])
        let router = Router(context: BulwarkRequestContext.self)
        router.post("chat") { request, context -> String in
            var request = request
            let decision = await bulwark.protect(
                &request,
                context: context,
                bodyLimit: 1024,
                characteristics: ["userId": "alice"]
            )
            let body = try await request.body.collect(upTo: 1024)
            return "\(decision.conclusion) \(String(buffer: body))"
        }
        try await app(router).test(.live) { client in
            try await client.execute(uri: "/chat", method: .post, body: ByteBuffer(string: #"{"message":"hi"}"#)) {
                response in
                #expect(String(buffer: response.body) == #"ALLOW {"message":"hi"}"#)
            }
        }
        #expect(recorder.values == [#"127.0.0.1 /chat {"message":"hi"} alice"#])
    }
}
