/// The details of a `SENSITIVE_INFO` reason: the entities found in the scanned text, split by the
/// rule's list into those it allows and those it denies.
///
/// Offsets are in UTF-8 bytes of the scanned text, `end` exclusive (see ``SensitiveInfoEntity``).
/// The reason carries positions and types only, never the text itself.
public struct SensitiveInfoReason: Sendable, Hashable, Codable {
    /// Entities whose type the rule allows.
    public var allowed: [SensitiveInfoEntity]
    /// Entities whose type the rule denies; a non-empty list makes the rule deny.
    public var denied: [SensitiveInfoEntity]

    /// Creates sensitive-information details.
    public init(allowed: [SensitiveInfoEntity], denied: [SensitiveInfoEntity]) {
        self.allowed = allowed
        self.denied = denied
    }
}

extension Decision {
    /// The sensitive-information entities the decision denies, from its reason or from any rule's
    /// result (a DRY_RUN rule's too); empty when none was found.
    public var deniedSensitiveInfo: [SensitiveInfoEntity] {
        if let reason = reason.sensitiveInfo { return reason.denied }
        return results.lazy.compactMap(\.reason?.sensitiveInfo).first?.denied ?? []
    }
}
