import Bulwark
import BulwarkTesting
import BulwarkVapor
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@Suite("Vapor middleware")
struct BulwarkVaporMiddlewareTests {
    @Test("allows within the limit with RateLimit headers, then answers 429 with a JSON reason")
    func rateLimited() async throws {
        let bulwark = try Bulwark(
            rules: [
                .fixedWindow(mode: .live, characteristics: ["userId"], window: .seconds(3600), max: 2, id: "per-user")
            ],
            // A stopped clock: on the system clock, a run that crosses the hour would split the window.
            options: BulwarkOptions(clock: ManualClock())
        )
        try await withApp { app in
            app.grouped(
                BulwarkVaporMiddleware(bulwark, rateLimitHeaders: .always) { req in
                    ["userId": req.headers.first(name: "x-user-id") ?? "anon"]
                }
            )
            .get("hello") { _ in "hi" }
            let headers: HTTPHeaders = ["x-user-id": "alice"]
            for remaining in [1, 0] {
                try await app.testing().test(.GET, "hello", headers: headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers.first(name: "RateLimit-Policy") == #""per-user";q=2;w=3600"#)
                    #expect(
                        response.headers.first(name: "RateLimit")?.hasPrefix(#""per-user";r=\#(remaining);"#) == true
                    )
                }
            }
            try await app.testing().test(.GET, "hello", headers: headers) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers.first(name: "Retry-After") != nil)
                #expect(response.headers.first(name: "RateLimit")?.hasPrefix(#""per-user";r=0;"#) == true)
                let body = try JSONDecoder().decode(
                    DeniedResponseBody.self,
                    from: Data(response.body.readableBytesView)
                )
                #expect(body.reason.type == .rateLimit)
            }
            try await app.testing().test(.GET, "hello", headers: ["x-user-id": "bob"]) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("answers 403 for a non-rate-limit denial, over a real socket")
    func forbiddenOverSocket() async throws {
        let bulwark = try Bulwark(
            rules: [.fixedWindow(mode: .live, characteristics: ["userId"], window: .seconds(60), max: 5)],
            options: BulwarkOptions(failureMode: .closed)
        )
        try await withApp { app in
            app.grouped(BulwarkVaporMiddleware(bulwark)).get("me") { _ in "me" }
            try await app.testing(method: .running(port: 0)).test(.GET, "me") { response in
                #expect(response.status == .forbidden)
                let body = try JSONDecoder().decode(
                    DeniedResponseBody.self,
                    from: Data(response.body.readableBytesView)
                )
                #expect(body.reason.type == .error)
            }
        }
    }

    @Test("a Vapor request converts with method, path, query, headers, body and peer")
    func conversion() async throws {
        try await withApp { app in
            let request = Request(
                application: app,
                method: .POST,
                url: URI(string: "/chat?model=small"),
                headers: ["Host": "api.example.com", "User-Agent": "curl/8"],
                collectedBody: ByteBuffer(string: "hello"),
                remoteAddress: try SocketAddress(ipAddress: "203.0.113.9", port: 4000),
                on: app.eventLoopGroup.next()
            )
            let converted = BulwarkRequest(request)
            #expect(converted.method == .post)
            #expect(converted.path == "/chat")
            #expect(converted.query == "model=small")
            #expect(converted.host == "api.example.com")
            #expect(converted.headers[.userAgent] == "curl/8")
            #expect(converted.body == Array("hello".utf8))
            #expect(converted.remoteAddress == IPAddress("203.0.113.9"))
        }
    }
}
