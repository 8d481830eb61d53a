/// One piece of sensitive information found in a text: its type and where it lies.
///
/// Offsets count **UTF-8 bytes** of the scanned string from its start; `end` is exclusive. In
/// `"Café: bob@example.com"` the address starts at byte 7, not at character 6, because `é` takes two
/// bytes: slice `text.utf8`, or use ``range(in:)`` to get string indices.
///
/// ```json
/// {"identifiedType": "EMAIL", "start": 7, "end": 22}
/// ```
public struct SensitiveInfoEntity: Sendable, Hashable, Codable {
    /// What was found.
    public var identifiedType: SensitiveInfoType
    /// The offset of the first byte, in UTF-8 bytes from the start of the text.
    public var start: Int
    /// The offset just past the last byte, in UTF-8 bytes from the start of the text.
    public var end: Int

    /// An entity of `identifiedType` over the UTF-8 bytes `start..<end`.
    public init(identifiedType: SensitiveInfoType, start: Int, end: Int) {
        self.identifiedType = identifiedType
        self.start = start
        self.end = end
    }

    private enum CodingKeys: String, CodingKey { case identifiedType, start, end }

    /// The length in UTF-8 bytes.
    public var byteCount: Int { max(0, end - start) }

    /// The entity's place in `text` as string indices, or `nil` when the offsets do not fall on
    /// Unicode scalar boundaries inside `text` (an entity found in another string).
    ///
    /// ```swift
    /// for entity in SensitiveInfo.scan(message) {
    ///     if let range = entity.range(in: message) { print(entity.identifiedType, message[range].count) }
    /// }
    /// ```
    public func range(in text: String) -> Range<String.Index>? {
        let utf8 = text.utf8
        guard start >= 0, start <= end, end <= utf8.count else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: start)
        let upper = utf8.index(lower, offsetBy: end - start)
        guard lower.samePosition(in: text.unicodeScalars) != nil, upper.samePosition(in: text.unicodeScalars) != nil
        else { return nil }
        return lower..<upper
    }
}
