/// A custom detector: a closure that labels tokens of the scanned text with types of your own, which join
/// the built-in ones.
///
/// The text is split into tokens, maximal runs of non-whitespace. The closure is called once for each
/// window of ``contextWindowSize`` consecutive tokens, sliding by one token (once with all tokens when the
/// text has fewer), and returns one optional type per token of the window: a type flags that token,
/// `nil` leaves it alone. Results past the window's tokens are ignored; missing results count as `nil`.
/// A token flagged by any window becomes an entity over the whole token (the first window's type wins
/// when windows disagree), **unless a built-in entity overlaps it: built-in types win**.
///
/// ```swift
/// let employeeIDs = SensitiveInfoDetector { tokens in
///     tokens.map { $0.hasPrefix("EMP-") && $0.dropFirst(4).allSatisfy(\.isNumber) ? "EMPLOYEE_ID" : nil }
/// }
/// // With context: flag a number that follows the word "badge".
/// let badges = SensitiveInfoDetector(contextWindowSize: 2) { tokens in
///     guard tokens.count == 2, tokens[0].lowercased() == "badge", tokens[1].allSatisfy(\.isNumber) else {
///         return []
///     }
///     return [nil, "BADGE_NUMBER"]
/// }
/// ```
///
/// The closure sees the text of the request; keep it free of logging and network calls, as the rest of
/// the scanner is.
public struct SensitiveInfoDetector: Sendable {
    /// The largest window the detector accepts; a larger request is lowered to it.
    public static let maximumContextWindowSize = 64

    /// How many consecutive tokens each call of ``detect`` sees, from 1 to ``maximumContextWindowSize``.
    public let contextWindowSize: Int
    /// The closure: tokens in, one optional type per token out.
    public let detect: @Sendable ([Substring]) -> [SensitiveInfoType?]

    /// A detector over windows of `contextWindowSize` tokens (raised to 1 when smaller, lowered to
    /// ``maximumContextWindowSize`` when larger).
    public init(
        contextWindowSize: Int = 1,
        detect: @escaping @Sendable ([Substring]) -> [SensitiveInfoType?]
    ) {
        self.contextWindowSize = min(max(contextWindowSize, 1), Self.maximumContextWindowSize)
        self.detect = detect
    }
}
