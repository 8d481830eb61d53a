import Bulwark
import BulwarkHummingbird
import Hummingbird
import Logging
import NIOCore

/// The same Hummingbird app with and without Bulwark's middleware, for measuring the middleware's
/// cost under load: `MiddlewareOverheadServer [--protected] [--port N]`, then `wrk` against `/`.
struct PeerContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}

let arguments = CommandLine.arguments
let protected = arguments.contains("--protected")
let port = arguments.firstIndex(of: "--port").flatMap { Int(arguments[$0 + 1]) } ?? 8081

let router = Router(context: PeerContext.self)
if protected {
    // A limit no load test reaches, so every request is decided and allowed, as in production.
    let bulwark = try Bulwark(rules: [
        .tokenBucket(mode: .live, refillRate: 100_000_000, interval: .seconds(1), capacity: 1_000_000_000)
    ])
    router.add(middleware: BulwarkMiddleware(bulwark))
}
router.get("/") { _, _ in "Hello, world!" }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    logger: Logger(label: "overhead")
)
try await app.runService()
