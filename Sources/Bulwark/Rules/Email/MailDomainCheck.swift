/// What DNS says about a domain's ability to receive mail: the answer behind `NO_MX_RECORDS`.
enum MailDomainStatus: Sendable, Hashable {
    /// Why DNS says a domain cannot receive mail.
    enum NoMailReason: Sendable, Hashable, CustomStringConvertible {
        /// No MX records and no A or AAAA records either; a name that does not exist (NXDOMAIN) is
        /// reported so too, as the resolver does not tell the two apart.
        case noRecords
        /// A null MX (RFC 7505): the domain declares that it accepts no mail.
        case nullMX
        /// Every MX record names this machine: `localhost`, a name under `.localhost` (RFC 6761),
        /// or a loopback or unspecified address written as a host name.
        case localExchangers
        /// No MX records, and the domain's only addresses are loopback or unspecified, so the
        /// implicit MX (RFC 5321 §5.1) leads nowhere another machine could deliver to.
        case localAddresses

        /// A sentence for a decision's reason or a log.
        var description: String {
            switch self {
            case .noRecords: return "the domain has no MX, A or AAAA records"
            case .nullMX: return "the domain publishes a null MX (RFC 7505): it accepts no mail"
            case .localExchangers: return "every MX record of the domain names localhost or a loopback address"
            case .localAddresses: return "the domain has no MX records and resolves only to loopback addresses"
            }
        }
    }

    /// The domain has mail exchangers, or no MX records but an address that mail goes to instead
    /// (the implicit MX of RFC 5321 §5.1).
    case acceptsMail
    /// DNS says that mail to the domain cannot be delivered.
    case noMailServers(NoMailReason)
    /// The lookups did not finish within the time allowed, or the caller was cancelled first.
    case timedOut
    /// A lookup failed: the nameserver failed or refused, its answer was unreadable, or the domain
    /// is not a valid DNS name. The text says which, for the decision's reason.
    case failed(String)
}

/// Checks that an email domain can receive mail, by DNS: its MX records, then (RFC 5321 §5.1) its A
/// and AAAA records, honouring a null MX (RFC 7505).
///
/// The order:
/// 1. MX records. If there are some, the domain accepts mail, unless they are all null MX (host
///    `.`, ``MailExchanger/host`` `""`), or every host is `localhost` or a loopback address.
///    A null MX beside real exchangers breaks RFC 7505's "MUST NOT advertise any other MX", and is
///    ignored: the real exchangers still take mail, and a misconfiguration is not the user's fault.
/// 2. No MX records (or no such name): the domain's addresses, which receive mail in the MX's
///    place. Some address other than loopback or unspecified: the domain accepts mail.
/// 3. Neither: no mail servers.
///
/// The hosts that MX records name are not resolved in turn: that would cost a lookup per exchanger,
/// and a mail server treats an unresolvable exchanger as a temporary failure, not as a refusal.
///
/// Answers are as fresh as the resolver's: put a ``CachingDNSResolver`` in front of a
/// ``UDPDNSResolver`` to cache them. Domain literals (`user@[192.0.2.1]`) are not checked: the
/// caller skips them.
///
/// ```swift
/// let check = MailDomainCheck(resolver: CachingDNSResolver(wrapping: try UDPDNSResolver.system()))
/// switch await check.check(asciiDomain: "example.com", timeout: .seconds(2)) {
/// case .noMailServers(let reason): print("NO_MX_RECORDS: \(reason)")
/// case .acceptsMail, .timedOut, .failed: break
/// }
/// ```
struct MailDomainCheck: Sendable {
    /// Answers the MX, A and AAAA queries.
    let resolver: any DNSResolver

    /// A check that asks `resolver`.
    init(resolver: some DNSResolver) {
        self.resolver = resolver
    }

    /// Whether `asciiDomain` (the IDNA A-label form, as DNS knows it) can receive mail.
    ///
    /// Returns within `timeout` whatever the resolver does: the lookups race the clock and are
    /// cancelled when it wins. A lookup that outlives its caller this way is bounded by the
    /// resolver's own timeout; a ``CachingDNSResolver`` lets it finish and keeps its answer for the
    /// next check.
    func check(asciiDomain: String, timeout: Duration) async -> MailDomainStatus {
        // The resolver would refuse it too, but only after the work of setting up the race.
        guard asciiDomain.utf8.count <= 254 else {
            return .failed("the domain is longer than 253 bytes, so it is not a DNS name")
        }
        let resolver = self.resolver
        let status = await withDeadline(timeout) { () async -> MailDomainStatus in
            do {
                return try await Self.lookUp(asciiDomain, with: resolver)
            } catch {
                return Self.status(for: error)
            }
        }
        return status ?? .timedOut
    }

    private static func lookUp(_ domain: String, with resolver: any DNSResolver) async throws -> MailDomainStatus {
        let exchangers = try await resolver.mailExchangers(of: domain)
        if !exchangers.isEmpty {
            let real = exchangers.filter { !$0.host.isEmpty }
            if real.isEmpty { return .noMailServers(.nullMX) }
            if real.allSatisfy({ isLocal(exchanger: $0.host) }) { return .noMailServers(.localExchangers) }
            return .acceptsMail
        }
        let addresses = try await resolver.addresses(of: domain)
        if addresses.isEmpty { return .noMailServers(.noRecords) }
        if addresses.allSatisfy(isLocal(address:)) { return .noMailServers(.localAddresses) }
        return .acceptsMail
    }

    /// The status for a lookup's failure.
    static func status(for error: any Error) -> MailDomainStatus {
        if let error = error as? DNSError {
            return error.code == .timeout ? .timedOut : .failed("DNS lookup failed: \(error)")
        }
        if error is CancellationError { return .timedOut }
        return .failed("DNS lookup failed: \(String(describing: error).prefix(200))")
    }

    /// Whether an MX host is this machine, which no other can deliver to.
    static func isLocal(exchanger host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        // RFC 5321 §5.1 forbids an address as an MX host, yet `MX 0 127.0.0.1` is a common way to
        // refuse mail; a mail server that looks the "name" up finds nothing, or this machine.
        guard let address = IPAddress(host) else { return false }
        return isLocal(address: address)
    }

    /// Whether an address is loopback (`127.0.0.0/8`, `::1`) or unspecified (`0.0.0.0/8`, `::`).
    /// Private addresses are not: an intranet's domains may well take mail at them.
    static func isLocal(address: IPAddress) -> Bool {
        if let bits = address.ipv4Bits {
            let first = bits >> 24
            return first == 127 || first == 0
        }
        return address.ipv6Bits <= 1
    }
}
