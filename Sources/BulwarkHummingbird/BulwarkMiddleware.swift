import Bulwark
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Hummingbird middleware that protects the routes behind it: a denied request gets 429 (rate limit)
/// or 403 with a JSON body naming the reason and the `RateLimit`, `RateLimit-Policy` and
/// `Retry-After` headers; an allowed one goes on (with the rate-limit headers too if you pass
/// `rateLimitHeaders: .always`).
///
/// ```swift
/// let router = Router(context: BasicRequestContext.self)
/// router.group("api")
///     .add(middleware: BulwarkMiddleware(bulwark, characteristics: { request, _ in
///         ["userId": request.headers[.authorization] ?? "anonymous"]
///     }))
/// ```
///
/// The client's address comes from a context that conforms to `RemoteAddressRequestContext`.
public struct BulwarkMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Values a route passes to `protect` for a request.
    public typealias Characteristics = @Sendable (Request, Context) -> [String: String]
    /// Units a request takes from rate limits.
    public typealias Requested = @Sendable (Request, Context) -> Int

    let bulwark: Bulwark
    let rateLimitHeaders: RateLimitHeaders.Policy
    let characteristics: Characteristics
    let requested: Requested
    let bodyLimit: Int

    /// Protects the routes behind it with `bulwark`.
    ///
    /// - Parameters:
    ///   - bulwark: The client.
    ///   - bodyLimit: How many bytes of the body rules may inspect (the body is collected up to
    ///     this size and stays readable by the route); 0 leaves the body alone.
    ///   - rateLimitHeaders: Whether allowed responses get the rate-limit headers too.
    ///   - characteristics: Custom characteristics' values for each request.
    ///   - requested: Units each request takes from rate limits.
    public init(
        _ bulwark: Bulwark,
        bodyLimit: Int = 0,
        rateLimitHeaders: RateLimitHeaders.Policy = .onDenial,
        characteristics: @escaping Characteristics = { _, _ in [:] },
        requested: @escaping Requested = { _, _ in 1 }
    ) {
        self.bulwark = bulwark
        self.bodyLimit = bodyLimit
        self.rateLimitHeaders = rateLimitHeaders
        self.requested = requested
        self.characteristics = characteristics
    }

    /// Decides, then refuses the request or passes it on.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var request = request
        let decision = await bulwark.protect(
            &request,
            context: context,
            bodyLimit: bodyLimit,
            requested: requested(request, context),
            characteristics: characteristics(request, context)
        )
        guard decision.isAllowed else { return Response(denying: decision) }
        var response = try await next(request, context)
        if rateLimitHeaders.onAllowed { RateLimitHeaders.append(to: &response.headers, for: decision) }
        return response
    }
}

extension Response {
    /// The refusal for a denied decision: its status (429 or 403), a JSON body naming the reason,
    /// and the rate-limit headers.
    public init(denying decision: Decision) {
        let body = (try? JSONEncoder().encode(decision.deniedBody)) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        RateLimitHeaders.append(to: &headers, for: decision)
        self.init(
            status: decision.deniedStatus,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
