/// How a ``HiddenSegment`` was hidden in a prompt.
enum PromptEncoding: String, Sendable {
    /// Standard or URL-safe base64, padded or not.
    case base64
    /// Hexadecimal digit pairs: `69676e6f7265`, `0x6967…`, `\x69\x67…` or `69 67 6e …`.
    case hex
    /// URL percent-encoding, `%69%67…`.
    case percent
    /// The whole text under rot13, decoded because the text names the cipher or uses rot13 forms of key words.
    case rot13
    /// ASCII written in Unicode tag characters (U+E0020–U+E007E), which most renderers draw as nothing.
    case tagCharacters
    /// Bytes written as runs of variation selectors after a base character ("emoji smuggling").
    case variationSelectors
}
