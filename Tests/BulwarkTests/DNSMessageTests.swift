import Testing

@testable import Bulwark

/// The bytes of a hex string (fixtures captured from dnsmasq 2.90).
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).map { index in
        UInt8(IPAddress.hexValue(digits[index])! << 4 | IPAddress.hexValue(digits[index + 1])!)
    }
}

/// Builds DNS messages byte by byte.
struct MessageBuilder {
    var bytes: [UInt8] = []

    init(
        id: UInt16 = 0x1234,
        flags: UInt16 = 0x8180,
        questions: UInt16 = 1,
        answers: UInt16 = 0,
        authority: UInt16 = 0,
        additional: UInt16 = 0
    ) {
        for value in [id, flags, questions, answers, authority, additional] { uint16(value) }
    }

    mutating func uint16(_ value: UInt16) {
        bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    mutating func uint32(_ value: UInt32) {
        uint16(UInt16(value >> 16))
        uint16(UInt16(value & 0xFFFF))
    }

    /// Labels of `name`, without the terminating root label.
    mutating func labels(_ name: String) {
        for label in name.split(separator: ".") {
            bytes.append(UInt8(label.utf8.count))
            bytes += Array(label.utf8)
        }
    }

    /// A whole uncompressed name.
    mutating func name(_ name: String) {
        labels(name)
        bytes.append(0)
    }

    /// The bytes of an uncompressed name, for record data.
    static func nameBytes(_ name: String) -> [UInt8] {
        var builder = MessageBuilder()
        builder.bytes = []
        builder.name(name)
        return builder.bytes
    }

    mutating func pointer(to offset: Int) {
        bytes += [0xC0 | UInt8(offset >> 8), UInt8(offset & 0xFF)]
    }

    mutating func question(_ name: String, type: DNSRecordType) {
        self.name(name)
        uint16(type.rawValue)
        uint16(1)
    }

    /// A record header for an owner name at `ownerOffset` (a pointer), then `data`.
    mutating func record(owner ownerOffset: Int, type: DNSRecordType, ttl: UInt32 = 300, data: [UInt8]) {
        pointer(to: ownerOffset)
        uint16(type.rawValue)
        uint16(1)
        uint32(ttl)
        uint16(UInt16(data.count))
        bytes += data
    }
}

@Suite("DNS message codec")
struct DNSMessageTests {
    static let aResponse = hexBytes(
        "d2978580000100010000000003626f74076578616d706c6504746573740000010001c00c00010001000000000004c000020a"
    )
    static let aaaaResponse = hexBytes(
        "41798580000100010000000003626f74076578616d706c65047465737400001c0001c00c001c00010000000000102001"
            + "0db8000000000000000000000010"
    )
    static let ptrResponse = hexBytes(
        "b2b485800001000100000000023130013201300331393207696e2d61646472046172706100000c0001c00c000c000100"
            + "000000001203626f74076578616d706c65047465737400"
    )
    static let mxResponse = hexBytes(
        "29dd85800001000200000000046d61696c076578616d706c65047465737400000f0001c00c000f000100000000001400"
            + "0a036d7831076578616d706c65047465737400c00c000f00010000000000140014036d7832076578616d706c650474"
            + "65737400"
    )
    static let cnameResponse = hexBytes(
        "110d8580000100020000000005616c696173076578616d706c6504746573740000010001c00c00050001000000000012"
            + "03626f74076578616d706c65047465737400c03000010001000000000004c000020a"
    )
    static let nxdomainResponse = hexBytes("afe681830001000000000000046e6f7065076578616d706c6504746573740000010001")
    static let mixedCaseResponse = hexBytes(
        "b61f8580000100010000000003424f54074578616d706c6504546573740000010001c00c00010001000000000004c000020a"
    )

    // MARK: Queries

    @Test("a query is a standard recursive query with one question, the name lower-cased")
    func queryEncoding() throws {
        let query = try DNSQuery(id: 0xBEEF, name: "Example.COM.", type: .aaaa)
        let expected: [UInt8] =
            [0xBE, 0xEF, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
            + [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]
            + [0x00, 0x1C, 0x00, 0x01]
        #expect(query.bytes == expected)
        #expect(query.name == "example.com")
    }

    @Test(
        "valid names are accepted",
        arguments: [
            ("example.com", "example.com"), ("example.com.", "example.com"),
            ("_dmarc.Example.org", "_dmarc.example.org"), ("localhost", "localhost"),
            (String(repeating: "a", count: 63) + ".test", String(repeating: "a", count: 63) + ".test"),
        ]
    )
    func validNames(name: String, normalized: String) throws {
        #expect(try DNSQuery(id: 1, name: name, type: .a).name == normalized)
    }

    @Test("a name of exactly 253 characters is accepted, 254 is not")
    func nameLengthLimit() throws {
        let label = String(repeating: "a", count: 49)
        let name253 = Array(repeating: label, count: 5).joined(separator: ".") + ".abc"  // 5 × 50 + 3
        #expect(name253.utf8.count == 253)
        _ = try DNSQuery(id: 1, name: name253, type: .a)
        _ = try DNSQuery(id: 1, name: name253 + ".", type: .a)
        let error = #expect(throws: DNSError.self) { try DNSQuery(id: 1, name: name253 + "d", type: .a) }
        #expect(error?.code == .invalidName)
    }

    @Test(
        "invalid names are refused with invalidName",
        arguments: [
            "", ".", "..", "a..b", ".a", "a.b..", String(repeating: "a", count: 64) + ".test", "exa mple.com",
            "exämple.com", "a\\.b.com", "a\u{0}.com", "tab\there.com", "del\u{7F}.com",
        ]
    )
    func invalidNames(name: String) {
        let error = #expect(throws: DNSError.self) { try DNSQuery(id: 1, name: name, type: .a) }
        #expect(error?.code == .invalidName)
    }

    @Test(
        "reverse names: in-addr.arpa for IPv4, nibbles under ip6.arpa for IPv6",
        arguments: [
            ("192.0.2.10", "10.2.0.192.in-addr.arpa"),
            ("::ffff:192.0.2.1", "1.2.0.192.in-addr.arpa"),
            ("2001:db8::10", "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"),
            ("fe80::1%eth0", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa"),
        ]
    )
    func reverseNames(address: String, name: String) throws {
        #expect(DNSQuery.reverseName(for: try #require(IPAddress(address))) == name)
    }

    // MARK: Responses

    @Test("an A response from dnsmasq")
    func parsesA() throws {
        let response = try DNSResponse(parsing: Self.aResponse)
        #expect(response.id == 0xD297)
        #expect(response.isResponse)
        #expect(!response.isTruncated)
        #expect(response.rcode == 0)
        #expect(response.questions == [DNSQuestion(name: "bot.example.test", type: .a)])
        #expect(
            response.answers == [
                DNSRecord(name: "bot.example.test", type: .a, ttl: 0, data: .address(IPAddress("192.0.2.10")!))
            ]
        )
    }

    @Test("an AAAA response from dnsmasq")
    func parsesAAAA() throws {
        let response = try DNSResponse(parsing: Self.aaaaResponse)
        #expect(response.answers.map(\.data) == [.address(IPAddress("2001:db8::10")!)])
        #expect(response.answers.first?.type == .aaaa)
    }

    @Test("a PTR response whose owner name is a compression pointer")
    func parsesPTR() throws {
        let response = try DNSResponse(parsing: Self.ptrResponse)
        #expect(response.questions.first?.name == "10.2.0.192.in-addr.arpa")
        #expect(response.answers.map(\.name) == ["10.2.0.192.in-addr.arpa"])
        #expect(response.answers.map(\.data) == [.name("bot.example.test")])
    }

    @Test("an MX response")
    func parsesMX() throws {
        let response = try DNSResponse(parsing: Self.mxResponse)
        #expect(
            response.answers.map(\.data) == [
                .mailExchange(preference: 10, exchange: "mx1.example.test"),
                .mailExchange(preference: 20, exchange: "mx2.example.test"),
            ]
        )
    }

    @Test("a CNAME chain is followed to the address, with a compressed CNAME target")
    func parsesCNAMEChain() throws {
        let response = try DNSResponse(parsing: Self.cnameResponse)
        #expect(response.answers.map(\.type) == [.cname, .a])
        #expect(response.answers.first?.data == .name("bot.example.test"))
        #expect(response.answers.last?.name == "bot.example.test")
        let records = UDPDNSResolver.records(in: response, for: "alias.example.test", type: .a)
        #expect(records == [.address(IPAddress("192.0.2.10")!)])
    }

    @Test("records for names outside the CNAME chain are ignored, and a CNAME loop ends")
    func cnameChainIsBounded() throws {
        var message = MessageBuilder(answers: 4)
        message.question("a.test", type: .a)  // the name is at offset 12
        let target = MessageBuilder.nameBytes("b.test")
        message.record(owner: 12, type: .cname, data: target)
        let bOffset = message.bytes.count - target.count
        message.record(owner: bOffset, type: .cname, data: [0xC0, 12])  // b → a: a loop
        message.record(owner: bOffset, type: .a, data: [192, 0, 2, 1])
        // An A record for a name outside the chain: the query's name with a label in front.
        message.labels("evil")
        message.pointer(to: 12)
        message.uint16(DNSRecordType.a.rawValue)
        message.uint16(1)
        message.uint32(300)
        message.uint16(4)
        message.bytes += [198, 51, 100, 1]
        let response = try DNSResponse(parsing: message.bytes)
        #expect(response.answers.map(\.name) == ["a.test", "b.test", "b.test", "evil.a.test"])
        let records = UDPDNSResolver.records(in: response, for: "a.test", type: .a)
        #expect(records == [.address(IPAddress("192.0.2.1")!)])
    }

    @Test("names are lower-cased, so a question in mixed case matches the query")
    func mixedCase() throws {
        let response = try DNSResponse(parsing: Self.mixedCaseResponse)
        #expect(response.questions.first?.name == "bot.example.test")
        #expect(response.answers.first?.name == "bot.example.test")
    }

    @Test("a response matches its query only with the same id and question")
    func matching() throws {
        let response = try DNSResponse(parsing: Self.mixedCaseResponse)
        #expect(try DNSQuery(id: 0xB61F, name: "bot.example.test", type: .a).isAnswered(by: response))
        #expect(try !DNSQuery(id: 0xB620, name: "bot.example.test", type: .a).isAnswered(by: response))
        #expect(try !DNSQuery(id: 0xB61F, name: "bot.example.org", type: .a).isAnswered(by: response))
        #expect(try !DNSQuery(id: 0xB61F, name: "bot.example.test", type: .aaaa).isAnswered(by: response))
        var query = MessageBuilder(id: 0xB61F, flags: 0x0100)
        query.question("bot.example.test", type: .a)
        let notAResponse = try DNSResponse(parsing: query.bytes)
        #expect(try !DNSQuery(id: 0xB61F, name: "bot.example.test", type: .a).isAnswered(by: notAResponse))
    }

    @Test("NXDOMAIN, the truncation bit, TTLs with the top bit set and other classes")
    func headerAndRecordDetails() throws {
        let nxdomain = try DNSResponse(parsing: Self.nxdomainResponse)
        #expect(nxdomain.rcode == 3)
        #expect(nxdomain.answers.isEmpty)

        var message = MessageBuilder(flags: 0x8380, answers: 3)  // TC set
        message.question("x.test", type: .a)
        message.record(owner: 12, type: .a, ttl: 0x8000_0001, data: [192, 0, 2, 7])
        message.pointer(to: 12)  // a CHAOS-class A record: not decoded
        message.uint16(DNSRecordType.a.rawValue)
        message.uint16(3)
        message.uint32(60)
        message.uint16(4)
        message.bytes += [1, 2, 3, 4]
        message.record(owner: 12, type: .txt, ttl: 60, data: [3] + Array("abc".utf8))
        let response = try DNSResponse(parsing: message.bytes)
        #expect(response.isTruncated)
        #expect(response.answers.map(\.ttl) == [0, 60, 60])
        #expect(response.answers.map(\.data) == [.address(IPAddress("192.0.2.7")!), .other, .other])
    }

    @Test("label bytes that are not plain label characters come back escaped, so one label cannot pass for two")
    func escapesLabels() throws {
        var message = MessageBuilder(answers: 1)
        message.question("1.2.0.192.in-addr.arpa", type: .ptr)
        var target: [UInt8] = [13] + Array("googlebot.com".utf8)  // one label with dots in it
        target += [4, 0x41, 0x00, 0x5C, 0xFF]  // "A", NUL, backslash, 0xFF
        target += [0]
        message.record(owner: 12, type: .ptr, data: target)
        let response = try DNSResponse(parsing: message.bytes)
        #expect(response.answers.first?.data == .name("googlebot\\.com.a\\000\\\\\\255"))
    }

    @Test("a pointer chain longer than 64 jumps is refused; 60 are followed")
    func jumpLimit() throws {
        func chain(_ pointers: Int) -> [UInt8] {
            var bytes: [UInt8] = [1, UInt8(ascii: "a"), 0]
            for index in 0..<pointers {
                let target = index == 0 ? 0 : 3 + 2 * (index - 1)
                bytes += [0xC0 | UInt8(target >> 8), UInt8(target & 0xFF)]
            }
            return bytes
        }
        let short = chain(60)
        #expect(try DNSReader.name(in: short, at: short.count - 2).name == "a")
        let long = chain(66)
        let error = #expect(throws: DNSError.self) { try DNSReader.name(in: long, at: long.count - 2) }
        #expect(error?.code == .malformedResponse)
    }

    // MARK: Malformed input

    /// A malformed message, shown in test output by its name only (some are 70,000 bytes long).
    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        var testDescription: String { name }
    }

    static func malformedMessages() -> [Malformed] {
        var cases: [(String, [UInt8])] = []
        cases.append(("empty", []))
        cases.append(("a truncated header", Array(Self.aResponse.prefix(11))))
        cases.append(("70,000 bytes", Self.aResponse + [UInt8](repeating: 0, count: 70_000 - Self.aResponse.count)))
        cases.append(("a message cut inside the answer", Array(Self.aResponse.dropLast(2))))
        cases.append(("a message cut inside the question", Array(Self.aResponse.prefix(20))))

        var selfPointer = MessageBuilder()
        selfPointer.pointer(to: 12)  // the question's name points at itself
        selfPointer.uint16(1)
        selfPointer.uint16(1)
        cases.append(("a pointer to itself", selfPointer.bytes))

        var forward = MessageBuilder()
        forward.pointer(to: 14)  // forward, to the byte after it
        forward.name("a.test")
        forward.uint16(1)
        forward.uint16(1)
        cases.append(("a forward pointer", forward.bytes))

        var loop = MessageBuilder(answers: 1)
        loop.question("a.test", type: .a)
        // The owner name is a label then a pointer back to that label: a loop, though it points backwards.
        let labelOffset = loop.bytes.count
        loop.labels("x")
        loop.pointer(to: labelOffset)
        loop.uint16(1)
        loop.uint16(1)
        loop.uint32(0)
        loop.uint16(4)
        loop.bytes += [1, 2, 3, 4]
        cases.append(("a pointer loop", loop.bytes))

        var pastEnd = MessageBuilder()
        pastEnd.bytes += [40] + Array("short".utf8)
        cases.append(("a label running past the end", pastEnd.bytes))

        var cutPointer = MessageBuilder()
        cutPointer.bytes += [0xC0]
        cases.append(("a pointer cut in half", cutPointer.bytes))

        var extended = MessageBuilder()
        extended.bytes += [0x41, 0, 0, 1, 0, 1]
        cases.append(("an extended label type", extended.bytes))

        var counts = MessageBuilder(answers: 0xFFFF)
        counts.question("a.test", type: .a)
        cases.append(("an answer count larger than the message", counts.bytes))

        var questionCount = MessageBuilder(questions: 0xFFFF)
        questionCount.question("a.test", type: .a)
        cases.append(("a question count larger than the message", questionCount.bytes))

        var additional = MessageBuilder(additional: 0x1000)
        additional.question("a.test", type: .a)
        cases.append(("an additional count larger than the message", additional.bytes))

        var longName = MessageBuilder()
        for _ in 0..<5 { longName.labels(String(repeating: "a", count: 63)) }
        longName.bytes.append(0)
        longName.uint16(1)
        longName.uint16(1)
        cases.append(("a name over 255 bytes", longName.bytes))

        var shortA = MessageBuilder(answers: 1)
        shortA.question("a.test", type: .a)
        shortA.record(owner: 12, type: .a, data: [1, 2, 3, 4, 5])
        cases.append(("an A record of 5 bytes", shortA.bytes))

        var shortAAAA = MessageBuilder(answers: 1)
        shortAAAA.question("a.test", type: .aaaa)
        shortAAAA.record(owner: 12, type: .aaaa, data: [UInt8](repeating: 0, count: 4))
        cases.append(("an AAAA record of 4 bytes", shortAAAA.bytes))

        var dataPastEnd = MessageBuilder(answers: 1)
        dataPastEnd.question("a.test", type: .a)
        dataPastEnd.record(owner: 12, type: .a, data: [1, 2, 3, 4])
        dataPastEnd.bytes[dataPastEnd.bytes.count - 5] = 200  // rdlength 4 → 200
        cases.append(("record data running past the end", dataPastEnd.bytes))

        var ptrOverrun = MessageBuilder(answers: 1)
        ptrOverrun.question("a.test", type: .ptr)
        let name = MessageBuilder.nameBytes("b.test")
        ptrOverrun.record(owner: 12, type: .ptr, data: Array(name.dropLast()) + [1])  // no root in the data
        cases.append(("a PTR name that does not fill its data", ptrOverrun.bytes))

        var shortMX = MessageBuilder(answers: 1)
        shortMX.question("a.test", type: .mx)
        shortMX.record(owner: 12, type: .mx, data: [0, 10])
        cases.append(("an MX record without an exchange", shortMX.bytes))
        return cases.map { Malformed(name: $0.0, bytes: $0.1) }
    }

    @Test("malformed messages throw malformedResponse, never crash", arguments: malformedMessages())
    func malformed(message: Malformed) {
        let error = #expect(throws: DNSError.self, "\(message.name)") { try DNSResponse(parsing: message.bytes) }
        #expect(error?.code == .malformedResponse, "\(message.name)")
    }

    @Test("every prefix and every single-byte corruption of real responses parses or throws")
    func prefixesAndCorruptions() {
        for message in [Self.aResponse, Self.ptrResponse, Self.mxResponse, Self.cnameResponse] {
            for length in 0...message.count {
                _ = try? DNSResponse(parsing: Array(message.prefix(length)))
            }
            for index in message.indices {
                for value: UInt8 in [0x00, 0x3F, 0x40, 0xC0, 0xC0 | 0x0C, 0xFF] {
                    var corrupted = message
                    corrupted[index] = value
                    _ = try? DNSResponse(parsing: corrupted)
                }
            }
        }
    }
}
