/// An email address that mail servers accept, parsed and normalised.
///
/// The syntax is that of `RCPT TO` in RFC 5321, with internationalised addresses (RFC 6531) and
/// domain names (IDNA 2008): a dot-atom or, by default, a quoted local part; a domain name whose
/// labels are letters, digits and hyphens once converted to ASCII; at most 64 octets before the `@`,
/// 253 after it and 254 in all. Comments, folding white space, display names (`Jane <jane@…>`) and
/// the obsolete forms of RFC 5322 are not accepted, and neither are characters that are invisible
/// or change how an address displays (bidirectional overrides, zero-width spaces, controls).
///
/// ```swift
/// let address = try EmailAddress("Jane.Doe@Bücher.Example")
/// address.localPart    // "Jane.Doe"
/// address.domain       // "bücher.example"
/// address.asciiDomain  // "xn--bcher-kva.example"
/// address.ascii        // "Jane.Doe@xn--bcher-kva.example"
/// ```
///
/// Parsing is linear in the input and looks at no more than 1 KiB of it. An ASCII address is read
/// byte by byte without Foundation; only non-ASCII input takes the Unicode path (NFC, IDNA).
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The part before the `@`, in NFC, with the minimum quoting it needs: `"john doe"` keeps its
    /// quotes, `"john"` becomes `john`. Case is kept (mailbox names may be case-sensitive), except
    /// for the role names of RFC 2142 (`Postmaster`, `Abuse`, `Info`, …), which are lower-cased.
    public let localPart: String
    /// The domain in Unicode, lower-case and in NFC (`bücher.example`), or the domain literal
    /// (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
    public let domain: String
    /// The domain as DNS knows it: lower-case ASCII with IDNA A-labels (`xn--bcher-kva.example`).
    /// For a domain literal, the same text as ``domain``.
    public let asciiDomain: String
    /// Whether the domain is an IP address in brackets rather than a name.
    public let isDomainLiteral: Bool

    /// The local part, `@` and the Unicode domain: the form to store and compare addresses by.
    public var normalized: String { localPart + "@" + domain }

    /// The address in ASCII (the local part, `@` and ``asciiDomain``), or nil when the local part has
    /// non-ASCII characters and so can only be delivered by mail servers with SMTPUTF8.
    public var ascii: String? {
        localPart.utf8.allSatisfy { $0 < 0x80 } ? localPart + "@" + asciiDomain : nil
    }

    /// The ``normalized`` form.
    public var description: String { normalized }

    /// The most input looked at; longer input is refused before any parsing.
    static let maxInputLength = 1024
    /// The longest address (RFC 5321 section 4.5.3.1.3 with errata 1690).
    static let maxLength = 254
    /// The longest local part (RFC 5321 section 4.5.3.1.1).
    static let maxLocalPartLength = 64
    /// The longest domain, in the ASCII form without a final dot (RFC 1035 section 2.3.4).
    static let maxDomainLength = 253

    /// Parses `text` as an email address.
    ///
    /// - Parameters:
    ///   - text: The address alone, without a display name, angle brackets or white space around it.
    ///   - options: Which optional forms to accept; see ``EmailSyntaxOptions``.
    /// - Throws: ``EmailSyntaxError`` naming the problem, with a message for the person who typed it.
    public init(_ text: String, options: EmailSyntaxOptions = EmailSyntaxOptions()) throws(EmailSyntaxError) {
        let length = text.utf8.count
        guard length > 0 else {
            throw EmailSyntaxError(code: .empty, message: "The email address is empty.")
        }
        guard length <= Self.maxInputLength else {
            throw EmailSyntaxError(
                code: .tooLong,
                message: "The text is \(length) bytes long; an email address has at most \(Self.maxLength)."
            )
        }
        let result =
            text.utf8.withContiguousStorageIfAvailable { Self.parse($0, options: options) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Self.parse($0, options: options) }
        self = try result.get()
    }

    init(localPart: String, domain: String, asciiDomain: String, isDomainLiteral: Bool) {
        self.localPart = localPart
        self.domain = domain
        self.asciiDomain = asciiDomain
        self.isDomainLiteral = isDomainLiteral
    }
}
