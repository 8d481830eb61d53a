import Bulwark
import HTTPTypes
import Vapor

extension BulwarkRequest {
    /// A Bulwark request from a Vapor request: method, URL, headers, the socket's peer address, and
    /// the body if Vapor has already collected it.
    public init(_ request: Vapor.Request) {
        var fields = HTTPFields()
        fields.reserveCapacity(request.headers.count)
        for (name, value) in request.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        let path = request.url.path.isEmpty ? "/" : request.url.path
        self.init(
            method: HTTPRequest.Method(request.method.rawValue) ?? .get,
            scheme: request.url.scheme ?? "http",
            authority: request.headers.first(name: .host),
            path: request.url.query.map { path + "?" + $0 } ?? path,
            headers: fields,
            body: request.body.data.map { Array($0.readableBytesView) }
        )
        self.remoteAddress = request.remoteAddress?.withSockAddr { pointer, _ in IPAddress(sockaddr: pointer) }
    }
}

extension Bulwark {
    /// Decides for a Vapor request inside a route handler.
    ///
    /// ```swift
    /// app.post("chat") { req async throws -> Response in
    ///     let decision = await bulwark.protect(req, requested: 5, characteristics: ["userId": userID])
    ///     guard decision.isAllowed else { return Response(denying: decision) }
    ///     …
    /// }
    /// ```
    public func protect(
        _ request: Vapor.Request,
        requested: Int = 1,
        characteristics: [String: String] = [:],
        email: String? = nil,
        sensitiveInfoValue: String? = nil,
        detectPromptInjectionMessage: String? = nil,
        filterLocal: [String: String] = [:],
        ipSrc: String? = nil,
        metadata: [String: String] = [:]
    ) async -> Decision {
        await protect(
            BulwarkRequest(request),
            requested: requested,
            characteristics: characteristics,
            email: email,
            sensitiveInfoValue: sensitiveInfoValue,
            detectPromptInjectionMessage: detectPromptInjectionMessage,
            filterLocal: filterLocal,
            ipSrc: ipSrc,
            metadata: metadata
        )
    }
}
