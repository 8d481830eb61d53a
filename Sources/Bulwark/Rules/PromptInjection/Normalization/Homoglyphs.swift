/// Letters of other scripts that look like Latin ones, after Unicode's confusables idea (UTS #39), written
/// out by hand for the letters that matter in text: Cyrillic, Greek, Armenian and Cherokee look-alikes,
/// and the Latin small capitals and IPA letters that pass for plain ones.
///
/// A fold is only a candidate: whether a word is folded depends on the word and the text around it
/// (see `PromptNormalizer+Folding.swift`), so genuine Russian or Greek text stays as it is.
enum Homoglyphs {
    /// How a look-alike may be folded.
    enum Strength: UInt8, Sendable {
        /// Looks like a Latin letter in most fonts (Cyrillic о, Greek ο, capital Р): folded in mixed words,
        /// and a word made only of these may be folded when the text around it is Latin.
        case strong = 1
        /// Looks like a Latin letter only in some forms, mostly as a capital (Cyrillic в as В, Greek η as Η):
        /// folded in a word that also has Latin letters, or in a word of look-alikes that are mostly strong.
        case weak = 2
        /// A Latin-script look-alike (small capital ᴀ, script ɡ): no genuine text writes words with it, so it
        /// is always folded.
        case always = 3
    }

    /// The Latin letter `scalar` looks like and how it may be folded, packed as `ascii | strength << 8`, or 0.
    static func fold(_ scalar: UInt32) -> UInt16 {
        table[scalar] ?? 0
    }

    private static let table: [UInt32: UInt16] = {
        var table: [UInt32: UInt16] = [:]
        for (letters, strength) in entries {
            for (scalar, ascii) in letters {
                table[scalar] = UInt16(ascii.value) | UInt16(strength.rawValue) << 8
            }
        }
        return table
    }()

    // Each pair is (scalar, the ASCII letter it passes for). Capitals are folded before lower-casing, so
    // the table may tell Cyrillic Н (looks like H) from н (looks like a small-capital H).
    private static let entries: [([(UInt32, Unicode.Scalar)], Strength)] = [
        // Cyrillic capitals: А В С Е Н І Ј К М О Р Ѕ Т Х У Ү Ѵ Һ Ӏ Ԁ Ԛ Ԝ
        (
            [
                (0x0410, "a"), (0x0412, "b"), (0x0421, "c"), (0x0415, "e"), (0x041D, "h"), (0x0406, "i"), (0x0408, "j"),
                (0x041A, "k"), (0x041C, "m"), (0x041E, "o"), (0x0420, "p"), (0x0405, "s"), (0x0422, "t"), (0x0425, "x"),
                (0x0423, "y"), (0x04AE, "y"), (0x0474, "v"), (0x04BA, "h"), (0x04C0, "l"), (0x0500, "d"), (0x051A, "q"),
                (0x051C, "w"),
            ], .strong
        ),
        // Cyrillic small letters that look like Latin ones: а с е о р х у і ј ѕ ү ѵ һ ӏ ԁ ԛ ԝ
        (
            [
                (0x0430, "a"), (0x0441, "c"), (0x0435, "e"), (0x043E, "o"), (0x0440, "p"), (0x0445, "x"), (0x0443, "y"),
                (0x0456, "i"), (0x0458, "j"), (0x0455, "s"), (0x04AF, "y"), (0x0475, "v"), (0x04BB, "h"), (0x04CF, "l"),
                (0x0501, "d"), (0x051B, "q"), (0x051D, "w"),
            ], .strong
        ),
        // Cyrillic small letters shaped like Latin small capitals: в г к м н п т ь ш
        (
            [
                (0x0432, "b"), (0x0433, "r"), (0x043A, "k"), (0x043C, "m"), (0x043D, "h"), (0x043F, "n"), (0x0442, "t"),
                (0x044C, "b"), (0x0448, "w"),
            ], .weak
        ),
        // Greek capitals: Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ
        (
            [
                (0x0391, "a"), (0x0392, "b"), (0x0395, "e"), (0x0396, "z"), (0x0397, "h"), (0x0399, "i"), (0x039A, "k"),
                (0x039C, "m"), (0x039D, "n"), (0x039F, "o"), (0x03A1, "p"), (0x03A4, "t"), (0x03A5, "y"), (0x03A7, "x"),
            ], .strong
        ),
        // Greek small letters: α ι κ ν ο ρ υ χ ϲ ϳ
        (
            [
                (0x03B1, "a"), (0x03B9, "i"), (0x03BA, "k"), (0x03BD, "v"), (0x03BF, "o"), (0x03C1, "p"), (0x03C5, "u"),
                (0x03C7, "x"), (0x03F2, "c"), (0x03F3, "j"),
            ], .strong
        ),
        // Greek small letters that pass only in some fonts: β γ ε η μ ς τ ω
        (
            [
                (0x03B2, "b"), (0x03B3, "y"), (0x03B5, "e"), (0x03B7, "n"), (0x03BC, "u"), (0x03C2, "c"), (0x03C4, "t"),
                (0x03C9, "w"),
            ], .weak
        ),
        // Armenian: Լ Ս Տ Օ զ հ ո ս օ, and the weaker ց ռ
        (
            [
                (0x053C, "l"), (0x054D, "u"), (0x054F, "s"), (0x0555, "o"), (0x0566, "q"), (0x0570, "h"), (0x0578, "n"),
                (0x057D, "u"), (0x0585, "o"),
            ], .strong
        ),
        ([(0x0581, "g"), (0x057C, "n")], .weak),
        // Cherokee capitals, which look like Latin capitals: Ꭰ Ꭲ Ꭵ Ꭺ Ꭻ Ꭼ Ꮃ Ꮇ Ꮋ Ꮐ Ꮓ Ꮩ Ꮪ Ꮮ Ꮯ Ꮲ Ꮶ Ᏼ
        (
            [
                (0x13A0, "d"), (0x13A2, "t"), (0x13A5, "i"), (0x13AA, "a"), (0x13AB, "j"), (0x13AC, "e"), (0x13B3, "w"),
                (0x13B7, "m"), (0x13BB, "h"), (0x13C0, "g"), (0x13C3, "z"), (0x13D9, "v"), (0x13DA, "s"), (0x13DE, "l"),
                (0x13DF, "c"), (0x13E2, "p"), (0x13E6, "k"), (0x13F4, "b"),
            ], .strong
        ),
        // Latin small capitals and IPA letters: ᴀ ʙ ᴄ ᴅ ᴇ ꜰ ɢ ʜ ɪ ᴊ ᴋ ʟ ᴍ ɴ ᴏ ᴘ ꞯ ʀ ꜱ ᴛ ᴜ ᴠ ᴡ ʏ ᴢ ɑ ɡ ɩ ȷ.
        // Dotless ı is left out: Turkish writes it.
        (
            [
                (0x1D00, "a"), (0x0299, "b"), (0x1D04, "c"), (0x1D05, "d"), (0x1D07, "e"), (0xA730, "f"), (0x0262, "g"),
                (0x029C, "h"), (0x026A, "i"), (0x1D0A, "j"), (0x1D0B, "k"), (0x029F, "l"), (0x1D0D, "m"), (0x0274, "n"),
                (0x1D0F, "o"), (0x1D18, "p"), (0xA7AF, "q"), (0x0280, "r"), (0xA731, "s"), (0x1D1B, "t"), (0x1D1C, "u"),
                (0x1D20, "v"), (0x1D21, "w"), (0x028F, "y"), (0x1D22, "z"), (0x0251, "a"), (0x0261, "g"), (0x0269, "i"),
                (0x0237, "j"),
            ], .always
        ),
    ]
}
