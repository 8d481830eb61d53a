/// Why a string is not an email address that ``EmailAddress`` accepts.
///
/// The ``message`` is written for the person who typed the address, and never repeats more than a
/// few dozen characters of it:
///
/// ```swift
/// do {
///     _ = try EmailAddress("jane..doe@example.com")
/// } catch {
///     print(error.message)  // "The part before the @ has two dots in a row; remove one."
/// }
/// ```
public struct EmailSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// A short, stable name for the problem.
        public let rawValue: String
        /// A code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The string is empty.
        public static let empty = Code(rawValue: "empty")
        /// The address is longer than 254 octets (RFC 5321 section 4.5.3.1.3), or the string is
        /// longer than 1 KiB and was not looked at.
        public static let tooLong = Code(rawValue: "tooLong")
        /// There is no `@` between the local part and the domain.
        public static let missingAt = Code(rawValue: "missingAt")
        /// The part before the `@` is empty or has a character or a dot where none may be.
        public static let invalidLocalPart = Code(rawValue: "invalidLocalPart")
        /// The part before the `@` is longer than 64 octets (RFC 5321 section 4.5.3.1.1).
        public static let localPartTooLong = Code(rawValue: "localPartTooLong")
        /// The part before the `@` is quoted and ``EmailSyntaxOptions/allowQuotedLocalPart`` is off.
        public static let quotedLocalPartNotAllowed = Code(rawValue: "quotedLocalPartNotAllowed")
        /// The part before the `@` has non-ASCII characters and
        /// ``EmailSyntaxOptions/allowInternationalized`` is off.
        public static let internationalizedNotAllowed = Code(rawValue: "internationalizedNotAllowed")
        /// A character that is invisible, changes how the address is displayed, or is not assigned:
        /// controls, format characters such as bidirectional overrides and zero-width spaces, line
        /// separators, private-use and unassigned code points, spaces outside quotes, or a combining
        /// mark with nothing to combine with.
        public static let unsafeCharacter = Code(rawValue: "unsafeCharacter")
        /// The part after the `@` is empty, has a character that host names cannot have, or has a
        /// dot or a hyphen out of place.
        public static let invalidDomain = Code(rawValue: "invalidDomain")
        /// The domain is longer than 253 octets or one of its labels is longer than 63, in the ASCII
        /// form that DNS uses.
        public static let domainTooLong = Code(rawValue: "domainTooLong")
        /// The domain is an address in brackets and ``EmailSyntaxOptions/allowDomainLiteral`` is off.
        public static let domainLiteralNotAllowed = Code(rawValue: "domainLiteralNotAllowed")
        /// The text in brackets is not an IPv4 address or `IPv6:` and an IPv6 address.
        public static let invalidDomainLiteral = Code(rawValue: "invalidDomainLiteral")
        /// The domain has no top-level domain (`user@localhost`) or one that cannot exist (all
        /// digits), with ``EmailSyntaxOptions/requireTopLevelDomain`` on.
        public static let missingTopLevelDomain = Code(rawValue: "missingTopLevelDomain")
        /// The domain is a special-use name that cannot receive mail from the Internet (`.test`,
        /// `.local`, `localhost`, `.invalid`, `.onion`, `.arpa`), with
        /// ``EmailSyntaxOptions/requireTopLevelDomain`` on.
        public static let reservedDomain = Code(rawValue: "reservedDomain")
        /// An internationalised label is not valid IDNA 2008: a character IDNA does not allow, a
        /// broken `xn--` label, or a mix of right-to-left and left-to-right text that could be shown
        /// as another domain.
        public static let invalidIDNA = Code(rawValue: "invalidIDNA")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// What kind of problem it is.
    public let code: Code
    /// What is wrong and how to fix it, for the person who typed the address.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension EmailSyntaxError {
    /// The longest stretch of the input that a message quotes.
    static let quotedLimit = 40

    /// A character as a message names it: quoted when it is visible, else by code point and name
    /// (`U+202E RIGHT-TO-LEFT OVERRIDE`).
    static func shown(_ scalar: Unicode.Scalar) -> String {
        if scalar == " " { return "a space" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let value = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation, .dashPunctuation,
            .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return "'\(Character(scalar))' (\(value))"
        default:
            return value + (scalar.properties.name.map { " " + $0 } ?? "")
        }
    }

    /// Part of the input for a message: at most ``quotedLimit`` characters, with anything that is not
    /// printable ASCII or a visible character replaced by `?`.
    static func shown(_ text: some StringProtocol) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == quotedLimit {
                result += "…"
                break
            }
            let category = scalar.properties.generalCategory
            let hidden: Bool
            switch category {
            case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator:
                hidden = true
            case .spaceSeparator:
                hidden = scalar != " "
            default:
                hidden = false
            }
            result.unicodeScalars.append(hidden ? "?" : scalar)
            count += 1
        }
        return result
    }
}
