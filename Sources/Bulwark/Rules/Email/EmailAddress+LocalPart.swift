import Foundation

/// The part before the `@`: a dot-atom (RFC 5322 section 3.2.3, with the UTF-8 of RFC 6531) or a
/// quoted string (RFC 5321 section 4.1.2).
///
/// Foundation is used only for NFC, and only when the local part is not ASCII.
extension EmailAddress {
    /// Mailbox names that RFC 2142 defines as case-insensitive; they are lower-cased.
    private static let roleNames: Set<String> = [
        "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet",
        "news", "webmaster", "www", "uucp", "ftp",
    ]

    static func parseLocalPart(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        isQuoted: Bool,
        options: EmailSyntaxOptions
    ) throws(EmailSyntaxError) -> String {
        guard !range.isEmpty else {
            throw EmailSyntaxError(
                code: .invalidLocalPart,
                message: "There is nothing before the @; add the mailbox name, as in name@example.com."
            )
        }
        var localPart: String
        // Whether the part may be a role name in other than lower case, so worth the lookup.
        var mayBeRoleName = true
        if isQuoted {
            guard options.allowQuotedLocalPart else {
                throw EmailSyntaxError(
                    code: .quotedLocalPartNotAllowed,
                    message: "Quotes around the part before the @ are not accepted here; remove them."
                )
            }
            localPart = try parseQuoted(bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
        } else {
            let part = UnsafeBufferPointer(rebasing: bytes[range])
            switch try scanASCIIDotAtom(part) {
            case .nonASCII:
                localPart = try parseUnicodeDotAtom(String(decoding: part, as: UTF8.self))
                mayBeRoleName = false
            case .lowerCase:
                localPart = String(decoding: part, as: UTF8.self)
                mayBeRoleName = false
            case .upperCase:
                localPart = String(decoding: part, as: UTF8.self)
            }
        }
        if mayBeRoleName, localPart.utf8.count <= 10, localPart.utf8.contains(where: isUppercaseLetter),
            roleNames.contains(localPart.lowercased())
        {
            localPart = localPart.lowercased()
        }
        if !options.allowInternationalized, !localPart.utf8.allSatisfy({ $0 < 0x80 }) {
            throw EmailSyntaxError(
                code: .internationalizedNotAllowed,
                message: "The part before the @ has characters beyond ASCII, which are not accepted here."
            )
        }
        let length = localPart.utf8.count
        guard length <= maxLocalPartLength else {
            throw EmailSyntaxError(
                code: .localPartTooLong,
                message: "The part before the @ is \(length) bytes long; it can have at most \(maxLocalPartLength)."
            )
        }
        return localPart
    }

    private enum DotAtomScan {
        /// Non-ASCII bytes: the Unicode path decides.
        case nonASCII
        /// An ASCII dot-atom without upper-case letters.
        case lowerCase
        /// An ASCII dot-atom with upper-case letters.
        case upperCase
    }

    /// Checks an unquoted local part byte by byte, throwing on a character or a dot out of place.
    private static func scanASCIIDotAtom(_ part: UnsafeBufferPointer<UInt8>) throws(EmailSyntaxError) -> DotAtomScan {
        var previous: UInt8 = 0
        var hasUppercase = false
        for (index, byte) in part.enumerated() {
            if byte >= 0x80 { return .nonASCII }
            if byte == UInt8(ascii: ".") {
                if index == 0 || previous == byte { throw dotError(atStart: index == 0) }
            } else if !isAtext(byte) {
                throw invalidLocalPartCharacter(Unicode.Scalar(byte))
            } else if isUppercaseLetter(byte) {
                hasUppercase = true
            }
            previous = byte
        }
        if previous == UInt8(ascii: ".") {
            throw EmailSyntaxError(
                code: .invalidLocalPart,
                message: "The part before the @ ends with a dot; remove it."
            )
        }
        return hasUppercase ? .upperCase : .lowerCase
    }

    /// An unquoted local part with non-ASCII characters: ASCII `atext`, dots where a dot-atom allows
    /// them, and non-ASCII characters that are safe to display. Returns it in NFC.
    private static func parseUnicodeDotAtom(_ text: String) throws(EmailSyntaxError) -> String {
        try checkUnicodeDotAtom(text)
        let normalized = text.precomposedStringWithCanonicalMapping
        if !normalized.unicodeScalars.elementsEqual(text.unicodeScalars) {
            try checkUnicodeDotAtom(normalized)
        }
        return normalized
    }

    private static func checkUnicodeDotAtom(_ text: String) throws(EmailSyntaxError) {
        var previousIsDot = true
        var isFirst = true
        for scalar in text.unicodeScalars {
            if scalar == "." {
                if previousIsDot { throw dotError(atStart: isFirst) }
                previousIsDot = true
            } else {
                if scalar.isASCII {
                    guard isAtext(UInt8(scalar.value)) else { throw invalidLocalPartCharacter(scalar) }
                } else {
                    try checkSafe(scalar, isFirst: isFirst, part: "before the @")
                }
                previousIsDot = false
            }
            isFirst = false
        }
        if previousIsDot {
            throw EmailSyntaxError(
                code: .invalidLocalPart,
                message: "The part before the @ ends with a dot; remove it."
            )
        }
    }

    /// The content of a quoted local part (between the quotes, escapes still in), in the form with the
    /// fewest quotes: without them when the content is a dot-atom, else quoted with `"` and `\`
    /// escaped. Escapes are read liberally (`\x` is `x`); what they stand for must be printable.
    private static func parseQuoted(_ quoted: Slice<UnsafeBufferPointer<UInt8>>) throws(EmailSyntaxError) -> String {
        var content: [UInt8] = []
        content.reserveCapacity(quoted.count)
        var escaped = false
        for byte in quoted {
            if !escaped && byte == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            escaped = false
            content.append(byte)
        }
        guard !content.isEmpty else {
            throw EmailSyntaxError(
                code: .invalidLocalPart,
                message: "The quotes before the @ hold nothing; add the mailbox name."
            )
        }
        var text = String(decoding: content, as: UTF8.self)
        var isFirst = true
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                guard scalar.value >= 0x20, scalar.value < 0x7F else {
                    throw EmailSyntaxError(
                        code: .unsafeCharacter,
                        message: "The part before the @ has \(EmailSyntaxError.shown(scalar)), a control character; "
                            + "remove it."
                    )
                }
            } else {
                try checkSafe(scalar, isFirst: isFirst, part: "before the @")
            }
            isFirst = false
        }
        if !content.allSatisfy({ $0 < 0x80 }) {
            text = text.precomposedStringWithCanonicalMapping
        }
        if isDotAtom(text) { return text }
        var requoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { requoted.unicodeScalars.append("\\") }
            requoted.unicodeScalars.append(scalar)
        }
        requoted.unicodeScalars.append("\"")
        return requoted
    }

    /// Whether quoted content could be written without quotes.
    private static func isDotAtom(_ text: String) -> Bool {
        var previousIsDot = true
        for scalar in text.unicodeScalars {
            if scalar == "." {
                if previousIsDot { return false }
                previousIsDot = true
            } else {
                if scalar.isASCII, !isAtext(UInt8(scalar.value)) { return false }
                previousIsDot = false
            }
        }
        return !previousIsDot
    }

    /// Refuses a non-ASCII character that is invisible, looks like a space, changes the display of
    /// what surrounds it, or is not assigned: the letters, marks, numbers, punctuation and symbols of
    /// Unicode are accepted, a combining mark only when it is not first, where it would combine with
    /// whatever precedes it.
    static func checkSafe(
        _ scalar: Unicode.Scalar,
        isFirst: Bool,
        part: String
    ) throws(EmailSyntaxError) {
        let problem: String
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark:
            guard isFirst else { return }
            problem = "a combining mark with nothing to combine with"
        case .spaceSeparator:
            // Only the ASCII space, and only in quotes: other spaces look like it, or like nothing.
            problem = "a space character other than the ordinary space"
        case .lineSeparator, .paragraphSeparator:
            problem = "a line break"
        case .control, .format:
            problem = "an invisible control or formatting character"
        case .surrogate, .privateUse, .unassigned:
            problem = "a code point that is private or not assigned"
        default:
            return
        }
        throw EmailSyntaxError(
            code: .unsafeCharacter,
            message: "The part \(part) has \(EmailSyntaxError.shown(scalar)), \(problem); remove it."
        )
    }

    private static func dotError(atStart: Bool) -> EmailSyntaxError {
        EmailSyntaxError(
            code: .invalidLocalPart,
            message: atStart
                ? "The part before the @ starts with a dot; remove it."
                : "The part before the @ has two dots in a row; remove one."
        )
    }

    private static func invalidLocalPartCharacter(_ scalar: Unicode.Scalar) -> EmailSyntaxError {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            return EmailSyntaxError(
                code: .unsafeCharacter,
                message: "The part before the @ has \(EmailSyntaxError.shown(scalar)), a control character; remove it."
            )
        }
        return EmailSyntaxError(
            code: .invalidLocalPart,
            message: "The part before the @ has \(EmailSyntaxError.shown(scalar)), which an address can only have "
                + "inside quotes; remove it."
        )
    }
}
