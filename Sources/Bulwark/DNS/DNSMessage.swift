/// A DNS resource record type (RFC 1035 §3.2.2), such as `A` or `PTR`.
///
/// Types Bulwark does not name still parse: `DNSRecordType(rawValue: 99)`.
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type's number on the wire.
    public let rawValue: UInt16
    /// A type from its number.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// An IPv4 address.
    public static let a = DNSRecordType(rawValue: 1)
    /// An authoritative nameserver.
    public static let ns = DNSRecordType(rawValue: 2)
    /// The canonical name for an alias.
    public static let cname = DNSRecordType(rawValue: 5)
    /// A domain name pointer: the name for an address, under `in-addr.arpa` or `ip6.arpa`.
    public static let ptr = DNSRecordType(rawValue: 12)
    /// A mail exchanger.
    public static let mx = DNSRecordType(rawValue: 15)
    /// Text strings.
    public static let txt = DNSRecordType(rawValue: 16)
    /// An IPv6 address.
    public static let aaaa = DNSRecordType(rawValue: 28)

    /// The type's mnemonic (`A`, `PTR`), or `TYPE<n>` for one without a name here.
    public var description: String {
        switch self {
        case .a: return "A"
        case .ns: return "NS"
        case .cname: return "CNAME"
        case .ptr: return "PTR"
        case .mx: return "MX"
        case .txt: return "TXT"
        case .aaaa: return "AAAA"
        default: return "TYPE\(rawValue)"
        }
    }
}

/// What a resource record says, decoded for the types Bulwark uses.
public enum DNSRecordData: Sendable, Hashable {
    /// The address of an `A` or `AAAA` record.
    case address(IPAddress)
    /// The name of a `PTR`, `CNAME` or `NS` record: lower case, without the trailing dot.
    case name(String)
    /// An `MX` record: lower preferences are tried first. An exchange of `""` is a null MX (RFC 7505).
    case mailExchange(preference: UInt16, exchange: String)
    /// Any other type or class, left undecoded.
    case other
}

/// One resource record of a response's answer section.
public struct DNSRecord: Sendable, Hashable {
    /// The owner name: lower case, without the trailing dot.
    public let name: String
    /// The record's type.
    public let type: DNSRecordType
    /// Seconds the record may be cached (a TTL with the top bit set reads as 0, per RFC 2181).
    public let ttl: UInt32
    /// The decoded data.
    public let data: DNSRecordData

    /// Creates a record.
    public init(name: String, type: DNSRecordType, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

/// One entry of a message's question section.
public struct DNSQuestion: Sendable, Hashable {
    /// The name asked about: lower case, without the trailing dot.
    public let name: String
    /// The type asked for.
    public let type: DNSRecordType
    /// The class asked for (1 is `IN`, the Internet).
    public let recordClass: UInt16

    /// Creates a question.
    public init(name: String, type: DNSRecordType, recordClass: UInt16 = DNSQuestion.internetClass) {
        self.name = name
        self.type = type
        self.recordClass = recordClass
    }

    /// The `IN` class.
    public static let internetClass: UInt16 = 1
}

/// A DNS response parsed from the bytes of one UDP datagram: header, questions and answers.
///
/// The parser is for untrusted input. Every read is bounds-checked; compression pointers must point
/// before the name that uses them (so they cannot loop) and at most 64 are followed; a name is at
/// most 255 bytes on the wire; the section counts must fit the message. Anything else throws
/// ``DNSError/Code/malformedResponse``. The authority and additional sections are not read.
///
/// Names are returned in lower case without the trailing dot. A label byte that is not printable
/// ASCII, a dot or a backslash inside a label appear in RFC 1035 presentation form (`\046`, `\.`),
/// so that a label cannot pass for several: `evil\.example.com` is not a subdomain of `example.com`.
public struct DNSResponse: Sendable, Hashable {
    /// The message id, which a response copies from its query.
    public let id: UInt16
    /// Whether the QR bit is set (a response, not a query).
    public let isResponse: Bool
    /// The operation code (0 is a standard query).
    public let opcode: UInt8
    /// Whether the server truncated the message to fit a datagram (the TC bit).
    public let isTruncated: Bool
    /// The response code: 0 no error, 2 server failure, 3 no such name (NXDOMAIN), 5 refused.
    public let rcode: UInt8
    /// The question section.
    public let questions: [DNSQuestion]
    /// The answer section.
    public let answers: [DNSRecord]

    /// The largest message DNS can carry (its TCP length prefix is 16 bits).
    static let maximumSize = 65_535
    /// The size of the fixed header.
    static let headerSize = 12
    /// The most compression pointers followed in one name.
    static let maximumJumps = 64
    /// The longest name on the wire, length octets and root included (RFC 1035 §2.3.4).
    static let maximumNameLength = 255

    /// Parses a response from the bytes of one datagram.
    public init(parsing bytes: [UInt8]) throws(DNSError) {
        guard bytes.count >= Self.headerSize else {
            throw DNSError.malformed("a message of \(bytes.count) bytes is shorter than the 12-byte header")
        }
        guard bytes.count <= Self.maximumSize else {
            throw DNSError.malformed("a message of \(bytes.count) bytes is longer than 65,535 bytes")
        }
        var reader = DNSReader(bytes: bytes)
        self.id = try reader.readUInt16()
        let flags = try reader.readUInt16()
        self.isResponse = flags & 0x8000 != 0
        self.opcode = UInt8(flags >> 11 & 0x0F)
        self.isTruncated = flags & 0x0200 != 0
        self.rcode = UInt8(flags & 0x000F)
        let questionCount = try Int(reader.readUInt16())
        let answerCount = try Int(reader.readUInt16())
        let authorityCount = try Int(reader.readUInt16())
        let additionalCount = try Int(reader.readUInt16())
        // A question takes at least 5 bytes (root name, type, class) and a record at least 11, so
        // counts that cannot fit are refused before anything is allocated for them.
        let minimumBody = questionCount * 5 + (answerCount + authorityCount + additionalCount) * 11
        guard minimumBody <= bytes.count - Self.headerSize else {
            throw DNSError.malformed(
                "the section counts need at least \(minimumBody) bytes, the message has \(bytes.count)"
            )
        }

        var questions: [DNSQuestion] = []
        questions.reserveCapacity(questionCount)
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = DNSRecordType(rawValue: try reader.readUInt16())
            let recordClass = try reader.readUInt16()
            questions.append(DNSQuestion(name: name, type: type, recordClass: recordClass))
        }
        var answers: [DNSRecord] = []
        answers.reserveCapacity(answerCount)
        for _ in 0..<answerCount {
            answers.append(try reader.readRecord())
        }
        self.questions = questions
        self.answers = answers
    }
}

/// A query message: one question, recursion desired.
struct DNSQuery: Sendable, Hashable {
    /// The message id the response must echo.
    let id: UInt16
    /// The name asked about, validated: lower case, without the trailing dot.
    let name: String
    /// The type asked for.
    let type: DNSRecordType
    /// The message on the wire.
    let bytes: [UInt8]

    /// A query for `name`, which must be a valid name of printable ASCII labels (a trailing dot is allowed).
    init(id: UInt16, name: String, type: DNSRecordType) throws(DNSError) {
        let labels = try Self.labels(of: name)
        self.id = id
        self.type = type
        self.name = String(decoding: Array(labels.joined(separator: [UInt8(ascii: ".")])), as: UTF8.self)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(DNSResponse.headerSize + self.name.utf8.count + 6)
        bytes.append(UInt8(id >> 8))
        bytes.append(UInt8(id & 0xFF))
        bytes += [0x01, 0x00]  // a standard query, recursion desired
        bytes += [0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]  // one question, no records
        for label in labels {
            bytes.append(UInt8(label.count))
            bytes += label
        }
        bytes.append(0)
        bytes.append(UInt8(type.rawValue >> 8))
        bytes.append(UInt8(type.rawValue & 0xFF))
        bytes += [0x00, 0x01]  // class IN
        self.bytes = bytes
    }

    /// The lower-cased labels of a name, or an ``DNSError/Code/invalidName`` error.
    ///
    /// A backslash is refused with the other non-label characters: parsed names use it as an escape,
    /// so a name copied from a response must not be asked for as if it were literal.
    static func labels(of name: String) throws(DNSError) -> [[UInt8]] {
        var bytes = Array(name.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        guard !bytes.isEmpty else { throw DNSError.invalidName(name, "the name is empty") }
        guard bytes.count <= 253 else { throw DNSError.invalidName(name, "the name is longer than 253 characters") }
        var labels: [[UInt8]] = []
        var label: [UInt8] = []
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !label.isEmpty else { throw DNSError.invalidName(name, "the name has an empty label") }
                labels.append(label)
                label = []
                continue
            }
            guard byte > 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else {
                throw DNSError.invalidName(name, "the name has a character that is not printable ASCII")
            }
            label.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
            guard label.count <= 63 else { throw DNSError.invalidName(name, "a label is longer than 63 characters") }
        }
        guard !label.isEmpty else { throw DNSError.invalidName(name, "the name has an empty label") }
        labels.append(label)
        return labels
    }

    /// Whether a response answers this query: the same id and the same single question. Anything
    /// else is a stray or forged datagram, which the client ignores.
    func isAnswered(by response: DNSResponse) -> Bool {
        guard response.isResponse, response.id == id, response.opcode == 0, response.questions.count == 1 else {
            return false
        }
        let question = response.questions[0]
        return question.name == name && question.type == type && question.recordClass == DNSQuestion.internetClass
    }

    /// The reverse-lookup name of an address: `d.c.b.a.in-addr.arpa` for IPv4, the 32 nibbles of an
    /// IPv6 address in reverse under `ip6.arpa` (RFC 3596). An IPv6 zone is not part of it.
    static func reverseName(for address: IPAddress) -> String {
        if let bits = address.ipv4Bits {
            let octets = stride(from: 0, through: 24, by: 8).map { String(bits >> UInt32($0) & 0xFF) }
            return octets.joined(separator: ".") + ".in-addr.arpa"
        }
        let bits = address.ipv6Bits
        let nibbles = stride(from: 0, through: 124, by: 4).map { String(Int(bits >> UInt128($0) & 0xF), radix: 16) }
        return nibbles.joined(separator: ".") + ".ip6.arpa"
    }
}

/// A cursor over a message, every read bounds-checked.
struct DNSReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func readUInt16() throws(DNSError) -> UInt16 {
        guard position + 2 <= bytes.count else { throw DNSError.malformed("the message ends inside a field") }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func readUInt32() throws(DNSError) -> UInt32 {
        let high = try readUInt16()
        let low = try readUInt16()
        return UInt32(high) << 16 | UInt32(low)
    }

    /// Reads a name at the cursor and moves past it (past its first pointer, if it has one).
    mutating func readName() throws(DNSError) -> String {
        let (name, end) = try Self.name(in: bytes, at: position)
        position = end
        return name
    }

    /// One answer record; the cursor moves past its data.
    mutating func readRecord() throws(DNSError) -> DNSRecord {
        let name = try readName()
        let type = DNSRecordType(rawValue: try readUInt16())
        let recordClass = try readUInt16()
        let rawTTL = try readUInt32()
        let length = try Int(readUInt16())
        let start = position
        let end = start + length
        guard end <= bytes.count else {
            throw DNSError.malformed("a \(type) record's data runs past the end of the message")
        }
        position = end
        return DNSRecord(
            name: name,
            type: type,
            ttl: rawTTL & 0x8000_0000 == 0 ? rawTTL : 0,
            data: try recordData(type: type, recordClass: recordClass, in: start..<end)
        )
    }

    private func recordData(
        type: DNSRecordType,
        recordClass: UInt16,
        in range: Range<Int>
    ) throws(DNSError)
        -> DNSRecordData
    {
        guard recordClass == DNSQuestion.internetClass else { return .other }
        switch type {
        case .a:
            guard range.count == 4 else {
                throw DNSError.malformed("an A record has \(range.count) bytes of data, not 4")
            }
            let bits = bytes[range].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return .address(IPAddress(ipv4: bits))
        case .aaaa:
            guard range.count == 16 else {
                throw DNSError.malformed("an AAAA record has \(range.count) bytes of data, not 16")
            }
            let bits = bytes[range].reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
            return .address(IPAddress(ipv6: bits))
        case .ptr, .cname, .ns:
            return .name(try nameFilling(range, of: type))
        case .mx:
            guard range.count >= 3 else { throw DNSError.malformed("an MX record has \(range.count) bytes of data") }
            let preference = UInt16(bytes[range.lowerBound]) << 8 | UInt16(bytes[range.lowerBound + 1])
            let exchange = try nameFilling((range.lowerBound + 2)..<range.upperBound, of: type)
            return .mailExchange(preference: preference, exchange: exchange)
        default:
            return .other
        }
    }

    /// A name that must take exactly the bytes of `range` (its pointers may lead anywhere earlier).
    private func nameFilling(_ range: Range<Int>, of type: DNSRecordType) throws(DNSError) -> String {
        let (name, end) = try Self.name(in: bytes, at: range.lowerBound)
        guard end == range.upperBound else {
            throw DNSError.malformed("a \(type) record's name does not fill its data")
        }
        return name
    }

    /// Decodes the name starting at `start`; returns it and the offset just past it in the message.
    static func name(in bytes: [UInt8], at start: Int) throws(DNSError) -> (name: String, end: Int) {
        var text: [UInt8] = []
        var position = start
        // Every pointer must point before the run of labels that holds it. Positions then only
        // decrease from jump to jump, which rules out loops; the jump limit is a second guard.
        var segmentStart = start
        var end: Int?
        var jumps = 0
        var wireLength = 1  // the root label
        while true {
            guard position < bytes.count else { throw DNSError.malformed("a name runs past the end of the message") }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    return (String(decoding: text, as: UTF8.self), end ?? position + 1)
                }
                wireLength += length + 1
                guard wireLength <= DNSResponse.maximumNameLength else {
                    throw DNSError.malformed("a name is longer than 255 bytes")
                }
                let labelEnd = position + 1 + length
                guard labelEnd <= bytes.count else {
                    throw DNSError.malformed("a label runs past the end of the message")
                }
                if !text.isEmpty { text.append(UInt8(ascii: ".")) }
                appendPresentation(of: bytes[(position + 1)..<labelEnd], to: &text)
                position = labelEnd
            case 0xC0:
                guard position + 1 < bytes.count else { throw DNSError.malformed("a name pointer is cut off") }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < segmentStart else {
                    throw DNSError.malformed("a name pointer at offset \(position) does not point backwards")
                }
                jumps += 1
                guard jumps <= DNSResponse.maximumJumps else {
                    throw DNSError.malformed("a name has too many pointers")
                }
                if end == nil { end = position + 2 }
                segmentStart = target
                position = target
            default:
                throw DNSError.malformed("a name uses an unsupported label type")
            }
        }
    }

    /// Appends a label in lower case, escaping what is not plainly a label character (RFC 1035 §5.1).
    private static func appendPresentation(of label: ArraySlice<UInt8>, to text: inout [UInt8]) {
        for byte in label {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                text.append(byte | 0x20)
            case UInt8(ascii: "."), UInt8(ascii: "\\"):
                text.append(UInt8(ascii: "\\"))
                text.append(byte)
            case 0x21..<0x7F:
                text.append(byte)
            default:
                text.append(UInt8(ascii: "\\"))
                text.append(UInt8(ascii: "0") + byte / 100)
                text.append(UInt8(ascii: "0") + byte / 10 % 10)
                text.append(UInt8(ascii: "0") + byte % 10)
            }
        }
    }
}
