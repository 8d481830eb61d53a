/// An address block: a network address and a prefix length, such as `10.0.0.0/8` or `2001:db8::/32`.
///
/// A bare address parses as a block of one (`/32` or `/128`). Host bits below the prefix are
/// cleared, so `10.1.2.3/8` is `10.0.0.0/8`.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block.
    public let network: IPAddress
    /// The number of leading bits that are fixed.
    public let prefixLength: Int

    /// A block from an address and prefix length; `nil` if the length is out of range for the family.
    public init?(network: IPAddress, prefixLength: Int) {
        let width = network.isIPv4 ? 32 : 128
        guard (0...width).contains(prefixLength) else { return nil }
        self.prefixLength = prefixLength
        switch network.storage {
        case .v4(let bits):
            let mask: UInt32 = prefixLength == 0 ? 0 : ~0 << (32 - prefixLength)
            self.network = IPAddress(ipv4: bits & mask)
        case .v6(let bits):
            let mask: UInt128 = prefixLength == 0 ? 0 : ~0 << (128 - prefixLength)
            self.network = IPAddress(ipv6: bits & mask)
        }
    }

    /// Parses `address/length` or a bare address; `nil` if the text is neither.
    public init?(_ text: some StringProtocol) {
        let text = Substring(text)
        guard let slash = text.firstIndex(of: "/") else {
            guard let address = IPAddress(text) else { return nil }
            self.init(network: address, prefixLength: address.isIPv4 ? 32 : 128)
            return
        }
        let lengthText = text[text.index(after: slash)...]
        guard let address = IPAddress(text[..<slash]),
            (1...3).contains(lengthText.utf8.count),
            lengthText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            var length = Int(lengthText)
        else { return nil }
        // `::ffff:10.0.0.0/104` names the same block as `10.0.0.0/8`.
        if address.isIPv4, text[..<slash].contains(":") {
            guard length >= 96 else { return nil }
            length -= 96
        }
        self.init(network: address, prefixLength: length)
    }

    /// The first and last address of the block, as 128-bit IPv6 values (IPv4 in its mapped form).
    var bounds: ClosedRange<UInt128> {
        let width = network.isIPv4 ? 32 : 128
        let low = network.ipv6Bits
        let hostBits = width - prefixLength
        let span: UInt128 = hostBits == 128 ? ~0 : (UInt128(1) << hostBits) - 1
        return low...(low | span)
    }

    /// Whether the address lies in this block.
    public func contains(_ address: IPAddress) -> Bool {
        guard address.isIPv4 == network.isIPv4 else { return false }
        return bounds.contains(address.ipv6Bits)
    }

    /// `network/prefixLength` in canonical form.
    public var description: String { "\(network)/\(prefixLength)" }
}

/// A set of address blocks, answering membership with a binary search over merged ranges.
///
/// ```swift
/// let trusted = try IPSet(["10.0.0.0/8", "2001:db8::/32"])
/// trusted.contains(IPAddress("10.2.3.4")!)  // true
/// ```
public struct IPSet: Sendable, Hashable {
    /// Sorted, non-overlapping, non-adjacent ranges over the 128-bit space (IPv4 as mapped IPv6).
    private var ranges = MergedRanges<UInt128>([])

    /// The blocks this set was built from.
    public private(set) var blocks: [CIDR] = []

    /// An empty set.
    public init() {}

    /// A set from blocks.
    public init(_ blocks: some Sequence<CIDR>) {
        self.blocks = Array(blocks)
        self.ranges = MergedRanges(self.blocks.map(\.bounds))
    }

    /// A set parsed from text blocks or addresses; throws naming the first entry that is neither.
    public init(_ entries: some Sequence<String>) throws(IPSetError) {
        var parsed: [CIDR] = []
        for (index, entry) in entries.enumerated() {
            let trimmed = entry.trimmingASCIIWhitespace()
            guard let block = CIDR(trimmed) else { throw IPSetError(index: index, entry: entry) }
            parsed.append(block)
        }
        self.init(parsed)
    }

    /// Whether no block is in the set.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether the address lies in any block of the set.
    public func contains(_ address: IPAddress) -> Bool { ranges.contains(address.ipv6Bits) }
}

/// An entry of an address list that is neither an address nor a block.
public struct IPSetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The position of the entry in the list, from zero.
    public let index: Int
    /// The entry as given.
    public let entry: String

    /// A message naming the entry.
    public var description: String {
        "entry \(index) ('\(entry.prefix(80))') is not an IP address or CIDR block"
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII spaces and tabs.
    func trimmingASCIIWhitespace() -> Substring {
        let text = Substring(self)
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
            let last = text.lastIndex(where: { !isSpace($0) })
        else { return text[text.endIndex...] }
        return text[first...last]
    }
}
