import Bulwark
import HTTPTypes

extension BulwarkRequest {
    /// A GET request from a client address, for tests: `BulwarkRequest.get("/chat", from: "203.0.113.7")`.
    public static func get(
        _ path: String,
        from remoteAddress: String? = "203.0.113.7",
        headers: HTTPFields = [:],
        host: String = "example.com"
    ) -> BulwarkRequest {
        BulwarkRequest(method: .get, authority: host, path: path, headers: headers, remoteAddress: remoteAddress)
    }

    /// A POST request with a UTF-8 body, for tests.
    public static func post(
        _ path: String,
        body: String,
        contentType: String = "application/json",
        from remoteAddress: String? = "203.0.113.7",
        headers: HTTPFields = [:],
        host: String = "example.com"
    ) -> BulwarkRequest {
        var fields = headers
        fields[.contentType] = contentType
        return BulwarkRequest(
            method: .post,
            authority: host,
            path: path,
            headers: fields,
            remoteAddress: remoteAddress,
            body: Array(body.utf8)
        )
    }

    /// The same request with an `X-Forwarded-For` header listing the hops, client first.
    public func forwarded(for hops: String...) -> BulwarkRequest {
        var copy = self
        copy.head.headerFields[HTTPField.Name("x-forwarded-for")!] = hops.joined(separator: ", ")
        return copy
    }
}
