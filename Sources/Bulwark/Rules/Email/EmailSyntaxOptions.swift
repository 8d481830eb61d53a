/// Which forms of address ``EmailAddress`` accepts beyond the everyday `name@example.com`.
///
/// The defaults accept what a mail server on the Internet accepts in `RCPT TO` (RFC 5321, with
/// RFC 6531 for non-ASCII addresses) and reject what cannot receive mail from the Internet:
///
/// ```swift
/// var options = EmailSyntaxOptions()
/// options.requireTopLevelDomain = false   // an intranet: admin@mailhost, ops@build.local
/// options.allowDomainLiteral = true       // user@[192.0.2.1]
/// let address = try EmailAddress("admin@mailhost", options: options)
/// ```
public struct EmailSyntaxOptions: Sendable, Hashable {
    /// Whether the domain must be one that can exist on the Internet (the default): at least two
    /// labels, a top-level label that ends with a letter (so never all digits, RFC 3696 section 2),
    /// and not a special-use name that cannot receive mail from outside (`localhost`, `.local`,
    /// `.test`, `.invalid`, `.onion`, `.arpa`; RFC 6761, 6762, 7686). Turn it off for addresses on
    /// an intranet or in a test environment.
    public var requireTopLevelDomain: Bool
    /// Whether an IP address in brackets may stand for the domain: `user@[192.0.2.1]`,
    /// `user@[IPv6:2001:db8::1]` (RFC 5321 section 4.1.3). Off by default: real mailboxes have
    /// domain names, and a bracketed address skips every check that a domain name allows.
    public var allowDomainLiteral: Bool
    /// Whether the local part may be a quoted string, such as `"john doe"@example.com` or
    /// `"a@b"@example.com` (RFC 5321 section 4.1.2). On by default, because mail servers accept
    /// quoted local parts; the quoted text may hold spaces and `@` but no control characters.
    /// Turn it off to accept only the dot-atom form that sign-up forms expect.
    public var allowQuotedLocalPart: Bool
    /// Whether the local part may hold characters beyond ASCII (`用户@example.com`, RFC 6531), which
    /// only mail servers with the SMTPUTF8 extension deliver. On by default. Internationalised domain
    /// names are accepted either way: they travel as ASCII A-labels (`xn--…`).
    public var allowInternationalized: Bool

    /// Options with the defaults: a top-level domain required, no domain literals, quoted and
    /// internationalised local parts accepted.
    public init(
        requireTopLevelDomain: Bool = true,
        allowDomainLiteral: Bool = false,
        allowQuotedLocalPart: Bool = true,
        allowInternationalized: Bool = true
    ) {
        self.requireTopLevelDomain = requireTopLevelDomain
        self.allowDomainLiteral = allowDomainLiteral
        self.allowQuotedLocalPart = allowQuotedLocalPart
        self.allowInternationalized = allowInternationalized
    }
}
