extension SensitiveInfoScanner.Pass {
    /// One group of digits in a run such as `+44 (0)20 7946-0958`.
    struct DigitGroup {
        /// The first digit.
        var start: Int
        /// Past the last digit.
        var end: Int
        /// Whether the group is written in parentheses, `(020)`.
        var parenthesized: Bool
        /// The separator before the group: space, `-`, `.` or `/`; 0 for none (the first group, or a
        /// group written right after a parenthesized one).
        var separator: UInt8

        var count: Int { end - start }
        /// Where the group's text starts and ends, parentheses included.
        var textStart: Int { parenthesized ? start - 1 : start }
        var textEnd: Int { parenthesized ? end + 1 : end }
    }

    /// Where one candidate lies in ``groups``: `first..<first + count`, and whether the run's `+` is its own.
    struct DigitSpan {
        var first: Int
        var count: Int
        var plus: Bool

        var last: Int { first + count - 1 }
        var range: Range<Int> { first..<(first + count) }
    }

    /// The most groups one entity spans (`+33 (0)6 12 34 56 78` has 7).
    static let maxGroupsPerEntity = 8
    /// The most digits a group may have; a longer run of digits is an identifier, not a number to read.
    static let maxGroupDigits = 19

    /// Whether a number may start at `index`: not inside a word, nor inside a longer number
    /// (`1.5`, `12,300`, `v2-3`), nor right after a currency sign or `#` (`$1 234 567`, `#555-1234`).
    func numberMayStart(at index: Int) -> Bool {
        let previous = at(index - 1)
        if SensitiveInfoByte.isWord(previous) { return false }
        switch previous {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ":"),
            UInt8(ascii: "+"):
            return !SensitiveInfoByte.isAlphanumeric(at(index - 2))
        case UInt8(ascii: "#"), UInt8(ascii: "$"):
            return false
        case 0xA3, 0xA5:  // the second byte of £ and ¥
            return at(index - 2) != 0xC2
        case 0xAC, 0xB9:  // the last byte of € (E2 82 AC) and ₹ (E2 82 B9)
            return !(at(index - 2) == 0x82 && at(index - 3) == 0xE2)
        default:
            return true
        }
    }

    /// Whether a number may end at `index`: not followed by a word, an `@`, a `%`, or more of a number
    /// (`12,5`, `10:30`).
    func numberMayEnd(at index: Int) -> Bool {
        let next = at(index)
        if SensitiveInfoByte.isWord(next) || next == UInt8(ascii: "@") || next == UInt8(ascii: "%") { return false }
        if next == UInt8(ascii: ",") || next == UInt8(ascii: ":") || next == UInt8(ascii: ".") {
            return !SensitiveInfoByte.isDigit(at(index + 1))
        }
        return true
    }

    /// Whether an IPv4 address (`10.0.0.1`) or an IPv6 address written from a digit (`2001:db8::1`)
    /// starts at `index`.
    private func startsAddress(at index: Int) -> Bool {
        var probe = index
        while SensitiveInfoByte.isHex(at(probe)), probe - index < 4 { probe += 1 }
        if at(probe) == UInt8(ascii: ":"), SensitiveInfoByte.isHex(at(probe + 1)) || at(probe + 1) == UInt8(ascii: ":")
        {
            return true
        }
        return ipv4(at: index) != nil
    }

    /// Reads the run of digit groups at `index` (a digit, `+` or `(`) and records the cards, social
    /// security numbers and phone numbers in it. Returns the end of the run, or nil when no run starts.
    mutating func digitRun(at index: Int) -> Int? {
        guard numberMayStart(at: index) else { return nil }
        var cursor = index
        let plus = bytes[index] == UInt8(ascii: "+")
        if plus { cursor += 1 }
        if groups.capacity == 0 { groups.reserveCapacity(16) }
        groups.removeAll(keepingCapacity: true)
        var separator: UInt8 = 0
        while cursor < bytes.count {
            if at(cursor) == UInt8(ascii: "(") {
                var close = cursor + 1
                while SensitiveInfoByte.isDigit(at(close)), close - cursor <= 5 { close += 1 }
                guard close > cursor + 1, at(close) == UInt8(ascii: ")") else { break }
                groups.append(DigitGroup(start: cursor + 1, end: close, parenthesized: true, separator: separator))
                cursor = close + 1
                // `(0)20` and `(415)555-2671` write the next group without a separator.
                if SensitiveInfoByte.isDigit(at(cursor)) {
                    separator = 0
                    continue
                }
            } else if SensitiveInfoByte.isDigit(at(cursor)) {
                var end = cursor + 1
                while SensitiveInfoByte.isDigit(at(end)) { end += 1 }
                groups.append(DigitGroup(start: cursor, end: end, parenthesized: false, separator: separator))
                cursor = end
            } else {
                break
            }
            let next = at(cursor)
            guard
                next == UInt8(ascii: " ") || next == UInt8(ascii: "-") || next == UInt8(ascii: ".")
                    || next == UInt8(ascii: "/"),
                SensitiveInfoByte.isDigit(at(cursor + 1))
                    || (at(cursor + 1) == UInt8(ascii: "(") && SensitiveInfoByte.isDigit(at(cursor + 2)))
            else { break }
            // An address after a space is not part of the number before it: `port 22 10.0.0.1`.
            if next == UInt8(ascii: " "), startsAddress(at: cursor + 1) { break }
            separator = next
            cursor += 1
        }
        guard let lastGroup = groups.last else { return nil }
        let runEnd = lastGroup.textEnd
        let runMayEnd = numberMayEnd(at: runEnd)
        // The words before the run tell what a number written without groups is; read them once a run.
        runContext = .none
        if !plus, groups.contains(where: { $0.count >= 9 && $0.count <= 11 }) {
            runContext = numberContext(before: index)
        }

        var first = 0
        while first < groups.count {
            // A candidate starts at the run's start or after a space, and ends at the run's end or
            // before a space: `2024-01-15 555-123-4567` holds a phone number after its date.
            guard first == 0 || groups[first].separator == UInt8(ascii: " ") else {
                first += 1
                continue
            }
            var matched = 0
            var count = longestCandidate(from: first)
            while count > 0 {
                let span = DigitSpan(first: first, count: count, plus: plus && first == 0)
                let endsRun = span.last == groups.count - 1
                if endsRun ? runMayEnd : groups[span.last + 1].separator == UInt8(ascii: " "),
                    let type = classify(span)
                {
                    let start = span.plus ? index : groups[first].textStart
                    if emit(type, start, groups[span.last].textEnd) {
                        matched = count
                        break
                    }
                }
                count -= 1
            }
            first += max(matched, 1)
        }
        return runEnd
    }

    /// The most groups from `first` that one entity could span: at most ``maxGroupsPerEntity``, at
    /// most 19 digits (the longest card), and no one-digit group after the third (only the first groups
    /// of a phone number, `+33 (0)6 …`, and a card's last may have one digit), so that long runs of short
    /// groups cost little.
    private func longestCandidate(from first: Int) -> Int {
        var digits = 0
        var count = 0
        while count < Self.maxGroupsPerEntity, first + count < groups.count {
            let group = groups[first + count]
            digits += group.count
            if digits > 19 { break }
            count += 1
            if group.count == 1, count > 3 { break }
        }
        return count
    }

    /// The type of the digit groups of `span`, if they are a card, a social security number or a phone
    /// number written as one.
    func classify(_ span: DigitSpan) -> SensitiveInfoType? {
        // The shortest entity of digits is a local phone number of seven.
        guard digitCount(span) >= 7, let separator = mainSeparator(of: span) else { return nil }
        // Split off a longer run only where the run changes separator: four-digit groups inside a
        // 22-digit tracking number are not a card, and `+44 20 7946 0958 12` is not a phone number.
        if separator != 0 {
            if span.first > 0, groups[span.first].separator == separator { return nil }
            if span.last + 1 < groups.count, groups[span.last + 1].separator == separator { return nil }
        }
        for index in span.range where groups[index].count > Self.maxGroupDigits { return nil }
        if !span.plus {
            if isCardNumber(span, separator: separator) { return .creditCardNumber }
            if isSocialSecurityNumber(span, separator: separator) { return .usSocialSecurityNumber }
        }
        if isPhoneNumber(span, separator: separator) { return .phoneNumber }
        return nil
    }

    /// The separator that joins the groups of `span` (0 for a single group), or nil when they mix
    /// separators. Some separators are free to differ from the rest: those next to a parenthesized
    /// group, the one after a `+` country code, and the one after the area code of a number of three
    /// groups or more (`11 91234-5678`, `+1 415 555-2671`).
    func mainSeparator(of span: DigitSpan) -> UInt8? {
        var main: UInt8 = 0
        var fallback: UInt8 = 0
        let areaSeparator = span.first + (span.plus ? 2 : 1)
        for index in span.range.dropFirst() {
            let separator = groups[index].separator
            guard separator != 0 else { continue }
            if fallback == 0 { fallback = separator }
            let free =
                groups[index].parenthesized || groups[index - 1].parenthesized
                || (span.plus && index == span.first + 1) || (index == areaSeparator && span.count > 2)
            if free { continue }
            if main == 0 {
                main = separator
            } else if main != separator {
                return nil
            }
        }
        return main == 0 ? fallback : main
    }

    /// Whether every separator of `span` is `separator` and no group is parenthesized.
    func hasUniformSeparators(_ span: DigitSpan, _ separator: UInt8) -> Bool {
        for index in span.range {
            let group = groups[index]
            if group.parenthesized || (index > span.first && group.separator != separator) { return false }
        }
        return true
    }

    /// The digits of `span` as a number, the first `limit` of them (for prefixes).
    func leadingDigits(_ span: DigitSpan, count limit: Int, skippingTrunk: Bool = false) -> Int {
        var value = 0
        var taken = 0
        for index in span.range {
            let group = groups[index]
            if skippingTrunk, group.parenthesized, group.count == 1, bytes[group.start] == UInt8(ascii: "0") {
                continue
            }
            for position in group.start..<group.end {
                guard taken < limit else { return value }
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                taken += 1
            }
        }
        return value
    }

    /// The number of digits in `span`.
    func digitCount(_ span: DigitSpan) -> Int {
        var total = 0
        for index in span.range { total += groups[index].count }
        return total
    }
}
