/// The result of evaluating a ``FilterExpression`` for a request.
public enum FilterOutcome: Sendable, Hashable {
    /// The expression is true for the request.
    case matched
    /// The expression is false for the request.
    case notMatched
    /// The expression depends on a value the request does not have (an absent header, no IP data for
    /// the address, an unknown VPN flag), so it is neither true nor false.
    case undetermined
}

/// A filter expression in the language of Cloudflare's rules (wirefilter), compiled once.
///
/// ```swift
/// let expression = try FilterExpression(#"ip.src.country in {"US" "CA"} and not ip.src.vpn"#)
/// ```
///
/// Compiling parses and type-checks the whole expression and resolves each field to its accessor,
/// so that evaluation reads a few values and compares bytes. A problem throws a
/// ``FilterSyntaxError`` with its position. Evaluation is three-valued: an expression that depends
/// on a value the request does not have is ``FilterOutcome/undetermined``. See <doc:Filters> for
/// the grammar, the fields and the limits.
public struct FilterExpression: Sendable, Hashable, CustomStringConvertible {
    /// The longest expression accepted, in UTF-8 bytes.
    public static let maximumSourceBytes = 4_096
    /// The deepest nesting of parentheses, `not` and function calls accepted.
    public static let maximumDepth = 64
    /// The most items an `in { … }` set may hold.
    public static let maximumSetItems = 10_000
    /// The longest string literal accepted, in bytes once its escapes are decoded.
    public static let maximumStringBytes = 1_024

    /// The expression as written.
    public let source: String
    let condition: FilterCondition

    /// Compiles an expression; throws, with the position of the problem, when it does not parse or
    /// does not type-check, or exceeds a limit.
    public init(_ source: String) throws(FilterSyntaxError) {
        guard source.utf8.count <= Self.maximumSourceBytes else {
            throw FilterSyntaxError(
                message: "the expression is \(source.utf8.count) bytes long; the limit is 4,096",
                source: source,
                offset: Self.maximumSourceBytes
            )
        }
        var parser = FilterParser(source: source)
        self.condition = try parser.parseExpression()
        self.source = source
    }

    /// Evaluates the expression for a request.
    public func evaluate(_ context: RuleContext) -> FilterOutcome {
        var scratch = FilterScratch()
        return condition.evaluate(context, &scratch)
    }

    /// Evaluates the expression, sharing what one request's evaluations work out (the User-Agent's
    /// classification) with the other expressions of a rule.
    func evaluate(_ context: RuleContext, scratch: inout FilterScratch) -> FilterOutcome {
        condition.evaluate(context, &scratch)
    }

    /// Two expressions are equal when they are written the same.
    public static func == (lhs: FilterExpression, rhs: FilterExpression) -> Bool { lhs.source == rhs.source }

    /// Hashes the expression as written.
    public func hash(into hasher: inout Hasher) { hasher.combine(source) }

    /// The expression as written.
    public var description: String { source }
}
