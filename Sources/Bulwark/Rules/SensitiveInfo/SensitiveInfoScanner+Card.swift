extension SensitiveInfoScanner.Pass {
    /// Whether `span` is a payment card number: 13 to 19 digits, plain or in the groups cards are
    /// printed in (fours; 4-6-5 and 4-6-4 for American Express and Diners) joined by one kind of
    /// separator (space or `-`), a card network's prefix at a length it issues, and a valid Luhn check
    /// digit.
    func isCardNumber(_ span: DigitSpan, separator: UInt8) -> Bool {
        let digits = digitCount(span)
        guard digits >= 13, digits <= 19 else { return false }
        if span.count > 1 {
            guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-"),
                hasUniformSeparators(span, separator), hasCardGrouping(span)
            else { return false }
        }
        return Self.isIssued(prefix: leadingDigits(span, count: 6), length: digits) && passesLuhn(span)
    }

    private func hasCardGrouping(_ span: DigitSpan) -> Bool {
        let first = groups[span.first].count
        let last = groups[span.last].count
        if span.count == 3 {
            return first == 4 && groups[span.first + 1].count == 6 && (last == 4 || last == 5)
        }
        guard span.count >= 4, last <= 4 else { return false }
        for index in span.first..<span.last where groups[index].count != 4 { return false }
        return true
    }

    private func passesLuhn(_ span: DigitSpan) -> Bool {
        var sum = 0
        var doubled = false
        for index in span.range.reversed() {
            let group = groups[index]
            var position = group.end
            while position > group.start {
                position -= 1
                var digit = Int(bytes[position] - UInt8(ascii: "0"))
                if doubled {
                    digit *= 2
                    if digit > 9 { digit -= 9 }
                }
                sum += digit
                doubled.toggle()
            }
        }
        return sum % 10 == 0
    }

    /// Whether a card network issues numbers of `length` digits that start with `prefix` (the first six
    /// digits): Visa, Mastercard, American Express, Discover, Diners Club, JCB, UnionPay, Maestro,
    /// Mir, RuPay, Troy and Verve.
    static func isIssued(prefix six: Int, length: Int) -> Bool {
        let one = six / 100_000
        let two = six / 10_000
        let three = six / 1_000
        let four = six / 100
        switch one {
        case 1:
            return length == 15 && four == 1800  // JCB's 15-digit range
        case 2:
            if four >= 2200 && four <= 2204 { return length >= 16 }  // Mir
            if four == 2131 { return length == 15 }  // JCB's 15-digit range
            return four >= 2221 && four <= 2720 && length == 16  // Mastercard
        case 3:
            if two == 34 || two == 37 { return length == 15 }  // American Express
            if (three >= 300 && three <= 305) || four == 3095 || two == 36 || two == 38 || two == 39 {
                return length >= 14  // Diners Club
            }
            // JCB issues from 3528-3589; test-number generators (Faker's among them) draw from all of 35.
            if two == 35 { return length >= 16 }
            return false
        case 4:
            return length == 13 || length == 16 || length == 19  // Visa
        case 5:
            if two >= 51 && two <= 55 { return length == 16 }  // Mastercard
            if six >= 506_099 && six <= 506_198 { return length >= 16 }  // Verve
            return two == 50 || (two >= 56 && two <= 58) ? length >= 12 : false  // Maestro
        case 6:
            // Discover (6011, 644-649, 65), UnionPay (62), RuPay (60), Maestro (63, 67).
            let issued =
                four == 6011 || (three >= 644 && three <= 649) || two == 65 || two == 62 || two == 60
                || two == 63 || two == 67
            return issued && length >= 16
        case 8:
            return (two == 81 || two == 82) && length >= 16  // RuPay, UnionPay
        case 9:
            return four == 9792 && length == 16  // Troy
        default:
            return false
        }
    }

    /// Whether `span` is a US social security number: `123-45-6789` or `123 45 6789` with an area
    /// other than 000, 666 and 900–999, a group other than 00 and a serial other than 0000; or nine
    /// bare digits right after the words SSN or social security.
    func isSocialSecurityNumber(_ span: DigitSpan, separator: UInt8) -> Bool {
        if span.count == 3, groups[span.first].count == 3, groups[span.first + 1].count == 2,
            groups[span.last].count == 4
        {
            guard separator == UInt8(ascii: "-") || separator == UInt8(ascii: " "),
                hasUniformSeparators(span, separator)
            else { return false }
        } else if span.count == 1, groups[span.first].count == 9 {
            guard hasSocialSecurityKeyword(before: groups[span.first].start) else { return false }
        } else {
            return false
        }
        let number = leadingDigits(span, count: 9)
        let area = number / 1_000_000
        let group = number / 10_000 % 100
        let serial = number % 10_000
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }

    /// Whether the 32 bytes before `index` name a social security number (`SSN`, `SSN#`, `social
    /// security`), so that nine bare digits after them are one.
    private func hasSocialSecurityKeyword(before index: Int) -> Bool {
        let from = max(0, index - 32)
        var position = from
        while position < index {
            let byte = SensitiveInfoByte.lowercased(bytes[position])
            if byte == UInt8(ascii: "s"), !SensitiveInfoByte.isLetter(at(position - 1)) {
                if SensitiveInfoByte.lowercased(at(position + 1)) == UInt8(ascii: "s"),
                    SensitiveInfoByte.lowercased(at(position + 2)) == UInt8(ascii: "n"),
                    !SensitiveInfoByte.isLetter(at(position + 3))
                {
                    return true
                }
                if matchesLowercased("social security", at: position) { return true }
            }
            position += 1
        }
        return false
    }

    /// Whether the bytes at `index`, lower-cased, are `literal` (lower-case ASCII).
    func matchesLowercased(_ literal: StaticString, at index: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index >= 0, index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where SensitiveInfoByte.lowercased(bytes[index + offset]) != pointer[offset] {
            return false
        }
        return true
    }
}
