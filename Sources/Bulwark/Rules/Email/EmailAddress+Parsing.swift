/// The parse of a whole address: where the `@` is, the two parts, and the overall length.
extension EmailAddress {
    typealias ParseResult = Result<EmailAddress, EmailSyntaxError>

    /// The parse as a value: `withContiguousStorageIfAvailable` rethrows untyped errors.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: EmailSyntaxOptions) -> ParseResult {
        do {
            return .success(try parseAddress(bytes, options: options))
        } catch {
            return .failure(error)
        }
    }

    private static func parseAddress(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: EmailSyntaxOptions
    ) throws(EmailSyntaxError) -> EmailAddress {
        try checkSurroundingWhitespace(bytes)
        let (at, isQuoted) = try separator(bytes)
        let localPart = try parseLocalPart(bytes, 0..<at, isQuoted: isQuoted, options: options)

        let domainRange = (at + 1)..<bytes.count
        guard !domainRange.isEmpty else {
            throw EmailSyntaxError(
                code: .invalidDomain,
                message: "There is nothing after the @; add the domain, as in name@example.com."
            )
        }
        let domain: String
        let asciiDomain: String
        let isLiteral = bytes[domainRange.lowerBound] == UInt8(ascii: "[")
        if isLiteral {
            guard options.allowDomainLiteral else {
                throw EmailSyntaxError(
                    code: .domainLiteralNotAllowed,
                    message: "An IP address in brackets after the @ is not accepted here; use the domain name."
                )
            }
            domain = try parseDomainLiteral(bytes, domainRange)
            asciiDomain = domain
        } else {
            (domain, asciiDomain) = try parseDomainName(bytes, domainRange, options: options)
        }

        // RFC 5321's limit applies to the address as sent; the input, the normalised form and the
        // ASCII form may each be the one that is sent, and their lengths differ.
        let localLength = localPart.utf8.count
        let longest = max(bytes.count, localLength + 1 + domain.utf8.count, localLength + 1 + asciiDomain.utf8.count)
        guard longest <= maxLength else {
            throw EmailSyntaxError(
                code: .tooLong,
                message: "The address is \(longest) bytes long; an email address has at most \(maxLength) "
                    + "(shorten it by \(longest - maxLength))."
            )
        }
        return EmailAddress(localPart: localPart, domain: domain, asciiDomain: asciiDomain, isDomainLiteral: isLiteral)
    }

    /// Spaces or line breaks around an address are the commonest slip of a form; say so plainly.
    private static func checkSurroundingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) throws(EmailSyntaxError) {
        func isWhitespace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
        }
        if let first = bytes.first, isWhitespace(first) {
            throw EmailSyntaxError(
                code: .invalidLocalPart,
                message: "The address starts with a space or a line break; remove it."
            )
        }
        if let last = bytes.last, isWhitespace(last) {
            throw EmailSyntaxError(
                code: .invalidDomain,
                message: "The address ends with a space or a line break; remove it."
            )
        }
    }

    /// The index of the `@` that separates the parts, and whether the local part is a quoted string.
    /// In a quoted local part an `@` may appear inside the quotes; otherwise the first `@` separates.
    private static func separator(_ bytes: UnsafeBufferPointer<UInt8>) throws(EmailSyntaxError) -> (Int, Bool) {
        let at = UInt8(ascii: "@")
        if bytes[0] == UInt8(ascii: "\"") {
            var index = 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"):
                    index += 2
                case UInt8(ascii: "\""):
                    guard index + 1 < bytes.count else { throw missingAt(bytes) }
                    guard bytes[index + 1] == at else {
                        throw EmailSyntaxError(
                            code: .invalidLocalPart,
                            message: "Only the @ may follow the closing quote of the part before the @."
                        )
                    }
                    return (index + 1, true)
                default:
                    index += 1
                }
            }
            guard bytes.contains(at) else { throw missingAt(bytes) }
            throw EmailSyntaxError(
                code: .invalidLocalPart,
                message: "The quote that opens the part before the @ is never closed; add the closing quote (\")."
            )
        }
        guard let index = bytes.firstIndex(of: at) else { throw missingAt(bytes) }
        return (index, false)
    }

    private static func missingAt(_ bytes: UnsafeBufferPointer<UInt8>) -> EmailSyntaxError {
        // The full-width ＠ (U+FF20) and the small ﹫ (U+FE6B) are typed by CJK input methods.
        let fullWidth: [UInt8] = [0xEF, 0xBC, 0xA0]
        let small: [UInt8] = [0xEF, 0xB9, 0xAB]
        var index = 0
        while index + 2 < bytes.count {
            let window = bytes[index..<(index + 3)]
            if window.elementsEqual(fullWidth) || window.elementsEqual(small) {
                return EmailSyntaxError(
                    code: .missingAt,
                    message: "The address has a full-width or small at sign (＠ or ﹫) instead of @; type the "
                        + "ASCII @."
                )
            }
            index += 1
        }
        return EmailSyntaxError(code: .missingAt, message: "The address has no @; it looks like name@example.com.")
    }
}

extension EmailAddress {
    /// RFC 5322 `atext`: letters, digits and ``!#$%&'*+-/=?^_`{|}~``, as bits of ASCII 0–63 and 64–127.
    private static let atextLow: UInt64 = 0xA3FF_ACFA_0000_0000
    private static let atextHigh: UInt64 = 0x7FFF_FFFF_C7FF_FFFE
    /// Lower-case letters, digits and the hyphen: what an ASCII label holds after lower-casing.
    private static let letterDigitHyphenLow: UInt64 = 0x03FF_2000_0000_0000
    private static let letterDigitHyphenHigh: UInt64 = 0x07FF_FFFE_0000_0000

    static func isAtext(_ byte: UInt8) -> Bool {
        byte < 64 ? atextLow & (1 << UInt64(byte)) != 0 : byte < 128 && atextHigh & (1 << UInt64(byte - 64)) != 0
    }

    /// Whether `byte` is a lower-case ASCII letter, a digit or a hyphen.
    static func isLetterDigitHyphen(_ byte: UInt8) -> Bool {
        byte < 64
            ? letterDigitHyphenLow & (1 << UInt64(byte)) != 0
            : byte < 128 && letterDigitHyphenHigh & (1 << UInt64(byte - 64)) != 0
    }

    static func isUppercaseLetter(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }
}
