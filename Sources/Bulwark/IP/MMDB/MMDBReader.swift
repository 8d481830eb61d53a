#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reading a MaxMind DB: a file that cannot be opened, or bytes that are not a valid
/// database. The message says what is wrong and where.
public struct MMDBError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public let message: String

    /// An error with a message.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// A reader of the MaxMind DB format (MMDB, version 2), written for Bulwark.
///
/// It reads GeoLite2 and GeoIP2 files, IPinfo Lite, DB-IP Lite and any other database in the format.
/// A file is memory-mapped, not read: opening a 70 MB City database costs no resident memory until
/// lookups touch its pages. Replace a file by writing a new one and renaming it over the old (as
/// `geoipupdate` does); truncating a mapped file in place is not safe for any reader of mapped files.
///
/// Untrusted files are safe to open: every read is bounds-checked, the search tree cannot loop
/// (each step consumes a bit of the address), nesting and the values one record expands to are
/// limited, and any fault is an ``MMDBError``, never a crash.
///
/// ```swift
/// let reader = try MMDBReader(path: "/var/lib/GeoIP/GeoLite2-City.mmdb")
/// let found = try reader.lookup(IPAddress("81.2.69.160")!)
/// found?.record["country"]?["iso_code"]?.string  // "GB"
/// found?.prefixLength                             // the network's prefix length
/// ```
public final class MMDBReader: @unchecked Sendable {
    /// What a database says of itself.
    public struct Metadata: Sendable, Hashable {
        /// The number of nodes in the search tree.
        public let nodeCount: Int
        /// The size of a record in bits: 24, 28 or 32.
        public let recordSize: Int
        /// 4 for a database of IPv4 networks only, 6 for one that holds IPv6 (and usually IPv4).
        public let ipVersion: Int
        /// The database's type, such as `GeoLite2-City`.
        public let databaseType: String
        /// The languages the database's names come in.
        public let languages: [String]
        /// The format's major version (always 2).
        public let binaryFormatMajorVersion: Int
        /// The format's minor version.
        public let binaryFormatMinorVersion: Int
        /// When the database was built, in seconds since 1970.
        public let buildEpoch: UInt64
        /// Descriptions by language.
        public let description: [String: String]
        /// The whole metadata map.
        public let raw: MMDBValue
    }

    /// A record found for an address.
    public struct Lookup: Sendable, Hashable {
        /// The record.
        public let record: MMDBValue
        /// The prefix length of the network the record belongs to, in the address's own family.
        public let prefixLength: Int
        /// Where the record starts in the data section: equal offsets are the same record.
        public let offset: Int
    }

    /// The database's metadata.
    public let metadata: Metadata
    /// The file the database was read from, if it came from one.
    public let path: String?

    private let base: UnsafeRawPointer
    private let count: Int
    private let mapped: Bool
    private let treeSize: Int
    private let dataStart: Int
    private let dataCount: Int
    private let ipv4Start: Int

    private static let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    /// Opens and memory-maps a database file.
    ///
    /// - Throws: ``MMDBError`` when the file cannot be opened or is not a valid database.
    public convenience init(path: String) throws(MMDBError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MMDBError("cannot open '\(path)': \(Self.errnoText())") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw MMDBError("cannot read '\(path)': \(Self.errnoText())") }
        guard (status.st_mode & S_IFMT) == S_IFREG else { throw MMDBError("'\(path)' is not a regular file") }
        let size = Int(status.st_size)
        guard size > 0 else { throw MMDBError("'\(path)' is empty") }
        guard let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0),
            pointer != UnsafeMutableRawPointer(bitPattern: -1)
        else { throw MMDBError("cannot map '\(path)': \(Self.errnoText())") }
        do {
            try self.init(base: UnsafeRawPointer(pointer), count: size, mapped: true, path: path)
        } catch {
            munmap(pointer, size)
            throw error
        }
    }

    /// Reads a database from bytes in memory (a copy is kept).
    ///
    /// - Throws: ``MMDBError`` when the bytes are not a valid database.
    public convenience init(bytes: [UInt8]) throws(MMDBError) {
        guard !bytes.isEmpty else { throw MMDBError("the database is empty") }
        let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        do {
            try self.init(base: UnsafeRawPointer(copy), count: bytes.count, mapped: false, path: nil)
        } catch {
            copy.deallocate()
            throw error
        }
    }

    private init(base: UnsafeRawPointer, count: Int, mapped: Bool, path: String?) throws(MMDBError) {
        let bytes = UnsafeRawBufferPointer(start: base, count: count)
        let name = path.map { "'\($0)'" } ?? "the database"
        guard let markerStart = Self.lastMarker(in: bytes) else {
            throw MMDBError("\(name) has no MaxMind DB metadata marker; it is not a MaxMind DB file")
        }
        let metadataStart = markerStart + Self.marker.count
        let metadataDecoder = MMDBDecoder(
            section: UnsafeRawBufferPointer(rebasing: bytes[metadataStart...]),
            name: "metadata"
        )
        let raw = try metadataDecoder.decode(at: 0)
        let metadata = try Self.metadata(from: raw, name: name)
        let treeSize = metadata.nodeCount * metadata.recordSize / 4
        guard treeSize + 16 <= markerStart else {
            throw MMDBError(
                "\(name) is damaged: a search tree of \(metadata.nodeCount) nodes does not fit before the metadata"
            )
        }
        self.metadata = metadata
        self.path = path
        self.base = base
        self.count = count
        self.mapped = mapped
        self.treeSize = treeSize
        self.dataStart = treeSize + 16
        self.dataCount = markerStart - (treeSize + 16)
        // An IPv6 database keeps IPv4 networks under ::/96: walk 96 zero bits to find where they start.
        var node = 0
        if metadata.ipVersion == 6 {
            for _ in 0..<96 where node < metadata.nodeCount {
                node = Self.record(in: bytes, node: node, bit: 0, recordSize: metadata.recordSize)
            }
        }
        self.ipv4Start = node
    }

    deinit {
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
        } else {
            base.deallocate()
        }
    }

    /// The record for an address, or `nil` when the database has none.
    ///
    /// An IPv4 address in an IPv6 database is looked up in the database's IPv4 networks (`::/96`),
    /// as MaxMind's readers do; its prefix length is reported as an IPv4 prefix.
    ///
    /// - Throws: ``MMDBError`` for an IPv6 address in an IPv4-only database, or a damaged database.
    public func lookup(_ address: IPAddress) throws(MMDBError) -> Lookup? {
        guard let found = try locate(address) else { return nil }
        return Lookup(record: try record(at: found.offset), prefixLength: found.prefixLength, offset: found.offset)
    }

    /// Where an address's record starts in the data section, and its network's prefix length.
    func locate(_ address: IPAddress) throws(MMDBError) -> (offset: Int, prefixLength: Int)? {
        if let bits = address.ipv4Bits {
            return try walk(UInt128(bits), bitCount: 32, from: ipv4Start)
        }
        guard metadata.ipVersion == 6 else {
            throw MMDBError("cannot look up the IPv6 address \(address) in an IPv4-only database")
        }
        return try walk(address.ipv6Bits, bitCount: 128, from: 0)
    }

    /// Looks up 128 bits as an IPv6 address, without treating `::ffff:0:0/96` as IPv4; for tests that
    /// compare with other readers.
    func locate(ipv6Bits bits: UInt128) throws(MMDBError) -> (offset: Int, prefixLength: Int)? {
        guard metadata.ipVersion == 6 else {
            throw MMDBError("cannot look up an IPv6 address in an IPv4-only database")
        }
        return try walk(bits, bitCount: 128, from: 0)
    }

    /// Decodes the record that starts at an offset in the data section.
    func record(at offset: Int) throws(MMDBError) -> MMDBValue {
        let section = UnsafeRawBufferPointer(start: base + dataStart, count: dataCount)
        return try MMDBDecoder(section: section, name: "data section").decode(at: offset)
    }

    private func walk(_ bits: UInt128, bitCount: Int, from start: Int) throws(MMDBError) -> (Int, Int)? {
        let bytes = UnsafeRawBufferPointer(start: base, count: count)
        let nodeCount = metadata.nodeCount
        var node = start
        var depth = 0
        while depth < bitCount, node < nodeCount {
            let bit = Int((bits >> (bitCount - 1 - depth)) & 1)
            node = Self.record(in: bytes, node: node, bit: bit, recordSize: metadata.recordSize)
            depth += 1
        }
        if node == nodeCount { return nil }
        guard node > nodeCount else {
            throw MMDBError("the search tree has no record for a full-length address; the database is damaged")
        }
        let offset = node - nodeCount - 16
        guard offset >= 0, offset < dataCount else {
            throw MMDBError("the search tree points outside the data section; the database is damaged")
        }
        return (offset, depth)
    }

    /// One of a node's two records. The tree's size was checked against the file when it was opened.
    private static func record(in bytes: UnsafeRawBufferPointer, node: Int, bit: Int, recordSize: Int) -> Int {
        switch recordSize {
        case 24:
            let at = node * 6 + bit * 3
            return Int(bytes[at]) << 16 | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2])
        case 28:
            let at = node * 7
            if bit == 0 {
                return (Int(bytes[at + 3]) & 0xF0) << 20 | Int(bytes[at]) << 16 | Int(bytes[at + 1]) << 8
                    | Int(bytes[at + 2])
            }
            return (Int(bytes[at + 3]) & 0x0F) << 24 | Int(bytes[at + 4]) << 16 | Int(bytes[at + 5]) << 8
                | Int(bytes[at + 6])
        default:
            let at = node * 8 + bit * 4
            return Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
    }

    private static func lastMarker(in bytes: UnsafeRawBufferPointer) -> Int? {
        let length = marker.count
        guard bytes.count >= length else { return nil }
        // The metadata is at most 128 KiB long, so the marker is within that distance of the end.
        let lowest = max(0, bytes.count - 128 * 1024 - length)
        var start = bytes.count - length
        while start >= lowest {
            var matched = true
            for index in 0..<length where bytes[start + index] != marker[index] {
                matched = false
                break
            }
            if matched { return start }
            start -= 1
        }
        return nil
    }

    private static func metadata(from raw: MMDBValue, name: String) throws(MMDBError) -> Metadata {
        guard case .map = raw else { throw MMDBError("the metadata of \(name) is not a map") }
        func integer(_ key: String) throws(MMDBError) -> Int {
            guard let value = raw[key]?.int, value >= 0 else {
                throw MMDBError("the metadata of \(name) lacks the unsigned integer '\(key)'")
            }
            return value
        }
        let major = try integer("binary_format_major_version")
        guard major == 2 else {
            throw MMDBError("\(name) is in MaxMind DB format version \(major); this reader reads version 2")
        }
        let recordSize = try integer("record_size")
        guard [24, 28, 32].contains(recordSize) else {
            throw MMDBError("the metadata of \(name) has record_size \(recordSize); it must be 24, 28 or 32")
        }
        let ipVersion = try integer("ip_version")
        guard ipVersion == 4 || ipVersion == 6 else {
            throw MMDBError("the metadata of \(name) has ip_version \(ipVersion); it must be 4 or 6")
        }
        let nodeCount = try integer("node_count")
        guard nodeCount < 1 << 32 else { throw MMDBError("the metadata of \(name) has too many nodes") }
        guard let databaseType = raw["database_type"]?.string else {
            throw MMDBError("the metadata of \(name) lacks the string 'database_type'")
        }
        var languages: [String] = []
        if case .array(let values) = raw["languages"] { languages = values.compactMap(\.string) }
        var description: [String: String] = [:]
        if case .map(let values) = raw["description"] { description = values.compactMapValues(\.string) }
        var buildEpoch: UInt64 = 0
        if let epoch = raw["build_epoch"] {
            switch epoch {
            case .uint64(let value): buildEpoch = value
            default: buildEpoch = UInt64(exactly: epoch.int ?? 0) ?? 0
            }
        }
        return Metadata(
            nodeCount: nodeCount,
            recordSize: recordSize,
            ipVersion: ipVersion,
            databaseType: databaseType,
            languages: languages,
            binaryFormatMajorVersion: major,
            binaryFormatMinorVersion: raw["binary_format_minor_version"]?.int ?? 0,
            buildEpoch: buildEpoch,
            description: description,
            raw: raw
        )
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
