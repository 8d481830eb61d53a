import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A stub resolver that asks recursive nameservers over UDP, with SwiftNIO.
///
/// Each query goes out from a fresh socket on an ephemeral port with a random 16-bit id; a reply
/// counts only if it comes from the server asked and echoes the id and the question, so a stray or
/// forged datagram is ignored rather than believed. A server that fails (no reply, SERVFAIL,
/// REFUSED, an unreadable reply, its port closed) is followed by the next one, in turn, for up to
/// `attempts` queries, all within `timeout`.
///
/// A truncated response (TC bit) is used as it is: there is no retry over TCP. The records Bulwark
/// asks for (PTR, A, AAAA, MX) fit a 512-byte datagram but for unusually large sets, and a truncated
/// set is still a correct subset.
///
/// ```swift
/// let resolver = try UDPDNSResolver(nameservers: ["9.9.9.9", "[2620:fe::fe]:53"], timeout: .milliseconds(800))
/// let exchangers = try await resolver.mailExchangers(of: "example.com")
/// ```
public struct UDPDNSResolver: DNSResolver {
    /// A nameserver's socket address, and its text for error messages.
    struct Nameserver: Sendable {
        let address: SocketAddress
        let text: String
    }

    /// The most CNAMEs followed from the name asked about.
    static let maximumCNAMEChain = 8

    let nameservers: [Nameserver]
    let timeout: Duration
    let attempts: Int
    let eventLoopGroup: any EventLoopGroup

    /// A resolver that asks the given nameservers.
    ///
    /// - Parameters:
    ///   - nameservers: Addresses with an optional port, 53 by default: `8.8.8.8`, `127.0.0.1:5353`,
    ///     `2001:4860:4860::8888`, `[::1]:5353`, `fe80::1%eth0`.
    ///   - timeout: The most one lookup takes, all attempts included. `addresses(of:)` asks for A and
    ///     AAAA records at the same time, each within this.
    ///   - attempts: How many queries one lookup may send, to the nameservers in turn (at least one).
    ///     Each waits for its share of the time left, so a server that fails fast leaves more time
    ///     for the next.
    ///   - eventLoopGroup: A SwiftNIO POSIX event loop group for the sockets.
    /// - Throws: ``DNSError/Code/noNameservers`` for an empty list, and
    ///   ``DNSError/Code/invalidConfiguration`` for an address that does not parse or a group that is
    ///   not a `MultiThreadedEventLoopGroup`.
    public init(
        nameservers: [String],
        timeout: Duration = .seconds(1),
        attempts: Int = 2,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(DNSError) {
        guard !nameservers.isEmpty else {
            throw DNSError(code: .noNameservers, message: "the list of nameservers is empty")
        }
        guard DatagramBootstrap(validatingGroup: eventLoopGroup) != nil else {
            throw DNSError(
                code: .invalidConfiguration,
                message: "the event loop group cannot open sockets: use a MultiThreadedEventLoopGroup"
            )
        }
        var parsed: [Nameserver] = []
        for text in nameservers {
            let (address, port) = try Self.parseNameserver(text)
            let socketAddress = try Self.socketAddress(of: address, port: port)
            let shown = address.isIPv4 ? "\(address):\(port)" : "[\(address)]:\(port)"
            parsed.append(Nameserver(address: socketAddress, text: shown))
        }
        self.nameservers = parsed
        self.timeout = timeout
        self.attempts = Swift.max(1, attempts)
        self.eventLoopGroup = eventLoopGroup
    }

    /// A resolver that asks the nameservers of `/etc/resolv.conf` (at most three, as the C library
    /// does), skipping any it cannot use.
    ///
    /// - Throws: ``DNSError/Code/noNameservers`` when the file cannot be read or names no usable
    ///   nameserver.
    public static func system(timeout: Duration = .seconds(1), attempts: Int = 2) throws(DNSError) -> UDPDNSResolver {
        try UDPDNSResolver(resolvConf: "/etc/resolv.conf", timeout: timeout, attempts: attempts)
    }

    /// A resolver that asks the nameservers of a `resolv.conf` file at `path`.
    init(
        resolvConf path: String,
        timeout: Duration = .seconds(1),
        attempts: Int = 2,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(DNSError) {
        guard let text = Self.readFile(atPath: path) else {
            throw DNSError(code: .noNameservers, message: "cannot read \(path)")
        }
        let usable = Self.nameservers(inResolvConf: text).filter { server in
            guard let parsed = try? Self.parseNameserver(server) else { return false }
            return (try? Self.socketAddress(of: parsed.address, port: parsed.port)) != nil
        }
        guard !usable.isEmpty else {
            throw DNSError(code: .noNameservers, message: "\(path) names no usable nameserver")
        }
        try self.init(
            nameservers: Array(usable.prefix(3)),
            timeout: timeout,
            attempts: attempts,
            eventLoopGroup: eventLoopGroup
        )
    }

    /// The names of the address's PTR records (from `d.c.b.a.in-addr.arpa` or the `ip6.arpa` nibble
    /// name), without duplicates.
    public func reverseLookup(_ address: IPAddress) async throws(DNSError) -> [String] {
        let records = try await lookup(DNSQuery.reverseName(for: address), type: .ptr)
        var names: [String] = []
        for case .name(let name) in records where !name.isEmpty && !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// The host's A then AAAA addresses, without duplicates; the two queries run at the same time,
    /// and a failure of either fails the lookup.
    ///
    /// - Throws: ``DNSError/Code/invalidName`` for a host that is not a valid DNS name, before any query.
    public func addresses(of host: String) async throws(DNSError) -> [IPAddress] {
        _ = try DNSQuery.labels(of: host)
        async let ipv4 = lookupResult(host, type: .a)
        async let ipv6 = lookupResult(host, type: .aaaa)
        let (ipv4Records, ipv6Records) = await (ipv4, ipv6)
        var addresses: [IPAddress] = []
        let records = try ipv4Records.get() + ipv6Records.get()
        for case .address(let address) in records where !addresses.contains(address) {
            addresses.append(address)
        }
        return addresses
    }

    /// The domain's MX records, sorted by preference and then host, without duplicates.
    public func mailExchangers(of domain: String) async throws(DNSError) -> [MailExchanger] {
        let records = try await lookup(domain, type: .mx)
        var exchangers: Set<MailExchanger> = []
        for case .mailExchange(let preference, let exchange) in records {
            exchangers.insert(MailExchanger(preference: preference, host: exchange))
        }
        return exchangers.sorted()
    }

    private func lookupResult(_ name: String, type: DNSRecordType) async -> Result<[DNSRecordData], DNSError> {
        do {
            return .success(try await lookup(name, type: type))
        } catch {
            return .failure(error)
        }
    }

    /// The data of the answers for `name` and `type`: `[]` for NXDOMAIN or no data.
    func lookup(_ name: String, type: DNSRecordType) async throws(DNSError) -> [DNSRecordData] {
        // Validates and normalises the name once; each attempt then gets its own id.
        let normalized = try DNSQuery(id: 0, name: name, type: type).name
        let response = try await resolve(normalized, type: type)
        if response.rcode == 3 { return [] }
        return Self.records(in: response, for: normalized, type: type)
    }

    /// Asks the nameservers in turn until one gives a usable response (NOERROR or NXDOMAIN) or the
    /// attempts or the time run out; throws the last failure.
    func resolve(_ name: String, type: DNSRecordType) async throws(DNSError) -> DNSResponse {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var generator = SystemRandomNumberGenerator()
        var lastError = DNSError(code: .timeout, message: "no answer for \(name) \(type) within \(timeout)")
        for attempt in 0..<attempts {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero, !Task.isCancelled else { break }
            let server = nameservers[attempt % nameservers.count]
            let query = try DNSQuery(id: UInt16(truncatingIfNeeded: generator.next()), name: name, type: type)
            do {
                let response = try await exchange(query, with: server, within: remaining / (attempts - attempt))
                try Self.checkResponseCode(response, query: query, server: server)
                return response
            } catch {
                lastError = error
            }
        }
        if Task.isCancelled {
            throw DNSError(code: .timeout, message: "the lookup of \(name) \(type) was cancelled")
        }
        throw lastError
    }

    /// Throws for the response codes that mean "ask another server"; NOERROR and NXDOMAIN pass.
    static func checkResponseCode(_ response: DNSResponse, query: DNSQuery, server: Nameserver) throws(DNSError) {
        switch response.rcode {
        case 0, 3:
            return
        case 2:
            throw DNSError(
                code: .serverFailure,
                message: "\(server.text) failed to answer \(query.name) \(query.type)"
            )
        case 5:
            throw DNSError(
                code: .refused,
                message: "\(server.text) refused to answer \(query.name) \(query.type)"
            )
        default:
            throw DNSError(
                code: .serverFailure,
                message: "\(server.text) answered \(query.name) \(query.type) with response code \(response.rcode)"
            )
        }
    }

    /// The answers of `type` for `name` or for a name it is an alias of: CNAMEs are followed from
    /// `name` through the answer section, at most ``maximumCNAMEChain`` of them, and records for names
    /// outside that chain are ignored (a server has no business answering for them).
    static func records(in response: DNSResponse, for name: String, type: DNSRecordType) -> [DNSRecordData] {
        var chain = [name]
        var current = name
        while chain.count <= maximumCNAMEChain {
            guard
                let alias = response.answers.first(where: { $0.type == .cname && $0.name == current }),
                case .name(let target) = alias.data,
                !chain.contains(target)
            else { break }
            chain.append(target)
            current = target
        }
        return response.answers.filter { $0.type == type && chain.contains($0.name) }.map(\.data)
    }
}

extension UDPDNSResolver {
    /// Parses `address`, `address:port` (IPv4) or `[address]:port` (IPv6); the port is 53 by default.
    static func parseNameserver(_ text: String) throws(DNSError) -> (address: IPAddress, port: Int) {
        let invalid = DNSError(
            code: .invalidConfiguration,
            message: "'\(text.prefix(100))' is not a nameserver address: use 192.0.2.53, 192.0.2.53:5353, "
                + "2001:db8::53 or [2001:db8::53]:5353"
        )
        var host = Substring(text)
        var port = 53
        func parsePort(_ digits: Substring) throws(DNSError) -> Int {
            guard digits.allSatisfy(\.isASCII), let value = Int(digits), (1...65_535).contains(value),
                digits.first != "+"
            else { throw invalid }
            return value
        }
        if host.first == "[" {
            guard let close = host.firstIndex(of: "]") else { throw invalid }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            guard host.contains(":") else { throw invalid }
            if !rest.isEmpty {
                guard rest.first == ":" else { throw invalid }
                port = try parsePort(rest.dropFirst())
            }
        } else if let colon = host.firstIndex(of: ":"), !host[host.index(after: colon)...].contains(":") {
            // One colon: an IPv4 address and a port. IPv6 addresses have at least two.
            port = try parsePort(host[host.index(after: colon)...])
            host = host[..<colon]
        }
        guard let address = IPAddress(host) else { throw invalid }
        return (address, port)
    }

    /// The socket address of a nameserver; an IPv6 zone becomes the interface's scope id.
    static func socketAddress(of address: IPAddress, port: Int) throws(DNSError) -> SocketAddress {
        let unscoped = address.isIPv4 ? address : IPAddress(ipv6: address.ipv6Bits)
        let base: SocketAddress
        do {
            base = try SocketAddress(ipAddress: unscoped.description, port: port)
        } catch {
            throw DNSError(code: .invalidConfiguration, message: "cannot use \(address) as a nameserver: \(error)")
        }
        guard let zone = address.zone else { return base }
        let index = UInt32(zone) ?? if_nametoindex(zone)
        guard index != 0, case .v6(let v6) = base else {
            throw DNSError(code: .invalidConfiguration, message: "no network interface '\(zone)' for \(address)")
        }
        var scoped = v6.address
        scoped.sin6_scope_id = index
        return SocketAddress(scoped, host: address.description)
    }

    /// The `nameserver` addresses of a `resolv.conf`, in order.
    static func nameservers(inResolvConf text: String) -> [String] {
        var servers: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, fields[0] == "nameserver" else { continue }
            servers.append(String(fields[1]))
        }
        return servers
    }

    /// A small text file's contents (at most 1 MiB), or `nil` if it cannot be read.
    static func readFile(atPath path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while bytes.count < 1 << 20 {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
