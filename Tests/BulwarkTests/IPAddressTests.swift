import Bulwark
import Testing

@Suite("IP address parsing")
struct IPAddressTests {
    @Test(
        "valid addresses parse to their canonical form",
        arguments: [
            ("203.0.113.7", "203.0.113.7"),
            ("0.0.0.0", "0.0.0.0"),
            ("255.255.255.255", "255.255.255.255"),
            ("::", "::"),
            ("::1", "::1"),
            ("2001:DB8::1", "2001:db8::1"),
            ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("fe80::1%eth0", "fe80::1%eth0"),
            ("::ffff:192.0.2.1", "192.0.2.1"),
            ("::ffff:c000:201", "192.0.2.1"),
            ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
            ("1::", "1::"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8"),
        ]
    )
    func parses(input: String, canonical: String) {
        #expect(IPAddress(input)?.description == canonical)
    }

    @Test(
        "invalid text is rejected, never crashing",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.4 ", " 1.2.3.4",
            "1.2.3.-4", "a.b.c.d", ":::", "1:::2", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
            ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "::ffff:1.2.3", "::1.2.3.4.5", "fe80::1%", "g::1", "[::1]",
            "1.2.3.4/8", "::1%a%b", String(repeating: "1", count: 100),
        ]
    )
    func rejects(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test("IPv4-mapped IPv6 equals the IPv4 address it carries")
    func mappedEquality() {
        #expect(IPAddress("::ffff:10.1.2.3") == IPAddress("10.1.2.3"))
        #expect(IPAddress("::ffff:10.1.2.3")?.isIPv4 == true)
    }

    @Test(
        "global and non-global addresses",
        arguments: [
            ("8.8.8.8", true), ("1.1.1.1", true), ("2606:4700:4700::1111", true),
            ("10.1.2.3", false), ("172.16.0.1", false), ("172.31.255.255", false), ("172.32.0.1", true),
            ("192.168.1.1", false), ("127.0.0.1", false), ("169.254.169.254", false), ("100.64.0.1", false),
            ("192.0.2.1", false), ("198.51.100.1", false), ("203.0.113.1", false), ("224.0.0.1", false),
            ("255.255.255.255", false), ("0.0.0.0", false), ("::1", false), ("::", false), ("fe80::1", false),
            ("fd00::1", false), ("2001:db8::1", false), ("ff02::1", false), ("::ffff:10.0.0.1", false),
        ]
    )
    func globalScope(input: String, global: Bool) throws {
        #expect(try #require(IPAddress(input)).isGlobal == global)
    }

    @Test("CIDR blocks contain exactly their range")
    func cidr() throws {
        let block = try #require(CIDR("10.1.2.3/8"))
        #expect(block.description == "10.0.0.0/8")
        #expect(block.contains(IPAddress("10.255.255.255")!))
        #expect(!block.contains(IPAddress("11.0.0.0")!))
        #expect(!block.contains(IPAddress("::ffff:11.0.0.0")!))
        #expect(block.contains(IPAddress("::ffff:10.0.0.1")!))
        let v6 = try #require(CIDR("2001:db8::/32"))
        #expect(v6.contains(IPAddress("2001:db8:ffff::1")!))
        #expect(!v6.contains(IPAddress("2001:db9::1")!))
        #expect(CIDR("::ffff:10.0.0.0/104") == CIDR("10.0.0.0/8"))
        #expect(CIDR("0.0.0.0/0")?.contains(IPAddress("255.1.2.3")!) == true)
        #expect(CIDR("::/0")?.contains(IPAddress("2001:db8::1")!) == true)
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "x/8", "10.0.0.0/ 8"] {
            #expect(CIDR(bad) == nil, "\(bad)")
        }
    }

    @Test("an IP set answers membership across merged and adjacent blocks")
    func ipSet() throws {
        let set = try IPSet(["10.0.0.0/9", "10.128.0.0/9", "192.168.1.7", "2001:db8::/48", " 172.16.0.0/12 "])
        for inside in [
            "10.0.0.0", "10.127.255.255", "10.128.0.0", "10.255.255.255", "192.168.1.7", "2001:db8::9", "172.20.1.1",
        ] {
            #expect(set.contains(IPAddress(inside)!), "\(inside)")
        }
        for outside in ["9.255.255.255", "11.0.0.0", "192.168.1.8", "2001:db8:1::1", "::ffff:0:0"] {
            #expect(!set.contains(IPAddress(outside)!), "\(outside)")
        }
        #expect(throws: IPSetError.self) { try IPSet(["10.0.0.0/8", "nonsense"]) }
    }
}

#if canImport(Glibc)
import Glibc

@Suite("IP addresses from socket addresses")
struct SockaddrTests {
    @Test("IPv4, IPv6 and IPv4-mapped socket addresses convert from their bytes; other families do not")
    func conversion() throws {
        var v4 = sockaddr_in()
        v4.sin_family = sa_family_t(AF_INET)
        v4.sin_addr.s_addr = UInt32(0xCB00_7109).bigEndian  // 203.0.113.9
        #expect(withUnsafePointer(to: &v4) { address($0) } == IPAddress("203.0.113.9"))

        for (text, expected) in [("2606:4700::1", "2606:4700::1"), ("::ffff:8.8.4.4", "8.8.4.4")] {
            var v6 = sockaddr_in6()
            v6.sin6_family = sa_family_t(AF_INET6)
            #expect(inet_pton(AF_INET6, text, &v6.sin6_addr) == 1)
            #expect(withUnsafePointer(to: &v6) { address($0) }?.description == expected)
        }

        var unix = sockaddr_un()
        unix.sun_family = sa_family_t(AF_UNIX)
        #expect(withUnsafePointer(to: &unix) { address($0) } == nil)
    }

    private func address<T>(_ pointer: UnsafePointer<T>) -> IPAddress? {
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { IPAddress(sockaddr: $0) }
    }
}
#endif
