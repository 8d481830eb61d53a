/// A kind of sensitive information, as reported in a `SENSITIVE_INFO` reason's `identifiedType`.
///
/// The built-in types are found by the scanner itself; any other non-empty name is a custom type that a
/// ``SensitiveInfoDetector`` reports, such as `"EMPLOYEE_ID"`:
///
/// ```swift
/// let employeeID: SensitiveInfoType = "EMPLOYEE_ID"
/// ```
public struct SensitiveInfoType: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The wire form, e.g. `CREDIT_CARD_NUMBER`.
    public let rawValue: String

    /// A type from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A type from a string literal, e.g. `"EMPLOYEE_ID"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// An email address: a dot-atom local part, `@`, and a domain with a dot and an alphabetic top-level domain.
    public static let email = SensitiveInfoType(rawValue: "EMAIL")
    /// A telephone number: international (`+44 20 7946 0958`) or a common national format
    /// (`(555) 123-4567`, `030 1234567`, `01 23 45 67 89`).
    public static let phoneNumber = SensitiveInfoType(rawValue: "PHONE_NUMBER")
    /// An IPv4 or IPv6 address.
    public static let ipAddress = SensitiveInfoType(rawValue: "IP_ADDRESS")
    /// A payment card number: 13 to 19 digits, a card network's prefix and length, and a valid Luhn check digit.
    public static let creditCardNumber = SensitiveInfoType(rawValue: "CREDIT_CARD_NUMBER")
    /// An international bank account number with a valid ISO 13616 checksum and its country's length.
    public static let iban = SensitiveInfoType(rawValue: "IBAN")
    /// A United States social security number (`123-45-6789`, `123 45 6789`).
    public static let usSocialSecurityNumber = SensitiveInfoType(rawValue: "US_SSN")
    /// A credential: an API key or token of a major provider, a JSON Web Token, or a PEM private-key block.
    public static let secret = SensitiveInfoType(rawValue: "SECRET")

    /// Every type the scanner finds on its own.
    public static let builtIn: [SensitiveInfoType] = [
        .email, .phoneNumber, .ipAddress, .creditCardNumber, .iban, .usSocialSecurityNumber, .secret,
    ]

    /// Whether the scanner finds this type on its own.
    public var isBuiltIn: Bool { Self.builtIn.contains(self) }

    /// The wire form.
    public var description: String { rawValue }
}
