import Bulwark
import Foundation
import Vapor

/// Vapor middleware that protects the routes behind it: a denied request gets 429 (rate limit) or
/// 403 with a JSON body naming the reason and the `RateLimit`, `RateLimit-Policy` and `Retry-After`
/// headers; an allowed one goes on (with the rate-limit headers too if you pass
/// `rateLimitHeaders: .always`).
///
/// ```swift
/// let protected = app.grouped(BulwarkVaporMiddleware(bulwark) { req in
///     ["userId": req.headers.first(name: "x-user-id") ?? "anonymous"]
/// })
/// protected.post("chat") { req in … }
/// ```
public struct BulwarkVaporMiddleware: AsyncMiddleware {
    /// Units a request takes from rate limits.
    public typealias Requested = @Sendable (Vapor.Request) -> Int
    /// Values of custom characteristics for a request.
    public typealias Characteristics = @Sendable (Vapor.Request) -> [String: String]

    let bulwark: Bulwark
    let rateLimitHeaders: RateLimitHeaders.Policy
    let requested: Requested
    let characteristics: Characteristics

    /// Protects the routes behind it with `bulwark`; `rateLimitHeaders` says whether allowed
    /// responses get the rate-limit headers too.
    public init(
        _ bulwark: Bulwark,
        rateLimitHeaders: RateLimitHeaders.Policy = .onDenial,
        characteristics: @escaping Characteristics = { _ in [:] },
        requested: @escaping Requested = { _ in 1 }
    ) {
        self.bulwark = bulwark
        self.rateLimitHeaders = rateLimitHeaders
        self.requested = requested
        self.characteristics = characteristics
    }

    /// Decides, then refuses the request or passes it on.
    public func respond(to request: Vapor.Request, chainingTo next: any AsyncResponder) async throws -> Vapor.Response {
        let decision = await bulwark.protect(
            request,
            requested: requested(request),
            characteristics: characteristics(request)
        )
        guard decision.isAllowed else { return Vapor.Response(denying: decision) }
        let response = try await next.respond(to: request)
        guard rateLimitHeaders.onAllowed else { return response }
        for field in RateLimitHeaders.fields(for: decision) {
            response.headers.replaceOrAdd(name: field.name.rawName, value: field.value)
        }
        return response
    }
}

extension Vapor.Response {
    /// The refusal for a denied decision: its status (429 or 403), a JSON body naming the reason,
    /// and the rate-limit headers.
    public convenience init(denying decision: Decision) {
        var headers = HTTPHeaders()
        headers.contentType = .json
        for field in RateLimitHeaders.fields(for: decision) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        let body = (try? JSONEncoder().encode(decision.deniedBody)) ?? Data("{}".utf8)
        self.init(
            status: HTTPResponseStatus(statusCode: decision.deniedStatus.code),
            headers: headers,
            body: .init(data: body)
        )
    }
}
