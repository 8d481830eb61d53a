import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// IP details from a MaxMind DB file you supply: GeoLite2 or GeoIP2 City, Country, ASN or Anonymous
/// IP, IPinfo Lite, DB-IP Lite, or any database in a layout ``IPDetails`` understands.
///
/// The file is memory-mapped. Decoded records are cached by their place in the file (many networks
/// share one record), so a repeated lookup costs a walk of the search tree and a table lookup.
/// ``reloadIfChanged()`` swaps in a new file when the path's contents change, and ``run(checkingEvery:)``
/// does so on an interval; lookups in flight finish on the old file.
///
/// ```swift
/// let city = try MMDBDataSource(path: "/var/lib/GeoIP/GeoLite2-City.mmdb")
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { await city.run(checkingEvery: .seconds(300)) }
///     // … serve requests with IPAnalyzer(sources: [BundledIPData.shared, city]) …
/// }
/// ```
public final class MMDBDataSource: IPDataSource {
    private struct Loaded: Sendable {
        let records: CachedIPRecords
        let identity: FileIdentity
        /// A database of anonymisers lists them all: an address it lacks is not one.
        let listsAnonymisers: Bool
    }

    private struct FileIdentity: Sendable, Hashable {
        let device: UInt64
        let inode: UInt64
        let size: Int64
        let modified: Int64
        let modifiedNanoseconds: Int64
    }

    /// The file's path.
    public let path: String
    /// The name used in log messages: the path.
    public var name: String { path }

    private let loaded: Mutex<Loaded>
    private let cacheCapacity: Int

    /// Opens a database file.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - cacheCapacity: How many decoded records to keep.
    /// - Throws: ``MMDBError`` when the file cannot be opened or is not a valid MaxMind DB.
    public init(path: String, cacheCapacity: Int = 65_536) throws(MMDBError) {
        self.path = path
        self.cacheCapacity = max(0, cacheCapacity)
        self.loaded = Mutex(try Self.load(path, cacheCapacity: max(0, cacheCapacity)))
    }

    /// The metadata of the file in use.
    public var metadata: MMDBReader.Metadata { loaded.withLock { $0.records.reader.metadata } }

    /// Writes what the database knows of an address into the details.
    public func annotate(_ details: inout IPDetails, for address: IPAddress) throws {
        let (records, listsAnonymisers) = loaded.withLock { ($0.records, $0.listsAnonymisers) }
        if listsAnonymisers, address.isGlobal {
            details.vpn = details.vpn ?? false
            details.hosting = details.hosting ?? false
            details.proxy = details.proxy ?? false
            details.tor = details.tor ?? false
        }
        if !address.isIPv4, records.reader.metadata.ipVersion == 4 { return }
        try records.annotate(&details, for: address)
    }

    /// Opens the path again if the file there changed (another inode, size or modification time),
    /// and uses it from then on.
    ///
    /// - Returns: Whether a new file was loaded.
    /// - Throws: ``MMDBError`` when the new file is not valid; the one in use stays in use.
    @discardableResult
    public func reloadIfChanged() throws(MMDBError) -> Bool {
        let current = loaded.withLock { $0.identity }
        guard let identity = Self.identity(of: path), identity != current else { return false }
        let fresh = try Self.load(path, cacheCapacity: cacheCapacity)
        loaded.withLock { $0 = fresh }
        return true
    }

    /// Checks the file for changes on an interval until the task is cancelled; a failed reload is
    /// reported to `onError` and the file in use stays in use.
    public func run(
        checkingEvery interval: Duration = .seconds(60),
        onError: @Sendable (MMDBError) -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                try reloadIfChanged()
            } catch {
                onError(error)
            }
        }
    }

    private static func load(_ path: String, cacheCapacity: Int) throws(MMDBError) -> Loaded {
        // Read the identity first: if the file is replaced while it is opened, the next check sees it.
        let identity =
            Self.identity(of: path)
            ?? FileIdentity(device: 0, inode: 0, size: 0, modified: 0, modifiedNanoseconds: 0)
        let reader = try MMDBReader(path: path)
        let type = reader.metadata.databaseType.lowercased()
        return Loaded(
            records: CachedIPRecords(reader: reader, capacity: cacheCapacity),
            identity: identity,
            listsAnonymisers: type.contains("anonymous")
        )
    }

    private static func identity(of path: String) -> FileIdentity? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        #if canImport(Darwin)
        let modified = status.st_mtimespec
        #else
        let modified = status.st_mtim
        #endif
        return FileIdentity(
            device: UInt64(status.st_dev),
            inode: UInt64(status.st_ino),
            size: Int64(status.st_size),
            modified: Int64(modified.tv_sec),
            modifiedNanoseconds: Int64(modified.tv_nsec)
        )
    }
}

extension IPDetails {
    /// Whether nothing but the address and the anonymiser flags is set, and no flag is true.
    var knowsOnlyAddressAndFlags: Bool {
        latitude == nil && longitude == nil && accuracyRadius == nil && timezone == nil && postalCode == nil
            && city == nil && region == nil && country == nil && countryName == nil && continent == nil
            && continentName == nil && asn == nil && asnName == nil && asnDomain == nil && asnType == nil
            && asnCountry == nil && service == nil && hosting != true && vpn != true && proxy != true
            && tor != true && relay != true
    }

    /// Sets every field the other details have.
    mutating func merge(_ other: IPDetails) {
        // The usual case: the first source to know anything about the address takes one copy.
        if knowsOnlyAddressAndFlags {
            let (address, hosting, vpn, proxy, tor, relay) = (address, hosting, vpn, proxy, tor, relay)
            self = other
            self.address = address
            self.hosting = other.hosting ?? hosting
            self.vpn = other.vpn ?? vpn
            self.proxy = other.proxy ?? proxy
            self.tor = other.tor ?? tor
            self.relay = other.relay ?? relay
            return
        }
        if let value = other.latitude { latitude = value }
        if let value = other.longitude { longitude = value }
        if let value = other.accuracyRadius { accuracyRadius = value }
        if let value = other.timezone { timezone = value }
        if let value = other.postalCode { postalCode = value }
        if let value = other.city { city = value }
        if let value = other.region { region = value }
        if let value = other.country { country = value }
        if let value = other.countryName { countryName = value }
        if let value = other.continent { continent = value }
        if let value = other.continentName { continentName = value }
        if let value = other.asn { asn = value }
        if let value = other.asnName { asnName = value }
        if let value = other.asnDomain { asnDomain = value }
        if let value = other.asnType { asnType = value }
        if let value = other.asnCountry { asnCountry = value }
        if let value = other.service { service = value }
        if let value = other.hosting { hosting = value }
        if let value = other.vpn { vpn = value }
        if let value = other.proxy { proxy = value }
        if let value = other.tor { tor = value }
        if let value = other.relay { relay = value }
    }
}
