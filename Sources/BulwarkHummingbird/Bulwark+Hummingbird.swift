import Bulwark
import Hummingbird
import NIOCore

extension BulwarkRequest {
    /// A Bulwark request from a Hummingbird request; the peer address comes from a context that
    /// conforms to `RemoteAddressRequestContext`.
    public init(_ request: Request, context: some RequestContext, body: ByteBuffer? = nil) {
        let peer = (context as? any RemoteAddressRequestContext)?.remoteAddress
        self.init(
            head: request.head,
            remoteAddress: peer?.withSockAddr { pointer, _ in IPAddress(sockaddr: pointer) },
            body: body.map { Array($0.readableBytesView) }
        )
    }
}

extension Bulwark {
    /// Decides for a Hummingbird request inside a handler.
    ///
    /// With a `bodyLimit`, the body is collected (up to that many bytes) for the rules to inspect
    /// and stays readable by the handler afterwards. A body whose `Content-Length` is over the limit
    /// is left alone and not inspected; a chunked body over the limit fails to collect, as it would
    /// for the handler, and is not inspected either.
    ///
    /// ```swift
    /// router.post("chat") { request, context in
    ///     var request = request
    ///     let decision = await bulwark.protect(&request, context: context, requested: 5,
    ///                                          characteristics: ["userId": userID])
    ///     guard decision.isAllowed else { return Response(denying: decision) }
    ///     …
    /// }
    /// ```
    public func protect<Context: RequestContext>(
        _ request: inout Request,
        context: Context,
        bodyLimit: Int = 0,
        requested: Int = 1,
        characteristics: [String: String] = [:],
        email: String? = nil,
        sensitiveInfoValue: String? = nil,
        detectPromptInjectionMessage: String? = nil,
        filterLocal: [String: String] = [:],
        ipSrc: String? = nil,
        metadata: [String: String] = [:]
    ) async -> Decision {
        var body: ByteBuffer?
        let declaredLength = request.headers[.contentLength].flatMap { Int($0) } ?? 0
        if bodyLimit > 0, declaredLength <= bodyLimit {
            body = try? await request.collectBody(upTo: bodyLimit)
        }
        return await protect(
            BulwarkRequest(request, context: context, body: body),
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
