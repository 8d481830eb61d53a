/// Which code points IDNA 2008 allows, and the Bidi Rule, derived from Unicode properties instead of
/// a bundled table.
///
/// `status(of:)` follows the derivation of RFC 5892 section 3 in its order: the exceptions of
/// section 2.6, unassigned code points, ASCII letters, digits and hyphen, old Hangul jamo, unstable
/// code points (those that change under NFKC and case folding: the standard library's
/// `changesWhenNFKCCaseFolded`), default-ignorable, white-space and non-characters, three
/// ignorable blocks, then letters, marks and decimal digits. CONTEXTJ (the zero-width joiners) is
/// left out: those are format characters, refused before a domain gets here.
///
/// Approximations, each documented in the article: the CONTEXTO rules' scripts (Greek, Hebrew,
/// Hiragana, Katakana, Han) and the bidirectional classes of the Bidi Rule (RFC 5893) are given by
/// code-point ranges, since the standard library does not expose `Script` or `Bidi_Class`. The
/// ranges cover the letters of those scripts that survive NFKC.
extension IDNA {
    enum CodePointStatus {
        case valid
        case contextual
        case disallowed
    }

    static func status(of scalar: Unicode.Scalar) -> CodePointStatus {
        let value = scalar.value
        if value < 0x80 {
            return EmailAddress.isLetterDigitHyphen(UInt8(value)) ? .valid : .disallowed
        }
        // RFC 5892 section 2.6, Exceptions (F).
        switch value {
        case 0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007:
            return .valid
        case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB, 0x0660...0x0669, 0x06F0...0x06F9:
            return .contextual
        case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031...0x3035, 0x303B:
            return .disallowed
        default:
            break
        }
        let properties = scalar.properties
        if properties.generalCategory == .unassigned { return .disallowed }
        // OldHangulJamo (I): conjoining jamo, which NFC composes into syllables when they are modern.
        if (0x1100...0x11FF).contains(value) || (0xA960...0xA97F).contains(value) || (0xD7B0...0xD7FF).contains(value) {
            return .disallowed
        }
        // Unstable (B) and IgnorableProperties (C).
        if properties.changesWhenNFKCCaseFolded || properties.isDefaultIgnorableCodePoint || properties.isWhitespace
            || properties.isNoncharacterCodePoint
        {
            return .disallowed
        }
        // IgnorableBlocks (D): combining marks for symbols, musical symbols, ancient Greek musical notation.
        if (0x20D0...0x20FF).contains(value) || (0x1D100...0x1D24F).contains(value) { return .disallowed }
        // LetterDigits (A).
        switch properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark,
            .decimalNumber:
            return .valid
        default:
            return .disallowed
        }
    }

    /// The CONTEXTO rules of RFC 5892 appendix A for the code point at `index` of `label`.
    static func isValidInContext(_ label: [Unicode.Scalar], at index: Int) -> Bool {
        let value = label[index].value
        switch value {
        case 0x00B7:
            // MIDDLE DOT, only between two l's (Catalan "l·l").
            return index > 0 && index + 1 < label.count && label[index - 1] == "l" && label[index + 1] == "l"
        case 0x0375:
            // GREEK LOWER NUMERAL SIGN (KERAIA), only before a Greek character.
            return index + 1 < label.count && isGreek(label[index + 1])
        case 0x05F3, 0x05F4:
            // HEBREW PUNCTUATION GERESH and GERSHAYIM, only after a Hebrew character.
            return index > 0 && isHebrew(label[index - 1])
        case 0x30FB:
            // KATAKANA MIDDLE DOT, only in a label with Hiragana, Katakana or Han.
            return label.contains { $0.value != 0x30FB && isHiraganaKatakanaOrHan($0) }
        case 0x0660...0x0669:
            // ARABIC-INDIC DIGITS, never with EXTENDED ARABIC-INDIC DIGITS in the same label.
            return !label.contains { (0x06F0...0x06F9).contains($0.value) }
        case 0x06F0...0x06F9:
            return !label.contains { (0x0660...0x0669).contains($0.value) }
        default:
            return false
        }
    }

    private static func isGreek(_ scalar: Unicode.Scalar) -> Bool {
        (0x0370...0x03FF).contains(scalar.value) || (0x1F00...0x1FFF).contains(scalar.value)
    }

    private static func isHebrew(_ scalar: Unicode.Scalar) -> Bool {
        (0x0591...0x05F4).contains(scalar.value) || (0xFB1D...0xFB4F).contains(scalar.value)
    }

    private static func isHiraganaKatakanaOrHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3005, 0x3007, 0x3021...0x3029, 0x3038...0x303B,  // iteration marks, Hangzhou numerals
            0x3041...0x309F, 0x30A1...0x30FF, 0x31F0...0x31FF,  // Hiragana, Katakana, phonetic extensions
            0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,  // Han, compatibility ideographs
            0x1AFF0...0x1B16F,  // Kana supplements and extensions
            0x20000...0x3FFFF:  // Han, supplementary planes
            true
        default:
            false
        }
    }
}

extension IDNA {
    /// The bidirectional classes the Bidi Rule distinguishes, as far as valid labels can hold them.
    enum BidiClass {
        case leftToRight  // L
        case rightToLeft  // R and AL
        case arabicNumber  // AN
        case europeanNumber  // EN
        case europeanSeparator  // ES: the hyphen
        case nonSpacingMark  // NSM
        case otherNeutral  // ON: the CONTEXTO punctuation
    }

    /// The approximate Bidi_Class of a code point that is valid in a label.
    static func bidiClass(of scalar: Unicode.Scalar) -> BidiClass {
        let value = scalar.value
        switch value {
        case 0x30...0x39, 0x06F0...0x06F9: return .europeanNumber
        case 0x0660...0x0669, 0x10D30...0x10D39, 0x10E60...0x10E7E: return .arabicNumber
        case 0x2D: return .europeanSeparator
        // Valid modifier letters and marks whose class their category does not tell.
        case 0x00B7, 0x0375, 0x30FB, 0x02B9...0x02BA, 0x02C6...0x02CF, 0x02EC, 0x2E2F, 0xA67F, 0xA717...0xA71F,
            0xA788:
            return .otherNeutral
        case 0x0CBF, 0x0CC6, 0x11A07...0x11A08, 0x11C3F: return .leftToRight
        default: break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return .nonSpacingMark
        default: break
        }
        switch value {
        // Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic and their extensions; Hebrew and
        // Arabic presentation forms; the historic right-to-left scripts of plane 1 (Phoenician to
        // Old Uyghur, Adlam, Mende Kikakui, Arabic mathematical letters).
        case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF, 0x10800...0x10FFF, 0x1E800...0x1EFFF:
            return .rightToLeft
        default:
            return .leftToRight
        }
    }

    /// The Bidi Rule (RFC 5893 section 2) for a domain: when any label holds right-to-left characters
    /// or Arabic digits, every label must satisfy it, so that `1.אב.com` cannot display like
    /// `אב.1.com`.
    static func checkBidi(_ labels: [[Unicode.Scalar]]) throws(EmailSyntaxError) {
        let isBidiDomain = labels.contains { label in
            label.contains { scalar in
                !scalar.isASCII && [.rightToLeft, .arabicNumber].contains(bidiClass(of: scalar))
            }
        }
        guard isBidiDomain else { return }
        for label in labels where !satisfiesBidiRule(label) {
            throw EmailSyntaxError(
                code: .invalidIDNA,
                message: "The label '\(EmailSyntaxError.shown(String(String.UnicodeScalarView(label))))' mixes "
                    + "right-to-left and left-to-right text, or digits, in a way that could display as another "
                    + "domain (RFC 5893)."
            )
        }
    }

    private static func satisfiesBidiRule(_ label: [Unicode.Scalar]) -> Bool {
        guard let first = label.first else { return false }
        let classes = label.map(bidiClass(of:))
        // The last character that is not a combining mark decides how the label may end (rules 3, 6).
        let last = classes.last { $0 != .nonSpacingMark }
        switch bidiClass(of: first) {
        case .rightToLeft:
            // Rules 2 to 4: no left-to-right characters; ends with R, AL, EN or AN; not both kinds of digit.
            guard !classes.contains(.leftToRight) else { return false }
            guard let last, [.rightToLeft, .europeanNumber, .arabicNumber].contains(last) else { return false }
            return !(classes.contains(.europeanNumber) && classes.contains(.arabicNumber))
        case .leftToRight:
            // Rules 5 and 6: no right-to-left characters or Arabic digits; ends with L or EN.
            guard !classes.contains(.rightToLeft), !classes.contains(.arabicNumber) else { return false }
            guard let last, [.leftToRight, .europeanNumber].contains(last) else { return false }
            return true
        default:
            // Rule 1: a label starts with L, R or AL.
            return false
        }
    }
}
