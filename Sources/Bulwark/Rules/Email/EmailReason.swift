/// The details of an `EMAIL` reason: what validation found the address to be, and which checks could
/// not give an answer.
///
/// A network check that times out or fails is neither counted for nor against the address: its type
/// is listed under ``undeterminedTypes`` (with ``timedOut`` set when a timeout was the cause) and the
/// rule decides on what it did find, so a slow nameserver never denies a real user.
public struct EmailReason: Sendable, Hashable, Codable {
    /// What the address is: `INVALID`, `DISPOSABLE`, `FREE`, `NO_MX_RECORDS`, `NO_GRAVATAR`.
    public var emailTypes: [EmailType]
    /// Checks that ran but could not answer (a DNS or HTTP timeout or failure); empty when all did.
    public var undeterminedTypes: [EmailType]
    /// Whether a check in ``undeterminedTypes`` timed out.
    public var timedOut: Bool

    /// Creates email details.
    public init(emailTypes: [EmailType], undeterminedTypes: [EmailType] = [], timedOut: Bool = false) {
        self.emailTypes = emailTypes
        self.undeterminedTypes = undeterminedTypes
        self.timedOut = timedOut
    }

    private enum CodingKeys: String, CodingKey {
        case emailTypes, undeterminedTypes, timedOut
    }

    /// Decodes the details; the fields beyond `emailTypes` may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        emailTypes = try container.decode([EmailType].self, forKey: .emailTypes)
        undeterminedTypes = try container.decodeIfPresent([EmailType].self, forKey: .undeterminedTypes) ?? []
        timedOut = try container.decodeIfPresent(Bool.self, forKey: .timedOut) ?? false
    }

    /// Encodes `emailTypes`, and the undetermined checks only when there are some.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(emailTypes, forKey: .emailTypes)
        if !undeterminedTypes.isEmpty {
            try container.encode(undeterminedTypes, forKey: .undeterminedTypes)
            try container.encode(timedOut, forKey: .timedOut)
        }
    }
}
