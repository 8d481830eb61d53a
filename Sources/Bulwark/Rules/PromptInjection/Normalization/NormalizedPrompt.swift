/// A prompt as the injection classifier reads it, with what was hidden in it brought out.
///
/// Made by ``PromptNormalizer/normalize(_:limits:)``. The classifier scores ``text`` and each of
/// ``hiddenSegments`` on its own, and takes ``signals`` as evidence of obfuscation: text that hides
/// itself is suspicious whatever it says.
struct NormalizedPrompt: Sendable, Equatable {
    /// The text as the classifier sees it: UTF-8, NFKC, case-folded, invisible characters removed,
    /// homoglyphs folded to Latin, whitespace runs (any Unicode whitespace, newlines too) collapsed to one 0x20,
    /// no leading/trailing space.
    var text: [UInt8]

    /// Hidden or encoded content found in the text, decoded and normalised the same way, each to be scored on
    /// its own: base64, hex, percent-encoded, rot13 spans; text smuggled in tag characters (U+E0020–E007F map to
    /// ASCII) and in variation selectors (U+FE00–FE0F and U+E0100–E01EF encode bytes 0–255, the "emoji
    /// smuggling" scheme); at most `limits.maxSegments`, decoded at most `limits.maxDecodeDepth` levels deep
    /// (base64 of base64).
    ///
    /// A segment comes before the segments found inside it. The encoded span also stays in ``text``, so a
    /// benign base64 image in JSON does not vanish from what is scored.
    var hiddenSegments: [HiddenSegment]

    /// How much obfuscation was undone, in the text and in its hidden segments together.
    var signals: PromptObfuscationSignals
}
