/// An IPv4 or IPv6 address, parsed by hand from its text form.
///
/// Parsing accepts dotted-quad IPv4 (`203.0.113.7`, no leading zeros, which some stacks read as
/// octal), every RFC 4291 IPv6 text form (`2001:db8::1`, `::ffff:192.0.2.1`), and an IPv6 zone
/// (`fe80::1%eth0`). An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) compares and matches as the IPv4
/// address it carries, because that is the client a dual-stack socket is talking to.
///
/// ```swift
/// let address = IPAddress("::ffff:198.51.100.4")
/// address?.description  // "198.51.100.4"
/// ```
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family and bits.
    @usableFromInline
    enum Storage: Sendable, Hashable {
        case v4(UInt32)
        case v6(UInt128)
    }

    @usableFromInline
    let storage: Storage

    /// The IPv6 zone (`eth0` in `fe80::1%eth0`), if the text had one.
    public let zone: String?

    /// An IPv4 address from its 32 bits, most significant first.
    public init(ipv4 bits: UInt32) {
        self.storage = .v4(bits)
        self.zone = nil
    }

    /// An IPv6 address from its 128 bits; an IPv4-mapped address becomes the IPv4 address it carries.
    public init(ipv6 bits: UInt128, zone: String? = nil) {
        if bits >> 32 == 0xFFFF {
            self.storage = .v4(UInt32(truncatingIfNeeded: bits))
            self.zone = nil
        } else {
            self.storage = .v6(bits)
            self.zone = zone
        }
    }

    /// Parses an address from text, or returns `nil` if the text is not exactly one address.
    public init?(_ text: some StringProtocol) {
        var text = Substring(text)
        guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    /// Whether this is an IPv4 address (including one that arrived IPv4-mapped in IPv6).
    public var isIPv4: Bool {
        if case .v4 = storage { return true }
        return false
    }

    /// The 32 bits of an IPv4 address, or `nil` for IPv6.
    public var ipv4Bits: UInt32? {
        if case .v4(let bits) = storage { return bits }
        return nil
    }

    /// The 128 bits of the address as IPv6 (IPv4 addresses in their IPv4-mapped form).
    public var ipv6Bits: UInt128 {
        switch storage {
        case .v4(let bits): return UInt128(0xFFFF) << 32 | UInt128(bits)
        case .v6(let bits): return bits
        }
    }

    /// The canonical text form: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`).
    public var description: String {
        switch storage {
        case .v4(let bits):
            return String(unsafeUninitializedCapacity: 15) { buffer in
                var count = 0
                for shift in stride(from: 24, through: 0, by: -8) {
                    let octet = Int(bits >> UInt32(shift) & 0xFF)
                    if shift != 24 {
                        buffer[count] = UInt8(ascii: ".")
                        count += 1
                    }
                    if octet >= 100 {
                        buffer[count] = UInt8(ascii: "0") + UInt8(octet / 100)
                        count += 1
                    }
                    if octet >= 10 {
                        buffer[count] = UInt8(ascii: "0") + UInt8(octet / 10 % 10)
                        count += 1
                    }
                    buffer[count] = UInt8(ascii: "0") + UInt8(octet % 10)
                    count += 1
                }
                return count
            }
        case .v6(let bits):
            return Self.formatIPv6(bits) + (zone.map { "%" + $0 } ?? "")
        }
    }
}

extension IPAddress {
    /// Parses one address from bytes: no surrounding space, nothing else.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        guard !bytes.isEmpty, bytes.count <= 64 else { return nil }
        if bytes.contains(UInt8(ascii: ":")) { return parseIPv6(bytes) }
        return parseIPv4(bytes[...]).map { IPAddress(ipv4: $0) }
    }

    /// Strict dotted quad: four decimal parts 0...255, no leading zeros, no other characters.
    static func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var result: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var parts = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                result = result << 8 | part
                parts += 1
                part = 0
                digits = 0
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            // A leading zero (`01`) is refused: some stacks read it as octal.
            guard digit < 10, !(digits == 1 && part == 0) else { return nil }
            part = part * 10 + UInt32(digit)
            digits += 1
            if part > 255 { return nil }
        }
        guard digits > 0, parts == 3 else { return nil }
        return result << 8 | part
    }

    /// RFC 4291 text: up to eight groups of up to four hex digits, one `::`, an optional embedded
    /// IPv4 address at the end, and an optional `%zone`.
    static func parseIPv6(_ input: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        var end = input.count
        var zone: String?
        if let percent = input.firstIndex(of: UInt8(ascii: "%")) {
            let zoneBytes = input[(percent + 1)...]
            guard !zoneBytes.isEmpty, zoneBytes.count <= 32,
                zoneBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") })
            else { return nil }
            zone = String(decoding: zoneBytes, as: UTF8.self)
            end = percent
        }
        // Groups before `::` accumulate in `head`, groups after it in `tail`.
        var head: UInt128 = 0
        var tail: UInt128 = 0
        var headCount = 0
        var tailCount = 0
        var compressed = false
        func push(_ bits: UInt128, groups: Int) {
            if compressed {
                tail = tail << (16 * groups) | bits
                tailCount += groups
            } else {
                head = head << (16 * groups) | bits
                headCount += groups
            }
        }
        var index = 0
        if end >= 2, input[0] == UInt8(ascii: ":"), input[1] == UInt8(ascii: ":") {
            compressed = true
            index = 2
        } else if end >= 1, input[0] == UInt8(ascii: ":") {
            return nil
        }
        while index < end {
            var value: UInt32 = 0
            var digits = 0
            var cursor = index
            while cursor < end, let hex = hexValue(input[cursor]) {
                value = value << 4 | UInt32(hex)
                digits += 1
                cursor += 1
                if digits > 4 { return nil }
            }
            if cursor < end, input[cursor] == UInt8(ascii: ".") {
                guard headCount + tailCount <= 6, let v4 = parseIPv4(input[index..<end]) else { return nil }
                push(UInt128(v4), groups: 2)
                index = end
                break
            }
            guard digits > 0 else { return nil }
            push(UInt128(value), groups: 1)
            guard headCount + tailCount <= 8 else { return nil }
            index = cursor
            if index == end { break }
            guard input[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            if index < end, input[index] == UInt8(ascii: ":") {
                guard !compressed else { return nil }
                compressed = true
                index += 1
            } else if index == end {
                return nil  // a trailing single colon
            }
        }
        let groups = headCount + tailCount
        guard compressed ? groups < 8 : groups == 8 else { return nil }
        let bits = headCount == 0 ? tail : head << (16 * (8 - headCount)) | tail
        return IPAddress(ipv6: bits, zone: zone)
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func formatIPv6(_ bits: UInt128) -> String {
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: bits >> (112 - 16 * $0)) }
        // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
        var bestStart = -1
        var bestLength = 1
        var runStart = -1
        for (index, group) in groups.enumerated() {
            if group == 0 {
                if runStart < 0 { runStart = index }
                let length = index - runStart + 1
                if length > bestLength {
                    bestStart = runStart
                    bestLength = length
                }
            } else {
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }
}

extension IPAddress: Comparable {
    /// IPv4 addresses sort before IPv6 addresses; within a family, by numeric value.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.v4(let a), .v4(let b)): return a < b
        case (.v6(let a), .v6(let b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}

extension IPAddress: Codable {
    /// Decodes an address from its text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = IPAddress(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "'\(text.prefix(80))' is not an IPv4 or IPv6 address"
            )
        }
        self = address
    }

    /// Encodes the address in its canonical text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
