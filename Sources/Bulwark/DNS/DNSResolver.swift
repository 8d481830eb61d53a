/// Answers the DNS questions Bulwark asks: the names of an address (to verify a crawler that claims to
/// be, say, Googlebot), the addresses of a name (to confirm those names point back), and a domain's
/// mail exchangers (to validate an email address).
///
/// An empty array means there are no such records: the name does not exist (NXDOMAIN) or has no
/// records of that type (NOERROR with no data). Every other failure throws a ``DNSError``.
///
/// ```swift
/// let resolver = try UDPDNSResolver.system()
/// let names = try await resolver.reverseLookup(IPAddress("66.249.66.1")!)
/// // ["crawl-66-249-66-1.googlebot.com"]
/// let confirmed = try await resolver.addresses(of: names[0]).contains(IPAddress("66.249.66.1")!)
/// ```
public protocol DNSResolver: Sendable {
    /// The names an address's PTR records give, lower case and without the trailing dot, in the
    /// order of the answer; `[]` if it has none.
    ///
    /// A PTR record is set by whoever controls the address's reverse zone, so a name from it proves
    /// nothing until ``addresses(of:)`` of that name includes the address again.
    func reverseLookup(_ address: IPAddress) async throws -> [String]

    /// The IPv4 (`A`) and IPv6 (`AAAA`) addresses of a host, following CNAMEs; `[]` if it has none.
    func addresses(of host: String) async throws -> [IPAddress]

    /// A domain's mail exchangers, most preferred first; `[]` if it has no MX records (mail then goes
    /// to the domain's own address, RFC 5321 §5.1). A null MX (RFC 7505), whose host is `""`, says
    /// the domain accepts no mail.
    func mailExchangers(of domain: String) async throws -> [MailExchanger]
}

/// A domain's mail server, from an MX record.
public struct MailExchanger: Sendable, Hashable, CustomStringConvertible {
    /// The order of preference: lower values are tried first.
    public var preference: UInt16
    /// The server's host name, lower case and without the trailing dot; `""` for a null MX.
    public var host: String

    /// A mail exchanger.
    public init(preference: UInt16, host: String) {
        self.preference = preference
        self.host = host
    }

    /// `preference host`, as in a zone file.
    public var description: String { "\(preference) \(host)" }
}

extension MailExchanger: Comparable {
    /// By preference, then by host.
    public static func < (lhs: MailExchanger, rhs: MailExchanger) -> Bool {
        (lhs.preference, lhs.host) < (rhs.preference, rhs.host)
    }
}
