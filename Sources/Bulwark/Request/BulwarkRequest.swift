import HTTPTypes

/// A framework-neutral HTTP request: what Bulwark inspects to decide.
///
/// The framework adapters build one from a Hummingbird or Vapor request; build one yourself for any
/// other server.
///
/// ```swift
/// let request = BulwarkRequest(
///     method: .post, path: "/chat?model=small", authority: "api.example.com",
///     headers: [.userAgent: "curl/8.5.0"], remoteAddress: "203.0.113.7"
/// )
/// ```
public struct BulwarkRequest: Sendable {
    /// The request line and headers.
    public var head: HTTPRequest
    /// The address of the peer that opened the connection (a proxy, when there is one).
    public var remoteAddress: IPAddress?
    /// The body, when the caller collected it.
    public var body: [UInt8]?

    /// A request from an HTTPTypes request head.
    public init(head: HTTPRequest, remoteAddress: IPAddress?, body: [UInt8]? = nil) {
        self.head = head
        self.remoteAddress = remoteAddress
        self.body = body
    }

    /// A request from its parts; an unparseable `remoteAddress` is treated as unknown.
    public init(
        method: HTTPRequest.Method = .get,
        scheme: String? = "https",
        authority: String? = nil,
        path: String = "/",
        headers: HTTPFields = [:],
        remoteAddress: String? = nil,
        body: [UInt8]? = nil
    ) {
        self.head = HTTPRequest(method: method, scheme: scheme, authority: authority, path: path, headerFields: headers)
        self.remoteAddress = remoteAddress.flatMap { IPAddress($0) }
        self.body = body
    }

    /// The request method.
    public var method: HTTPRequest.Method { head.method }

    /// The headers.
    public var headers: HTTPFields { head.headerFields }

    private static let hostField = HTTPField.Name("host")!

    /// The host: the authority of the request line, or the `Host` header, without a port.
    public var host: String? {
        guard let authority = head.authority ?? head.headerFields[Self.hostField] else { return nil }
        if authority.hasPrefix("[") {
            return authority.firstIndex(of: "]").map { String(authority[...$0]) } ?? authority
        }
        return authority.split(separator: ":", maxSplits: 1).first.map(String.init) ?? authority
    }

    /// The path, without the query.
    public var path: String {
        guard let full = head.path else { return "/" }
        return full.firstIndex(of: "?").map { String(full[..<$0]) } ?? full
    }

    /// The raw query string (after `?`), or `nil` when there is none.
    public var query: String? {
        guard let full = head.path, let mark = full.firstIndex(of: "?") else { return nil }
        return String(full[full.index(after: mark)...])
    }

    /// The first value of the query argument with that name, percent-decoded (`+` as a space).
    public func queryArgument(_ name: String) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if PercentDecoding.decode(parts[0], plusAsSpace: true) == name {
                return parts.count > 1 ? PercentDecoding.decode(parts[1], plusAsSpace: true) : ""
            }
        }
        return nil
    }

    /// The value of the cookie with that name, from every `Cookie` header.
    public func cookie(_ name: String) -> String? {
        for header in head.headerFields[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingASCIIWhitespace()
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name {
                    var value = trimmed[trimmed.index(after: equals)...]
                    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                        value = value.dropFirst().dropLast()
                    }
                    return String(value)
                }
            }
        }
        return nil
    }
}

/// Percent-decoding as servers do it: invalid escapes are kept as they are, never an error.
enum PercentDecoding {
    static func decode(_ text: Substring, plusAsSpace: Bool) -> String {
        let utf8 = text.utf8
        guard utf8.contains(UInt8(ascii: "%")) || (plusAsSpace && utf8.contains(UInt8(ascii: "+"))) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"),
                let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex), high < utf8.endIndex,
                let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
                let h = IPAddress.hexValue(utf8[high]), let l = IPAddress.hexValue(utf8[low])
            {
                bytes.append(h << 4 | l)
                index = utf8.index(after: low)
                continue
            }
            bytes.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index = utf8.index(after: index)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
