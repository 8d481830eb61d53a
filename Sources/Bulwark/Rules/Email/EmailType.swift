/// What email validation can find out about an address, as listed in a `validateEmail` rule and
/// reported in the `EMAIL` reason's `emailTypes`.
public struct EmailType: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The wire form, such as `DISPOSABLE`.
    public let rawValue: String

    /// A type from its wire form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A type from its wire form, as a literal: `"DISPOSABLE"`.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The address does not parse as an address mail servers accept (see <doc:EmailValidation>).
    public static let invalid = EmailType(rawValue: "INVALID")
    /// The domain belongs to a disposable (throw-away) mail service.
    public static let disposable = EmailType(rawValue: "DISPOSABLE")
    /// The domain belongs to a free mail provider, such as gmail.com.
    public static let free = EmailType(rawValue: "FREE")
    /// The domain cannot receive mail: no MX records and no address to fall back to, or a null MX.
    public static let noMXRecords = EmailType(rawValue: "NO_MX_RECORDS")
    /// Gravatar has no image for the address.
    public static let noGravatar = EmailType(rawValue: "NO_GRAVATAR")

    /// Every type this version knows, in the order checks run.
    public static let allCases: [EmailType] = [.invalid, .disposable, .free, .noMXRecords, .noGravatar]

    /// The wire form.
    public var description: String { rawValue }

    /// Decodes the wire form.
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
