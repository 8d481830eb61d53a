/// The part after the `@` when it is an address in brackets (RFC 5321 section 4.1.3):
/// `[192.0.2.1]` or `[IPv6:2001:db8::1]`, returned in canonical form (RFC 5952 for IPv6).
extension EmailAddress {
    static func parseDomainLiteral(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>
    ) throws(EmailSyntaxError) -> String {
        guard range.count >= 2, bytes[range.upperBound - 1] == UInt8(ascii: "]") else {
            throw EmailSyntaxError(
                code: .invalidDomainLiteral,
                message: "The address in brackets after the @ has no closing bracket (]); add it at the end."
            )
        }
        let content = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        if !content.isEmpty, content.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }) {
            guard isIPv4(content) else {
                throw EmailSyntaxError(
                    code: .invalidDomainLiteral,
                    message: "The address in brackets after the @ is not a valid IPv4 address (four numbers from 0 "
                        + "to 255, without leading zeros, separated by dots)."
                )
            }
            return "[" + String(decoding: content, as: UTF8.self) + "]"
        }
        let tag = content.prefix(5)
        if tag.count == 5, tag.map({ $0 | 0x20 }).elementsEqual("ipv6:".utf8.map { $0 | 0x20 }) {
            guard let groups = ipv6Groups(content.dropFirst(5)) else {
                throw EmailSyntaxError(
                    code: .invalidDomainLiteral,
                    message: "The IPv6 address in brackets after the @ is not valid."
                )
            }
            return "[IPv6:" + compressedIPv6(groups) + "]"
        }
        throw EmailSyntaxError(
            code: .invalidDomainLiteral,
            message: content.contains(UInt8(ascii: ":"))
                ? "The address in brackets after the @ has a tag other than IPv6:, the only one defined."
                : "The text in brackets after the @ is not an IPv4 address, nor IPv6: and an IPv6 address."
        )
    }

    /// Four decimal numbers of 0–255 without leading zeros, as `inet_pton` and Python's `ipaddress` read them.
    static func isIPv4(_ text: some Collection<UInt8>) -> Bool {
        var parts = 0
        var value = 0
        var digits = 0
        var leadingZero = false
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                parts += 1
                value = 0
                digits = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            if digits == 0 { leadingZero = byte == UInt8(ascii: "0") } else if leadingZero { return false }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            guard digits <= 3, value <= 255 else { return false }
        }
        return digits > 0 && parts == 3
    }

    /// The eight groups of an IPv6 address in the text form of RFC 4291 section 2.2: groups of one to
    /// four hex digits, at most one `::` for one or more zero groups, and an IPv4 address for the last
    /// 32 bits when wanted. No zone index.
    static func ipv6Groups(_ text: some Collection<UInt8>) -> [UInt16]? {
        let bytes = Array(text)
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var gap: Int?
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = index
                index += 2
            } else {
                index += 1
            }
        }
        guard let gap else {
            guard let groups = ipv6GroupList(bytes[...], ipv4Allowed: true), groups.count == 8 else { return nil }
            return groups
        }
        guard let head = ipv6GroupList(bytes[..<gap], ipv4Allowed: false),
            let tail = ipv6GroupList(bytes[(gap + 2)...], ipv4Allowed: true),
            head.count + tail.count <= 7
        else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    private static func ipv6GroupList(_ text: ArraySlice<UInt8>, ipv4Allowed: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        var groups: [UInt16] = []
        let fields = text.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        for (position, field) in fields.enumerated() {
            if ipv4Allowed, position == fields.count - 1, field.contains(UInt8(ascii: ".")) {
                guard isIPv4(field) else { return nil }
                var octets: [UInt16] = []
                for number in field.split(separator: UInt8(ascii: ".")) {
                    octets.append(number.reduce(0) { $0 * 10 + UInt16($1 - UInt8(ascii: "0")) })
                }
                groups.append(octets[0] << 8 | octets[1])
                groups.append(octets[2] << 8 | octets[3])
                continue
            }
            guard (1...4).contains(field.count) else { return nil }
            var value: UInt16 = 0
            for byte in field {
                guard let digit = hexValue(byte) else { return nil }
                value = value << 4 | digit
            }
            groups.append(value)
        }
        return groups
    }

    private static func hexValue(_ byte: UInt8) -> UInt16? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// RFC 5952: lower-case hex without leading zeros, the longest run of two or more zero groups (the
    /// first of equal runs) written `::`.
    static func compressedIPv6(_ groups: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 1
        var runStart = 0
        var runLength = 0
        for (index, group) in groups.enumerated() {
            if group == 0 {
                if runLength == 0 { runStart = index }
                runLength += 1
                if runLength > bestLength {
                    bestStart = runStart
                    bestLength = runLength
                }
            } else {
                runLength = 0
            }
        }
        func hex(_ slice: ArraySlice<UInt16>) -> String {
            slice.map { String($0, radix: 16) }.joined(separator: ":")
        }
        guard bestStart >= 0 else { return hex(groups[...]) }
        return hex(groups[..<bestStart]) + "::" + hex(groups[(bestStart + bestLength)...])
    }
}
