extension SensitiveInfoScanner.Pass {
    /// Whether `span` is written as a phone number: international after a `+`, or in a national format
    /// (see ``isNationalNumber(_:separator:)``).
    func isPhoneNumber(_ span: DigitSpan, separator: UInt8) -> Bool {
        // `123-45-6789` is the shape of a social security number (or, outside its ranges, a part number).
        if span.count == 3, groups[span.first].count == 3, groups[span.first + 1].count == 2,
            groups[span.last].count == 4
        {
            return false
        }
        return span.plus
            ? isInternationalNumber(span, separator: separator) : isNationalNumber(span, separator: separator)
    }

    /// `+` and an assigned country calling code, then as many national digits as that country's numbers
    /// have (7 to 12 for countries not listed in ``nationalLengths``), at most 15 digits in all (E.164).
    /// The code may be written apart or joined to the number (`+14155552671`); a `(0)` trunk prefix is
    /// allowed and not counted. Groups have two digits or more, except the first after the country code
    /// (`+33 6 12 34 56 78`).
    private func isInternationalNumber(_ span: DigitSpan, separator: UInt8) -> Bool {
        let first = groups[span.first]
        guard !first.parenthesized else { return false }
        let codeLength: Int
        if first.count <= 3, span.count > 1 {
            codeLength = Self.isCountryCode(leadingDigits(span, count: first.count)) ? first.count : 0
        } else {
            codeLength = Self.countryCodeLength(leadingDigits(span, count: 3))
        }
        guard codeLength > 0 else { return false }
        let code = leadingDigits(span, count: codeLength)
        var digits = 0
        var firstNational = true
        for index in span.range {
            let group = groups[index]
            if isTrunkPrefix(group) {
                guard index == span.first + 1 else { return false }
                continue
            }
            digits += group.count
            if index == span.first { continue }
            if group.count < 2, !firstNational { return false }
            firstNational = false
        }
        let national = digits - codeLength
        let lengths = Self.nationalLengths[code] ?? 7...12
        guard digits <= 15, lengths.contains(national) else { return false }
        switch separator {
        case UInt8(ascii: "/"):
            return false
        case UInt8(ascii: "."):
            return code == 1
        default:
            break
        }
        // North American numbers: the area code starts with 2 to 9 (the exchange is not checked, as in
        // national numbers).
        if code == 1 {
            let number = leadingDigits(span, count: 11, skippingTrunk: true) % 10_000_000_000
            return number / 1_000_000_000 >= 2
        }
        return true
    }

    /// `(0)` in `+44 (0)20 7946 0958`: the national trunk prefix, dialled only from inside the country.
    private func isTrunkPrefix(_ group: DigitGroup) -> Bool {
        group.parenthesized && group.count == 1 && bytes[group.start] == UInt8(ascii: "0")
    }

    /// A national number in one of the layouts people write:
    /// - North American: `(415) 555-2671`, `415-555-2671`, `415.555.2671`, `415 555 2671`,
    ///   `1-415-555-2671` (an area code from 2 to 9), and the local `555-2671`;
    /// - with a trunk `0`: 10 to 12 digits in groups (`020 7946 0958`, `(030) 1234567`, `0151/1234567`,
    ///   `06 12 34 56 78`, `06.12.34.56.78`, `03-1234-5678`), or 10 or 11 digits written together
    ///   (`0612345678`, `07700900123`) unless the words before name another kind of number
    ///   (`order 0412193094`);
    /// - without one: 9 to 11 digits in two or more groups of two or more digits, the first of at most
    ///   five and not a year (`98765 43210`, `612 345 678`, `333 1234567`, `11 91234-5678`), or written
    ///   together right after a word that names a phone (`Tel: 612345678`, `call 4155552671`).
    ///
    /// Not phone numbers: fours with a shorter or equal remainder (cards, tracking numbers, IBAN tails:
    /// `1234 5678 9012`), one-digit groups (ISBNs, versions), `/` except after a trunk area code (dates,
    /// invoice numbers), `.` except in North American numbers and pairs (versions, decimals).
    private func isNationalNumber(_ span: DigitSpan, separator: UInt8) -> Bool {
        if isNorthAmericanNumber(span, separator: separator) { return true }
        let first = groups[span.first]
        let digits = digitCount(span)
        var pairsAfterFirst = true
        for index in span.range {
            let count = groups[index].count
            if count < 2 { return false }
            if index > span.first, count != 2 { pairsAfterFirst = false }
        }
        if separator == UInt8(ascii: "."), !pairsAfterFirst { return false }
        let leading = leadingDigits(span, count: 2)
        if leading / 10 == 0 {
            guard leading != 0 else { return false }  // 00 is the international prefix
            if span.count == 1 {
                return (digits == 10 || digits == 11) && runContext != .otherNumber
            }
            if separator == UInt8(ascii: "/"), span.count != 2 { return false }
            if hasBankGrouping(span) { return false }
            return digits >= 10 && digits <= 12 && first.count <= 6
        }
        if span.count == 1 {
            return digits >= 9 && digits <= 11 && runContext == .phone
        }
        guard separator != UInt8(ascii: "/"), digits >= 9, digits <= 11, first.count <= 5, !hasBankGrouping(span)
        else { return false }
        if first.count == 4 {
            let year = leadingDigits(span, count: 4)
            if year >= 1900 && year <= 2099 { return false }
        }
        return true
    }

    /// Groups of four with a last group of at most four (`1234 5678 9012`, `3786 5391 75`): how cards,
    /// tracking numbers and the tails of IBANs are printed, not phone numbers.
    private func hasBankGrouping(_ span: DigitSpan) -> Bool {
        guard span.count > 1, groups[span.last].count <= 4 else { return false }
        for index in span.first..<span.last where groups[index].count != 4 { return false }
        return true
    }

    private func isNorthAmericanNumber(_ span: DigitSpan, separator: UInt8) -> Bool {
        var first = span.first
        if span.count == 4, groups[first].count == 1, !groups[first].parenthesized,
            bytes[groups[first].start] == UInt8(ascii: "1")
        {
            first += 1
        }
        let count = span.last - first + 1
        if count == 2 {
            // A local number, `555-2671`.
            return span.count == 2 && separator == UInt8(ascii: "-") && !groups[first].parenthesized
                && groups[first].count == 3 && groups[first + 1].count == 4 && bytes[groups[first].start] >= 0x32
        }
        guard count == 3, groups[first].count == 3, groups[first + 1].count == 3, groups[first + 2].count == 4,
            !groups[first + 1].parenthesized, !groups[first + 2].parenthesized, separator != UInt8(ascii: "/")
        else { return false }
        // The area code starts with 2 to 9; the exchange is not checked, so that the 555-123-4567 of
        // examples and forms is still a phone number.
        return bytes[groups[first].start] >= 0x32
    }

    /// Whether `code` is an assigned country calling code (ITU-T E.164).
    static func isCountryCode(_ code: Int) -> Bool {
        switch code {
        case 1, 7: return true
        case 10...99: return twoDigitCountryCodes.contains(code)
        case 100...999: return threeDigitCountryCodeZones.contains(code / 10) && !unassignedCountryCodes.contains(code)
        default: return false
        }
    }

    /// The length of the country calling code at the start of `threeDigits` (calling codes are a
    /// prefix code: no code starts another), or 0.
    static func countryCodeLength(_ threeDigits: Int) -> Int {
        if isCountryCode(threeDigits / 100) { return 1 }
        if isCountryCode(threeDigits / 10) { return 2 }
        return isCountryCode(threeDigits) ? 3 : 0
    }

    private static let twoDigitCountryCodes: Set<Int> = [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60,
        61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ]

    /// First two digits of the three-digit calling codes.
    private static let threeDigitCountryCodeZones: Set<Int> = [
        21, 22, 23, 24, 25, 26, 29, 35, 37, 38, 42, 50, 59, 67, 68, 69, 80, 85, 87, 88, 96, 97, 99,
    ]

    /// Codes in those zones that no country has.
    private static let unassignedCountryCodes: Set<Int> = [
        210, 214, 215, 217, 219, 259, 292, 293, 294, 295, 296, 384, 388, 422, 424, 425, 426, 427, 428, 429, 671,
        684, 693, 694, 695, 696, 697, 698, 699, 801, 802, 803, 804, 805, 806, 807, 809, 851, 854, 857, 858, 859,
        871, 872, 873, 874, 875, 876, 877, 879, 884, 885, 887, 889, 969, 978, 990, 991, 999,
    ]

    /// National significant number lengths of the countries whose numbers are most often written,
    /// from their numbering plans; other countries take 7 to 12.
    static let nationalLengths: [Int: ClosedRange<Int>] = [
        1: 10...10, 7: 10...10, 20: 8...10, 27: 9...9, 30: 10...10, 31: 9...9, 32: 8...9, 33: 9...9, 34: 9...9,
        36: 8...9, 39: 6...11, 40: 9...9, 41: 9...9, 43: 4...13, 44: 9...10, 45: 8...8, 46: 7...10, 47: 8...8,
        48: 9...9, 49: 6...13, 52: 10...10, 54: 10...11, 55: 10...11, 61: 9...9, 62: 8...12, 63: 8...10,
        64: 8...10, 65: 8...8, 66: 8...9, 81: 9...10, 82: 8...10, 84: 9...10, 86: 10...11, 90: 10...10,
        91: 10...10, 92: 9...10, 351: 9...9, 353: 7...9, 358: 5...12, 420: 9...9, 852: 8...8, 971: 8...9,
        972: 8...9,
    ]

    /// What the words just before a run of digit groups (on its line, within 48 bytes) say it is.
    enum NumberContext {
        /// A phone: `Tel:`, `call`, `mobile`, `WhatsApp`, `T:`…
        case phone
        /// Another kind of number: `order`, `invoice`, `tracking`, `ticket`, `build`, `run`, `ref`, `#`…
        case otherNumber
        /// Neither.
        case none
    }

    /// The nearest telling word before `index` decides. "Number" names a phone unless a word before it
    /// names something else: "my number is …", but "order number …".
    func numberContext(before index: Int) -> NumberContext {
        let floor = max(0, index - 48)
        var cursor = index - 1
        var sawNumber = false
        while cursor >= floor {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "#") { return .otherNumber }
            guard SensitiveInfoByte.isLetter(byte) || byte >= 0x80 else {
                cursor -= 1
                continue
            }
            let end = cursor + 1
            while cursor >= floor, SensitiveInfoByte.isLetter(bytes[cursor]) || bytes[cursor] >= 0x80 { cursor -= 1 }
            let start = cursor + 1
            // One-letter labels of contact blocks: `T: 0612345678`, `M: 07700900123`.
            if end - start == 1, at(end) == UInt8(ascii: ":"), !SensitiveInfoByte.isAlphanumeric(at(start - 1)) {
                switch SensitiveInfoByte.lowercased(bytes[start]) {
                case UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "p"), UInt8(ascii: "f"): return .phone
                default: continue
                }
            }
            for keyword in Self.phoneWords where matchesLowercased(keyword, at: start) { return .phone }
            for keyword in Self.otherNumberWords where matchesLowercased(keyword, at: start) {
                return .otherNumber
            }
            for keyword in Self.numberWords where matchesLowercased(keyword, at: start) { sawNumber = true }
        }
        return sawNumber ? .phone : .none
    }

    /// Words for "number", which name a phone when nothing else is named.
    private static let numberWords: [StaticString] = [
        "number", "num\u{E9}ro", "numero", "n\u{FA}mero", "nummer",
    ]

    /// Beginnings of words that name a phone, in the languages of the common national formats.
    private static let phoneWords: [StaticString] = [
        "phone", "tel", "t\u{E9}l", "call", "mobil", "m\u{F3}vil", "movil", "cell", "handy", "fax", "sms", "whatsapp",
        "contact", "kontakt", "contatto", "ring", "bel ", "anruf", "appel", "llam", "chiam", "ligar", "celular",
        "portable", "\u{96FB}\u{8A71}",
    ]

    /// Beginnings of words that name other numbers.
    private static let otherNumberWords: [StaticString] = [
        "order", "invoice", "track", "ticket", "build", "run", "ref", "account", "acct", "sku", "serial", "case",
        "customer", "bestell", "rechnung", "commande", "facture", "pedido", "factura", "ordine", "fattura", "iban",
        "card", "pan", "po", "id", "code", "coupon", "voucher", "promo", "gift",
    ]
}
