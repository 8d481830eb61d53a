/// What is known of the client's address.
///
/// Every field is optional: a field is present when the data Bulwark has (bundled or supplied)
/// knows it. The helpers ``isHosting()``, ``isVpn()``, ``isProxy()``, ``isTor()`` and
/// ``isRelay()`` answer `false` where the data is silent; the optional fields (``hosting``, ``vpn``,
/// ``proxy``, ``tor``, ``relay``) tell unknown from false. In JSON they are `isHosting`, `isVpn`, ….
public struct IPDetails: Sendable, Hashable, Codable {
    /// The address the decision was made for.
    public var address: String?
    /// Latitude in degrees.
    public var latitude: Double?
    /// Longitude in degrees.
    public var longitude: Double?
    /// The radius, in kilometres, within which the address is located.
    public var accuracyRadius: Int?
    /// The IANA time zone, such as `Europe/Paris`.
    public var timezone: String?
    /// The postal code.
    public var postalCode: String?
    /// The city.
    public var city: String?
    /// The region (state, province) name.
    public var region: String?
    /// The ISO 3166-1 alpha-2 country code, such as `US`.
    public var country: String?
    /// The country's English name.
    public var countryName: String?
    /// The continent code, such as `EU`.
    public var continent: String?
    /// The continent's English name.
    public var continentName: String?
    /// The autonomous system number.
    public var asn: Int?
    /// The autonomous system's name.
    public var asnName: String?
    /// The autonomous system's domain.
    public var asnDomain: String?
    /// The kind of network: `isp`, `hosting`, `business`, `education`, …
    public var asnType: String?
    /// The country in which the autonomous system is registered.
    public var asnCountry: String?
    /// The service known to run at the address (a VPN provider, a cloud, a relay).
    public var service: String?
    /// Whether the address belongs to a hosting or cloud provider.
    public var hosting: Bool?
    /// Whether the address is a known VPN exit.
    public var vpn: Bool?
    /// Whether the address is a known open or commercial proxy.
    public var proxy: Bool?
    /// Whether the address is a Tor exit node.
    public var tor: Bool?
    /// Whether the address is a privacy relay, such as Apple Private Relay.
    public var relay: Bool?

    private enum CodingKeys: String, CodingKey {
        case address, latitude, longitude, accuracyRadius, timezone, postalCode, city, region, country
        case countryName, continent, continentName, asn, asnName, asnDomain, asnType, asnCountry, service
        case hosting = "isHosting"
        case vpn = "isVpn"
        case proxy = "isProxy"
        case tor = "isTor"
        case relay = "isRelay"
    }

    /// Details that know nothing but, optionally, the address.
    public init(address: String? = nil) { self.address = address }

    /// Whether the address belongs to a hosting or cloud provider; `false` when unknown.
    public func isHosting() -> Bool { hosting ?? false }
    /// Whether the address is a known VPN exit; `false` when unknown.
    public func isVpn() -> Bool { vpn ?? false }
    /// Whether the address is a known proxy; `false` when unknown.
    public func isProxy() -> Bool { proxy ?? false }
    /// Whether the address is a Tor exit node; `false` when unknown.
    public func isTor() -> Bool { tor ?? false }
    /// Whether the address is a privacy relay; `false` when unknown.
    public func isRelay() -> Bool { relay ?? false }
}
