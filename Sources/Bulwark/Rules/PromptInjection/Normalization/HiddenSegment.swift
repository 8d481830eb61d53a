/// Content that a prompt hid from a reader, decoded and normalised like ``NormalizedPrompt/text``.
struct HiddenSegment: Sendable, Equatable {
    /// How the content was hidden.
    var encoding: PromptEncoding

    /// The decoded content, normalised: UTF-8, NFKC, case-folded, whitespace collapsed.
    var text: [UInt8]
}
