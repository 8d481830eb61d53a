/// The part after the `@` when it is a name: labels of letters, digits and hyphens (RFC 1123
/// section 2.1) once internationalised labels are converted to A-labels, and a real top-level domain
/// unless ``EmailSyntaxOptions/requireTopLevelDomain`` is off.
extension EmailAddress {
    static func parseDomainName(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        options: EmailSyntaxOptions
    ) throws(EmailSyntaxError) -> (unicode: String, ascii: String) {
        let part = UnsafeBufferPointer(rebasing: bytes[range])
        let unicode: String
        let ascii: String
        if part.allSatisfy({ $0 < 0x80 }) {
            (unicode, ascii) = try parseASCIIDomain(part)
        } else {
            (unicode, ascii) = try parseUnicodeDomain(String(decoding: part, as: UTF8.self))
        }
        if ascii.utf8.count > maxDomainLength {
            throw EmailSyntaxError(
                code: .domainTooLong,
                message: "The part after the @ is \(ascii.utf8.count) characters long in ASCII; a domain can have "
                    + "at most \(maxDomainLength)."
            )
        }
        if options.requireTopLevelDomain { try checkTopLevelDomain(ascii) }
        return (unicode, ascii)
    }

    /// The fast path: one pass over the bytes checks characters and labels and notes upper case and
    /// A-labels; only a domain with `xn--` labels goes on to IDNA.
    private static func parseASCIIDomain(
        _ part: UnsafeBufferPointer<UInt8>
    ) throws(EmailSyntaxError) -> (unicode: String, ascii: String) {
        guard part.count <= maxDomainLength else {
            throw EmailSyntaxError(
                code: .domainTooLong,
                message: "The part after the @ is \(part.count) characters long; a domain can have at most "
                    + "\(maxDomainLength)."
            )
        }
        var hasUppercase = false
        var hasALabel = false
        var labelStart = 0
        for index in 0...part.count {
            if index < part.count {
                let byte = part[index]
                if byte != UInt8(ascii: ".") {
                    if isUppercaseLetter(byte) {
                        hasUppercase = true
                    } else if !isLetterDigitHyphen(byte) {
                        throw invalidDomainCharacter(Unicode.Scalar(byte))
                    }
                    continue
                }
            }
            let label = UnsafeBufferPointer(rebasing: part[labelStart..<index])
            guard !label.isEmpty else {
                throw emptyLabelError(isFirst: labelStart == 0, isLast: index == part.count)
            }
            if try checkASCIILabel(label) { hasALabel = true }
            labelStart = index + 1
        }
        let ascii: String
        if hasUppercase {
            ascii = String(unsafeUninitializedCapacity: part.count) { buffer in
                for (index, byte) in part.enumerated() { buffer[index] = isUppercaseLetter(byte) ? byte | 0x20 : byte }
                return part.count
            }
        } else {
            ascii = String(decoding: part, as: UTF8.self)
        }
        return (hasALabel ? try IDNA.unicodeForm(ofASCIIDomain: ascii) : ascii, ascii)
    }

    /// A domain with non-ASCII characters: the characters are checked as typed, then IDNA maps,
    /// checks and converts it.
    private static func parseUnicodeDomain(
        _ text: String
    ) throws(EmailSyntaxError) -> (unicode: String, ascii: String) {
        var count = 0
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                if byte != UInt8(ascii: "."), !isUppercaseLetter(byte), !isLetterDigitHyphen(byte) {
                    throw invalidDomainCharacter(scalar)
                }
            } else {
                try checkSafe(scalar, isFirst: count == 0, part: "after the @")
            }
            count += 1
        }
        guard count <= maxDomainLength else {
            throw EmailSyntaxError(
                code: .domainTooLong,
                message: "The part after the @ is \(count) characters long; a domain can have at most "
                    + "\(maxDomainLength)."
            )
        }
        return try IDNA.convert(unicodeDomain: text)
    }

    /// Checks an ASCII label (either case): its length, and hyphens neither at its ends nor in its
    /// third and fourth places unless it is an A-label (`xn--`), since IDNA reserves those labels
    /// (RFC 5891 section 4.2.3.1). Returns whether it is an A-label.
    static func checkASCIILabel(_ label: some BidirectionalCollection<UInt8>) throws(EmailSyntaxError) -> Bool {
        let count = label.count
        guard count <= IDNA.maxLabelLength else {
            throw EmailSyntaxError(
                code: .domainTooLong,
                message: "The label '\(shownLabel(label))' of the domain is \(count) characters long; a label "
                    + "between dots can have at most \(IDNA.maxLabelLength)."
            )
        }
        guard let first = label.first, let last = label.last else { return false }
        if first == UInt8(ascii: "-") || last == UInt8(ascii: "-") {
            throw EmailSyntaxError(
                code: .invalidDomain,
                message: "The label '\(shownLabel(label))' of the domain starts or ends with a hyphen; remove it."
            )
        }
        guard count >= 4 else { return false }
        let second = label.index(after: label.startIndex)
        let third = label.index(after: second)
        guard label[third] == UInt8(ascii: "-"), label[label.index(after: third)] == UInt8(ascii: "-") else {
            return false
        }
        guard first | 0x20 == UInt8(ascii: "x"), label[second] | 0x20 == UInt8(ascii: "n") else {
            throw EmailSyntaxError(
                code: .invalidDomain,
                message: "The label '\(shownLabel(label))' of the domain has hyphens in its third and fourth "
                    + "places, which only internationalised (xn--) labels may have."
            )
        }
        return true
    }

    static func emptyLabelError(isFirst: Bool, isLast: Bool) -> EmailSyntaxError {
        let message =
            if isFirst {
                "The part after the @ starts with a dot; remove it."
            } else if isLast {
                "The domain ends with a dot; remove it."
            } else {
                "The domain has two dots in a row; remove one."
            }
        return EmailSyntaxError(code: .invalidDomain, message: message)
    }

    /// A top-level domain that can exist: a dot, a last label that ends with a letter (every TLD in
    /// the root zone does, so no TLD is all digits), and not a special-use name.
    private static func checkTopLevelDomain(_ ascii: String) throws(EmailSyntaxError) {
        var ascii = ascii
        if let problem = ascii.withUTF8(topLevelDomainProblem) { throw problem }
    }

    private static func topLevelDomainProblem(_ domain: UnsafeBufferPointer<UInt8>) -> EmailSyntaxError? {
        guard let dot = domain.lastIndex(of: UInt8(ascii: ".")) else {
            return EmailSyntaxError(
                code: .missingTopLevelDomain,
                message: "The domain '\(EmailSyntaxError.shown(String(decoding: domain, as: UTF8.self)))' has no "
                    + "top-level domain; it looks like example.com."
            )
        }
        let topLevel = UnsafeBufferPointer(rebasing: domain[(dot + 1)...])
        if let last = topLevel.last, !(last >= UInt8(ascii: "a") && last <= UInt8(ascii: "z")) {
            return EmailSyntaxError(
                code: .missingTopLevelDomain,
                message: "The domain ends in '\(EmailSyntaxError.shown(String(decoding: topLevel, as: UTF8.self)))', "
                    + "which is not a top-level domain; top-level domains end with a letter."
            )
        }
        // Special-use names (RFC 6761, 6762, 7686, and arpa): nothing under them receives Internet mail.
        guard [4, 5, 7, 9].contains(topLevel.count) else { return nil }
        let name = String(decoding: topLevel, as: UTF8.self)
        switch name {
        case "arpa", "invalid", "local", "localhost", "onion", "test":
            return EmailSyntaxError(
                code: .reservedDomain,
                message: "The domain is under .\(name), a special-use name that cannot receive mail from the Internet."
            )
        default:
            return nil
        }
    }

    private static func invalidDomainCharacter(_ scalar: Unicode.Scalar) -> EmailSyntaxError {
        if scalar.value < 0x20 || scalar.value == 0x7F {
            return EmailSyntaxError(
                code: .unsafeCharacter,
                message: "The part after the @ has \(EmailSyntaxError.shown(scalar)), a control character; remove it."
            )
        }
        let hint =
            switch scalar {
            case "@": "; an address has one @ only, unless the part before it is in quotes"
            case "_": "; domain names use hyphens, not underscores"
            case ",", ";": "; give one address at a time"
            default: "; check the spelling of the domain"
            }
        return EmailSyntaxError(
            code: .invalidDomain,
            message: "The part after the @ has \(EmailSyntaxError.shown(scalar)), which domain names cannot have"
                + hint + "."
        )
    }

    private static func shownLabel(_ label: some Collection<UInt8>) -> String {
        EmailSyntaxError.shown(String(decoding: label, as: UTF8.self))
    }
}
