/// A configuration Bulwark cannot run with, found when the client is built.
///
/// The message names the rule (its position and type) and the field, so that the fix is obvious:
/// `rule 2 (tokenBucket), field 'refillRate': must be greater than zero, got -5`.
public struct BulwarkConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// A short, stable name for the problem.
        public let rawValue: String
        /// A code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A field has a value out of range or of the wrong kind.
        public static let invalidValue = Code(rawValue: "invalidValue")
        /// A required field is absent.
        public static let missingField = Code(rawValue: "missingField")
        /// Two fields that exclude each other are both present (`allow` and `deny`).
        public static let conflictingFields = Code(rawValue: "conflictingFields")
        /// The rule's `type` is not one Bulwark knows.
        public static let unknownRuleType = Code(rawValue: "unknownRuleType")
        /// A characteristic's syntax is not understood.
        public static let invalidCharacteristic = Code(rawValue: "invalidCharacteristic")
        /// A filter expression does not parse or does not type-check; the message shows where.
        public static let invalidExpression = Code(rawValue: "invalidExpression")
        /// Two rules have the same identifier.
        public static let duplicateRule = Code(rawValue: "duplicateRule")
        /// The file or document is not valid JSON of the expected shape.
        public static let malformedDocument = Code(rawValue: "malformedDocument")
        /// Something the rule needs is not there, such as the prompt-injection model file.
        public static let missingResource = Code(rawValue: "missingResource")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// What kind of problem it is.
    public let code: Code
    /// The rule's position in the list, from zero, when the problem is in a rule.
    public let ruleIndex: Int?
    /// The rule's type, when known.
    public let ruleType: String?
    /// The field, as a path within the rule (`refillRate`, `characteristics[1]`) or the document.
    public let field: String?
    /// What is wrong, and what is expected.
    public let message: String

    /// Creates an error.
    public init(code: Code, ruleIndex: Int? = nil, ruleType: String? = nil, field: String? = nil, message: String) {
        self.code = code
        self.ruleIndex = ruleIndex
        self.ruleType = ruleType
        self.field = field
        self.message = message
    }

    /// `rule N (type), field 'name': message`.
    public var description: String {
        var parts: [String] = []
        if let ruleIndex {
            parts.append("rule \(ruleIndex)" + (ruleType.map { " (\($0))" } ?? ""))
        } else if let ruleType {
            parts.append("rule (\(ruleType))")
        }
        if let field { parts.append("field '\(field)'") }
        return parts.isEmpty ? message : parts.joined(separator: ", ") + ": " + message
    }
}
