/// Server-side request forgery by parsing every URL in a value: its scheme (gopher, dict, ldap and
/// the other schemes that reach internal services), its host (cloud metadata names and addresses,
/// loopback and link-local, private networks) and IP literals in every notation a resolver accepts
/// (decimal, octal and hex parts, the one- to four-part short forms, IPv6 and IPv4-mapped IPv6).
enum ServerSideRequestForgery {
    static let dangerousSchemes = ShieldWords([
        "gopher", "dict", "ldap", "ldaps", "tftp", "jar", "netdoc", "sftp", "telnet", "ssh", "smb", "rmi", "iiop",
        "expect", "imap", "pop3", "smtp", "mysql", "redis", "memcache", "zookeeper",
    ])

    static let metadataMarkers = ShieldMarkers([
        "169.254.169.254", "metadata.google.internal", "100.100.100.200", "fd00:ec2::254", "/latest/meta-data",
        "/computemetadata/v1", "/metadata/instance",
    ])

    static let internalHosts = ShieldWords([
        "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "metadata.google.internal",
        "metadata", "instance-data", "instance-data.ec2.internal", "metadata.azure.com", "kubernetes.default",
        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "metadata.packet.net",
        "metadata.tencentyun.com", "burpcollaborator.net", "oastify.com", "interact.sh", "oast.fun", "oast.pro",
        "oast.live", "oast.site", "oast.online", "oast.me", "nip.io", "xip.io", "sslip.io", "localtest.me",
        "lvh.me", "vcap.me", "127.0.0.1.nip.io", "requestbin.net", "webhook.site", "ngrok.io",
    ])

    /// Domains whose subdomains name a chosen address or an attacker's listener: a host one label
    /// below one of the internal hosts and under one of these (`x.oastify.com`, `a.127.0.0.1.nip.io`)
    /// is internal.
    static let wildcardDomains: [[UInt8]] = [
        ".nip.io", ".xip.io", ".sslip.io", ".burpcollaborator.net", ".oastify.com", ".interact.sh", ".localtest.me",
    ].map { Array($0.utf8) }

    /// Suffixes of names that only resolve inside a network.
    static let internalSuffixes: [[UInt8]] = [".internal", ".localhost"].map { Array($0.utf8) }

    /// Whether a (decoded, lower-cased) value points the server at an internal or unusual target.
    static func detect(_ value: [UInt8], strict: Bool) -> Bool {
        var index = 0
        while let found = value.firstIndex(of: "://", from: index) {
            index = found + 3
            var start = found
            while start > 0,
                ShieldByte.isLetter(value[start - 1]) || value[start - 1] == UInt8(ascii: "+")
                    || value[start - 1] == UInt8(ascii: "-")
            {
                start -= 1
            }
            if dangerousSchemes.contains(value[start..<found]) { return true }
            if hostIsInternal(value, authorityAt: found + 3, strict: strict) { return true }
        }
        // Protocol-relative and bare hosts: `//169.254.169.254/`, `169.254.169.254/latest/meta-data`
        return metadataMarkers.occurs(in: value)
    }

    private static func hostIsInternal(_ value: [UInt8], authorityAt start: Int, strict: Bool) -> Bool {
        var end = start
        while end < value.count, end - start < 300 {
            let byte = value[end]
            if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
                || byte == UInt8(ascii: "\\") || ShieldByte.isSpace(byte) || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            {
                break
            }
            end += 1
        }
        var authority = value[start..<end]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        var host: ArraySlice<UInt8>
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { return false }
            host = authority[(authority.startIndex + 1)..<close]
        } else if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            host = authority[..<colon]
        } else {
            host = authority
        }
        while host.last == UInt8(ascii: ".") { host = host.dropLast() }
        guard !host.isEmpty else { return false }
        if internalHosts.contains(host) { return true }
        if let dot = host.firstIndex(of: UInt8(ascii: ".")), internalHosts.contains(host[(dot + 1)...]),
            wildcardDomains.contains(where: { host.hasSuffix($0) })
        {
            return true
        }
        if internalSuffixes.contains(where: { host.hasSuffix($0) }) { return true }
        // IP literals start with a digit (inet_aton's forms too) or, in brackets, hold a colon
        guard ShieldByte.isDigit(host[host.startIndex]) || host.contains(UInt8(ascii: ":")) else { return false }
        if let address = IPAddress(String(decoding: host, as: UTF8.self)) {
            return !address.isGlobal || strict
        }
        if let (address, canonical) = lenientIPv4(host) {
            // 2130706433, 0x7f000001, 0177.0.0.1, 127.1: notations only an attack uses
            return !canonical || !address.isGlobal || strict
        }
        return false
    }

    /// An IPv4 address as `inet_aton` reads it: one to four parts, each decimal, octal (leading 0) or
    /// hex (0x); and whether the text was the canonical dotted quad.
    static func lenientIPv4(_ host: ArraySlice<UInt8>) -> (IPAddress, Bool)? {
        var parts: [UInt64] = []
        var canonical = true
        var index = host.startIndex
        while index < host.endIndex {
            guard parts.count < 4 else { return nil }
            var value: UInt64 = 0
            var radix: UInt64 = 10
            var digits = 0
            if host[index] == UInt8(ascii: "0"), index + 1 < host.endIndex, host[index + 1] == UInt8(ascii: "x") {
                radix = 16
                index += 2
                canonical = false
            } else if host[index] == UInt8(ascii: "0"), index + 1 < host.endIndex, host[index + 1] != UInt8(ascii: ".")
            {
                radix = 8
                canonical = false
            }
            while index < host.endIndex, host[index] != UInt8(ascii: ".") {
                guard let digit = IPAddress.hexValue(host[index]), UInt64(digit) < radix else { return nil }
                value = value * radix + UInt64(digit)
                guard value <= 0xFFFF_FFFF else { return nil }
                digits += 1
                index += 1
            }
            guard digits > 0 || radix == 16 else { return nil }
            parts.append(value)
            if index < host.endIndex { index += 1 }
        }
        guard !parts.isEmpty else { return nil }
        if parts.count != 4 { canonical = false }
        var address: UInt64 = 0
        for (position, part) in parts.enumerated() {
            if position == parts.count - 1 {
                let remainingBits = UInt64(8 * (4 - position))
                guard remainingBits == 64 ? true : part < (1 << remainingBits) else { return nil }
                address |= part
            } else {
                guard part <= 0xFF else { return nil }
                address |= part << UInt64(8 * (3 - position))
            }
        }
        let text = "\(address >> 24 & 0xFF).\(address >> 16 & 0xFF).\(address >> 8 & 0xFF).\(address & 0xFF)"
        guard let ip = IPAddress(text) else { return nil }
        return (ip, canonical)
    }
}

extension ArraySlice<UInt8> {
    /// Whether the slice ends with `suffix`.
    @inline(__always)
    fileprivate func hasSuffix(_ suffix: [UInt8]) -> Bool {
        count >= suffix.count && self.suffix(suffix.count).elementsEqual(suffix)
    }
}
