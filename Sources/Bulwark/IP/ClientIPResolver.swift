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
                for field in headers where field.name == name {
                    // Vercel's forwarded-for lists the client first; the other headers hold one address.
                    var value = field.value
                    let address = value.withUTF8 { bytes in
                        Self.parseHop(
                            UnsafeBufferPointer(
                                rebasing: bytes[..<(bytes.firstIndex(of: UInt8(ascii: ",")) ?? bytes.count)]
                            )
                        )
                    }
                    if let address, address.isGlobal { return address }
                }
            }
        }
        guard let peer else { return nil }
        guard proxies.contains(peer) else { return peer }
        // Right to left: the last header line was appended by the nearest proxy.
        for field in headers.reversed() where field.name == Self.forwardedFor {
            var value = field.value
            let verdict: Hop = value.withUTF8 { bytes in
                var end = bytes.count
                while true {
                    let start = (bytes[..<end].lastIndex(of: UInt8(ascii: ",")) ?? -1) + 1
                    guard let address = Self.parseHop(UnsafeBufferPointer(rebasing: bytes[start..<end])) else {
                        return .stop
                    }
                    if !proxies.contains(address) { return address.isGlobal ? .client(address) : .stop }
                    if start == 0 { return .trustedOnly }
                    end = start - 1
                }
            }
            switch verdict {
            case .client(let address): return address
            case .stop: return peer
            case .trustedOnly: continue
            }
        }
        return peer
    }

    private enum Hop {
        case client(IPAddress)
        case stop
        case trustedOnly
    }

    /// One forwarded hop: an address, possibly with a port (`1.2.3.4:80`, `[2001:db8::1]:443`),
    /// quoted, with spaces around it.
    static func parseHop(_ hop: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        var start = 0
        var end = hop.count
        while start < end, hop[start] == UInt8(ascii: " ") || hop[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, hop[end - 1] == UInt8(ascii: " ") || hop[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        if end - start >= 2, hop[start] == UInt8(ascii: "\""), hop[end - 1] == UInt8(ascii: "\"") {
            start += 1
            end -= 1
        }
        guard start < end else { return nil }
        if hop[start] == UInt8(ascii: "[") {
            guard let close = hop[start..<end].firstIndex(of: UInt8(ascii: "]")),
                close + 1 == end || isPort(hop[(close + 1)..<end])
            else { return nil }
            return IPAddress.parse(UnsafeBufferPointer(rebasing: hop[(start + 1)..<close]))
        }
        let text = UnsafeBufferPointer(rebasing: hop[start..<end])
        if let address = IPAddress.parse(text) { return address }
        // IPv4 with a port: exactly one colon.
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")),
            text[(colon + 1)...].firstIndex(of: UInt8(ascii: ":")) == nil,
            isPort(text[colon...])
        else { return nil }
        return IPAddress.parseIPv4(text[..<colon]).map { IPAddress(ipv4: $0) }
    }

    private static func isPort(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let digits = text.dropFirst()
        return text.first == UInt8(ascii: ":") && (1...5).contains(digits.count)
            && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
