extension SensitiveInfoScanner.Pass {
    /// The end of the dotted quad at `index` (four decimal octets of at most 255, without leading zeros),
    /// or nil.
    func ipv4(at index: Int) -> Int? {
        var cursor = index
        for octet in 0..<4 {
            if octet > 0 {
                guard at(cursor) == UInt8(ascii: ".") else { return nil }
                cursor += 1
            }
            let start = cursor
            var value = 0
            while SensitiveInfoByte.isDigit(at(cursor)), cursor - start < 3 {
                value = value * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            let length = cursor - start
            guard length > 0, value <= 255, length == 1 || bytes[start] != UInt8(ascii: "0"),
                !SensitiveInfoByte.isDigit(at(cursor))
            else { return nil }
        }
        return cursor
    }

    /// An IPv4 address at `index` that stands alone: no letter, digit or dot touches it, so that
    /// `v1.2.3.4`, `1.3.6.1.2.1` and `10.0.0.1.5` are versions and identifiers. A port (`:8080`) or a
    /// prefix length (`/24`) may follow.
    mutating func ipv4Entity(at index: Int) -> Int? {
        let previous = at(index - 1)
        guard previous != UInt8(ascii: "."), !SensitiveInfoByte.isWord(previous), let end = ipv4(at: index) else {
            return nil
        }
        let next = at(end)
        guard !SensitiveInfoByte.isWord(next), next != UInt8(ascii: "-") || !SensitiveInfoByte.isDigit(at(end + 1))
        else { return nil }
        if next == UInt8(ascii: "."), SensitiveInfoByte.isAlphanumeric(at(end + 1)) { return nil }
        return emit(.ipAddress, index, end) ? end : nil
    }

    /// The IPv6 address at `index` (a hex digit, or the `::` of a compressed address): eight groups of
    /// one to four hex digits, or fewer with one `::`, the last 32 bits possibly written as IPv4
    /// (`::ffff:192.0.2.1`). A zone (`%eth0`) is not part of the address. A compressed address needs a
    /// decimal digit and two groups or a leading `::` (`dead::beef` and `a::b` are more likely code
    /// than addresses); a bare `::` is not taken.
    mutating func ipv6(at index: Int) -> Int? {
        let previous = at(index - 1)
        guard !SensitiveInfoByte.isWord(previous), previous != UInt8(ascii: ":"), previous != UInt8(ascii: ".")
        else { return nil }
        // Cheap rejection of ordinary words and numbers: a colon must come within five bytes.
        if bytes[index] != UInt8(ascii: ":") {
            var probe = index
            while SensitiveInfoByte.isHex(at(probe)), probe - index < 4 { probe += 1 }
            guard at(probe) == UInt8(ascii: ":") else { return nil }
        }
        var cursor = index
        var groupCount = 0
        var compressed = false
        var leadingCompression = false
        var hasDecimalDigit = false
        if bytes[index] == UInt8(ascii: ":") {
            guard at(index + 1) == UInt8(ascii: ":"), SensitiveInfoByte.isHex(at(index + 2)) else { return nil }
            compressed = true
            leadingCompression = true
            cursor += 2
        }
        while true {
            let start = cursor
            while SensitiveInfoByte.isHex(at(cursor)), cursor - start < 5 {
                if SensitiveInfoByte.isDigit(bytes[cursor]) { hasDecimalDigit = true }
                cursor += 1
            }
            let length = cursor - start
            guard length > 0 else { break }
            if at(cursor) == UInt8(ascii: "."), groupCount <= 6, compressed || groupCount == 6 {
                // The last 32 bits written as a dotted quad.
                guard let end = ipv4(at: start) else { return nil }
                groupCount += 2
                cursor = end
                break
            }
            guard length <= 4 else { return nil }
            groupCount += 1
            guard groupCount <= 8, at(cursor) == UInt8(ascii: ":") else { break }
            if at(cursor + 1) == UInt8(ascii: ":") {
                guard !compressed else { return nil }
                compressed = true
                cursor += 2
                if !SensitiveInfoByte.isHex(at(cursor)) { break }  // ends with `::`
            } else if SensitiveInfoByte.isHex(at(cursor + 1)) {
                cursor += 1
            } else {
                break  // a colon that ends a sentence or a label: `fe80::1:`
            }
        }
        if compressed {
            guard groupCount <= 7, groupCount >= 2 || leadingCompression, hasDecimalDigit else { return nil }
        } else {
            guard groupCount == 8 else { return nil }
        }
        let next = at(cursor)
        guard !SensitiveInfoByte.isWord(next), next != UInt8(ascii: ":") || !SensitiveInfoByte.isHex(at(cursor + 1))
        else { return nil }
        if next == UInt8(ascii: "."), SensitiveInfoByte.isDigit(at(cursor + 1)) { return nil }
        return emit(.ipAddress, index, cursor) ? cursor : nil
    }
}
