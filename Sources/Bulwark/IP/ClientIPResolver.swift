import HTTPTypes

/// A hosting platform whose edge sets a header with the client's address.
///
/// A platform's header is read only when that platform is configured, because anyone can send the
/// header to an app that is not behind the platform's edge.
public struct HostingPlatform: Sendable, Hashable, CustomStringConvertible {
    /// The platform's name, as written in configuration.
    public let name: String
    /// The headers the platform's edge sets, tried in order.
    public let headers: [HTTPField.Name]

    /// Cloudflare: `cf-connecting-ip`, then `cf-connecting-ipv6`.
    public static let cloudflare = HostingPlatform(
        name: "cloudflare",
        headers: [HTTPField.Name("cf-connecting-ip")!, HTTPField.Name("cf-connecting-ipv6")!]
    )
    /// Fly.io: `fly-client-ip`.
    public static let fly = HostingPlatform(name: "fly", headers: [HTTPField.Name("fly-client-ip")!])
    /// Vercel: `x-real-ip`, then the first entry of `x-vercel-forwarded-for`.
    public static let vercel = HostingPlatform(
        name: "vercel",
        headers: [HTTPField.Name("x-real-ip")!, HTTPField.Name("x-vercel-forwarded-for")!]
    )
    /// Render: `true-client-ip`.
    public static let render = HostingPlatform(name: "render", headers: [HTTPField.Name("true-client-ip")!])
    /// Firebase App Hosting: `x-fah-client-ip`.
    public static let firebase = HostingPlatform(
        name: "firebase",
        headers: [HTTPField.Name("x-fah-client-ip")!]
    )

    /// Every platform Bulwark knows, by name.
    public static let all: [HostingPlatform] = [.cloudflare, .fly, .vercel, .render, .firebase]

    /// The platform with that name (`cloudflare`, `fly`, `vercel`, `render`, `firebase`), if any.
    public static func named(_ name: String) -> HostingPlatform? {
        all.first { $0.name == name.lowercased() }
    }

    /// The platform's name.
    public var description: String { name }
}

/// Finds the client's address from the peer address and the forwarding headers it can trust.
///
/// The peer (the address the socket saw) is the client unless it is a trusted proxy. Behind trusted
/// proxies, `X-Forwarded-For` is walked from the right, where the nearest proxy appended the address
/// it saw, to the first address that is not itself a trusted proxy; entries to the left of that are
/// written by the client and are not believed. An address taken from any header must be globally
/// reachable: a private, loopback or reserved address in a header is never the client.
///
/// ```swift
/// let resolver = try ClientIPResolver(proxies: ["10.0.0.0/8"])
/// resolver.clientIP(peer: IPAddress("10.0.0.2"), headers: headers)
/// ```
public struct ClientIPResolver: Sendable {
    /// The trusted proxies.
    public let proxies: IPSet
    /// The platform whose header is trusted, if any.
    public let platform: HostingPlatform?

    /// A resolver trusting the given proxies (addresses or CIDR blocks) and platform.
    public init(proxies: IPSet = IPSet(), platform: HostingPlatform? = nil) {
        self.proxies = proxies
        self.platform = platform
    }

    /// A resolver trusting the given proxies, parsed from text; throws naming an entry that does not parse.
    public init(proxies: [String], platform: HostingPlatform? = nil) throws(IPSetError) {
        self.init(proxies: try IPSet(proxies), platform: platform)
    }

    private static let forwardedFor = HTTPField.Name("x-forwarded-for")!

    /// The client's address, or `nil` when neither the peer nor a trusted header gives one.
    public func clientIP(peer: IPAddress?, headers: HTTPFields) -> IPAddress? {
        if let platform {
            for name in platform.headers {
                for value in headers[values: name] {
                    // Vercel's forwarded-for lists the client first; the other headers hold one address.
                    let first = value.split(separator: ",", maxSplits: 1).first ?? ""
                    if let address = Self.parseHop(first), address.isGlobal { return address }
                }
            }
        }
        guard let peer else { return nil }
        guard proxies.contains(peer) else { return peer }
        let lines = headers[values: Self.forwardedFor]
        for line in lines.reversed() {
            for hop in line.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                guard let address = Self.parseHop(hop) else { return peer }
                if proxies.contains(address) { continue }
                return address.isGlobal ? address : peer
            }
        }
        return peer
    }

    /// One forwarded hop: an address, possibly with a port (`1.2.3.4:80`, `[2001:db8::1]:443`), or quoted.
    static func parseHop(_ hop: Substring) -> IPAddress? {
        var text = hop.trimmingASCIIWhitespace()
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
            text = text.dropFirst().dropLast()
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || isPort(rest) else { return nil }
            return IPAddress(text[text.index(after: text.startIndex)..<close])
        }
        if let address = IPAddress(text) { return address }
        // IPv4 with a port: exactly one colon.
        if let colon = text.firstIndex(of: ":"), text[text.index(after: colon)...].firstIndex(of: ":") == nil,
            isPort(text[colon...])
        {
            return IPAddress(text[..<colon]).flatMap { $0.isIPv4 ? $0 : nil }
        }
        return nil
    }

    private static func isPort(_ text: Substring) -> Bool {
        let digits = text.utf8.dropFirst()
        return text.utf8.first == UInt8(ascii: ":") && (1...5).contains(digits.count)
            && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
