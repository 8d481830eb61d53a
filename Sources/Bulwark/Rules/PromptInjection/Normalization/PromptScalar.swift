import Foundation

/// What the normaliser needs to know about one non-ASCII Unicode scalar.
///
/// The standard library's Unicode properties cost 30–100 ns a look-up and Foundation's NFKC about 1.5 µs a
/// call, so each scalar is classified once (``classify(_:expansion:)``) and then looked up in
/// ``PromptScalarCache``.
struct PromptScalar: Sendable {
    /// The role a scalar plays in normalisation.
    enum Kind: UInt8, Sendable {
        /// Collapsed into one space.
        case whitespace
        /// Removed, and counted when used to hide something (see ``PromptObfuscationSignals``).
        case invisible
        /// A tag character, U+E0000–U+E007F.
        case tag
        /// A variation selector, U+FE00–U+FE0F or U+E0100–U+E01EF.
        case variationSelector
        /// A letter of the Latin script.
        case latinLetter
        /// A letter of another script.
        case foreignLetter
        /// A combining mark or modifier letter: part of the word it is in, of no script of its own.
        case mark
        /// A decimal digit other than ASCII.
        case digit
        /// An emoji, which a zero-width joiner may join to the next.
        case emoji
        /// Punctuation, symbols and the rest: they separate words.
        case other
    }

    /// The role of the scalar.
    var kind: Kind
    /// Whether the scalar may change in canonical composition with the scalars before it: a mark of
    /// non-zero combining class (which may also need reordering), or a mark or jamo that NFC composes.
    var combines: Bool
    /// The scalar's canonical combining class.
    var combiningClass: UInt8
    /// The scalar's NFKC form when that is one scalar (the scalar itself when it is stable), or 0 when
    /// it expands to several (``PromptScalarCache/expansion(of:)``).
    var compatibility: UInt32
    /// The lower-case mapping when it is one scalar (the scalar itself when it has none), or 0.
    var lowercase: UInt32
    /// The homoglyph fold, from ``Homoglyphs/fold(_:)``.
    var homoglyph: UInt16
    /// Whether NFKC turns the scalar into a plain ASCII letter from a styled form: mathematical, full-width,
    /// circled, squared, superscript or subscript letters.
    var isStyledLetter: Bool
    /// Whether the scalar is a full-width Latin letter, which CJK text writes as a matter of course.
    var isFullwidth: Bool

    /// The facts about a scalar that normalisation leaves as it is and that has no case and no look-alike:
    /// CJK ideographs, kana, Hangul syllables, pictographic emoji.
    @inline(__always)
    static func stable(_ kind: Kind, _ value: UInt32) -> PromptScalar {
        PromptScalar(
            kind: kind,
            combines: false,
            combiningClass: 0,
            compatibility: value,
            lowercase: value,
            homoglyph: 0,
            isStyledLetter: false,
            isFullwidth: false
        )
    }

    /// The facts about a Latin letter or digit of the Mathematical Alphanumeric Symbols, which NFKC maps to
    /// plain ASCII: worked out directly, since text styled this way has many of them.
    @inline(__always)
    static func mathematical(_ value: UInt32) -> PromptScalar? {
        var info = stable(.latinLetter, value)
        switch value {
        case 0x1D400...0x1D6A3:  // 13 alphabets of 52 letters; the holes are unassigned
            let letter = (value - 0x1D400) % 52
            info.compatibility = letter < 26 ? 0x41 + letter : 0x61 + letter - 26
            info.isStyledLetter = true
        case 0x1D7CE...0x1D7FF:  // 5 styles of the ten digits
            info.kind = .digit
            info.compatibility = 0x30 + (value - 0x1D7CE) % 10
        default:
            return nil
        }
        return info
    }

    /// Whether `value` is a CJK ideograph, kana or Hangul syllable that normalisation leaves as it is.
    @inline(__always)
    static func isStableIdeograph(_ value: UInt32) -> Bool {
        (value >= 0x4E00 && value <= 0x9FFF) || (value >= 0x3400 && value <= 0x4DBF)
            || (value >= 0xAC00 && value <= 0xD7A3) || (value >= 0x3041 && value <= 0x3096)
            || (value >= 0x30A1 && value <= 0x30FA) || (value >= 0x20000 && value <= 0x2EBEF)
    }

    /// Whether `value` is in one of the blocks of pictographic emoji, none of which normalisation changes.
    @inline(__always)
    static func isPictograph(_ value: UInt32) -> Bool {
        (value >= 0x1F300 && value <= 0x1F6FF) || (value >= 0x1F900 && value <= 0x1F9FF)
            || (value >= 0x1FA70 && value <= 0x1FAFF)
    }

    /// Classifies `value`; when its NFKC form is several scalars, they are written to `expansion`.
    static func classify(_ value: UInt32, expansion: inout [UInt32]) -> PromptScalar {
        var info = PromptScalar(
            kind: .other,
            combines: false,
            combiningClass: 0,
            compatibility: value,
            lowercase: value,
            homoglyph: Homoglyphs.fold(value),
            isStyledLetter: false,
            isFullwidth: false
        )
        guard let scalar = Unicode.Scalar(value) else { return info }
        if let kind = fixedKind(value) {
            info.kind = kind
            return info
        }
        let properties = scalar.properties
        if properties.generalCategory == .format, !isPrependedConcatenationMark(value) {
            info.kind = .invisible
            return info
        }
        info.kind = kind(of: value, properties)
        info.combiningClass = UInt8(truncatingIfNeeded: properties.canonicalCombiningClass.rawValue)
        info.combines = info.combiningClass != 0 || composesWithPrevious(value)
        if properties.changesWhenLowercased {
            let lower = properties.lowercaseMapping.unicodeScalars
            info.lowercase = lower.count == 1 ? lower.first?.value ?? 0 : 0
        }
        if properties.changesWhenNFKCCaseFolded {
            info.compatibility = compatibilityForm(of: scalar, lowercase: info.lowercase, expansion: &expansion)
        }
        if info.compatibility != value, info.compatibility < 0x80, (info.compatibility | 0x20) &- 0x61 < 26,
            value != 0xAA, value != 0xBA, !(value >= 0x2160 && value <= 0x2188)
        {
            // ª and º are Spanish and Portuguese ordinals, Ⅰ and Ⅴ Roman numerals: written, not styled.
            info.isStyledLetter = true
            info.isFullwidth = value >= 0xFF21 && value <= 0xFF5A
        }
        return info
    }

    /// The kinds that are fixed by a list rather than by the character database.
    static func fixedKind(_ value: UInt32) -> Kind? {
        switch value {
        case 0xE0000...0xE007F: return .tag
        case 0xFE00...0xFE0F, 0xE0100...0xE01EF: return .variationSelector
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return .whitespace
        case 0x80...0x9F: return .invisible  // C1 controls
        // Soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul and Khmer fillers, Mongolian
        // selectors and vowel separator, zero-width and bidi controls, invisible operators, BOM.
        case 0xAD, 0x34F, 0x61C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x200B...0x200F,
            0x202A...0x202E, 0x2060...0x206F, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9...0xFFFB, 0x1BCA0...0x1BCA3,
            0x1D173...0x1D17A:
            return .invisible
        default: return nil
        }
    }

    /// Format characters that are drawn (the Arabic number signs and their kin): kept as text.
    private static func isPrependedConcatenationMark(_ value: UInt32) -> Bool {
        switch value {
        case 0x600...0x605, 0x6DD, 0x70F, 0x890, 0x891, 0x8E2, 0x110BD, 0x110CD: return true
        default: return false
        }
    }

    private static func kind(of value: UInt32, _ properties: Unicode.Scalar.Properties) -> Kind {
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .otherLetter:
            return isLatin(value) ? .latinLetter : .foreignLetter
        case .modifierLetter, .nonspacingMark, .spacingMark, .enclosingMark:
            return .mark
        case .decimalNumber:
            return .digit
        default:
            return properties.isEmoji && value > 0xFF ? .emoji : .other
        }
    }

    /// The blocks of the Latin script, with IPA and the phonetic extensions.
    private static func isLatin(_ value: UInt32) -> Bool {
        switch value {
        case 0xC0...0x2AF, 0x1D00...0x1DBF, 0x1E00...0x1EFF, 0x2C60...0x2C7F, 0xA720...0xA7FF, 0xAB30...0xAB6F,
            0xFB00...0xFB06, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            return true
        default: return false
        }
    }

    /// Starters that canonical composition joins to the scalar before them: Hangul vowel and final jamo,
    /// and the second halves of two-part vowels in Indic scripts.
    private static func composesWithPrevious(_ value: UInt32) -> Bool {
        switch value {
        case 0x1161...0x1175, 0x11A8...0x11C2, 0x9BE, 0x9D7, 0xB3E, 0xB56, 0xB57, 0xBBE, 0xBD7, 0xC56, 0xCC2,
            0xCD5, 0xCD6, 0xD3E, 0xD57, 0xDCF, 0xDDF, 0x102E, 0x1B35, 0x110BA, 0x11127, 0x1133E, 0x11357,
            0x114B0, 0x114BA, 0x114BD, 0x115AF, 0x11930:
            return true
        default: return false
        }
    }

    /// The NFKC form of a scalar that NFKC with case folding changes. A letter that only changes case is
    /// its own NFKC form; the letters and digits of the mathematical block and the full-width forms are
    /// mapped directly; the rest go through Foundation once.
    private static func compatibilityForm(
        of scalar: Unicode.Scalar,
        lowercase: UInt32,
        expansion: inout [UInt32]
    ) -> UInt32 {
        let value = scalar.value
        if lowercase != 0, lowercase != value, let lower = Unicode.Scalar(lowercase),
            !lower.properties.changesWhenNFKCCaseFolded
        {
            return value
        }
        if let mathematical = mathematical(value) { return mathematical.compatibility }
        if value >= 0xFF01 && value <= 0xFF5E { return value - 0xFEE0 }
        let mapped = String(Character(scalar)).precomposedStringWithCompatibilityMapping.unicodeScalars
        if mapped.count == 1, let only = mapped.first { return only.value }
        expansion = mapped.map(\.value)
        return 0
    }
}
