import Bulwark
import BulwarkHummingbird
import Foundation
import Hummingbird
import NIOCore

/// The protected demo app: an AI-chat route with prompt-injection detection and a per-user token
/// budget, and a signup route with a
/// per-address sliding window.
enum DemoApp {
    struct ChatMessage: Decodable {
        let message: String
    }

    struct SignupForm: Decodable {
        let email: String
    }

    /// The chat route's client: Shield against request attacks, prompt-injection detection on the
    /// message, then a token bucket per user, sized in model tokens. It fails closed, so a request that names no user (the rule cannot key it) is
    /// refused, not waved through.
    static func chatBulwark(options: BulwarkOptions = BulwarkOptions()) throws -> Bulwark {
        var options = options
        options.failureMode = .closed
        return try Bulwark(
            rules: [
                .shield(mode: .live),
                .detectPromptInjection(mode: .live),
                .tokenBucket(
                    mode: .live,
                    characteristics: ["userId"],
                    refillRate: 200,
                    interval: .seconds(60),
                    capacity: 400,
                    id: "chat-tokens"
                ),
            ],
            options: options
        )
    }

    /// The signup route's client: Shield, then signup protection: no bots but curl (so that the
    /// walkthrough can be followed), at most 5 signups per address in any 10 minutes, and no invalid
    /// or disposable addresses. The demo runs offline, so it does not ask DNS for mail servers.
    static func signupBulwark(options: BulwarkOptions = BulwarkOptions()) throws -> Bulwark {
        try Bulwark(
            rules: [
                .shield(mode: .live),
                .protectSignup(
                    mode: .live,
                    rateLimit: SignupRateLimit(interval: .seconds(600), max: 5),
                    bots: .allow(["CURL"]),
                    email: .deny([.invalid, .disposable]),
                    id: "signup"
                ),
            ],
            options: options
        )
    }

    /// The articles route's client: every bot is denied except search engines and link previews,
    /// and curl so that the walkthrough can be followed. A client claiming a verifiable crawler
    /// (Googlebot, Bingbot, …) must come from its operator's published ranges or be denied as
    /// spoofed. The demo trusts loopback as its proxy, so `X-Forwarded-For` can stand in for a
    /// client's address in the walkthrough.
    static func articlesBulwark(options: BulwarkOptions = BulwarkOptions()) throws -> Bulwark {
        try Bulwark(
            rules: [.detectBot(mode: .live, allow: [.category(.searchEngine), .category(.preview), "CURL"])],
            proxies: ["127.0.0.1", "::1"],
            options: options
        )
    }

    /// A rough count of model tokens in a message: about four characters each.
    static func estimatedTokens(_ text: String) -> Int { max(1, text.utf8.count / 4) }

    static func router(chat: Bulwark, signup: Bulwark, articles: Bulwark) -> Router<BulwarkRequestContext> {
        let router = Router(context: BulwarkRequestContext.self)
        router.get("/") { _, _ in
            "Bulwark demo: POST /chat {\"message\": …} with x-user-id, POST /signup {\"email\": …}, GET /articles\n"
        }
        router.post("/chat") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            let message =
                (try? JSONDecoder().decode(ChatMessage.self, from: Data(buffer: body)))?.message ?? ""
            var characteristics: [String: String] = [:]
            if let user = request.headers[.init("x-user-id")!] { characteristics["userId"] = user }
            let decision = await chat.protect(
                &request,
                context: context,
                bodyLimit: 64 * 1024,
                requested: estimatedTokens(message),
                characteristics: characteristics,
                detectPromptInjectionMessage: message
            )
            guard decision.isAllowed else {
                return Response(denying: decision)
            }
            let reply = #"{"reply":"You said \#(message.count) characters.","decision":"\#(decision.id)"}"#
            var headers = RateLimitHeaders.fields(for: decision)
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: reply)))
        }
        router.post("/signup") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            let email = (try? JSONDecoder().decode(SignupForm.self, from: Data(buffer: body)))?.email ?? ""
            let decision = await signup.protect(&request, context: context, bodyLimit: 64 * 1024, email: email)
            guard decision.isAllowed else {
                return Response(denying: decision)
            }
            var headers = RateLimitHeaders.fields(for: decision)
            headers[.contentType] = "application/json"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"welcome"}"#))
            )
        }
        router.group("/articles")
            .add(middleware: BulwarkMiddleware(articles))
            .get { _, _ in #"{"articles":["Shield","Bots","Rate limits"]}"# }
        return router
    }

    /// The commands that show an ALLOW, a 429 and a 403 against a demo on `base`.
    static func walkthrough(base: String) -> String {
        """
        Bulwark demo listening on \(base)

          ALLOW: a chat message within alice's token budget
            curl -i -X POST \(base)/chat -H 'x-user-id: alice' -d '{"message": "Hello, how are you?"}'

          403: a signup with a disposable address (the reason says EMAIL, DISPOSABLE)
            curl -i -X POST \(base)/signup -d '{"email": "someone@mailinator.com"}'

          429: the sixth signup from one address within ten minutes (the one above counted too)
            for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%{http_code}\\n' -X POST \(base)/signup -d '{"email": "ada@example.org"}'; done

          403: a chat request that names no user; the chat route fails closed
            curl -i -X POST \(base)/chat -d '{"message": "Hello"}'

          403: Shield denies a SQL injection (the reason says SQLI, at body.json.message)
            curl -i -X POST \(base)/chat -H 'x-user-id: bob' -d '{"message": "x'"'"' union select password from users--"}'

          403: a scripted client on the articles route (the reason says BOT, denied PYTHON_REQUESTS)
            curl -i \(base)/articles -A 'python-requests/2.32.3'

          ALLOW: Googlebot from Google's published ranges, verified (the demo trusts loopback as a
          proxy, so X-Forwarded-For stands in for the crawler's address)
            curl -i \(base)/articles -A 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' -H 'x-forwarded-for: \(verifiedGooglebotAddress)'

          403: the same user agent from anywhere else is a spoofed Googlebot
            curl -i \(base)/articles -A 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' -H 'x-forwarded-for: 203.0.113.9'

        Press Ctrl-C to stop.
        """
    }

    /// An address in Google's published Googlebot ranges, for the walkthrough.
    static let verifiedGooglebotAddress = "66.249.66.1"
}
