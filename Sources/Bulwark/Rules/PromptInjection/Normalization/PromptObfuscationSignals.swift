/// How much obfuscation the normaliser undid in a prompt: each count is evidence of hiding on its own,
/// whatever the decoded text says.
struct PromptObfuscationSignals: Sendable, Equatable {
    /// Invisible characters removed: zero-width space, zero-width joiner and non-joiner outside emoji
    /// sequences and the scripts that join with them, word joiner, a byte-order mark after the start, soft
    /// hyphen, bidirectional controls, other format (Cf) characters, Hangul fillers, and C0/C1 control
    /// characters other than whitespace.
    var invisibleCharacters = 0

    /// Unicode tag characters (U+E0000–U+E007F), outside the tag sequences of subdivision flags (🏴 + tags).
    var tagCharacters = 0

    /// Suspicious variation selectors: every selector in a run of two or more, one that starts the text
    /// or follows whitespace, and an ideographic selector (U+E0100–U+E01EF) after anything but an ideograph.
    /// The single selector that picks an emoji's text or emoji style (VS15, VS16) is not counted.
    var variationSelectors = 0

    /// Letters folded to Latin: Cyrillic, Greek, Armenian and Cherokee look-alikes inside otherwise-Latin
    /// words or words of look-alikes in Latin text, Latin small capitals, and styled letters that
    /// compatibility normalisation turns into plain ones (mathematical alphanumerics, circled, superscript,
    /// full-width letters outside CJK text).
    var homoglyphs = 0

    /// Words rebuilt from single letters spread out with spaces or punctuation: "i g n o r e", "s.y.s.t.e.m".
    var spacedLetters = 0

    /// Words with digits or symbols read as letters: "1gn0re", "pr0mpt", "@dmin".
    var leetspeak = 0

    /// Encoded spans decoded into hidden segments: base64, hex, percent-encoding and rot13.
    var encodedSpans = 0

    /// All the counts added up.
    var total: Int {
        invisibleCharacters + tagCharacters + variationSelectors + homoglyphs + spacedLetters + leetspeak
            + encodedSpans
    }

    /// Whether no obfuscation was found.
    var isEmpty: Bool { total == 0 }
}
