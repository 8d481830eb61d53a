import Bulwark
import BulwarkHummingbird
import Hummingbird
import Logging
import NIOCore

// The same Hummingbird app with and without Bulwark's middleware, for measuring the middleware's
// cost under load: `MiddlewareOverheadServer [--protected [--always-headers] | --decide-only | --noop]
// [--port N]`, then `wrk` against `/` (see scripts/middleware-overhead.sh). `--decide-only` decides
// every request but adds nothing to the response; `--noop` adds a middleware that does nothing.

let arguments = CommandLine.arguments
let protected = arguments.contains("--protected")
let decideOnly = arguments.contains("--decide-only")
let noop = arguments.contains("--noop")
let alwaysHeaders = arguments.contains("--always-headers")
let port = arguments.firstIndex(of: "--port").flatMap { Int(arguments[$0 + 1]) } ?? 8081

let router = Router(context: BulwarkRequestContext.self)
// A limit no load test reaches, so every request is decided and allowed, as in production.
let bulwark = try Bulwark(rules: [
    .tokenBucket(mode: .live, refillRate: 100_000_000, interval: .seconds(1), capacity: 1_000_000_000)
])
if protected {
    router.add(middleware: BulwarkMiddleware(bulwark, rateLimitHeaders: alwaysHeaders ? .always : .onDenial))
} else if noop {
    router.add(middleware: NoopMiddleware())
} else if decideOnly {
    router.add(
        middleware: DecideOnlyMiddleware(bulwark: bulwark)
    )
}
router.get("/") { _, _ in "Hello, world!" }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    logger: Logger(label: "overhead")
)
try await app.runService()

/// Passes every request on: the cost of any middleware at all, the floor for Bulwark's.
struct NoopMiddleware: RouterMiddleware {
    func handle(
        _ request: Request,
        context: BulwarkRequestContext,
        next: (Request, BulwarkRequestContext) async throws -> Response
    ) async throws -> Response {
        try await next(request, context)
    }
}

/// Decides and passes every allowed request on, adding nothing to the response.
struct DecideOnlyMiddleware: RouterMiddleware {
    let bulwark: Bulwark

    func handle(
        _ request: Request,
        context: BulwarkRequestContext,
        next: (Request, BulwarkRequestContext) async throws -> Response
    ) async throws -> Response {
        var request = request
        let decision = await bulwark.protect(&request, context: context)
        guard decision.isAllowed else { return Response(denying: decision) }
        return try await next(request, context)
    }
}
