import Logging

/// A source of facts about client addresses: the data bundled with Bulwark, or a MaxMind DB file.
///
/// Implement it to bring data of your own (an internal address plan, a threat feed).
public protocol IPDataSource: Sendable {
    /// A short name for log messages, such as the file's path.
    var name: String { get }

    /// Writes what this source knows of an address into the details.
    ///
    /// A source sets the fields it knows and leaves the others alone; sources later in an
    /// ``IPAnalyzer``'s list overwrite what earlier ones set.
    ///
    /// - Throws: When the source's data is damaged; the analyzer logs it and goes on without it.
    func annotate(_ details: inout IPDetails, for address: IPAddress) throws
}

/// Finds the ``IPDetails`` of client addresses, from the bundled data and any files you supply.
///
/// Every decision carries what the client's ``BulwarkOptions/ipAnalyzer`` found (its `ip`), and
/// filter expressions read it (`ip.src.country`, `ip.src.vpn`, …). The default uses only the data
/// bundled with the package: country for all IPv4 and IPv6 space, hosting and cloud networks, Tor
/// exits, VPN exits and Apple's iCloud Private Relay. Add MaxMind DB files for city and ASN detail:
///
/// ```swift
/// var options = BulwarkOptions()
/// options.ipAnalyzer = IPAnalyzer(sources: [
///     BundledIPData.shared,
///     try MMDBDataSource(path: "/var/lib/GeoIP/GeoLite2-City.mmdb"),
///     try MMDBDataSource(path: "/var/lib/GeoIP/GeoLite2-ASN.mmdb"),
/// ])
/// ```
///
/// Sources are asked in order; a later source's fields replace an earlier one's.
public struct IPAnalyzer: Sendable {
    /// The sources, in the order they are asked.
    public let sources: [any IPDataSource]

    /// An analyzer over sources; by default the bundled data alone.
    public init(sources: [any IPDataSource] = [BundledIPData.shared]) {
        self.sources = sources
    }

    /// An analyzer that knows nothing: decisions carry only the address.
    public static let disabled = IPAnalyzer(sources: [])

    /// What the sources know of an address. A source that fails is logged and skipped.
    public func details(for address: IPAddress?, logger: Logger? = nil) -> IPDetails {
        guard let address else { return IPDetails() }
        var details = IPDetails(address: address.description)
        for source in sources {
            do {
                try source.annotate(&details, for: address)
            } catch {
                logger?.warning(
                    "Bulwark IP data source failed",
                    metadata: ["source": "\(source.name)", "error": "\(error)"]
                )
            }
        }
        return details
    }
}
